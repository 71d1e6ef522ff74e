// Where dockerfile-ast could split a Dockerfile into instructions otherwise than BuildKit does, a
// FROM BuildKit pulls could hide inside what the parser took for a continued line, a comment or a
// here-document (or a here-document's content could pose as a stage). This reads the file again
// as BuildKit's frontend/dockerfile/parser does (directives, line ends, leading space, comments and
// empty lines in continuations, here-documents) and says where the two disagree. No maintained
// library reads a Dockerfile as BuildKit does outside Go, hence this file.
import type { Dockerfile, Heredoc, Instruction } from 'dockerfile-ast'
import { escapeRegExp } from '../policy/glob.js'

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
  const theirs = buildkitInstructions(lines, escape)
  if (typeof theirs === 'string') return theirs
  // BuildKit splits an ARG's words at any Unicode space (line_parsers.go parseWords); dockerfile-
  // ast at spaces and tabs only. A meta ARG (before the first FROM) is what FROM lines expand.
  const firstFrom = theirs.findIndex((i) => i.keyword === 'from')
  const split = theirs
    .slice(0, firstFrom < 0 ? theirs.length : firstFrom)
    .find((i) => i.keyword === 'arg' && OTHER_SPACE.test(i.text))
  if (split !== undefined) {
    return `the ARG at line ${split.line} holds a space other than a space or a tab, where BuildKit splits its words and the gate's parser does not`
  }
  const ours = dockerfile.getInstructions()
  for (let i = 0; i < Math.max(theirs.length, ours.length); i++) {
    const differs = instructionDifference(theirs[i], ours[i])
    if (differs !== undefined) return differs
  }
  return undefined
}

/** One instruction as BuildKit reads it: where it starts, its keyword, its here-documents. */
interface BuildkitInstruction {
  /** 1-based. */
  line: number
  /** Lower case. */
  keyword: string
  /** Its lines with their continuations joined. */
  text: string
  heredocs: string[]
  /** A FROM's flags (`--platform=…`) and arguments, escapes applied: what it names. */
  from?: { flags: number; args: string[] }
}

const shown = (i: Pick<BuildkitInstruction, 'line' | 'keyword'> | undefined): string =>
  i === undefined ? 'nothing' : `${i.keyword.toUpperCase()} at line ${i.line}`

function instructionDifference(
  theirs: BuildkitInstruction | undefined,
  instruction: Instruction | undefined,
): string | undefined {
  const heredocs = instruction === undefined ? [] : heredocsOf(instruction)
  const ours =
    instruction === undefined
      ? undefined
      : {
          line: instruction.getRange().start.line + 1,
          keyword: instruction.getKeyword().toLowerCase(),
          heredocs: heredocs.map((heredoc) => heredoc.getName()),
        }
  if (theirs?.line !== ours?.line || theirs?.keyword !== ours?.keyword) {
    return `BuildKit reads ${shown(theirs)} where the gate's parser reads ${shown(ours)}`
  }
  const open = heredocs.find((h) => h.getDelimiterRange() === null)
  if (open !== undefined)
    return `the here-document <<${open.getName()} does not end (line ${ours!.line})`
  // The same FROM line must name the same image: a comment line inside its continuation, skipped
  // whole by BuildKit, is read by dockerfile-ast up to its escapes (and the line after).
  if (theirs!.from !== undefined && instruction !== undefined) {
    const from = instruction as Instruction & { getFlags(): unknown[] }
    const args = from.getArguments().map((a) => a.getValue())
    if (
      theirs!.from.flags !== from.getFlags().length ||
      theirs!.from.args.join('\n') !== args.join('\n')
    ) {
      return `the FROM at line ${theirs!.line} names ${JSON.stringify(theirs!.from.args.join(' '))} for BuildKit and ${JSON.stringify(args.join(' '))} for the gate's parser`
    }
  }
  if (theirs!.heredocs.join('\n') !== ours!.heredocs.join('\n')) {
    const names = (list: string[]): string => list.map((n) => `<<${n}`).join(' ') || 'none'
    return `line ${theirs!.line} opens here-documents ${names(theirs!.heredocs)} for BuildKit and ${names(ours!.heredocs)} for the gate's parser`
  }
  return undefined
}

// ONBUILD RUN <<EOF is a here-document too (BuildKit's canContainHeredoc looks through ONBUILD).
function heredocsOf(instruction: Instruction): Heredoc[] {
  const target =
    instruction.getKeyword() === 'ONBUILD'
      ? (
          instruction as Instruction & { getTriggerInstruction(): Instruction | null }
        ).getTriggerInstruction()
      : instruction
  if (target === null || !HEREDOC_INSTRUCTIONS.has(target.getKeyword())) return []
  return (target as Instruction & { getHeredocs(): Heredoc[] }).getHeredocs()
}

