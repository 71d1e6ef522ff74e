// The words BuildKit's shell lexer (moby/buildkit frontend/dockerfile/shell/lex.go, ProcessWords
// with no variable set) reads in an instruction, as the Dockerfile parser uses them to find
// here-documents. Frontend versions set different flags, each one a `LexFlags` here. `${…}` is not
// read: its operators changed between versions, and the caller refuses a here-document line
// holding one. No maintained library reads Dockerfile words as BuildKit does outside Go.

import { isSpace } from './space.js'

export interface LexFlags {
  /** Quotes stay in the words (RawQuotes). */
  rawQuotes: boolean
  /** Escapes stay in the words (RawEscapes). */
  rawEscapes: boolean
  /** `$NAME` stays as written (SkipUnsetEnv); otherwise it is empty, as no variable is set. */
  keepVariables: boolean
}

const LETTER = /^[\p{L}\p{Nd}_]$/u
const DIGIT = /^\p{Nd}$/u
const SPECIAL_PARAMETER = /^[@*#?\-$!0]$/
const ESCAPE = '\\'

class LexError extends Error {}

/** A word being built: BuildKit's wordsStruct. */
class Words {
  private readonly done: string[] = []
  private word = ''
  private inWord = false

  char(ch: string): void {
    if (isSpace(ch)) {
      if (this.inWord && this.word !== '') {
        this.done.push(this.word)
        this.word = ''
        this.inWord = false
      }
    } else {
      this.raw(ch)
    }
  }

  raw(text: string): void {
    this.word += text
    this.inWord = true
  }

  split(text: string): void {
    for (const ch of text) this.char(ch)
  }

  all(): string[] {
    return this.word === '' ? this.done : [...this.done, this.word]
  }
}

/** The words of `line` read with `flags`; undefined where the lexer fails (unclosed quote). */
export function lexWords(line: string, flags: LexFlags): string[] | undefined {
  try {
    return new Lexer(line, flags).words()
  } catch (error) {
    if (error instanceof LexError) return undefined
    throw error
  }
}

class Lexer {
  private readonly chars: string[]
  private i = 0

  constructor(
    text: string,
    private readonly flags: LexFlags,
  ) {
    this.chars = Array.from(text)
  }

  words(): string[] {
    const words = new Words()
    while (this.i < this.chars.length) {
      const ch = this.chars[this.i]!
      if (ch === '$') words.split(this.dollar())
      else if (ch === "'") words.raw(this.singleQuoted())
      else if (ch === '"') words.raw(this.doubleQuoted())
      else if (ch === ESCAPE) {
        this.i++
        if (this.flags.rawEscapes) words.raw(ch)
        if (this.i >= this.chars.length) break
        words.raw(this.chars[this.i++]!)
      } else {
        words.char(ch)
        this.i++
      }
    }
    return words.all()
  }

  private singleQuoted(): string {
    let out = this.flags.rawQuotes ? "'" : ''
    for (this.i++; ;) {
      const ch = this.chars[this.i++]
      if (ch === undefined) throw new LexError('a single quote is not closed')
      if (ch === "'") return this.flags.rawQuotes ? `${out}'` : out
      out += ch
    }
  }

  // Inside double quotes the escape quotes only `"`, `$` and itself; written raw, an escape that
  // quotes nothing is written twice, as BuildKit does.
  private doubleQuoted(): string {
    let out = this.flags.rawQuotes ? '"' : ''
    for (this.i++; ;) {
      const ch = this.chars[this.i]
      if (ch === undefined) throw new LexError('a double quote is not closed')
      if (ch === '"') {
        this.i++
        return this.flags.rawQuotes ? `${out}"` : out
      }
      if (ch === '$') {
        out += this.dollar()
        continue
      }
      this.i++
      if (ch === ESCAPE) {
        if (this.flags.rawEscapes) out += ch
        const next = this.chars[this.i]
        if (next === undefined) continue
        if (next === '"' || next === '$' || next === ESCAPE) {
          out += next
          this.i++
          continue
        }
      }
      out += ch
    }
  }

  private dollar(): string {
    this.i++
    // The caller refuses lines with `${` before lexing them; reaching one is a bug, not a word.
    if (this.chars[this.i] === '{') throw new Error('buildkit-words: `${` is not read')
    const name = this.name()
    if (name === '') return '$'
    return this.flags.keepVariables ? `$${name}` : ''
  }

  // processName: a run of digits, one special parameter, or letters, digits and underscores.
  private name(): string {
    const first = this.chars[this.i]
    if (first === undefined) return ''
    if (DIGIT.test(first)) return this.run(DIGIT)
    if (SPECIAL_PARAMETER.test(first)) return this.chars[this.i++]!
    return this.run(LETTER)
  }

  private run(pattern: RegExp): string {
    let out = ''
    while (this.i < this.chars.length && pattern.test(this.chars[this.i]!))
      out += this.chars[this.i++]
    return out
  }
}
