import { GateError } from '../errors.js'

/**
 * Decodes the snappy block format (google/snappy format_description.txt). Since July 2026 the
 * attestations API lists `bundle: null` with a `bundle_url` serving the bundle this way
 * (`application/x-snappy`, `.json.sn`; denoland/clawpatrol#769), which gh reads with golang/snappy's
 * block `Decode` (cli/cli pkg/cmd/attestation/api/client.go). The declared length is checked against
 * `maxBytes` before anything is allocated, and every copy stays inside what was written: a
 * hostile body can neither balloon (T42) nor read outside the buffer.
 */
export function decodeSnappy(input: Buffer, maxBytes: number): Buffer {
  const [length, start] = readLength(input)
  if (length > maxBytes) {
    throw new GateError(
      'LIMIT_EXCEEDED',
      `the bundle declares ${length} bytes uncompressed; the limit is ${maxBytes}`,
    )
  }
  const out = Buffer.alloc(length)
  let written = 0
  let pos = start
  while (pos < input.length) {
    const tag = input[pos++]!
    if ((tag & 3) === 0) {
      // Literal: length-1 in the tag, or in the 1-4 little-endian bytes after it.
      let size = tag >> 2
      if (size >= 60) {
        const bytes = size - 59
        if (pos + bytes > input.length) throw corrupt('a literal length is cut short')
        size = input.readUIntLE(pos, bytes)
        pos += bytes
      }
      size += 1
      if (pos + size > input.length || written + size > length) {
        throw corrupt('a literal runs past the end')
      }
      written += input.copy(out, written, pos, pos + size)
      pos += size
      continue
    }
    // Copy: `size` bytes from `offset` back in the output; they may overlap what they write.
    const [size, offset, used] = copyOf(tag, input, pos)
    pos += used
    if (offset === 0 || offset > written || written + size > length) {
      throw corrupt('a copy reaches outside the output')
    }
    for (let i = 0; i < size; i++, written++) out[written] = out[written - offset]!
  }
  if (written !== length) throw corrupt('it is shorter than it declares')
  return out
}

// Tags 01, 10, 11: copies with a 1-, 2- or 4-byte offset.
function copyOf(tag: number, input: Buffer, pos: number): [number, number, number] {
  const kind = tag & 3
  const bytes = kind === 1 ? 1 : kind === 2 ? 2 : 4
  if (pos + bytes > input.length) throw corrupt('a copy is cut short')
  if (kind === 1) return [4 + ((tag >> 2) & 7), ((tag >> 5) << 8) | input[pos]!, 1]
  return [1 + (tag >> 2), input.readUIntLE(pos, bytes), bytes]
}

/** The length a snappy block declares it decodes to. */
export function snappyLength(input: Buffer): number {
  return readLength(input)[0]
}

// The uncompressed length: a little-endian base-128 varint of at most 32 bits.
function readLength(input: Buffer): [number, number] {
  let value = 0
  for (let i = 0; i < 5 && i < input.length; i++) {
    const byte = input[i]!
    value += (byte & 0x7f) * 2 ** (7 * i)
    if ((byte & 0x80) === 0) {
      if (value > 0xffffffff) break
      return [value, i + 1]
    }
  }
  throw corrupt('its length header is malformed')
}

function corrupt(why: string): GateError {
  return new GateError('REGISTRY_PROTOCOL', `the bundle is not valid snappy data: ${why}`)
}
