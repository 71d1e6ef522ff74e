// Variable expansion in a FROM line, as BuildKit's shell lexer does it (moby/buildkit
// frontend/dockerfile/shell/lex.go, ProcessWord): quotes are removed, the escape character quotes
// the next character, and `$NAME`, `${NAME}` and `${NAME<op>word}` are replaced. Pure.

/** A FROM line that cannot be expanded; the message is the reason shown to the user. */
export class ExpandError extends Error {}

/** What an expansion gave: the word, and the variables it read that were unset. */
export interface Expanded {
  value: string
  unset: string[]
}

// Nested `${…:-${…}}` deeper than this is refused rather than recursed into.
const MAX_DEPTH = 8
// Longest expansion: ARGs that repeat one another could otherwise double at each step.
const MAX_CHARS = 8192
// Sticky: each matches at the lexer's position only.
const NAME = /[A-Za-z_][A-Za-z0-9_]*|[0-9]+/y
const OPERATOR = /:[-+?]|[-+?]|##|#|%%|%|\/\/|\//y

/**
 * Expands one word against `vars` (a variable declared without a value is absent). Unset
 * variables expand to nothing, as in BuildKit; their names are returned so a report can say why
 * a reference came out empty.
 */
export function expandWord(
  word: string,
  vars: ReadonlyMap<string, string>,
  escape = '\\',
): Expanded {
  const lexer = new Lexer(word, vars, escape)
  const value = lexer.word(undefined, 0)
  return { value, unset: [...lexer.unset] }
}

class Lexer {
  private i = 0
  readonly unset = new Set<string>()

  constructor(
    private readonly text: string,
    private readonly vars: ReadonlyMap<string, string>,
    private readonly escape: string,
  ) {}

  /** Reads up to `stop` (a `}` closing an operator's word) or the end. */
  word(stop: '}' | undefined, depth: number): string {
    let out = ''
    while (this.i < this.text.length) {
      const ch = this.text[this.i]!
      if (ch === stop) return out
      if (ch === this.escape) {
        this.i++
        // A trailing escape character stands for itself.
        out += this.i < this.text.length ? this.text[this.i++]! : ch
      } else if (ch === "'") {
        out += this.singleQuoted()
      } else if (ch === '"') {
        out += this.doubleQuoted(depth)
      } else if (ch === '$') {
        out += this.dollar(depth)
      } else {
        out += ch
        this.i++
      }
      if (out.length > MAX_CHARS)
        throw new ExpandError(`it expands to more than ${MAX_CHARS} characters`)
    }
    if (stop !== undefined) throw new ExpandError('a `${` has no closing `}`')
    return out
  }

  private singleQuoted(): string {
    const end = this.text.indexOf("'", this.i + 1)
    if (end < 0) throw new ExpandError('a single quote is not closed')
    const inner = this.text.slice(this.i + 1, end)
    this.i = end + 1
    return inner
  }

  // Inside double quotes only `$` expands; the escape character quotes `"`, `$` and itself.
  private doubleQuoted(depth: number): string {
    this.i++
    let out = ''
    while (this.i < this.text.length) {
      const ch = this.text[this.i]!
      if (ch === '"') {
        this.i++
        return out
      }
      if (ch === '$') {
        out += this.dollar(depth)
        continue
      }
      if (ch === this.escape) {
        const next = this.text[this.i + 1]
        if (next === '"' || next === '$' || next === this.escape) {
          out += next
          this.i += 2
          continue
        }
      }
      out += ch
      this.i++
      if (out.length > MAX_CHARS)
        throw new ExpandError(`it expands to more than ${MAX_CHARS} characters`)
    }
    throw new ExpandError('a double quote is not closed')
  }

  private dollar(depth: number): string {
    this.i++
    if (this.text[this.i] === '{') {
      this.i++
      return this.braced(depth)
    }
    const name = this.name()
    // A `$` not followed by a name is a literal `$`.
    if (name === '') return '$'
    return this.lookup(name) ?? ''
  }

  private braced(depth: number): string {
    if (depth >= MAX_DEPTH)
      throw new ExpandError(`variables are nested more than ${MAX_DEPTH} deep`)
    const name = this.name()
    if (name === '') throw new ExpandError('a `${…}` names no variable')
    OPERATOR.lastIndex = this.i
    const op = OPERATOR.exec(this.text)?.[0]
    if (this.text[this.i] === '}') {
      this.i++
      return this.lookup(name) ?? ''
    }
    if (this.i >= this.text.length) throw new ExpandError('a `${` has no closing `}`')
    if (op === undefined) throw new ExpandError(`\`\${${name}\` is followed by an unknown operator`)
    this.i += op.length
    const value = this.vars.get(name)
    if (op === '/' || op === '//') {
      throw new ExpandError(`\`\${${name}${op}…}\` (pattern replacement) is not supported here`)
    }
    const word = this.word('}', depth + 1)
    this.i++ // the closing brace
    const empty = value === undefined || value === ''
    switch (op) {
      case ':-':
        return empty || value === undefined ? word : value
      case '-':
        return value ?? word
      case ':+':
        return empty ? '' : word
      case '+':
        return value === undefined ? '' : word
      case ':?':
      case '?':
        if (value === undefined || (op === ':?' && empty)) {
          throw new ExpandError(`${name} is required: ${word || 'it is not set'}`)
        }
        return value
      default:
        if (value === undefined) this.unset.add(name)
        return trim(value ?? '', op, word)
    }
  }

  private name(): string {
    NAME.lastIndex = this.i
    const m = NAME.exec(this.text)
    if (m === null) return ''
    this.i += m[0].length
    return m[0]
  }

  private lookup(name: string): string | undefined {
    const value = this.vars.get(name)
    if (value === undefined) this.unset.add(name)
    return value
  }
}

// `#`/`##` drop the shortest/longest matching prefix, `%`/`%%` the suffix; `*` and `?` are globs.
function trim(value: string, op: string, pattern: string): string {
  const cuts = [...Array(value.length + 1).keys()]
  if (op === '#' || op === '##') {
    const ends = op === '#' ? cuts : cuts.reverse()
    const end = ends.find((n) => globMatch(value.slice(0, n), pattern))
    return end === undefined ? value : value.slice(end)
  }
  const starts = op === '%' ? cuts.reverse() : cuts
  const start = starts.find((n) => globMatch(value.slice(n), pattern))
  return start === undefined ? value : value.slice(0, start)
}

/** Whole-string glob match (`*` any run, `?` one character), linear backtracking, no regexp. */
export function globMatch(text: string, pattern: string): boolean {
  let t = 0
  let p = 0
  let star = -1
  let mark = 0
  while (t < text.length) {
    if (p < pattern.length && (pattern[p] === '?' || pattern[p] === text[t])) {
      t++
      p++
    } else if (p < pattern.length && pattern[p] === '*') {
      star = p++
      mark = t
    } else if (star >= 0) {
      p = star + 1
      t = ++mark
    } else {
      return false
    }
  }
  while (pattern[p] === '*') p++
  return p === pattern.length
}
