// Shared by the security catalog tests of groups A (cryptographic binding), B (attestation
// semantics) and G (identity policy): run the gate while recording every request it makes, assert
// that nothing was accepted, replay sigstore-conformance cases through the CLI, and build hostile
// Sigstore material (same-key signatures, spliced envelopes, bit flips) on the mini Sigstore.
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { Writable } from 'node:stream'
import { bundleToJSON, type SerializedBundle } from '@sigstore/bundle'
import {
  DSSEBundleBuilder,
  MessageSignatureBundleBuilder,
  type Signature,
  type Signer,
  type Witness,
} from '@sigstore/sign'
import { main } from '../../src/cli.js'
import { parseInputs } from '../../src/inputs.js'
import { run, type Deps } from '../../src/main.js'
import { exitCode } from '../../src/report/result.js'
import type { CheckedEvidence, Finding, GateResult, ImageResult } from '../../src/types.js'
import { CONFORMANCE, PRODUCTION_ROOT } from '../conformance/harness.js'
import { testDeps } from '../helpers/gate.js'
import { recordingTransport } from '../helpers/transport.js'
import {
  INTOTO_PAYLOAD_TYPE,
  MockRekorWitness,
  derToPem,
  githubIdentity,
  inTotoStatement,
  type Identity,
  type MiniSigstore,
  type RekorEntry,
} from '../helpers/mini-sigstore.js'
import { MT, pushImage, uniqueRepo } from '../helpers/registry.js'
import { BUNDLE_ANNOTATIONS } from '../helpers/publish.js'
import { attachArtifactToImage, type Credentials } from '@sigstore/oci'

export const SLSA = 'https://slsa.dev/provenance/v1'
export const CYCLONEDX = 'https://cyclonedx.org/bom'
export const VULN = 'https://cosign.sigstore.dev/attestation/vuln/v1'
export const GHA_ISSUER = 'https://token.actions.githubusercontent.com'
export const APP_SAN = 'https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v1.0.0'
export const BEACON =
  'https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main'

/** A gate run and every URL it fetched. */
export interface GateRun {
  result: GateResult
  urls: string[]
}

/**
 * Runs the gate as the action does (inputs parsed the same way, the test registry allowed over
 * plain HTTP) with a fetch that records every URL. Asserts that no request went anywhere but the
 * test registry: no Rekor lookup, no TUF refresh, no "online fallback" (catalog T06/T07).
 */
export async function gateRun(
  host: string,
  values: Record<string, string>,
  deps: Partial<Deps> = {},
): Promise<GateRun> {
  const { transport, urls } = recordingTransport()
  const inputs = await parseInputs(
    (name) => ({ 'insecure-registries': host, ...values })[name] ?? '',
  )
  const result = await run(inputs, { ...testDeps(), transport, ...deps })
  const allowed = new Set([host, ...(deps.githubApiUrl ? [new URL(deps.githubApiUrl).host] : [])])
  for (const url of urls) expect(allowed).toContain(new URL(url).host)
  return { result, urls }
}

/** The only image of a one-image result. */
export function onlyImage(result: GateResult): ImageResult {
  expect(result.images).toHaveLength(1)
  return result.images[0]!
}

export interface RefusalExpectation {
  /** The reason the rejected piece(s) carry; at least one piece must match. */
  reason?: RegExp
  /** The requirement that must fail (default: every requirement). */
  requirement?: string
  /** Pieces allowed to verify (genuine evidence that must still not satisfy the requirement). */
  verified?: (e: CheckedEvidence) => boolean
}

/**
 * The gate refused: exit 1 (not 0, and not 2: the evidence was read and judged), verdict fail,
 * the requirement failed, and no piece verified unless `verified` names it. Returns the image.
 */
