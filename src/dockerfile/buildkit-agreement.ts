// Where dockerfile-ast could split a Dockerfile into instructions otherwise than BuildKit does, a
// FROM BuildKit pulls could hide inside what the parser took for a continued line, a comment or a
// here-document (or a here-document's content could pose as a stage). This reads the file again
// as BuildKit's frontend/dockerfile/parser does (directives, line ends, leading space, comments and
// empty lines in continuations, here-documents) and says where the two disagree. The file picks
// its frontend version (`# syntax=docker/dockerfile:1.2`), and versions read here-documents and
// directives differently, so it is read as each generation does too, and every reading must name
// the same FROM lines, meta ARGs and instructions whose flags pull images. What the gate then
// expands (FROM words, meta ARGs, --from values) comes from this reading, not dockerfile-ast's.
// No maintained library reads a Dockerfile as BuildKit does outside Go, hence this file.
import type { Dockerfile, Heredoc, Instruction } from 'dockerfile-ast'
import { escapeRegExp } from '../policy/glob.js'
import { lexWords, type LexFlags } from './buildkit-words.js'
import { argPairs, type ArgPair } from './arg-words.js'
import { DIRECTIVE_READINGS, readDirectives } from './directives.js'
import { flagPullsOf, splitCommand, type FlagPull } from './flag-pulls.js'
import { trimLeading } from './space.js'

/**
 * Each FROM line's arguments, the meta ARGs and the flags that pull images, as BuildKit reads
 * them, raw (escapes and variables as written, for expanding as BuildKit does); or why BuildKit
 * could read `source` otherwise than `dockerfile` (escape `escape`), in any frontend version.
 */
export function readAsBuildkit(
  source: string,
  dockerfile: Dockerfile,
  escape: string,
): { problem: string } | { fromArgs: string[][]; flagPulls: LocatedPull[]; metaArgs: ArgPair[] } {
  const read = buildkitReading(source, dockerfile, escape)
  if (typeof read === 'string') return { problem: read }
  let stage = -1
  const flagPulls = read.flatMap((instruction) => {
    if (instruction.keyword === 'from') stage++
    return instruction.pulls.map((pull) => ({ ...pull, line: instruction.line, stage }))
  })
  // The ARGs before the first FROM: what FROM lines expand. BuildKit takes leading `--` words off
  // an ARG as flags (byte by byte, quotes and `\` their own way: flag-pulls.ts) and drops them;
  // no ARG needs one, so one that has any is refused rather than read a third way.
  const args = pulls(read)
    .filter((i) => i.keyword === 'arg')
    .map((i) => ({ line: i.line, rest: splitCommand(i.text)[1] }))
  const flagged = args.find((a) => a.rest.trimStart().startsWith('--'))
  if (flagged !== undefined) return { problem: `the ARG at line ${flagged.line} has flags` }
  const metaArgs = args.flatMap((a) => argPairs(a.rest, escape))
  return {
    fromArgs: read.flatMap((i) => (i.from === undefined ? [] : [i.from.raw])),
    flagPulls,
    metaArgs,
  }
}

/** A flag naming a stage or an image (flag-pulls.ts), where it is. */
export interface LocatedPull extends FlagPull {
  line: number
  /** 0-based index of the stage it is in; -1 before the first FROM. */
  stage: number
}

function buildkitReading(
  source: string,
  dockerfile: Dockerfile,
  escape: string,
): string | BuildkitInstruction[] {
  const lines = source.split('\n').map((line) => line.replace(/\r$/, ''))
  // Versions read directives differently (`# check=` stops older ones; a Unicode space after #).
  const escapes = [
    ...new Set(DIRECTIVE_READINGS.map((r) => readDirectives(lines, r).get('escape') ?? '\\')),
  ]
  if (escapes.length > 1) {
    return `Dockerfile frontend versions read its parser directives differently: the escape character is ${escapes.map((e) => JSON.stringify(e)).join(' or ')}`
  }
  const buildkit = escapes[0]!
  if (buildkit !== escape) {
    return `its parser directives set the escape character to ${JSON.stringify(buildkit)} for BuildKit and ${JSON.stringify(escape)} for the gate's parser`
  }
  // BuildKit ends lines at \n only; dockerfile-ast at a lone \r as well.
  if (/\r(?!\n)/.test(source)) return 'it has a carriage return that does not end a line'
  // BuildKit's continuation is an escape not itself escaped (`([^\\])\\[ \t]*$`); dockerfile-ast
  // (and older builders) continue after a doubled one too.
  const doubled = lines.findIndex((line) => line.replace(/[ \t]+$/, '').endsWith(escape + escape))
  if (doubled >= 0) return `line ${doubled + 1} ends in the escape character twice`
  try {
    const current = buildkitInstructions(lines, escape, CURRENT)
    if (typeof current === 'string') return current
    return (
      parserDifference(current, dockerfile.getInstructions()) ??
      generationDifference(lines, escape, current) ??
      current
    )
  } catch (error) {
    if (error instanceof Unreadable) return error.message
    throw error
  }
}

