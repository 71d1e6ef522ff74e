import crypto from 'node:crypto'
import type { X509Certificate } from '@sigstore/core'
import { TrustedRoot } from '@sigstore/protobuf-specs'
import { toTrustMaterial, type TrustMaterial, type VerifierOptions } from '@sigstore/verify'
import { InputError, TrustError, describe } from '../errors.js'
import { LIMITS } from '../limits.js'
import { readLimited, utf8 } from '../util/read-file.js'

/**
 * A Sigstore instance. Public-good: fulcio.sigstore.dev with Rekor and CT. GitHub: GitHub's own
 * Sigstore for private repositories (fulcio.githubapp.com, a timestamp authority, no Rekor, no CT).
 */
export type Instance = 'public-good' | 'github'

/** The issuer organisation of every certificate GitHub's Fulcio issues (gh: GitHubIssuerOrg). */
export const GITHUB_ISSUER_ORG = 'GitHub, Inc.'

/**
 * What bundles are verified against; never taken from the registry or the bundle itself. Each
 * instance has its own material, and a certificate is only ever checked against its own (T12).
 */
export interface Trust {
  /** Public-good material; with `trusted-root`, the material for every instance. */
  publicGood: TrustMaterial
  /** GitHub's instance: with `trusted-root` that same file, else present once `withGithub` ran. */
  github?: TrustMaterial
  /** Loads GitHub's material (once per run); absent when nothing more may be loaded. */
  loadGithub?: () => Promise<TrustMaterial>
  /** True when `public-key` was given: bundles must be signed by that key. */
  keyed: boolean
}

/** Loads a trusted_root.json through TUF (cached between runs). */
export type TrustedRootLoader = () => Promise<TrustedRoot>
export type PublicGoodLoader = TrustedRootLoader

export interface TrustOptions {
  trustedRootPath?: string
  publicKeyPath?: string
  loadPublicGood: TrustedRootLoader
  /** GitHub's root through TUF; without it, certificates GitHub issued are refused. */
  loadGithubRoot?: TrustedRootLoader
}

/** Builds the trust material from the inputs; errors name the input that was wrong. */
export async function loadTrust(options: TrustOptions): Promise<Trust> {
  const given =
    options.trustedRootPath === undefined
      ? undefined
      : parseTrustedRoot(readInput(options.trustedRootPath, 'trusted-root'), 'trusted-root')
  const key =
    options.publicKeyPath === undefined
      ? undefined
      : parsePublicKey(readInput(options.publicKeyPath, 'public-key'))
  const keyed = key !== undefined
  if (given !== undefined) {
    // The user's file is the only trust material there is: every instance verifies against it.
    const material = toMaterial(given, key)
    return { publicGood: material, github: material, keyed }
  }
  const root = await loadRoot(options.loadPublicGood, 'the Sigstore public-good trusted root')
  const publicGood = toMaterial(root, key)
  // A key-signed bundle has no certificate, so it never needs GitHub's certificate authority.
  const loadGithubRoot = options.loadGithubRoot
  if (keyed || loadGithubRoot === undefined) return { publicGood, keyed }
  let github: Promise<TrustMaterial> | undefined
  const loadGithub = (): Promise<TrustMaterial> =>
    (github ??= loadRoot(loadGithubRoot, "GitHub's Sigstore trusted root").then((r) =>
      toTrustMaterial(r),
    ))
  return { publicGood, loadGithub, keyed }
}

/** The trust with GitHub's material loaded, when it can be; loads at most once per run. */
export async function withGithub(trust: Trust): Promise<Trust> {
  if (trust.github !== undefined || trust.loadGithub === undefined) return trust
  return { ...trust, github: await trust.loadGithub() }
}

/** Which instance issued a certificate: its issuer's organisation decides, as in gh. */
export function instanceOf(certificate: X509Certificate): Instance {
  const orgs = issuerOrganisations(certificate)
  return orgs.length === 1 && orgs[0] === GITHUB_ISSUER_ORG ? 'github' : 'public-good'
}

