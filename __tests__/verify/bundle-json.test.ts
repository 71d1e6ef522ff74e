// Large bundles keep their DSSE payload as bytes, decoded once: they must verify and read exactly
// as the same bundle through JSON.parse does, and anything unusual takes the JSON.parse path.
import { toTrustMaterial } from '@sigstore/verify'
import fc from 'fast-check'
import { Base64Decoder, BundleReader, readBundleJson } from '../../src/verify/bundle-json.js'
import { JsonError } from '../../src/verify/json.js'
import { checkEvidence, type Trust } from '../../src/verify/index.js'
import { createMiniSigstore, inTotoStatement, type MiniSigstore } from '../helpers/mini-sigstore.js'

const DIGEST = `sha256:${'ab'.repeat(32)}`
const CYCLONEDX = 'https://cyclonedx.org/bom'
let ss: MiniSigstore
let trust: Trust
let bundleText: string

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
  bundleText = JSON.stringify((await ss.attest(statement)).bundle)
  expect(bundleText.length).toBeGreaterThan(1024 * 1024)
})

const check = (bundle: unknown, reads?: (t: string) => boolean) =>
  checkEvidence({ source: 'referrers', location: 'test', bundle }, DIGEST, trust, reads)

describe('readBundleJson', () => {
  test('a large bundle arrives with its payload as bytes, and verifies as the parsed one does', () => {
    const read = readBundleJson(Buffer.from(bundleText)) as { dsseEnvelope: { payload: unknown } }
    const parsed = JSON.parse(bundleText) as { dsseEnvelope: { payload: string } }
    expect(Buffer.isBuffer(read.dsseEnvelope.payload)).toBe(true)
    expect(read.dsseEnvelope.payload).toEqual(Buffer.from(parsed.dsseEnvelope.payload, 'base64'))
    const fast = check(read)
    const slow = check(parsed)
    expect(fast.verified).toBe(true)
    // Checked, the piece holds its verdict and predicate, not its bytes.
    expect(Object.keys(fast)).not.toContain('bundle')
    expect(fast).toEqual(slow)
    expect((fast.predicate as { components: unknown[] }).components).toHaveLength(30_000)
  })

  test('read in pieces of any size, it is the same bundle as read whole', () => {
    // Buffers compared as base64: a deep equality over a megabyte of elements is slow.
    const comparable = (read: unknown) => {
      const { dsseEnvelope, ...rest } = read as { dsseEnvelope: { payload: Buffer } }
      return {
        ...rest,
        dsseEnvelope: { ...dsseEnvelope, payload: dsseEnvelope.payload.toString('base64') },
      }
    }
    const bytes = Buffer.from(bundleText)
    const whole = comparable(readBundleJson(bytes))
    expect(whole).toEqual(JSON.parse(bundleText))
    for (const step of [1021, 65536, 300_001]) {
      const reader = new BundleReader(bytes.length)
      for (let at = 0; at < bytes.length; at += step) reader.write(bytes.subarray(at, at + step))
      expect(comparable(reader.end())).toEqual(whole)
    }
  })

  test('a stream that stops inside the payload, or declares less than it sends, is refused', () => {
    const bytes = Buffer.from(bundleText)
    const cut = new BundleReader(bytes.length)
    cut.write(bytes.subarray(0, bytes.length >> 1))
    expect(() => cut.end()).toThrow(JsonError)
    const short = new BundleReader(1024 * 1024)
    expect(() => {
      short.write(bytes)
      short.end()
    }).toThrow(JsonError)
  })

  test('a large payload that is not plain base64 is refused, never read another way', () => {
    const payload = (JSON.parse(bundleText) as { dsseEnvelope: { payload: string } }).dsseEnvelope
      .payload
    for (const odd of [
      `\\u00${payload.charCodeAt(0).toString(16)}${payload.slice(1)}`,
      `${payload.slice(0, 8)} ${payload.slice(8)}`,
      `${payload.slice(0, 8)}=${payload.slice(8)}`,
      `${payload}A`,
    ]) {
      expect(() => readBundleJson(Buffer.from(bundleText.replace(payload, odd)))).toThrow(
        /not plain base64/,
      )
    }
  })

  test('a large stream of brackets is refused at the nesting limit, not stacked up', () => {
    const reader = new BundleReader(64 * 1024 * 1024)
    const brackets = Buffer.alloc(64 * 1024, '[')
    expect(() => {
      for (let n = 0; n < 1024; n++) reader.write(brackets)
    }).toThrow(/nesting deeper than 512/)
  })

  test('the payload is found only at dsseEnvelope.payload, whatever else is named so', () => {
    const parsed = JSON.parse(bundleText) as Record<string, unknown>
    const decoy = { payload: 'QUJD', x: { dsseEnvelope: { payload: 'QUJD' } } }
    const moved = JSON.stringify({ decoy, ...parsed, after: decoy })
    const read = readBundleJson(Buffer.from(moved)) as typeof decoy & {
      dsseEnvelope: { payload: unknown }
    }
    expect(Buffer.isBuffer(read.dsseEnvelope.payload)).toBe(true)
    expect(read).toMatchObject({ decoy, after: decoy })
  })

  test('a predicate no rule reads is not parsed, but the piece still verifies', () => {
    const checked = check(readBundleJson(Buffer.from(bundleText)), () => false)
    expect(checked).toMatchObject({ verified: true, predicateType: CYCLONEDX })
    expect(checked.predicate).toBeUndefined()
  })

  test('a tampered payload in a large bundle fails verification', () => {
    const payload = (JSON.parse(bundleText) as { dsseEnvelope: { payload: string } }).dsseEnvelope
      .payload
    const i = payload.length >> 1
    const flipped = payload[i] === 'A' ? 'B' : 'A'
    const tampered = bundleText.replace(
      payload,
      payload.slice(0, i) + flipped + payload.slice(i + 1),
    )
    const checked = check(readBundleJson(Buffer.from(tampered)))
    expect(checked.verified).toBe(false)
    expect(checked.error).toMatch(/mismatch|signature/i)
  })

  test('a repeated key anywhere, or bytes that are not JSON, are refused', () => {
    expect(() =>
      readBundleJson(Buffer.from(bundleText.replace(/}$/, ',"mediaType":"x"}'))),
    ).toThrow(JsonError)
    expect(() => readBundleJson(Buffer.from(bundleText.slice(0, -1)))).toThrow(JsonError)
  })
})