function parserDifference(theirs: BuildkitInstruction[], ours: Instruction[]): string | undefined {
  for (let i = 0; i < Math.max(theirs.length, ours.length); i++) {
    const differs = instructionDifference(theirs[i], ours[i])
    if (differs !== undefined) return differs
  }
  return undefined
}

function generationDifference(
  lines: string[],
  escape: string,
  current: BuildkitInstruction[],
): string | undefined {
  for (const generation of OTHER_GENERATIONS) {
    const read = buildkitInstructions(lines, escape, generation)
    // A frontend that cannot read the file builds nothing from it.
    if (typeof read === 'string') continue
    const differs = pullDifference(current, read, generation)
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
  from?: { flags: number; args: string[]; raw: string[] }
  /** What its flags name to pull from (COPY --from, RUN --mount from=). */
  pulls: FlagPull[]
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

/**
 * The instructions of `lines` as parser.go Parse splits them: an instruction's first line trimmed
 * of leading space; comment and empty lines skipped, also inside a continuation; a continuation
 * is the escape (not itself escaped) at the end of a line; then the here-documents a RUN, COPY or
 * ADD (or ONBUILD of one) opens as `generation` reads them, each up to its terminator. A message
 * where that frontend fails the file (a here-document that does not end).
 */
function buildkitInstructions(
  lines: string[],
  escape: string,
  generation: Generation,
): BuildkitInstruction[] | string {
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
    const opener =
      keyword === 'onbuild' && generation.onbuild ? (words[1] ?? '').toLowerCase() : keyword
    const heredocs = HEREDOC_INSTRUCTIONS.has(opener.toUpperCase())
      ? generation.heredocs(text, start + 1)
      : []
    if (typeof heredocs === 'string') return heredocs
    found.push({
      line: start + 1,
      keyword,
      text,
      heredocs: heredocs.map((h) => h.name),
      ...(keyword === 'from' && { from: fromWords(words.slice(1), escaped) }),
      pulls: flagPullsOf(text),
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

/**
 * The instructions that decide what a build pulls: every FROM, the ARGs before the first, and
 * each whose flags name something to pull from.
 */
function pulls(instructions: BuildkitInstruction[]): BuildkitInstruction[] {
  const first = instructions.findIndex((i) => i.keyword === 'from')
  return instructions.filter(
    (i, k) =>
      i.keyword === 'from' ||
      i.pulls.length > 0 ||
      (i.keyword === 'arg' && (first < 0 || k < first)),
  )
}

function pullDifference(
  current: BuildkitInstruction[],
  other: BuildkitInstruction[],
  generation: Generation,
): string | undefined {
  const ours = pulls(current)
  const theirs = pulls(other)
  for (let k = 0; k < Math.max(ours.length, theirs.length); k++) {
    const [a, b] = [ours[k], theirs[k]]
    if (a?.line !== b?.line || a?.keyword !== b?.keyword) {
      return `${generation.about} read ${shown(b)} where current ones read ${shown(a)}`
    }
    if (a?.text !== b?.text) return `${generation.about} read the ${shown(a)} otherwise`
  }
  return undefined
}

interface HeredocOpener {
  name: string
  chomp: boolean
}

/** How one generation of Dockerfile frontends reads here-documents. */
interface Generation {
  /** Those frontends, for a message. */
  about: string
  /** What an instruction (its text, at `line`) opens; a message where the frontend fails. */
  heredocs(text: string, line: number): HeredocOpener[] | string
  /** ONBUILD RUN, COPY and ADD open here-documents too. */
  onbuild: boolean
}

/** A file no reading can be trusted for: refused whole. */
class Unreadable extends Error {}

// `${…}` operators changed between versions, so what one expands to depends on the version
// (buildkit-words.ts does not read them). One without blanks, quotes, escapes or `<`, in a word
// without `<<`, cannot join, split or open a here-document word in any version: it is read as a
// plain variable. Any other makes the line unreadable.
function withoutBraces(text: string, line: number): string {
  let out = ''
  let from = 0
  for (let start = text.indexOf('${'); start >= 0; start = text.indexOf('${', from)) {
    let depth = 0
    let end = start + 1
    for (; end < text.length; end++) {
      if (text[end] === '{') depth++
      else if (text[end] === '}' && --depth === 0) break
    }
    const span = text.slice(start, end + 1)
    const wordStart = text.slice(0, start).search(/\S*$/)
    const wordEnd = text.slice(end + 1).search(/\s|$/) + end + 1
    if (
      end >= text.length ||
      /[\s"'\\<]/.test(span) ||
      text.slice(wordStart, wordEnd).includes('<<')
    ) {
      throw new Unreadable(
        `line ${line} has a \${…} that Dockerfile frontend versions could read into a here-document differently`,
      )
    }
    out += `${text.slice(from, start)}$_`
    from = end + 1
  }
  return out + text.slice(from)
}

// The first frontends with here-documents: the line lexed with quotes kept and variables empty;
// a name of letters and digits, optionally quoted.
const LETTER_NAME = /^(\d*)<<(-?)(['"]?)([a-zA-Z][a-zA-Z0-9]*)(['"]?)$/
function letterNames(text: string, line: number): HeredocOpener[] | string {
  if (!text.includes('<<')) return []
  const words = lexWords(withoutBraces(text, line), {
    rawQuotes: true,
    rawEscapes: false,
    keepVariables: false,
  })
  const found: HeredocOpener[] = []
  for (const word of words ?? []) {
    const match = LETTER_NAME.exec(word)
    if (match === null) continue
    if (match[3] !== match[5]) return 'quoted heredoc quotes do not match'
    found.push({ name: match[4]!, chomp: match[2] === '-' })
  }
  return found
}

// parser.go heredocsFromLine and heredocFromMatch since: the line lexed with quotes, escapes and
// variables kept; each word matching the opener is a here-document when the rest, lexed again
// with quotes removed, is one word: that word is the name. (The newest lexer also takes a blank
// after << into the word, `<< EOF`; dockerfile-ast opens a here-document there that the current
// reading does not, so the parser comparison refuses such a line before the generations.)
const OPENER = /^(\d*)<<(-?)([^<]*)$/
function anyNames(text: string, line: number): HeredocOpener[] | string {
  if (!text.includes('<<')) return []
  const plain = withoutBraces(text, line)
  const found: HeredocOpener[] = []
  const flags = (rawQuotes: boolean, rawEscapes: boolean): LexFlags => ({
    rawQuotes,
    rawEscapes,
    keepVariables: true,
  })
  for (const word of lexWords(plain, flags(true, true)) ?? []) {
    const match = OPENER.exec(word)
    const rest = match?.[3]
    if (rest === undefined || rest === '') continue
    const unquoted = lexWords(rest, flags(false, false))
    if (unquoted === undefined) return `the here-document word ${rest} cannot be read`
    if (unquoted.length !== 1) continue
    if (lexWords(rest, flags(true, false))?.length !== 1)
      return `the here-document word ${rest} is read inconsistently`
    found.push({ name: unquoted[0]!, chomp: match![2] === '-' })
  }
  return found
}

const CURRENT: Generation = {
  about: 'current Dockerfile frontends',
  heredocs: anyNames,
  onbuild: true,
}
// The most specific first, so a message names the frontends that differ.
const OTHER_GENERATIONS: Generation[] = [
  {
    about: 'frontends without here-documents under ONBUILD',
    heredocs: anyNames,
    onbuild: false,
  },
  {
    about: 'the first frontends with here-documents (names of letters and digits)',
    heredocs: letterNames,
    onbuild: false,
  },
  {
    about: 'Dockerfile frontends before 1.4 (no here-documents)',
    heredocs: () => [],
    onbuild: false,
  },
]

// BuildKit reads here-documents in these instructions only.
const HEREDOC_INSTRUCTIONS = new Set(['RUN', 'COPY', 'ADD'])

// A FROM's words as BuildKit reads them: leading `--` words are flags (extractBuilderFlags), the
// rest its arguments, as written (`raw`) and with the escape (`escaped` matches it and the
// character after) applied, as the shell lexer does when the image is expanded.
function fromWords(
  words: string[],
  escaped: RegExp,
): { flags: number; args: string[]; raw: string[] } {
  const flags = words.findIndex((word) => !word.startsWith('--'))
  const first = flags < 0 ? words.length : flags
  const raw = words.slice(first).filter((w) => w !== '')
  return { flags: first, args: raw.map((word) => word.replace(escaped, '$1')), raw }
}
