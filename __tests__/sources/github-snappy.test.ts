// The snappy block decoder for bundles served from `bundle_url`: checked against a real encoder's
// output (python-snappy, see fixtures/SOURCES.md), hand-made copy elements, and hostile inputs.
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { GateError } from '../../src/errors.js'
import { decodeSnappy } from '../../src/sources/github-snappy.js'
import { snappyLiterals } from '../helpers/github-api.js'

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures')
const BUNDLE = path.join(
  FIXTURES,
  'bundles/cli/pkg/cmd/attestation/test/data/reusable-workflow-attestation.sigstore.json',
)
const COMPRESSED = path.join(FIXTURES, 'github/reusable-workflow-attestation.sigstore.json.sn')
const MiB = 1024 * 1024

const fails = (input: number[] | Buffer, code: string, message: RegExp, max = MiB): void => {
  let caught: unknown
  try {
    decodeSnappy(Buffer.from(input), max)
  } catch (error) {
    caught = error
  }
  expect(caught).toBeInstanceOf(GateError)
  expect((caught as GateError).code).toBe(code)
  expect((caught as GateError).message).toMatch(message)
}

test('a real bundle compressed by python-snappy decodes to the upstream bytes', () => {
  const compressed = fs.readFileSync(COMPRESSED)
  const expected = fs.readFileSync(BUNDLE)
  expect(compressed.length).toBeLessThan(expected.length) // copies were used, not only literals
  expect(decodeSnappy(compressed, MiB).equals(expected)).toBe(true)
})

test('literal-only encodings of any size decode, across the 64 KiB literal chunks', () => {
  for (const size of [0, 1, 59, 60, 61, 255, 256, 65536, 65537, 200_000]) {
    const data = Buffer.from(Array.from({ length: size }, (_, i) => (i * 7) & 0xff))
    expect(decodeSnappy(snappyLiterals(data), MiB).equals(data)).toBe(true)
  }
})

test('copies with 1-, 2- and 4-byte offsets, overlapping their own output, decode', () => {
  // "ab" then copy-1 (len 4+2=6, offset 2) → "abababab"; copy-2 (len 3, offset 8) → "aba";
  // copy-4 (len 2, offset 11) → "ab".
  const input = [
    13,
    0x04,
    0x61,
    0x62,
    (2 << 2) | 1,
    2,
    (2 << 2) | 2,
    8,
    0,
    (1 << 2) | 3,
    11,
    0,
    0,
    0,
  ]
  expect(decodeSnappy(Buffer.from(input), 64).toString()).toBe('abababababaab')
})

test('a declared length over the limit is refused before anything is allocated (T42)', () => {
  // 0xffffffff declared, a few bytes of body: the limit decides, not the body.
  fails([0xff, 0xff, 0xff, 0xff, 0x0f, 0x00, 0x61], 'LIMIT_EXCEEDED', /declares 4294967295 bytes/)
  const big = snappyLiterals(Buffer.alloc(2048))
  fails(big, 'LIMIT_EXCEEDED', /the limit is 1024/, 1024)
})

test.each([
  ['an empty body', [], /length header/],
  ['a length varint that never ends', [0x80, 0x80, 0x80, 0x80, 0x80, 0x01], /length header/],
  ['a literal longer than the body', [5, 0x10, 0x61], /literal runs past/],
  ['a literal longer than declared', [1, 0x04, 0x61, 0x62], /literal runs past/],
  ['a literal length cut short', [70, 0xf0], /cut short/],
  ['a copy before anything was written', [4, (0 << 2) | 1, 1], /outside the output/],
  ['a copy with offset 0', [5, 0x00, 0x61, (0 << 2) | 1, 0], /outside the output/],
  ['a copy reaching back too far', [6, 0x00, 0x61, (1 << 2) | 2, 9, 0], /outside the output/],
  ['a copy past the declared end', [3, 0x00, 0x61, (0 << 2) | 1, 1], /outside the output/],
  ['a copy offset cut short', [5, 0x00, 0x61, (0 << 2) | 2, 1], /cut short/],
  ['a body shorter than declared', [3, 0x00, 0x61], /shorter than it declares/],
])('%s is refused as corrupt', (_name, input, message) => {
  fails(input, 'REGISTRY_PROTOCOL', message)
})