describe('Base64Decoder', () => {
  const decode = (text: string, cuts: number[]) => {
    const bytes = Buffer.from(text, 'latin1')
    const decoder = new Base64Decoder(Math.floor((bytes.length * 3) / 4) + 3)
    let from = 0
    for (const cut of [
      ...cuts.map((c) => c % (bytes.length + 1)).sort((a, b) => a - b),
      bytes.length,
    ]) {
      decoder.feed(bytes, from, Math.max(from, cut))
      from = Math.max(from, cut)
    }
    return decoder.finish()
  }

  test('decodes what Buffer encodes, in both alphabets, padded or not, however it is cut', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 300 }),
        fc.constantFrom('base64', 'base64url'),
        fc.boolean(),
        fc.array(fc.nat(), { maxLength: 5 }),
        (raw, alphabet, strip, cuts) => {
          const bytes = Buffer.from(raw)
          let text = bytes.toString(alphabet as BufferEncoding)
          if (strip) text = text.replace(/=+$/, '')
          expect(decode(text, cuts)).toEqual(bytes)
          expect(decode(text, cuts)).toEqual(Buffer.from(text, 'base64'))
        },
      ),
    )
  })

  test('refuses what Buffer would skip: other characters, inner or extra padding, a lone last character', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 3, maxLength: 60 }),
        fc.constantFrom(' ', '\n', '.', '*', '"', '\\', 'é', '='),
        fc.nat(),
        (raw, odd, at) => {
          const text = Buffer.from(raw).toString('base64').replace(/=+$/, '')
          const i = at % (text.length - 1)
          expect(() => decode(text.slice(0, i) + odd + text.slice(i), [])).toThrow(JsonError)
        },
      ),
    )
    expect(() => decode('QUJD===', [])).toThrow(JsonError)
    expect(() => decode('QUJDR', [])).toThrow(JsonError)
  })
})