export function expectRefused(result: GateResult, expectation: RefusalExpectation = {}) {
  expect(exitCode(result)).toBe(1)
  expect(result.verdict).toBe('fail')
  const image = onlyImage(result)
  expect(image.verdict).toBe('fail')
  expect(image.error).toBeUndefined()
  const findings = image.findings.filter(
    (f) => expectation.requirement === undefined || f.requirement === expectation.requirement,
  )
  expect(findings.length).toBeGreaterThan(0)
  for (const f of findings) expect(f.status).toBe('fail')
  for (const e of image.evidence) {
    if (expectation.verified?.(e)) continue
    expect({ location: e.location, verified: e.verified }).toEqual({
      location: e.location,
      verified: false,
    })
  }
  if (expectation.reason !== undefined) {
    const errors = image.evidence.map((e) => e.error ?? '')
    expect(errors).toEqual(expect.arrayContaining([expect.stringMatching(expectation.reason)]))
    const matching = image.evidence.filter((e) => expectation.reason!.test(e.error ?? ''))
    // The finding names each signed piece and why it was not verified (one entry per candidate);
    // a piece that could not even be read as a bundle is counted as unreadable.
    const listed = matching.some((e) => e.signed) ? 'not verified (' : 'unsigned or unreadable'
    expect(findings.some((f) => f.actual.includes(listed))).toBe(true)
  }
  return { image, findings, evidence: image.evidence }
}

/** The one finding for `requirement`. */
export function finding(image: ImageResult, requirement: string): Finding {
  const found = image.findings.find((f) => f.requirement === requirement)
  if (!found) throw new Error(`no finding for ${requirement}`)
  return found
}

/** The errors of every piece, for messages. */
export const reasons = (image: ImageResult): string[] => image.evidence.map((e) => e.error ?? '')

// -------------------------------------------------------------------------------------------
// The CLI, with injected output.

export interface CliRun {
  code: number
  stdout: string
  stderr: string
}

/** Runs `supply-chain-gate <argv>` with captured output and an empty environment. */
export async function cli(argv: string[]): Promise<CliRun> {
  let stdout = ''
  let stderr = ''
  const sink = (append: (s: string) => void): Writable =>
    new Writable({
      write(chunk: Buffer | string, _encoding, callback) {
        append(chunk.toString())
        callback()
      },
    })
  const code = await main(argv, {
    env: {},
    stdout: sink((s) => (stdout += s)),
    stderr: sink((s) => (stderr += s)),
  })
  return { code, stdout, stderr }
}

/**
 * Replays one sigstore-conformance case through `supply-chain-gate verify-bundle`, with the case's
 * own artifact, identity, issuer, key and trusted root (the suite's layout; offline).
 */
export async function replay(name: string): Promise<CliRun> {
  const dir = path.join(CONFORMANCE, name)
  const file = (f: string): string | undefined =>
    fs.existsSync(path.join(dir, f)) ? path.join(dir, f) : undefined
  const text = (f: string): string | undefined => {
    const p = file(f)
    return p === undefined ? undefined : fs.readFileSync(p, 'utf8').trim()
  }
  const key = file('key.pub')
  const argv = ['verify-bundle', '--bundle', path.join(dir, 'bundle.sigstore.json')]
  if (key !== undefined) argv.push('--key', key)
  else {
    argv.push('--certificate-identity', text('identity') ?? BEACON)
    argv.push('--certificate-oidc-issuer', text('issuer') ?? GHA_ISSUER)
  }
  argv.push('--trusted-root', file('trusted_root.json') ?? PRODUCTION_ROOT)
  argv.push(file('artifact') ?? path.join(CONFORMANCE, 'a.txt'))
  return cli(argv)
}

/** A `_fail` conformance case: exit 1, nothing on stdout, the reason on stderr. */
export async function expectReplayFails(name: string, reason: RegExp): Promise<void> {
  const out = await replay(name)
  expect({ name, code: out.code, stdout: out.stdout }).toEqual({ name, code: 1, stdout: '' })
  expect(out.stderr).toMatch(/^verification failed: /)
  expect(out.stderr).toMatch(reason)
}

// -------------------------------------------------------------------------------------------
// Images and statements.

export interface TestImage {
  repo: string
  digest: string
  ref: string
}

/** A fresh single-platform image in its own repository on the shared registry. */
export async function newImage(host: string, prefix: string, text?: string): Promise<TestImage> {
  const repo = uniqueRepo(prefix)
  const { digest } = await pushImage(host, repo, 'v1', text === undefined ? {} : { text })
  return { repo, digest, ref: `${host}/${repo}:v1` }
}

/** An in-toto v1 statement about `digest`. */
export const statementFor = (digest: string, predicateType = SLSA, predicate: unknown = {}) =>
  inTotoStatement({ name: 'registry.test/acme/app', digest, predicateType, predicate })

