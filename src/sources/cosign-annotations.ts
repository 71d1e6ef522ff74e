// Reads the annotations cosign v2 writes on each `.sig` / `.att` layer (formats.md §a; cosign
// pkg/oci/static/signature.go, pkg/cosign/bundle/rekor.go and tsa.go). Pure; never trusted as is.

/** A bundle tlog entry in its JSON form (sigstore protobuf-specs TransparencyLogEntry). */
export interface TlogEntryJson {
  logIndex: string
  logId: { keyId: string }
  kindVersion: { kind: string; version: string }
  integratedTime: string
  inclusionPromise: { signedEntryTimestamp: string }
  canonicalizedBody: string
}

/** A bundle RFC 3161 timestamp in its JSON form. */
export interface TimestampJson {
  signedTimestamp: string
}

/** Layer annotation keys as cosign's code writes them (SIGNATURE_SPEC.md's prose differs). */
export const CosignAnnotation = {
  signature: 'dev.cosignproject.cosign/signature',
  certificate: 'dev.sigstore.cosign/certificate',
  bundle: 'dev.sigstore.cosign/bundle',
  timestamp: 'dev.sigstore.cosign/rfc3161timestamp',
  predicateType: 'predicateType',
} as const

/** A layer that cannot become a bundle; the message is the reason shown to the user. */
export class CosignLayerError extends Error {}

/** A string annotation; a missing or non-string value (registries send any JSON) is absent. */
export function annotation(annotations: unknown, key: string): string | undefined {
  if (typeof annotations !== 'object' || annotations === null) return undefined
  const value = (annotations as Record<string, unknown>)[key]
  return typeof value === 'string' ? value : undefined
}

// Exactly one PEM block: the annotation holds the leaf alone (the chain has its own annotation).
const PEM_CERTIFICATE =
  /^-----BEGIN CERTIFICATE-----\r?\n([A-Za-z0-9+/=\r\n]+)-----END CERTIFICATE-----\s*$/

/** The certificate annotation's DER, base64 (a bundle's `rawBytes`). */
export function certificateRawBytes(pem: string): string {
  const body = PEM_CERTIFICATE.exec(pem)?.[1]?.replace(/\r?\n/g, '')
  if (!isBase64(body)) {
    throw new CosignLayerError('the certificate annotation is not one PEM certificate')
  }
  return body
}

/**
 * Turns cosign's Rekor bundle annotation (`{SignedEntryTimestamp, Payload: {body, integratedTime,
 * logIndex, logID}}`) into a v0.1 bundle tlog entry whose inclusion promise is the SET; the SET
 * itself is checked later by sigstore-js against the trusted root's log keys.
 */
export function rekorTlogEntry(text: string): TlogEntryJson {
  const json = parseJson(text, 'the Rekor bundle annotation is not JSON') as {
    SignedEntryTimestamp?: unknown
    Payload?: { body?: unknown; integratedTime?: unknown; logIndex?: unknown; logID?: unknown }
  } | null
  const set = json?.SignedEntryTimestamp
  const { body, integratedTime, logIndex, logID } = json?.Payload ?? {}
  if (
    !isBase64(set) ||
    !isBase64(body) ||
    !isCount(integratedTime) ||
    !isCount(logIndex) ||
    typeof logID !== 'string' ||
    !/^[0-9a-f]{64}$/.test(logID)
  ) {
    throw new CosignLayerError('the Rekor bundle annotation is malformed')
  }
  const entry = parseJson(
    Buffer.from(body, 'base64').toString('utf8'),
    'the Rekor entry in the bundle annotation is not JSON',
  ) as { kind?: unknown; apiVersion?: unknown } | null
  if (typeof entry?.kind !== 'string' || typeof entry.apiVersion !== 'string') {
    throw new CosignLayerError('the Rekor entry in the bundle annotation has no kind or version')
  }
  return {
    logIndex: String(logIndex),
    // Rekor names its log by the hex SHA-256 of its key; the bundle wants those bytes, base64.
    logId: { keyId: Buffer.from(logID, 'hex').toString('base64') },
    kindVersion: { kind: entry.kind, version: entry.apiVersion },
    integratedTime: String(integratedTime),
    inclusionPromise: { signedEntryTimestamp: set },
    canonicalizedBody: body,
  }
}

/** cosign's RFC 3161 annotation (`{SignedRFC3161Timestamp: <base64 DER>}`) as a bundle timestamp. */
export function rfc3161Timestamp(text: string): TimestampJson {
  const json = parseJson(text, 'the RFC 3161 timestamp annotation is not JSON') as {
    SignedRFC3161Timestamp?: unknown
  } | null
  const token = json?.SignedRFC3161Timestamp
  if (!isBase64(token)) {
    throw new CosignLayerError('the RFC 3161 timestamp annotation is malformed')
  }
  return { signedTimestamp: token }
}

function parseJson(text: string, reason: string): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch {
    throw new CosignLayerError(reason)
  }
}

function isBase64(value: unknown): value is string {
  return typeof value === 'string' && value.length % 4 === 0 && /^[A-Za-z0-9+/]+={0,2}$/.test(value)
}

function isCount(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0
}
