// Evidence for release files kept as local files: Sigstore bundles (`cosign sign-blob --bundle`,
// `<file>.sigstore.json`, `<file>.sigstore`, `<file>.bundle`, the `bundle` input), JSON-lines
// files of bundles or DSSE envelopes (`*.intoto.jsonl`, as slsa-github-generator ships them and
// `gh attestation download` writes them), and cosign v2's own blob bundle format. Untrusted
// throughout: every piece is verified like any other bundle; the digests a piece claims only say
// which file it is about, and checking still binds it.
import crypto from 'node:crypto'
import fs from 'node:fs'
import { describe } from '../errors.js'
import { LIMITS } from '../limits.js'
import { isObject, type JsonObject } from '../util/json-object.js'
import {
  CosignLayerError,
  certificateRawBytes,
  rekorTlogEntry,
} from '../sources/cosign-annotations.js'
import { readLimited, utf8 } from '../util/read-file.js'

/** One piece read from a local file, before it is tied to the file it is checked against. */
export interface LocalPiece {
  /** `<path>`, or `<path> line <n>` for a JSON-lines file. */
  location: string
  /** The parsed JSON, when it parsed. */
  json?: unknown
  /** What it is, as far as its shape says. */
  form?: 'bundle' | 'dsse-envelope' | 'cosign-blob-bundle'
  /** Why it cannot be used (not JSON, an unknown shape, too large). */
  error?: string
  /** Digests (`sha256:<hex>`, `sha512:<hex>`) the piece says it is about: routing only. */
  claims: string[]
}

/** The file names next to a release file that hold its bundle, in the order they are read. */
export const SIDECAR_SUFFIXES = ['.sigstore.json', '.sigstore', '.bundle', '.intoto.jsonl'] as const

/**
 * True for a file the gate reads as evidence when it examines the files beside it: any
 * `*.intoto.jsonl`, and `<file><suffix>` next to an existing `<file>`. Nothing else is, whatever its
 * name: a `plugin.bundle` with no `plugin` beside it is a release file to check, not evidence.
 */
export function isEvidenceFile(file: string): boolean {
  if (file.endsWith('.intoto.jsonl')) return true
  return SIDECAR_SUFFIXES.some((suffix) => {
    if (!file.endsWith(suffix)) return false
    const subject = file.slice(0, -suffix.length)
    return fs.statSync(subject, { throwIfNoEntry: false })?.isFile() === true
  })
}

/** Reads every piece in one local evidence file; a file that cannot be read is one failed piece. */
export function readEvidenceFile(file: string, maxBytes: number): LocalPiece[] {
  let text: string
  try {
    text = utf8(readLimited(file, maxBytes), file)
  } catch (error) {
    return [{ location: file, error: `it cannot be read: ${describe(error)}`, claims: [] }]
  }
  if (!file.endsWith('.jsonl')) {
    // A bundle file holds one JSON document (pretty-printed or not).
    return [piece(file, text)]
  }
  const lines = text.split(/\r?\n/)
  const pieces = lines.flatMap((line, i) =>
    line.trim() === '' ? [] : [piece(`${file} line ${i + 1}`, line)],
  )
  if (pieces.length === 0) return [{ location: file, error: 'it holds no JSON lines', claims: [] }]
  if (pieces.length > LIMITS.evidencePerImage) {
    return [
      {
        location: file,
        error: `it holds more than ${LIMITS.evidencePerImage} lines; none were evaluated`,
        claims: [],
      },
    ]
  }
  return pieces
}

function piece(location: string, text: string): LocalPiece {
  let json: unknown
  try {
    json = JSON.parse(text) as unknown
  } catch {
    return { location, error: 'it is not JSON', claims: [] }
  }
  if (!isObject(json)) return { location, error: 'it is not a JSON object', claims: [] }
  if (typeof json['mediaType'] === 'string') {
    return { location, json, form: 'bundle', claims: bundleClaims(json) }
  }
  if (typeof json['payloadType'] === 'string' && Array.isArray(json['signatures'])) {
    return { location, json, form: 'dsse-envelope', claims: payloadClaims(json['payload']) }
  }
  if (typeof json['base64Signature'] === 'string') {
    return { location, json, form: 'cosign-blob-bundle', claims: cosignClaims(json) }
  }
  return {
    location,
    error: 'it is neither a Sigstore bundle, a DSSE envelope nor a cosign bundle',
    claims: [],
  }
}

/**
 * The Sigstore bundle to verify for one file, or why there is none. A DSSE envelope becomes a
 * bundle without log entries (it verifies only with a configured key: a certificate needs a
 * transparency-log entry, which a bare envelope lacks); a cosign v2 blob bundle becomes a v0.1
 * bundle over the file's sha256.
 */
export function toBundle(
  p: LocalPiece,
  sha256Hex: string,
): { bundle: unknown } | { error: string } {
  if (p.error !== undefined || p.json === undefined) return { error: p.error ?? 'unreadable' }
  try {
    if (p.form === 'dsse-envelope') return { bundle: envelopeBundle(p.json as JsonObject) }
    if (p.form === 'cosign-blob-bundle') {
      return { bundle: cosignBlobBundle(p.json as JsonObject, sha256Hex) }
    }
    return { bundle: p.json }
  } catch (error) {
    if (error instanceof CosignLayerError) return { error: error.message }
    throw error
  }
}

