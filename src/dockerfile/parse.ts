// The base images of a Dockerfile: every FROM line, its `--platform`, its stage name, and what it
// names once the ARGs before the first FROM (and `build-args`) are substituted; and the images
// `COPY --from` and `RUN --mount …,from=` pull. Pure.
//
// dockerfile-ast (the parser behind VS Code's Docker language server) splits the file into
// instructions: parser directives (`# escape=`), line continuations, comments and empty lines
// inside them, heredocs, any case. What a FROM means is BuildKit's, rebuilt here: only the ARGs
// declared before the first FROM are in scope (moby/buildkit dockerfile2llb: "meta args"), a
// `build-args` value replaces a declared ARG's default, the automatic platform ARGs are always
// defined, and a base named like an earlier stage (case-insensitively) is that stage.
import { DockerfileParser } from 'dockerfile-ast'
import { describe } from '../errors.js'
import type { ArgPair } from './arg-words.js'
import { readAsBuildkit, type LocatedPull } from './buildkit-agreement.js'
import { foreignFrontend } from './frontend.js'
import { parseReference } from '../registry/index.js'
import type { ImageRef } from '../types.js'
import { BeyondGate, ExpandError } from './expand-error.js'
import { expandWord, type Expanded } from './expand.js'

/** What one FROM line names. */
export type FromBase =
  | { kind: 'scratch' }
  /** An earlier stage of the same Dockerfile: built, not pulled. */
  | { kind: 'stage'; stage: string }
  /** An image from a registry, as expanded; `pinned` when it carries a digest. */
  | { kind: 'image'; text: string; ref: ImageRef; pinned: boolean }
  /** Not usable: the reason says why (a malformed line, an unknown flag, a bad reference). */
  | { kind: 'invalid'; text: string; problem: string }

/** One FROM instruction, or a flag that pulls an image (`COPY --from=`, `RUN --mount=…,from=`). */
export interface FromLine {
  /** 1-based line of the instruction. */
  line: number
  /** The flag that names it (`COPY --from`); absent for a FROM line. */
  via?: string
  /** 0-based stage index. */
  index: number
  /** The stage name (`AS name`), as written. */
  stage?: string
  /** The base as written, before substitution. */
  written: string
  /**
   * `--platform`, as written and as expanded; `guessed` when the value came through an ARG the
   * build sets other than the builder's platform (TARGETPLATFORM, …), whose value here is only
   * the runner's.
   */
  platform?: { written: string; value: string; guessed: boolean }
  base: FromBase
}

/** One family (BUILD or TARGET) of the automatic platform ARGs BuildKit defines, from a platform. */
function platformFamily(prefix: 'BUILD' | 'TARGET', platform: string): [string, string][] {
  const [os = '', arch = '', variant = ''] = platform.split('/')
  return [
    [`${prefix}PLATFORM`, platform],
    [`${prefix}OS`, os],
    [`${prefix}ARCH`, arch],
    [`${prefix}VARIANT`, variant],
  ]
}

export interface ParseOptions {
  /** `build-args`: replace the default of an ARG declared before the first FROM. */
  buildArgs: ReadonlyMap<string, string>
  /** BUILDPLATFORM and TARGETPLATFORM, e.g. `linux/amd64` (build-args may still set them). */
  platform: string
}

const BUILD_FAMILY = /^BUILD(?:PLATFORM|OS|ARCH|VARIANT)$/

// BuildKit's stage name rule (instructions/parse.go), on the lowercased name.
const STAGE_NAME = /^[a-z][a-z0-9-_.]*$/

/**
 * Every FROM line of `text`, in order, then every image a `--from` pulls (FromLine.via). Throws
 * for a file no frontend version can be trusted to read as the gate does, or with no FROM at all.
 */
