// Variable expansion in a FROM line, as BuildKit's shell lexer does it (moby/buildkit
// frontend/dockerfile/shell/lex.go, ProcessWord): quotes are removed, the escape character quotes
// the next character, and `$NAME`, `${NAME}` and `${NAME<op>word}` are replaced. Pure.
import { LIMITS } from '../limits.js'
import { BeyondGate, ExpandError } from './expand-error.js'
import { replacePattern, trimPrefix, trimSuffix } from './shell-pattern.js'

/** What an expansion gave: the word, the variables it read that were unset, and all it read. */
export interface Expanded {
  value: string
  unset: string[]
  read: string[]
}

const MAX_DEPTH = LIMITS.fromExpansionDepth
const MAX_CHARS = LIMITS.fromExpansionChars
// Sticky: each matches at the lexer's position only. A name as lex.go processName reads it: a run
// of digits, one special parameter (`$@`, `$#`, …), or Unicode letters, digits and underscores.
const NAME = /\p{Nd}+|[@*#?\-$!]|[\p{L}\p{Nd}_]+/uy
const OPERATOR = /:[-+?]|[-+?]|##|#|%%|%|\/\/|\//y

// Older lexers: one digit names a positional variable (`$12` is `$1` then 2), and only `:-` and
// `:+` follow a name in braces.
const OLDER_NAME = /\p{Nd}|[@*#?\-$!]|[\p{L}\p{Nd}_]+/uy
const OLDER_OPERATORS = new Set([':-', ':+'])

/**
 * Expands one word against `vars` (a variable declared without a value is absent). Unset
 * variables expand to nothing, as in BuildKit; their names are returned so a report can say why
 * a reference came out empty. `older`: as frontends before 2023 did.
 */
export function expandWord(
  word: string,
  vars: ReadonlyMap<string, string>,
  escape = '\\',
  older = false,
): Expanded {
  const lexer = new Lexer(word, vars, escape, older)
  const value = lexer.word(undefined, 0)
  return { value, unset: [...lexer.unset], read: [...lexer.read] }
}

class Lexer {
  private i = 0
  readonly unset = new Set<string>()
  readonly read = new Set<string>()

  constructor(
    private readonly text: string,
    private readonly vars: ReadonlyMap<string, string>,
    private readonly escape: string,
    private readonly older: boolean,
  ) {}

  /**
   * Reads up to `stop` (a `}` closing an operator's word, or the `/` ending a replacement's
   * pattern) or the end. `raw`: escapes are kept, as BuildKit reads patterns (shell-pattern.ts).
   */
  word(stop: '}' | '/' | undefined, depth: number, raw = false): string {
    let out = ''
    while (this.i < this.text.length) {
      const ch = this.text[this.i]!
      if (ch === stop) return out
      if (ch === this.escape) {
        this.i++
        // A trailing escape character stands for itself.
        out += this.i < this.text.length ? (raw ? ch : '') + this.text[this.i++]! : ch
      } else if (ch === "'") {
        out += this.singleQuoted()
      } else if (ch === '"') {
        out += this.doubleQuoted(depth, raw)
      } else if (ch === '$') {
        out += this.dollar(depth)
      } else {
        out += ch
        this.i++
      }
      if (out.length > MAX_CHARS)
        throw new BeyondGate(`it expands to more than ${MAX_CHARS} characters`)
    }
    if (stop === '/') throw new ExpandError('a `${…/…}` has no `/` after its pattern')
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
  private doubleQuoted(depth: number, raw: boolean): string {
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
          out += (raw ? ch : '') + next
          this.i += 2
          continue
        }
        // Read raw, an escape that quotes nothing is written twice, as BuildKit does.
        if (raw) out += ch
      }
      out += ch
      this.i++
      if (out.length > MAX_CHARS)
        throw new BeyondGate(`it expands to more than ${MAX_CHARS} characters`)
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
    if (depth >= MAX_DEPTH) throw new BeyondGate(`variables are nested more than ${MAX_DEPTH} deep`)
    const name = this.name()
    if (name === '') throw new ExpandError('a `${…}` names no variable')
    OPERATOR.lastIndex = this.i
    const op = OPERATOR.exec(this.text)?.[0]
    if (this.text[this.i] === '}') {
      this.i++
      return this.lookup(name) ?? ''
    }
    if (this.i >= this.text.length) throw new ExpandError('a `${` has no closing `}`')
    if (op === undefined || (this.older && !OLDER_OPERATORS.has(op))) {
      throw new ExpandError(`\`\${${name}\` is followed by an unknown operator`)
    }
    this.i += op.length
    if (op === '/' || op === '//') return this.replaced(name, op === '//', depth)
    const value = this.vars.get(name)
    this.read.add(name)
    // As BuildKit: a trim's pattern keeps its escapes, the other operators' words do not.
    const word = this.word('}', depth + 1, op[0] === '#' || op[0] === '%')
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
      case '#':
      case '##':
        if (value === undefined) this.unset.add(name)
        return trimPrefix(value ?? '', word, op === '##')
      default:
        if (value === undefined) this.unset.add(name)
        return trimSuffix(value ?? '', word, op === '%%')
    }
  }

  // `${NAME/pattern/replacement}` (the first match) and `${NAME//pattern/replacement}` (all).
  private replaced(name: string, all: boolean, depth: number): string {
    const pattern = this.word('/', depth + 1, true)
    this.i++ // the slash
    const replacement = this.word('}', depth + 1, true)
    this.i++ // the closing brace
    return replacePattern(this.lookup(name) ?? '', pattern, replacement, all)
  }

  private name(): string {
    const pattern = this.older ? OLDER_NAME : NAME
    pattern.lastIndex = this.i
    const m = pattern.exec(this.text)
    if (m === null) return ''
    this.i += m[0].length
    return m[0]
  }

  private lookup(name: string): string | undefined {
    this.read.add(name)
    const value = this.vars.get(name)
    if (value === undefined) this.unset.add(name)
    return value
  }
}