// unicode.IsSpace, which BuildKit trims lines with (JavaScript's \s differs: it has U+FEFF and
// lacks U+0085): the space, the tab and the line ends, and these others.
const OTHERS = '\\v\\f\\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000'
const LEADING_SPACE = new RegExp(`^[\\t\\n\\r ${OTHERS}]+`)
const OTHER_SPACE = new RegExp(`[${OTHERS}]`)
const trimLeading = (line: string): string => line.replace(LEADING_SPACE, '')

/**
 * The instructions of `lines` as parser.go Parse splits them: an instruction's first line trimmed
 * of leading space; comment and empty lines skipped, also inside a continuation; a continuation
 * is the escape (not itself escaped) at the end of a line; then the here-documents a RUN, COPY or
 * ADD (or ONBUILD of one) opens, each up to its terminator. A message when one does not end.
 */
function buildkitInstructions(lines: string[], escape: string): BuildkitInstruction[] | string {
  const e = escapeRegExp(escape)
  const continuation = new RegExp(`([^${e}])${e}[ \\t]*$|^${e}[ \\t]*$`)
  const escaped = new RegExp(`${e}(.)`, 'g')
  const join = (line: string): [string, boolean] =>
    continuation.test(line) ? [line.replace(continuation, '$1'), false] : [line, true]
  const found: BuildkitInstruction[] = []
  let i = 0
  while (i < lines.length) {
    const start = i
    const first = trimLeading(lines[i++]!)
    let [text, ended] = join(first.startsWith('#') ? '' : first)
    if (ended && text === '') continue
    while (!ended && i < lines.length) {
      const next = lines[i++]!
      const trimmed = trimLeading(next)
      if (trimmed === '' || trimmed.startsWith('#')) continue
      let more: string
      ;[more, ended] = join(next)
      text += more
    }
    const words = text.trim().split(/[\t\v\f\r ]+/)
    const keyword = words[0]!.toLowerCase()
    const opener = keyword === 'onbuild' ? (words[1] ?? '').toLowerCase() : keyword
    const heredocs = HEREDOC_INSTRUCTIONS.has(opener.toUpperCase()) ? heredocsFromLine(text) : []
    found.push({
      line: start + 1,
      keyword,
      text,
      heredocs: heredocs.map((h) => h.name),
      ...(keyword === 'from' && { from: fromWords(words.slice(1), escaped) }),
    })
    for (const { name, chomp } of heredocs) {
      for (;;) {
        if (i >= lines.length) return `the here-document <<${name} does not end for BuildKit`
        const line = lines[i++]!
        if ((chomp ? line.replace(/^\t+/, '') : line) === name) break
      }
    }
  }
  return found
}

// BuildKit reads here-documents in these instructions only.
const HEREDOC_INSTRUCTIONS = new Set(['RUN', 'COPY', 'ADD'])

// parser/directives.go: a line, its leading space trimmed (unicode.IsSpace), matching Go's
// `^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$` (Go's \s is [\t\n\f\r ]) with a known name;
// directives end at the first line that is not one.
const DIRECTIVE = /^#[\t\n\f\r ]*([a-zA-Z][a-zA-Z0-9]*)[\t\n\f\r ]*=[\t\n\f\r ]*(.+?)[\t\n\f\r ]*$/
const DIRECTIVES = new Set(['syntax', 'escape', 'check'])

function buildkitEscape(source: string): string {
  for (const line of source.split('\n')) {
    const match = DIRECTIVE.exec(trimLeading(line))
    const name = match?.[1]?.toLowerCase()
    if (name === undefined || !DIRECTIVES.has(name)) break
    if (name === 'escape') return match![2]!
  }
  return '\\'
}

// A FROM's words as BuildKit reads them: leading `--` words are flags (extractBuilderFlags), the
// rest its arguments, each with the escape (`escaped` matches it and the character after) applied,
// as the shell lexer does when the image is expanded.
function fromWords(words: string[], escaped: RegExp): { flags: number; args: string[] } {
  const flags = words.findIndex((word) => !word.startsWith('--'))
  const first = flags < 0 ? words.length : flags
  return {
    flags: first,
    args: words
      .slice(first)
      .filter((w) => w !== '')
      .map((word) => word.replace(escaped, '$1')),
  }
}

// parser.go heredocsFromLine: the line's words, quotes and escapes kept (RawQuotes, RawEscapes),
// each matched against ^(\d*)<<(-?)([^<]*)$; the name is the rest unquoted.
function heredocsFromLine(line: string): { name: string; chomp: boolean }[] {
  return shellWords(line).flatMap((word) => {
    const match = /^\d*<<(-?)([^<]*)$/.exec(word)
    return match === null || match[2] === ''
      ? []
      : [{ name: unquote(match[2]!), chomp: match[1] === '-' }]
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
