import crypto from 'node:crypto'
import fs from 'node:fs/promises'
import { TrustedRoot } from '@sigstore/protobuf-specs'
import { toTrustMaterial, type TrustMaterial } from '@sigstore/verify'
import { InputError, TrustError, describe } from '../errors.js'

/** What bundles are verified against; never taken from the registry or the bundle itself. */
export interface Trust {
  material: TrustMaterial
  /** True when `public-key` was given: bundles must be signed by that key. */
  keyed: boolean
}

/** Loads a trusted root for the public-good instance (through TUF, cached between runs). */
export type PublicGoodLoader = () => Promise<TrustedRoot>

export interface TrustOptions {
  trustedRootPath?: string
  publicKeyPath?: string
  loadPublicGood: PublicGoodLoader
}

/** Builds the trust material from the inputs; errors name the input that was wrong. */
export async function loadTrust(options: TrustOptions): Promise<Trust> {
  const root = options.trustedRootPath
    ? parseTrustedRoot(await readInput(options.trustedRootPath, 'trusted-root'), 'trusted-root')
    : await loadPublicGood(options.loadPublicGood)
  if (options.publicKeyPath === undefined) return { material: toTrustMaterial(root), keyed: false }
  const key = parsePublicKey(await readInput(options.publicKeyPath, 'public-key'))
  // A configured key answers every key hint: the bundle cannot choose another key (T: GHSA-fx35).
  const material = toTrustMaterial(root, () => ({ publicKey: key, validFor: () => true }))
  return { material, keyed: true }
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

function parsePublicKey(text: string): crypto.KeyObject {
  try {
    return crypto.createPublicKey(text)
  } catch (error) {
    throw new InputError('The `public-key` input is not a PEM public key.', { cause: error })
  }
}

async function readInput(file: string, input: string): Promise<string> {
  try {
    return await fs.readFile(file, 'utf8')
  } catch (error) {
    throw new InputError(`The \`${input}\` input names a file that cannot be read: ${file}.`, {
      cause: error,
    })
  }
}

async function loadPublicGood(load: PublicGoodLoader): Promise<TrustedRoot> {
  try {
    return await load()
  } catch (error) {
    throw new TrustError(
      `Failed to load the Sigstore public-good trusted root through TUF: ${describe(error)}`,
      {
        cause: error,
      },
    )
  }
}
