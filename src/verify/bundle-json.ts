import { LIMITS } from '../limits.js'
import { JsonError, scanJson } from './json.js'

/** From this size on, a bundle's DSSE payload is decoded as it streams in, never kept as text. */
const LARGE_BUNDLE_BYTES = 1024 * 1024
const OPEN_OBJECT = 0x7b
const QUOTE = 0x22
const BACKSLASH = 0x5c
// Longer keys are not ones the tokenizer looks for.
const MAX_KEY = 32

/** Reads a serialized Sigstore bundle held whole in memory; see BundleReader. */
export function readBundleJson(bytes: Buffer): unknown {
  const reader = new BundleReader(bytes.length)
  reader.write(bytes)
  return reader.end()
}

/**
 * Reads a serialized Sigstore bundle as its bytes arrive. Throws a JsonError when they are not
 * JSON or repeat a key anywhere (catalog T16, T29: one bundle, one reading). In a bundle of
 * `size` ≥ 1 MiB the DSSE payload is base64-decoded on the way into one buffer and never held as
 * text: through JSON.parse a 64 MiB bundle is also a 64 MiB string, a 64 MiB payload string and
 * two decoded copies (about 500 MiB at the peak); here it is the decoded payload and the few KiB
 * around it. The result holds that buffer as `dsseEnvelope.payload`; `verifyBundle` accepts it.
 * A large bundle's payload must then be plain base64 (every producer writes it so).
 *
 * Only the position of the payload is found while streaming, by a light tokenizer; the rest of
 * the bundle is then validated in full, and must agree on where the payload was.
 */
export class BundleReader {
  private readonly rest: Buffer[] = []
  private restLength = 0
  private seen = 0
  // The tokenizer: open containers, the key being read at each depth, string state.
  private readonly stack: number[] = []
  private readonly keys: (string | undefined)[] = []
  private expectKey = false
  private inString = false
  private stringIsKey = false
  private escaped = false
  /** The key being read, while it is plain and short enough to be one we look for. */
  private key: number[] | undefined
  // The payload: where its `""` stands in `rest`, its decoding, then its bytes.
  private payloadAt: number | undefined
  private decoding: Base64Decoder | undefined
  private payloadBytes: Buffer | undefined

  constructor(private readonly size: number) {}

  write(chunk: Uint8Array): void {
    const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
    // A small bundle is only collected: nothing in it is worth finding while it streams.
    if (this.size < LARGE_BUNDLE_BYTES) return this.keep(bytes, 0, bytes.length)
    let from = 0
    while (from < bytes.length) {
      if (this.decoding !== undefined) from = this.payload(bytes, from)
      else from = this.json(bytes, from)
    }
    this.seen += bytes.length
  }

  end(): unknown {
    if (this.decoding !== undefined) throw new JsonError('not JSON: the DSSE payload is not closed')
    const rest = Buffer.concat(this.rest, this.restLength)
    const members = scanJson(rest, { open: 'dsseEnvelope' })
    if (this.payloadAt === undefined) return JSON.parse(rest.toString('utf8')) as unknown
    const span = members?.get('dsseEnvelope')?.members?.get('payload')
    if (span?.start !== this.payloadAt || span.end !== this.payloadAt + 2) {
      throw new JsonError('not JSON: the DSSE payload is not where it was read')
    }
    const json = JSON.parse(rest.toString('utf8')) as { dsseEnvelope: { payload: unknown } }
    json.dsseEnvelope.payload = this.payloadBytes
    return json
  }

  // Tokenizes from `from` until the payload's opening quote (or the chunk's end); keeps the bytes.
  private json(bytes: Buffer, from: number): number {
    let i = from
    for (; i < bytes.length; i++) {
      const c = bytes[i]!
      if (this.inString) {
        if (this.escaped) this.escaped = false
        else if (c === BACKSLASH) {
          this.escaped = true
          this.key = undefined // an escaped key is not taken for the payload's; the full scan decides
        } else if (c === QUOTE) this.closeString()
        else if (this.key !== undefined && this.key.length < MAX_KEY) this.key.push(c)
        else this.key = undefined
        continue
      }
      if (c === QUOTE) {
        if (this.atPayload()) {
          this.keep(bytes, from, i + 1)
          this.payloadAt = this.restLength - 1
          this.decoding = new Base64Decoder(Math.floor(((this.size - this.seen - i) * 3) / 4) + 3)
          return i + 1
        }
        this.inString = true
        this.stringIsKey = this.expectKey
        this.key = this.expectKey ? [] : undefined
      } else if (c === OPEN_OBJECT || c === 0x5b) {
        // Bounded as the full scan is: a registry could otherwise grow this stack with its bytes.
        if (this.stack.length >= LIMITS.jsonDepth) {
          throw new JsonError(`not JSON: nesting deeper than ${LIMITS.jsonDepth}`)
        }
        this.stack.push(c)
        this.keys[this.stack.length] = undefined
        this.expectKey = c === OPEN_OBJECT
      } else if (c === 0x7d || c === 0x5d) {
        this.stack.pop()
        this.expectKey = false
      } else if (c === 0x2c) this.expectKey = this.stack.at(-1) === OPEN_OBJECT
      else if (c === 0x3a) this.expectKey = false
    }
    this.keep(bytes, from, i)
    return i
  }