export function parseDockerfile(text: string, options: ParseOptions): FromLine[] {
  const source = text.replace(/^\uFEFF/, '')
  const frontend = foreignFrontend(source, options.buildArgs)
  if (frontend !== undefined) throw new ExpandError(frontend)
  const dockerfile = DockerfileParser.parse(source)
  const escape = dockerfile.getEscapeCharacter()
  // Security: where dockerfile-ast could read lines differently from BuildKit, a FROM BuildKit
  // pulls could hide inside what the parser took for a continued line or a here-document.
  const buildkit = readAsBuildkit(source, dockerfile, escape)
  if ('problem' in buildkit) {
    throw new ExpandError(`BuildKit could read it differently: ${buildkit.problem}`)
  }
  const { vars, dependent, guessed } = metaArgs(buildkit.metaArgs, options, escape, 'current')
  const others = otherReadings(buildkit.metaArgs, options, escape, vars)
  const stages = new Map<string, number>()
  const froms = dockerfile.getFROMs().map((from, index): FromLine => {
    const line = from.getInstructionRange().start.line + 1
    // Security: the words as written, as BuildKit expands them. dockerfile-ast's values have their
    // escapes applied already, and expanding them again turned `${V#\?}` into a wildcard.
    const args = buildkit.fromArgs[index]!
    const written = args[0] ?? ''
    const stage = args.length === 3 ? args[2] : undefined
    const invalid = (problem: string, expanded = written): FromLine => ({
      line,
      index,
      ...(stage !== undefined && { stage }),
      written,
      base: { kind: 'invalid', text: expanded, problem },
    })
    if (args.length === 0) return invalid('FROM names no image')
    if (
      args.length === 2 ||
      args.length > 3 ||
      (args.length === 3 && args[1]!.toLowerCase() !== 'as')
    ) {
      return invalid('FROM takes an image and an optional `AS name`')
    }
    if (stage !== undefined) {
      if (!STAGE_NAME.test(stage.toLowerCase())) {
        return invalid(`the stage name "${stage}" is not valid`)
      }
      // A later stage may reuse a name; BuildKit refuses duplicates, and so do we.
      if (stages.has(stage.toLowerCase())) return invalid(`the stage name "${stage}" is used twice`)
    }
    let platform: FromLine['platform']
    for (const flag of from.getFlags()) {
      if (flag.getName() !== 'platform')
        return invalid(`FROM has an unknown flag --${flag.getName()}`)
      const value = flag.getValue() ?? ''
      try {
        const expanded = expandWord(value, vars, escape)
        // Read from TARGETPLATFORM or the like (or an ARG set from one): only the runner's guess.
        const fromGuess = expanded.read.some((name) => guessed.has(name))
        platform = { written: value, value: expanded.value, guessed: fromGuess }
      } catch (error) {
        return invalid(`its --platform cannot be expanded: ${describe(error)}`)
      }
    }
    const base = resolveBase(written, vars, escape, stages)
    const differs =
      base.kind === 'invalid' ? undefined : otherExpansion(written, vars, dependent, others, escape)
    if (differs !== undefined) return invalid(differs)
    if (stage !== undefined) stages.set(stage.toLowerCase(), index)
    return {
      line,
      index,
      ...(stage !== undefined && { stage }),
      written,
      ...(platform !== undefined && { platform }),
      base,
    }
  })
  if (froms.length === 0) throw new ExpandError('it has no FROM instruction')
  const names = new Map(
    froms.flatMap((f) => (f.stage === undefined ? [] : [[f.stage.toLowerCase(), f.index]])),
  )
  // A flag naming a stage (or scratch) pulls nothing: only images and unusable values are listed.
  const pulled = buildkit.flagPulls
    .map((pull) => flagBase(pull, froms, names, escape))
    .filter((f) => f.base.kind === 'image' || f.base.kind === 'invalid')
  return [...froms, ...pulled]
}