/** DSSE pre-authentication encoding. */
export const pae = (type: string, body: Buffer): Buffer =>
  Buffer.concat([Buffer.from(`DSSEv1 ${Buffer.byteLength(type)} ${type} ${body.length} `), body])

/** Parsed JSON edited freely by the hostile cases (any shape, on purpose). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyJson = any

/** `value` without `keys`. */
export function without<T extends object>(value: T, ...keys: string[]): T {
  return Object.fromEntries(Object.entries(value).filter(([k]) => !keys.includes(k))) as T
}

/** A deep copy of a bundle, edited by `edit`. */
export function mutate<T>(bundle: T, edit: (b: AnyJson) => void): T {
  const copy = structuredClone(bundle)
  edit(copy)
  return copy
}

/** Base64 of the same bytes with one bit flipped in the middle. */
export function flipBit(base64: string): string {
  const bytes = Buffer.from(base64, 'base64')
  const i = Math.floor(bytes.length / 2)
  bytes[i] = bytes[i]! ^ 0x01
  return bytes.toString('base64')
}

// -------------------------------------------------------------------------------------------
// A signer that keeps its key: several signatures under one Fulcio certificate.

export interface KeyedSigner extends Signer {
  privateKey: crypto.KeyObject
  certPEM: string
  /** Signs `data` itself (no DSSE encoding), with the certificate's key. */
  raw(data: Buffer): Buffer
}

/** A Fulcio certificate from `ss` for `identity`, with its private key kept for more signatures. */
export async function keyedSigner(
  ss: MiniSigstore,
  identity: Identity = githubIdentity(),
  tamper: (signature: Buffer, data: Buffer) => Buffer = (s) => s,
): Promise<KeyedSigner> {
  const { publicKey, privateKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
  const der = await ss.ca.issueCertificate({
    publicKey: new Uint8Array(publicKey.export({ format: 'der', type: 'spki' })),
    subjectAltName: identity.san,
    extensions: identity.extensions,
  })
  const certPEM = derToPem(der)
  const raw = (data: Buffer): Buffer => crypto.sign('sha256', data, privateKey)
  return {
    privateKey,
    certPEM,
    raw,
    async sign(data: Buffer): Promise<Signature> {
      return {
        signature: tamper(raw(data), data),
        key: { $case: 'x509Certificate', certificate: certPEM },
      }
    },
  }
}

/** A DSSE bundle over `payload` by `signer`, logged in `ss`'s Rekor (or not, with `witnesses`). */
export async function dsseBundle(
  ss: MiniSigstore,
  signer: Signer,
  payload: Buffer | object,
  options: { payloadType?: string; witnesses?: Witness[] } = {},
): Promise<SerializedBundle> {
  const data = Buffer.isBuffer(payload) ? payload : Buffer.from(JSON.stringify(payload))
  const bundle = await new DSSEBundleBuilder({
    signer,
    witnesses: options.witnesses ?? [new MockRekorWitness(ss.tlog)],
  }).create({ data, type: options.payloadType ?? INTOTO_PAYLOAD_TYPE })
  return bundleToJSON(bundle)
}

/** A message-signature bundle over `data` by `signer`, and the raw Rekor entry that logged it. */
export async function messageBundle(
  ss: MiniSigstore,
  signer: Signer,
  data: Buffer,
): Promise<{ bundle: SerializedBundle; rekor: RekorEntry }> {
  const witness = new MockRekorWitness(ss.tlog)
  const bundle = await new MessageSignatureBundleBuilder({ signer, witnesses: [witness] }).create({
    data,
  })
  return { bundle: bundleToJSON(bundle), rekor: witness.lastRaw! }
}

/**
 * Attaches any bytes as a bundle referrer of the image (exactly as actions/attest would attach a
 * bundle): for layers that are not JSON, or JSON that JSON.stringify cannot write.
 */
export async function attachRaw(
  host: string,
  image: TestImage,
  bytes: Buffer,
  predicateType = SLSA,
): Promise<void> {
  await attachArtifactToImage({
    imageName: `${host}/${image.repo}`,
    imageDigest: image.digest,
    artifact: bytes,
    mediaType: MT.BUNDLE_V03,
    annotations: {
      [BUNDLE_ANNOTATIONS.CONTENT]: 'dsse-envelope',
      [BUNDLE_ANNOTATIONS.PREDICATE_TYPE]: predicateType,
    },
    credentials: undefined as unknown as Credentials,
  })
}
