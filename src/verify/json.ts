// A validating JSON scanner over bytes. JSON.parse validates and builds the whole value at once;
// a 48 MiB SBOM predicate then costs its text as a string plus an object graph several times its
// size, though no rule may read it. This checks the same grammar (RFC 8259) without building
// anything and says where each top-level member's value lies, so callers parse only what they
// read. No maintained npm library validates bytes, refuses repeated keys and reports member spans
// in one pass, hence this file.
import { LIMITS } from '../limits.js'

/** Where a member's value lies in the scanned bytes: `[start, end)`. */
export interface Span {
  start: number
  end: number
  /** The value's own members, for the member `ScanOptions.open` names. */
  members?: Map<string, Span>
}

export interface ScanOptions {
  /** The range to scan; the whole of `bytes` by default. */
  start?: number
  end?: number
  /** A top-level member whose object value's members are reported too (one pass, not two). */
  open?: string
  /**
   * A top-level member whose keys are not compared: the caller does not read it, or scans it
   * again (with keys compared) before reading it. Its value is still validated.
   */
  uncompared?: string
  /**
   * Keys that differ only in case repeat too. Go's encoding/json fills a struct field from any key
   * that matches it case-insensitively, the last one winning: for cosign, `Docker-Manifest-Digest`
   * is `docker-manifest-digest`. For documents Go reads into structs, not maps.
   */
  foldCase?: boolean
}

/** A key as Go's encoding/json matches struct fields: case-folded (`ſ` is s, `K` is k). */
export const foldKey = (key: string): string => key.toUpperCase().toLowerCase()

/** Why bytes were refused: not JSON at all, or JSON that repeats a key in one object. */
export class JsonError extends Error {
  constructor(
    message: string,
    /** The key an object repeats, after unescaping. */
    readonly repeatedKey?: string,
  ) {
    super(message)
  }
}

/**
 * Validates `bytes[start, end)` as exactly one JSON value with optional whitespace around it, and
 * refuses any object, at any depth, that repeats a key (compared after unescaping, so `"a"` and
 * `"\u0061"` are one key). Returns the top-level object's members (undefined when the value is
 * not an object). Invalid UTF-8 inside strings is tolerated, as `JSON.parse(buf.toString())` does.
 *
 * Signed payloads are refused when they repeat a key (security catalog T29): JSON.parse keeps the
 * last value and other parsers may keep the first, and two readings of one signature are the
 * CVE-2021-41190 class of bug at the JSON layer.
 */
export function scanJson(bytes: Buffer, options: ScanOptions = {}): Map<string, Span> | undefined {
  const { start = 0, end = bytes.length } = options
  const scanner = new Scanner(bytes, end, options)
  let i = scanner.whitespace(start)
  const members = i < end && bytes[i] === 0x7b ? new Map<string, Span>() : undefined
  i = scanner.whitespace(scanner.value(i, 0, members))
  if (i !== end) scanner.fail(i, 'unexpected data after the value')
  return members
}

class Scanner {
  /** False while inside the `uncompared` member. */
  private comparing = true

  constructor(
    private readonly b: Buffer,
    private readonly end: number,
    private readonly options: ScanOptions,
  ) {}

  /** The byte at `i`, or undefined past the end of the scanned range. */
  private at(i: number): number | undefined {
    return i < this.end ? this.b[i] : undefined
  }

  fail(at: number, why: string): never {
    throw new JsonError(`not JSON: ${why} at byte ${at}`)
  }

  whitespace(i: number): number {
    const { b, end } = this
    while (i < end) {
      const c = b[i]!
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break
      i++
    }
    return i
  }

  /** Scans the value at `i`; returns the index just after it. `members` collects an object's. */
  value(i: number, depth: number, members?: Map<string, Span>): number {
    switch (this.at(i)) {
      case 0x7b:
        return this.object(i, depth + 1, members)
      case 0x5b:
        return this.array(i, depth + 1)
      case 0x22:
        return this.string(i).end
      case 0x74:
        return this.literal(i, 'true')
      case 0x66:
        return this.literal(i, 'false')
      case 0x6e:
        return this.literal(i, 'null')
      case undefined:
        return this.fail(i, 'a value is missing')
      default:
        return this.number(i)
    }
  }

