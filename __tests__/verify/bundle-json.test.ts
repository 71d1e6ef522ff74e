// Large bundles keep their DSSE payload as bytes, decoded once: they must verify and read exactly
// as the same bundle through JSON.parse does, and anything unusual takes the JSON.parse path.
import { toTrustMaterial } from '@sigstore/verify'
import { readBundleJson } from '../../src/verify/bundle-json.js'
import { JsonError } from '../../src/verify/json.js'
import { checkEvidence, type Trust } from '../../src/verify/index.js'
import { createMiniSigstore, inTotoStatement, type MiniSigstore } from '../helpers/mini-sigstore.js'

const DIGEST = `sha256:${'ab'.repeat(32)}`
const CYCLONEDX = 'https://cyclonedx.org/bom'
let ss: MiniSigstore
let trust: Trust
let text: string

beforeAll(async () => {
  ss = await createMiniSigstore()
  trust = { publicGood: toTrustMaterial(ss.trustedRoot), keyed: false }
  // Over the 1 MiB threshold, with non-ASCII text in the predicate.
  const components = Array.from({ length: 30_000 }, (_, n) => ({ name: `pkg-${n}-ü`, n }))
  const statement = inTotoStatement({
    digest: DIGEST,
    predicateType: CYCLONEDX,
    predicate: { components },
  })
  text = JSON.stringify((await ss.attest(statement)).bundle)
  expect(text.length).toBeGreaterThan(1024 * 1024)
})

const check = (bundle: unknown, reads?: (t: string) => boolean) =>
  checkEvidence({ source: 'referrers', location: 'test', bundle }, DIGEST, trust, reads)

describe('readBundleJson', () => {
  test('a large bundle arrives with its payload as bytes, and verifies as the parsed one does', () => {
    const read = readBundleJson(Buffer.from(text)) as { dsseEnvelope: { payload: unknown } }
    const parsed = JSON.parse(text) as { dsseEnvelope: { payload: string } }
    expect(Buffer.isBuffer(read.dsseEnvelope.payload)).toBe(true)
    expect(read.dsseEnvelope.payload).toEqual(Buffer.from(parsed.dsseEnvelope.payload, 'base64'))
    const fast = check(read)
    const slow = check(parsed)
    expect(fast.verified).toBe(true)
    expect(fast).toEqual({ ...slow, bundle: read })
    expect((fast.predicate as { components: unknown[] }).components).toHaveLength(30_000)
  })

  test('a predicate no rule reads is not parsed, but the piece still verifies', () => {
    const checked = check(readBundleJson(Buffer.from(text)), () => false)
    expect(checked).toMatchObject({ verified: true, predicateType: CYCLONEDX })
    expect(checked.predicate).toBeUndefined()
  })

  test('a payload with an escape, a space or inner padding is read through JSON.parse instead', () => {
    const payload = (JSON.parse(text) as { dsseEnvelope: { payload: string } }).dsseEnvelope.payload
    const escapedFirst = `\\u00${payload.charCodeAt(0).toString(16)}${payload.slice(1)}`
    for (const odd of [
      escapedFirst,
      `${payload.slice(0, 8)} ${payload.slice(8)}`,
      `${payload.slice(0, 8)}=${payload.slice(8)}`,
    ]) {
      const edited = text.replace(payload, odd)
      const read = readBundleJson(Buffer.from(edited)) as { dsseEnvelope: { payload: unknown } }
      expect(typeof read.dsseEnvelope.payload).toBe('string')
      expect(read).toEqual(JSON.parse(edited))
    }
    // The escaped one is the same bytes to the library: it still verifies.
    expect(check(readBundleJson(Buffer.from(text.replace(payload, escapedFirst)))).verified).toBe(
      true,
    )
  })

  test('a tampered payload in a large bundle fails verification', () => {
    const payload = (JSON.parse(text) as { dsseEnvelope: { payload: string } }).dsseEnvelope.payload
    const i = payload.length >> 1
    const flipped = payload[i] === 'A' ? 'B' : 'A'
    const tampered = text.replace(payload, payload.slice(0, i) + flipped + payload.slice(i + 1))
    const checked = check(readBundleJson(Buffer.from(tampered)))
    expect(checked.verified).toBe(false)
    expect(checked.error).toMatch(/mismatch|signature/i)
  })

  test('a repeated key anywhere, or bytes that are not JSON, are refused', () => {
    expect(() => readBundleJson(Buffer.from(text.replace(/}$/, ',"mediaType":"x"}')))).toThrow(
      JsonError,
    )
    expect(() => readBundleJson(Buffer.from(text.slice(0, -1)))).toThrow(JsonError)
  })
})
