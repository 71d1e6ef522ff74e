// Where dockerfile-ast could split a Dockerfile into lines otherwise than BuildKit does, a FROM
// BuildKit pulls could hide inside what the parser took for a continued line or a here-document
// (or a here-document's content could pose as a stage). This re-reads the three places the two
// can differ as BuildKit's frontend/dockerfile/parser does, and says where they disagree: parser
// directives, line ends, and the here-documents RUN, COPY and ADD open. No maintained library
// reads a Dockerfile as BuildKit does outside Go, hence this file.
import type { Dockerfile, Heredoc, Instruction } from 'dockerfile-ast'

/** Why BuildKit could read `source` otherwise than `dockerfile` (escape `escape`); undefined if not. */
export function unlikeBuildkit(
  source: string,
  dockerfile: Dockerfile,
  escape: string,
): string | undefined {
  const buildkit = buildkitEscape(source)
  if (buildkit !== escape) {
    return `its parser directives set the escape character to ${JSON.stringify(buildkit)} for BuildKit and ${JSON.stringify(escape)} for the gate's parser`
  }
  // BuildKit ends lines at \n only; dockerfile-ast at a lone \r as well.
  if (/\r(?!\n)/.test(source)) return 'it has a carriage return that does not end a line'
  const lines = source.split('\n').map((line) => line.replace(/\r$/, ''))
  // BuildKit's continuation is an escape not itself escaped (`([^\\])\\[ \t]*$`); dockerfile-ast
  // (and older builders) continue after a doubled one too.
  const doubled = lines.findIndex((line) => line.replace(/[ \t]+$/, '').endsWith(escape + escape))
  if (doubled >= 0) return `line ${doubled + 1} ends in the escape character twice`
  for (const instruction of dockerfile.getInstructions()) {
    // ONBUILD RUN <<EOF is a here-document too (BuildKit's canContainHeredoc looks through it).
    const target =
      instruction.getKeyword() === 'ONBUILD'
        ? (
            instruction as Instruction & { getTriggerInstruction(): Instruction | null }
          ).getTriggerInstruction()
        : instruction
    if (target === null || !HEREDOC_INSTRUCTIONS.has(target.getKeyword())) continue
    const heredocs = (target as Instruction & { getHeredocs(): Heredoc[] }).getHeredocs()
    // BuildKit refuses a here-document that does not end; here it may hide lines BuildKit reads.
    const open = heredocs.find((heredoc) => heredoc.getDelimiterRange() === null)
    if (open !== undefined) return `the here-document <<${open.getName()} does not end`
    const start = instruction.getRange().start.line
    const theirs = heredocNames(logicalLine(lines, start, escape))
    const ours = heredocs.map((heredoc) => heredoc.getName())
    if (theirs.join('\n') !== ours.join('\n')) {
      const shown = (names: string[]): string => names.map((n) => `<<${n}`).join(' ') || 'none'
      return `line ${start + 1} opens here-documents ${shown(theirs)} for BuildKit and ${shown(ours)} for the gate's parser`
    }
  }
  return undefined
}

// BuildKit reads here-documents in these instructions only.
const HEREDOC_INSTRUCTIONS = new Set(['RUN', 'COPY', 'ADD'])

// parser/directives.go: a line, its leading space trimmed (unicode.IsSpace), matching Go's
// `^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$` (Go's \s is [\t\n\f\r ]) with a known name;
// directives end at the first line that is not one.
const LEADING_SPACE = /^[\s\u0085]+/u
const DIRECTIVE = /^#[\t\n\f\r ]*([a-zA-Z][a-zA-Z0-9]*)[\t\n\f\r ]*=[\t\n\f\r ]*(.+?)[\t\n\f\r ]*$/
const DIRECTIVES = new Set(['syntax', 'escape', 'check'])

function buildkitEscape(source: string): string {
  for (const line of source.split('\n')) {
    const match = DIRECTIVE.exec(line.replace(LEADING_SPACE, ''))
    const name = match?.[1]?.toLowerCase()
    if (name === undefined || !DIRECTIVES.has(name)) break
    if (name === 'escape') return match![2]!
  }
  return '\\'
}

// The instruction's line with its continuations joined, as BuildKit reads its here-documents
// from it (comment and empty lines inside a continuation are skipped).
function logicalLine(lines: string[], start: number, escape: string): string {
  let text = ''
  for (let i = start; i < lines.length; i++) {
    const line = lines[i]!
    if (i > start && /^\s*(#.*)?$/.test(line)) continue
    const trimmed = line.replace(/\s+$/, '')
    if (!trimmed.endsWith(escape)) return text + line
    text += trimmed.slice(0, -escape.length)
  }
  return text
}

// parser.go heredocsFromLine: the line's words, quotes and escapes kept (RawQuotes, RawEscapes),
// each matched against ^(\d*)<<(-?)([^<]*)$; the name is the rest unquoted.
function heredocNames(line: string): string[] {
  return shellWords(line).flatMap((word) => {
    const rest = /^\d*<<-?([^<]*)$/.exec(word)?.[1]
    return rest === undefined || rest === '' ? [] : [unquote(rest)]
  })
}

/** Words split at unquoted, unescaped white space; quotes and backslashes kept as written. */
function shellWords(line: string): string[] {
  const words: string[] = []
  let word: string | undefined
  let quote: string | undefined
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!
    if (quote === "'") {
      if (c === "'") quote = undefined
    } else if (c === '\\' && i + 1 < line.length) {
      word = `${word ?? ''}${c}${line[++i]}`
      continue
    } else if (quote === '"') {
      if (c === '"') quote = undefined
    } else if (c === "'" || c === '"') {
      quote = c
    } else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word)
      word = undefined
      continue
    }
    word = (word ?? '') + c
  }
  if (word !== undefined) words.push(word)
  return words
}

/** A word with its quotes removed and its escapes applied, as the shell reads it. */
function unquote(raw: string): string {
  let out = ''
  let quote: string | undefined
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!
    if (quote === "'") {
      if (c === "'") quote = undefined
      else out += c
    } else if (c === '\\' && i + 1 < raw.length) {
      out += raw[++i]
    } else if (quote === '"') {
      if (c === '"') quote = undefined
      else out += c
    } else if (c === "'" || c === '"') {
      quote = c
    } else {
      out += c
    }
  }
  return out
}
