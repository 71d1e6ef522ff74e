// BuildKit's shell lexer as its Dockerfile parser reads here-document words, on the cases of
// moby/buildkit's own parser_heredoc_test.go and lex.go.
import { lexWords, type LexFlags } from '../../src/dockerfile/buildkit-words.js'

const flags = (rawQuotes: boolean, rawEscapes = false, keepVariables = true): LexFlags => ({
  rawQuotes,
  rawEscapes,
  keepVariables,
})

test.each([
  // [word, quotes removed, quotes kept]: how BuildKit tells a quoted here-document name
  ['eof', 'eof', 'eof'],
  ["eo\\'f", "eo'f", "eo'f"],
  ["eo'f'", 'eof', "eo'f'"],
  ["'e'o\\'f", "eo'f", "'e'o'f"],
  ['"e\\"o\\x"', 'e"o\\x', '"e"o\\x"'],
])('the here-document word %s reads %s, and %s with its quotes kept', (word, bare, quoted) => {
  expect(lexWords(word, flags(false))).toEqual([bare])
  expect(lexWords(word, flags(true))).toEqual([quoted])
})

test('words split at unquoted, unescaped Unicode space; escapes kept only when asked', () => {
  expect(lexWords('cat  a\\ b\u00a0"c d"', flags(false))).toEqual(['cat', 'a b', 'c d'])
  expect(lexWords('a\\ b <<EOF', flags(true, true))).toEqual(['a\\ b', '<<EOF'])
  // Read raw, an escape inside double quotes that quotes nothing is written twice.
  expect(lexWords('"a\\x"', flags(true, true))).toEqual(['"a\\\\x"'])
})

test('an unset variable stays as written, or is empty (and can join words)', () => {
  expect(lexWords('$E<<EOF $', flags(true, true, true))).toEqual(['$E<<EOF', '$'])
  expect(lexWords('$E<<EOF $', flags(true, false, false))).toEqual(['<<EOF', '$'])
  expect(lexWords('$12x "$_a-b"', flags(true, false, false))).toEqual(['x', '"-b"'])
})

test('an unclosed quote fails the lexer (no words)', () => {
  expect(lexWords("echo don't <<EOF", flags(true, true))).toBeUndefined()
  expect(lexWords('echo "a <<EOF', flags(true, true))).toBeUndefined()
})