  private object(i: number, depth: number, members?: Map<string, Span>): number {
    if (depth > LIMITS.jsonDepth) this.fail(i, `nesting deeper than ${LIMITS.jsonDepth}`)
    const keys = this.comparing ? new Set<string>() : undefined
    i = this.whitespace(i + 1)
    if (this.at(i) === 0x7d) return i + 1
    for (;;) {
      if (this.at(i) !== 0x22) this.fail(i, 'a key is not a string')
      const key = this.string(i)
      const name = keys === undefined && members === undefined ? '' : this.text(i, key)
      if (keys !== undefined) {
        const compared = this.options.foldCase === true ? foldKey(name) : name
        if (keys.has(compared))
          throw new JsonError(`the key ${JSON.stringify(name.slice(0, 60))} repeats`, name)
        keys.add(compared)
      }
      i = this.whitespace(key.end)
      if (this.at(i) !== 0x3a) this.fail(i, 'a colon is missing')
      const valueStart = this.whitespace(i + 1)
      const valueEnd =
        members === undefined
          ? this.value(valueStart, depth)
          : this.member(name, valueStart, depth, members)
      i = this.whitespace(valueEnd)
      if (this.at(i) === 0x7d) return i + 1
      if (this.at(i) !== 0x2c) this.fail(i, 'a comma or } is missing')
      i = this.whitespace(i + 1)
    }
  }

  // A member whose span is reported; at the top level, opened or left uncompared as asked.
  private member(name: string, start: number, depth: number, members: Map<string, Span>): number {
    const top = depth === 1
    const { open, uncompared } = this.options
    const opened = top && name === open && this.at(start) === 0x7b
    const own = opened ? new Map<string, Span>() : undefined
    if (top && name === uncompared) this.comparing = false
    const end = this.value(start, depth, own)
    if (top) this.comparing = true
    members.set(name, { start, end, ...(own !== undefined && { members: own }) })
    return end
  }

  private array(i: number, depth: number): number {
    if (depth > LIMITS.jsonDepth) this.fail(i, `nesting deeper than ${LIMITS.jsonDepth}`)
    i = this.whitespace(i + 1)
    if (this.at(i) === 0x5d) return i + 1
    for (;;) {
      i = this.whitespace(this.value(i, depth))
      if (this.at(i) === 0x5d) return i + 1
      if (this.at(i) !== 0x2c) this.fail(i, 'a comma or ] is missing')
      i = this.whitespace(i + 1)
    }
  }

  /** The string token at `i` (its opening quote): where it ends, and how its text is decoded. */
  string(i: number): { end: number; escaped: boolean; ascii: boolean } {
    const { b, end } = this
    let escaped = false
    let ascii = true
    for (let j = i + 1; j < end; j++) {
      const c = b[j]!
      if (c === 0x22) return { end: j + 1, escaped, ascii }
      if (c < 0x20) this.fail(j, 'a control character in a string')
      if (c >= 0x80) ascii = false
      else if (c === 0x5c) {
        escaped = true
        const e = this.at(++j)
        if (e === 0x75) {
          for (let k = 1; k <= 4; k++) if (!isHex(this.at(j + k))) this.fail(j, 'a bad \\u escape')
          j += 4
        } else if (e === undefined || !ESCAPES.has(e)) this.fail(j, 'a bad escape')
      }
    }
    return this.fail(i, 'a string is not closed')
  }

  // A key's text: plain ASCII is its bytes (latin1 is the cheapest decoding of those).
  private text(start: number, token: { end: number; escaped: boolean; ascii: boolean }): string {
    if (token.escaped) return JSON.parse(this.b.toString('utf8', start, token.end)) as string
    return this.b.toString(token.ascii ? 'latin1' : 'utf8', start + 1, token.end - 1)
  }

  private literal(i: number, word: string): number {
    for (let k = 0; k < word.length; k++) {
      if (this.at(i + k) !== word.charCodeAt(k)) this.fail(i, 'a bad literal')
    }
    return i + word.length
  }

  // -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?
  private number(i: number): number {
    const start = i
    if (this.at(i) === 0x2d) i++
    if (this.at(i) === 0x30) i++
    else if (isDigit(this.at(i))) i = this.digits(i)
    else this.fail(start, 'a bad value')
    if (this.at(i) === 0x2e) {
      if (!isDigit(this.at(i + 1))) this.fail(i, 'a bad number')
      i = this.digits(i + 1)
    }
    if (this.at(i) === 0x65 || this.at(i) === 0x45) {
      i++
      if (this.at(i) === 0x2b || this.at(i) === 0x2d) i++
      if (!isDigit(this.at(i))) this.fail(i, 'a bad number')
      i = this.digits(i)
    }
    return i
  }

  private digits(i: number): number {
    while (isDigit(this.at(i))) i++
    return i
  }
}

// The characters that may follow a backslash, besides `u`: " \ / b f n r t
const ESCAPES = new Set([0x22, 0x5c, 0x2f, 0x62, 0x66, 0x6e, 0x72, 0x74])

function isDigit(c: number | undefined): boolean {
  return c !== undefined && c >= 0x30 && c <= 0x39
}

function isHex(c: number | undefined): boolean {
  return c !== undefined && (isDigit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46))
}