const BUNDLE_V01 = 'application/vnd.dev.sigstore.bundle+json;version=0.1'

function envelopeBundle(env: JsonObject): object {
  const { payloadType, payload, signatures } = env
  const list = signatures as unknown[]
  const [only] = list as ({ sig?: unknown; keyid?: unknown; cert?: unknown } | null)[]
  if (typeof payload !== 'string' || list.length !== 1 || typeof only?.sig !== 'string') {
    throw new CosignLayerError('the DSSE envelope must hold a payload and exactly one signature')
  }
  const keyid = typeof only.keyid === 'string' ? only.keyid : ''
  // slsa-github-generator's older envelopes carry the signing certificate next to the signature.
  const material =
    typeof only.cert === 'string' && only.cert.trim() !== ''
      ? { x509CertificateChain: { certificates: [{ rawBytes: certificateRawBytes(only.cert) }] } }
      : { publicKey: { hint: keyid } }
  return {
    mediaType: BUNDLE_V01,
    verificationMaterial: {
      ...material,
      tlogEntries: [],
      timestampVerificationData: { rfc3161Timestamps: [] },
    },
    dsseEnvelope: { payloadType, payload, signatures: [{ sig: only.sig, keyid }] },
  }
}

// cosign v2 `sign-blob --bundle`: {base64Signature, cert (base64 of a PEM), rekorBundle}.
function cosignBlobBundle(json: JsonObject, sha256Hex: string): object {
  const signature = json['base64Signature']
  const cert = json['cert']
  const rekor = json['rekorBundle']
  let material: object = { publicKey: { hint: '' } }
  if (typeof cert === 'string' && cert !== '') {
    const pem = cert.includes('-----BEGIN') ? cert : Buffer.from(cert, 'base64').toString('utf8')
    material = {
      x509CertificateChain: { certificates: [{ rawBytes: certificateRawBytes(pem) }] },
    }
  }
  return {
    mediaType: BUNDLE_V01,
    verificationMaterial: {
      ...material,
      tlogEntries:
        rekor === undefined || rekor === null ? [] : [rekorTlogEntry(JSON.stringify(rekor))],
      timestampVerificationData: { rfc3161Timestamps: [] },
    },
    messageSignature: {
      messageDigest: {
        algorithm: 'SHA2_256',
        digest: Buffer.from(sha256Hex, 'hex').toString('base64'),
      },
      signature,
    },
  }
}

function bundleClaims(bundle: JsonObject): string[] {
  const dsse = bundle['dsseEnvelope']
  if (isObject(dsse)) return payloadClaims(dsse['payload'])
  const message = bundle['messageSignature']
  const digest = isObject(message) ? message['messageDigest'] : undefined
  if (!isObject(digest) || typeof digest['digest'] !== 'string') return []
  const alg = { SHA2_256: 'sha256', SHA2_512: 'sha512' }[String(digest['algorithm'])]
  return alg === undefined
    ? []
    : [`${alg}:${Buffer.from(digest['digest'], 'base64').toString('hex')}`]
}

// The subjects of an in-toto statement, read without verifying anything.
function payloadClaims(payload: unknown): string[] {
  if (typeof payload !== 'string') return []
  try {
    const statement = JSON.parse(Buffer.from(payload, 'base64').toString('utf8')) as unknown
    const subjects = isObject(statement) ? statement['subject'] : undefined
    if (!Array.isArray(subjects)) return []
    return subjects.slice(0, LIMITS.subjectsPerStatement).flatMap((s: unknown) => {
      const digest = isObject(s) ? s['digest'] : undefined
      if (!isObject(digest)) return []
      return (['sha256', 'sha512'] as const).flatMap((alg) =>
        typeof digest[alg] === 'string' ? [`${alg}:${digest[alg]}`] : [],
      )
    })
  } catch {
    return []
  }
}

// cosign's hashedrekord entry names the artifact's sha256.
function cosignClaims(json: JsonObject): string[] {
  try {
    const body = (json['rekorBundle'] as { Payload?: { body?: unknown } } | undefined)?.Payload
      ?.body
    if (typeof body !== 'string') return []
    const entry = JSON.parse(Buffer.from(body, 'base64').toString('utf8')) as {
      spec?: { data?: { hash?: { algorithm?: unknown; value?: unknown } } }
    }
    const hash = entry.spec?.data?.hash
    return hash?.algorithm === 'sha256' && typeof hash.value === 'string'
      ? [`sha256:${hash.value}`]
      : []
  } catch {
    return []
  }
}

/** sha256 and sha512 of a file, streamed. */
export async function fileDigests(
  file: string,
): Promise<{ size: number; sha256: string; sha512: string }> {
  const sha256 = crypto.createHash('sha256')
  const sha512 = crypto.createHash('sha512')
  let size = 0
  for await (const chunk of fs.createReadStream(file)) {
    const buffer = chunk as Buffer
    size += buffer.length
    sha256.update(buffer)
    sha512.update(buffer)
  }
  return {
    size,
    sha256: `sha256:${sha256.digest('hex')}`,
    sha512: `sha512:${sha512.digest('hex')}`,
  }
}
