// An ARG's names and values as BuildKit reads them (dockerfile/parser line_parsers.go parseWords,
// then instructions/parse.go parseArg): words split at Unicode space outside quotes, quotes and
// escapes kept; each word a name, up to its first `=`, and the raw value after it. A name keeps
// its quotes and escapes (`ARG "A"=x` declares `"A"`); `ARG A b` declares A and b, no values.
// dockerfile-ast reads several of these otherwise, so the gate takes them from here. No library
// reads them as BuildKit does outside Go.
import { isSpace } from './space.js'

/** One ARG a line declares: its value raw, for the shell lexer (undefined: none given). */
export interface ArgPair {
  name: string
  value?: string
}

/** The ARGs an instruction declares; `rest` is its text after the keyword. */
export function argPairs(rest: string, escape: string): ArgPair[] {
  return parseWords(rest, escape).map((word) => {
    const cut = word.indexOf('=')
    return cut < 0 ? { name: word } : { name: word.slice(0, cut), value: word.slice(cut + 1) }
  })
}

function parseWords(rest: string, escape: string): string[] {
  const chars = Array.from(rest)
  const words: string[] = []
  let word = ''
  let quote: string | undefined
  let blankOK = false
  let inWord = false
  for (let pos = 0; pos < chars.length; pos++) {
    let ch = chars[pos]!
    if (!inWord) {
      if (isSpace(ch)) continue
      inWord = true
    }
    if (quote === undefined) {
      if (isSpace(ch)) {
        if (blankOK || word !== '') words.push(word)
        word = ''
        blankOK = false
        inWord = false
        continue
      }
      if (ch === "'" || ch === '"') {
        quote = ch
        blankOK = true
      } else if (ch === escape) {
        // An escape at the very end is dropped; otherwise it stays, with the character after it.
        if (pos + 1 === chars.length) continue
        word += ch
        ch = chars[++pos]!
      }
    } else if (ch === quote) {
      quote = undefined
    } else if (ch === escape && quote !== "'") {
      if (pos + 1 === chars.length) {
        quote = undefined
        continue
      }
      word += ch
      ch = chars[++pos]!
    }
    word += ch
  }
  if (inWord && (blankOK || word !== '')) words.push(word)
  return words
}