/** The material a certificate from `instance` is verified against; undefined when not loaded. */
export function materialFor(trust: Trust, instance: Instance): TrustMaterial | undefined {
  return instance === 'github' ? trust.github : trust.publicGood
}

// What each instance must show (gh verification/sigstore.go): public-good certificates need an SCT,
// a log entry and a verified time; GitHub's instance has no log and no CT, only a signed timestamp.
const CERTIFICATE_THRESHOLDS: Record<Instance, VerifierOptions> = {
  'public-good': { tlogThreshold: 1, ctlogThreshold: 1, timestampThreshold: 1 },
  github: { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 1 },
}

// A configured key is itself the trust anchor: log entries and timestamps that are present are
// still verified, but none is required (cosign --key wants a log entry; SECURITY.md says why not).
const KEY_THRESHOLDS: VerifierOptions = {
  tlogThreshold: 0,
  ctlogThreshold: 0,
  timestampThreshold: 0,
}

/** The @sigstore/verify thresholds for a certificate from `instance`, or for a configured key. */
export function thresholdsFor(instance: Instance | 'key'): VerifierOptions {
  return instance === 'key' ? KEY_THRESHOLDS : CERTIFICATE_THRESHOLDS[instance]
}

const ORGANIZATION_OID = '2.5.4.10'

// The issuer Name, read from DER (RDNSequence of SETs of {type, value}): no string DN parsing,
// which commas in "GitHub, Inc." and escaped values would make ambiguous.
function issuerOrganisations(certificate: X509Certificate): string[] {
  try {
    const issuer = certificate.tbsCertificate.subs[3]
    return (issuer?.subs ?? [])
      .flatMap((rdn) => rdn.subs)
      .filter((attribute) => attribute.subs[0]?.toOID() === ORGANIZATION_OID)
      .map((attribute) => attribute.subs[1]?.value.toString('utf8') ?? '')
  } catch {
    return []
  }
}

/** Parses and checks a `trusted_root.json`; `input` names where it came from. */
export function parseTrustedRoot(text: string, input: string): TrustedRoot {
  let root: TrustedRoot
  try {
    root = TrustedRoot.fromJSON(JSON.parse(text))
  } catch (error) {
    throw new InputError(`The \`${input}\` input is not a trusted_root.json: ${describe(error)}.`, {
      cause: error,
    })
  }
  // sigstore-js treats a missing start as "valid since 1970"; we refuse such a root outright
  // (sigstore-conformance trust-root-tlog-missing-validity-start_fail).
  const keyed = [...root.tlogs, ...root.ctlogs].map((log) => log.publicKey?.validFor?.start)
  const cas = [...root.certificateAuthorities, ...root.timestampAuthorities].map(
    (ca) => ca.validFor?.start,
  )
  if ([...keyed, ...cas].some((start) => start === undefined)) {
    throw new InputError(`The \`${input}\` input has a key or authority without validFor.start.`)
  }
  return root
}

function toMaterial(root: TrustedRoot, key: crypto.KeyObject | undefined): TrustMaterial {
  if (key === undefined) return toTrustMaterial(root)
  // A configured key answers every key hint: the bundle cannot choose another key (T: GHSA-fx35).
  return toTrustMaterial(root, () => ({ publicKey: key, validFor: () => true }))
}

function parsePublicKey(text: string): crypto.KeyObject {
  try {
    return crypto.createPublicKey(text)
  } catch (error) {
    throw new InputError('The `public-key` input is not a PEM public key.', { cause: error })
  }
}

function readInput(file: string, input: string): string {
  try {
    return utf8(readLimited(file, LIMITS.trustFileBytes), file)
  } catch (error) {
    throw new InputError(
      `The \`${input}\` input names a file that cannot be read: ${describe(error)}.`,
      {
        cause: error,
      },
    )
  }
}

async function loadRoot(load: TrustedRootLoader, what: string): Promise<TrustedRoot> {
  try {
    return await load()
  } catch (error) {
    throw new TrustError(`Failed to load ${what} through TUF: ${describe(error)}`, {
      cause: error,
    })
  }
}
