// An ARG's names as BuildKit reads them (dockerfile/parser line_parsers.go parseWords, then
// parseNameOrNameVal): words split at Unicode space outside quotes, quotes and escapes kept, each
// name the word up to its first `=`. A name keeps its quotes and escapes (`ARG "A"=x` declares
// `"A"`), where dockerfile-ast removes them. No library reads them as BuildKit does outside Go.
import { isSpace } from './space.js'

/** The names an ARG instruction declares; `rest` is its text after the keyword. */
export function argNames(rest: string, escape: string): string[] {
  return parseWords(rest, escape).map((word) => word.split('=')[0]!)
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
