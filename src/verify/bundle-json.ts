import { scanJson, type Span } from './json.js'

/** From this size on, a bundle's DSSE payload is decoded from the bytes instead of through a string. */
const LARGE_BUNDLE_BYTES = 1024 * 1024
// Base64 characters decoded per step: a multiple of 4, so each step is whole groups.
const DECODE_STEP = 1024 * 1024
// The standard and URL-safe alphabets (proto3 JSON accepts both, as Buffer's decoder does), and `=`.
const BASE64 = new Uint8Array(256)
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_=') {
  BASE64[c.charCodeAt(0)] = 1
}

/**
 * Reads a serialized Sigstore bundle from its bytes. Throws a JsonError when they are not JSON or
 * repeat a key anywhere (catalog T16, T29: one bundle, one reading). In a large bundle the DSSE
 * payload is base64-decoded straight from the bytes into one buffer and left in the result as
 * that buffer (`verifyBundle` accepts it): through JSON.parse a 64 MiB bundle is also a 64 MiB
 * string, a 64 MiB payload string and two decoded copies, about 500 MiB at the peak.
 */
export function readBundleJson(bytes: Buffer): unknown {
  const members = scanJson(bytes)
  const envelope = members?.get('dsseEnvelope')
  const payload =
    bytes.length >= LARGE_BUNDLE_BYTES && envelope !== undefined
      ? scanJson(bytes, envelope.start, envelope.end)?.get('payload')
      : undefined
  if (payload === undefined || !isPlainBase64String(bytes, payload)) {
    return JSON.parse(bytes.toString('utf8')) as unknown
  }
  // The rest of the bundle is small: parse it with the payload cut out, then put the bytes back.
  const rest = Buffer.concat([
    bytes.subarray(0, payload.start),
    Buffer.from('""'),
    bytes.subarray(payload.end),
  ])
  const json = JSON.parse(rest.toString('utf8')) as { dsseEnvelope: { payload: unknown } }
  json.dsseEnvelope.payload = decodeBase64(bytes, payload.start + 1, payload.end - 1)
  return json
}

// A string token holding only base64 characters, `=` only as padding: nothing to unescape, so
// its bytes are its text, and decoding it in steps gives what decoding it whole would.
function isPlainBase64String(bytes: Buffer, { start, end }: Span): boolean {
  if (bytes[start] !== 0x22 || bytes[end - 1] !== 0x22) return false
  for (let i = start + 1; i < end - 1; i++) {
    const c = bytes[i]!
    if (BASE64[c] !== 1 || (c === 0x3d && i < end - 3)) return false
  }
  return true
}

function decodeBase64(bytes: Buffer, start: number, end: number): Buffer {
  const out = Buffer.allocUnsafe(Math.ceil(((end - start) * 3) / 4))
  let written = 0
  for (let at = start; at < end; at += DECODE_STEP) {
    const text = bytes.toString('latin1', at, Math.min(end, at + DECODE_STEP))
    written += out.write(text, written, 'base64')
  }
  return out.subarray(0, written)
}