// Security: BuildKit pulls a `--from` that names no stage (by name or index) like a FROM image.
// Its value is expanded in the stage's own scope, which the gate does not follow, so one holding
// a variable, a quote or an escape is refused rather than guessed.
function flagBase(
  pull: LocatedPull,
  froms: readonly FromLine[],
  stages: ReadonlyMap<string, number>,
  escape: string,
): FromLine {
  const stage = froms[pull.stage]?.stage
  const head = {
    line: pull.line,
    via: pull.via,
    index: Math.max(pull.stage, 0),
    ...(stage !== undefined && { stage }),
    written: pull.value,
  }
  const invalid = (problem: string): FromLine => ({
    ...head,
    base: { kind: 'invalid', text: pull.value, problem },
  })
  if (pull.stage < 0) return invalid(`${pull.via} comes before the first FROM`)
  if (pull.value === '') return invalid(`${pull.via} names nothing`)
  if (/[$"'`\\]/.test(pull.value) || pull.value.includes(escape)) {
    return invalid(
      `${pull.via} holds a variable, a quote or an escape: the gate cannot tell what it names`,
    )
  }
  // COPY's value is a stage index when Go's strconv.Atoi reads it (an int, 32 bits on some
  // builds of the frontend); a mount's never is. An index past the last stage fails the build.
  if (pull.index && goInt(pull.value, 32)) {
    return { ...head, base: { kind: 'stage', stage: pull.value } }
  }
  return { ...head, base: resolveBase(pull.value, new Map(), escape, stages) }
}

/** How a frontend generation sets meta ARGs (metaArgs). */
type ArgGeneration = 'current' | 'older' | 'oldest'

/** Meta ARGs as another frontend version, or another build of the same file, could see them. */
interface OtherReading {
  about: string
  vars: ReadonlyMap<string, string>
  /** The lexer of frontends before 2023 (expand.ts). */
  olderLexer: boolean
}

// Set by the build, not the file: since late 2024 TARGETSTAGE is the stage `--target` builds (or
// the last one), and some builds define the OS version ARGs. Like the platform ARGs, their values
// are not the gate's to know.
const BUILD_SET_ARGS = ['TARGETSTAGE', 'TARGETOSVERSION', 'BUILDOSVERSION']

function otherReadings(
  declared: readonly ArgPair[],
  options: ParseOptions,
  escape: string,
  current: ReadonlyMap<string, string>,
): OtherReading[] {
  const read = (generation: ArgGeneration): Map<string, string> =>
    metaArgs(declared, options, escape, generation).vars
  return [
    { about: 'older ones', vars: read('older'), olderLexer: false },
    { about: 'the oldest ones', vars: read('oldest'), olderLexer: true },
    // The newest read SOURCE_DATE_EPOCH as a number and write it back (`01` becomes `1`).
    { about: 'the newest ones', vars: withEpochNormalised(current), olderLexer: false },
  ]
}

/** Whether Go's strconv reads `text` as a decimal integer of `bits` bits (a sign allowed). */
const goInt = (text: string, bits: number): boolean =>
  /^[+-]?\d+$/.test(text) && BigInt.asIntN(bits, BigInt(text)) === BigInt(text)

function withEpochNormalised(vars: ReadonlyMap<string, string>): Map<string, string> {
  const out = new Map(vars)
  const epoch = vars.get('SOURCE_DATE_EPOCH')
  if (epoch !== undefined && goInt(epoch, 64)) {
    out.set('SOURCE_DATE_EPOCH', BigInt(epoch).toString())
  }
  return out
}

/**
 * Security: the file picks its frontend version, and other versions (or other builds of the file)
 * set meta ARGs otherwise. Each reading must expand the word to the same text. One whose lexer
 * cannot expand it fails the build there, and is skipped; a bound of the gate's own proves
 * nothing, and a text the gate cannot parse as a reference may still be one for BuildKit.
 */
function otherExpansion(
  written: string,
  vars: ReadonlyMap<string, string>,
  dependent: ReadonlySet<string>,
  others: readonly OtherReading[],
  escape: string,
): string | undefined {
  const { value: current, read } = expandWord(written, vars, escape)
  // A build may make several platforms and targets, and the runner's is a guess: a base that
  // depends on an ARG the build sets, and the build-args do not give, could be another image.
  const through = read.find((name) => dependent.has(name))
  if (through !== undefined) {
    return `it depends on what the build sets (through ${through}): give each platform ARG and TARGETSTAGE it reads in build-args, once for each platform and target the build makes`
  }
  for (const other of others) {
    let theirs: string
    try {
      theirs = expandWord(written, other.vars, escape, other.olderLexer).value
    } catch (error) {
      if (error instanceof BeyondGate) {
        return `it cannot be expanded as ${other.about} would: ${describe(error)}`
      }
      continue
    }
    if (theirs !== current) {
      return `Dockerfile frontend versions expand it differently: ${current || '(nothing)'} for current ones, ${theirs || '(nothing)'} for ${other.about}`
    }
  }
  return undefined
}

function resolveBase(
  written: string,
  vars: ReadonlyMap<string, string>,
  escape: string,
  stages: ReadonlyMap<string, number>,
): FromBase {
  let text: string
  let unset: string[]
  try {
    ;({ value: text, unset } = expandWord(written, vars, escape))
  } catch (error) {
    return { kind: 'invalid', text: written, problem: `it cannot be expanded: ${describe(error)}` }
  }
  if (text.toLowerCase() === 'scratch') return { kind: 'scratch' }
  if (stages.has(text.toLowerCase())) return { kind: 'stage', stage: text }
  try {
    const ref = parseReference(text, 'dockerfile')
    return { kind: 'image', text, ref, pinned: ref.digest !== undefined }
  } catch (error) {
    const why = describe(error).replace(/^.*? is not a valid image reference: /, '')
    const hint =
      unset.length > 0
        ? ` (${unset.join(', ')} ${unset.length === 1 ? 'is' : 'are'} not set: declare ${unset.length === 1 ? 'it' : 'them'} with ARG before the first FROM, or give ${unset.length === 1 ? 'it' : 'them'} in build-args)`
        : ''
    return {
      kind: 'invalid',
      text,
      problem: `it is not a valid image reference: ${why.replace(/\.$/, '')}${hint}`,
    }
  }
}

/**
 * The variables a FROM line sees: the automatic platform ARGs, then every ARG declared before
 * the first FROM, in order, each default expanded with those before it and replaced by a
 * `build-args` value when one is given. Later ARGs (inside stages) are out of FROM's scope.
 * Older frontends (before late 2024, moby/buildkit #4856, #5349) set an ARG without a value to "",
 * and one whose default they cannot expand to "" rather than failing; the oldest also had an
 * older lexer (expand.ts).
 */
function metaArgs(
  declared: readonly ArgPair[],
  options: ParseOptions,
  escape: string,
  generation: ArgGeneration,
): { vars: Map<string, string>; dependent: Set<string>; guessed: Set<string> } {
  const vars = new Map([
    ...platformFamily('BUILD', options.platform),
    ...platformFamily('TARGET', options.platform),
  ])
  // The ARGs the build sets, and then the ARGs set from them. BuildKit replaces each of them
  // with its own build-arg only (TARGETPLATFORM does not set TARGETARCH), so only that clears one.
  const dependent = new Set([...vars.keys(), ...BUILD_SET_ARGS])
  for (const name of dependent) {
    const given = options.buildArgs.get(name)
    if (given !== undefined) {
      vars.set(name, given)
      dependent.delete(name)
    }
  }
  // Of those, the ones whose value here is a guess: all but the builder's platform (the runner's).
  const guessed = new Set([...dependent].filter((name) => !BUILD_FAMILY.test(name)))
  for (const { name, value: raw } of declared) {
    // instructions/parse.go: an ARG with an empty name fails the build.
    if (name === '') throw new ExpandError('an ARG before the first FROM has an empty name')
    const given = options.buildArgs.get(name)
    if (given !== undefined) {
      vars.set(name, given)
      dependent.delete(name)
      guessed.delete(name)
    } else if (generation !== 'current') {
      let value = ''
      try {
        value =
          raw === undefined ? '' : expandWord(raw, vars, escape, generation === 'oldest').value
      } catch (error) {
        // Older frontends set a default they could not expand to ""; one the gate cannot expand
        // may be something else for them.
        if (error instanceof BeyondGate) {
          throw new ExpandError(`ARG ${name} cannot be expanded: ${describe(error)}`)
        }
      }
      vars.set(name, value)
    } else if (raw !== undefined) {
      let expanded: Expanded
      try {
        expanded = expandWord(raw, vars, escape)
      } catch (error) {
        // BuildKit fails the build on a meta ARG it cannot expand. Leaving it unset here would
        // let `${NAME:-x}` name x where BuildKit, expanding more than this does, names another.
        throw new ExpandError(`ARG ${name} cannot be expanded: ${describe(error)}`)
      }
      vars.set(name, expanded.value)
      if (expanded.read.some((read) => dependent.has(read))) dependent.add(name)
      else dependent.delete(name)
      if (expanded.read.some((read) => guessed.has(read))) guessed.add(name)
      else guessed.delete(name)
    }
    // Declared without a value and not given: as it was (unset unless automatic).
  }
  return { vars, dependent, guessed }
}