  private closeString(): void {
    this.inString = false
    if (this.stringIsKey) {
      this.keys[this.stack.length] = this.key && String.fromCharCode(...this.key)
    }
  }

  // A value string of `dsseEnvelope.payload` at the top level, read for the first time.
  private atPayload(): boolean {
    return (
      this.payloadAt === undefined &&
      !this.expectKey &&
      this.stack.length === 2 &&
      this.stack[0] === OPEN_OBJECT &&
      this.stack[1] === OPEN_OBJECT &&
      this.keys[1] === 'dsseEnvelope' &&
      this.keys[2] === 'payload'
    )
  }

  // Decodes payload characters from `from` up to its closing quote, which goes back into `rest`.
  private payload(bytes: Buffer, from: number): number {
    const quote = bytes.indexOf(QUOTE, from)
    const to = quote === -1 ? bytes.length : quote
    const backslash = bytes.indexOf(BACKSLASH, from)
    if (backslash !== -1 && backslash < to) throw notPlainBase64()
    this.decoding!.feed(bytes, from, to)
    if (quote === -1) return to
    this.payloadBytes = this.decoding!.finish()
    this.decoding = undefined
    this.keep(bytes, quote, quote + 1)
    return quote + 1
  }

  private keep(bytes: Buffer, from: number, to: number): void {
    if (to <= from) return
    this.rest.push(Buffer.from(bytes.subarray(from, to)))
    this.restLength += to - from
  }
}

/**
 * Base64 bytes in, decoded bytes out, in pieces, as `Buffer.from(text, 'base64')` decodes them
 * (both alphabets), but refusing what that decoder would skip: anything outside the alphabets,
 * and `=` other than one or two at the very end. Buffer's own decoder does the work, a step at a
 * time: about 3× faster than a JavaScript loop, and each step's string is small enough to die young.
 */
export class Base64Decoder {
  private readonly out: Buffer
  private written = 0
  private carry = ''
  private padding = 0

  constructor(capacity: number) {
    this.out = Buffer.allocUnsafe(capacity)
  }

  feed(bytes: Buffer, from: number, to: number): void {
    for (let at = from; at < to; at += STEP) {
      const text = bytes.toString('latin1', at, Math.min(to, at + STEP))
      const pad = text.indexOf('=')
      const data = pad === -1 ? text : text.slice(0, pad)
      if (NOT_BASE64.test(data) || (this.padding > 0 && data !== '')) throw notPlainBase64()
      if (pad !== -1) {
        this.padding += text.length - pad
        if (this.padding > 2 || NOT_PADDING.test(text.slice(pad))) throw notPlainBase64()
      }
      const all = this.carry + data
      const whole = all.length - (all.length % 4)
      this.decode(all.slice(0, whole))
      this.carry = all.slice(whole)
    }
  }

  finish(): Buffer {
    // 2 or 3 characters left are 1 or 2 bytes; 1 left is not base64.
    if (this.carry.length === 1) throw notPlainBase64()
    this.decode(this.carry)
    return this.out.subarray(0, this.written)
  }

  private decode(text: string): void {
    const expected = Math.floor((text.length * 3) / 4)
    if (this.written + expected > this.out.length) throw notPlainBase64()
    this.written += this.out.write(text, this.written, 'base64')
  }
}

// Base64 characters decoded per step.
const STEP = 64 * 1024
// Outside both alphabets (proto3 JSON accepts standard and URL-safe, as Buffer's decoder does).
const NOT_BASE64 = /[^A-Za-z0-9+/_-]/
const NOT_PADDING = /[^=]/

/** A large bundle whose DSSE payload is JSON but not plain base64: refused, not read another way. */
export class PayloadNotPlainBase64 extends JsonError {}

function notPlainBase64(): JsonError {
  return new PayloadNotPlainBase64('the DSSE payload of a bundle over 1 MiB is not plain base64')
}
