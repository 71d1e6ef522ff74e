// BuildKit's shell patterns, as `${V#p}`, `${V%p}`, `${V/p/r}` and `${V//p/r}` use them in a FROM
// line (moby/buildkit frontend/dockerfile/shell/lex.go, convertShellPatternToRegex): `*` any run,
// `?` one character, `\*` `\?` `\\` themselves, `\}` and `\/` the character; no brackets. Matched by
// one pass over the text (no regexp, no backtracking): a pull request writes the Dockerfile.
import { LIMITS } from '../limits.js'
import { BeyondGate, ExpandError } from './expand-error.js'

type Token = { kind: 'star' } | { kind: 'any' } | { kind: 'char'; char: string }

const MAX_STEPS = LIMITS.fromPatternSteps

/** Parses a pattern written with its escapes kept (BuildKit reads patterns with raw escapes). */
function tokens(pattern: string): Token[] {
  const out: Token[] = []
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!
    if (ch === '*') out.push({ kind: 'star' })
    else if (ch === '?') out.push({ kind: 'any' })
    else if (ch !== '\\') out.push({ kind: 'char', char: ch })
    else {
      const next = pattern[i + 1]
      // `\}` and `\/` keep `}` and `/` inside `${…}`; the backslash is not part of the pattern.
      if (next === '}' || next === '/') continue
      if (next !== '*' && next !== '?' && next !== '\\') {
        throw new ExpandError(`the pattern ${JSON.stringify(pattern)} has an invalid escape`)
      }
      out.push({ kind: 'char', char: next })
      i++
    }
  }
  return out
}

/** Counts the work of one expansion against MAX_STEPS. */
class Budget {
  private steps = 0
  spend(n: number): void {
    this.steps += n
    if (this.steps > MAX_STEPS) {
      throw new BeyondGate('a pattern in it takes too long to match against the value')
    }
  }
}

/**
 * The leftmost match of `pattern` in `text` at or after `from`, and of those the longest (or,
 * with `shortest`, the shortest); `anchored`: only at `from`. For these patterns (fixed-width
 * pieces joined by `*`) that is the match Go's leftmost-first regexp finds with greedy `*` (with
 * lazy `*` for `shortest`). Threads keep the earliest start for each pattern position.
 */
function find(
  pattern: Token[],
  text: string,
  from: number,
  options: { anchored: boolean; shortest: boolean },
  budget: Budget,
): [number, number] | undefined {
  // Positions reachable without reading a character: a star may match nothing.
  const closure = (p: number): number[] => {
    const out = [p]
    while (pattern[p]?.kind === 'star') out.push(++p)
    return out
  }
  const keep = (threads: Map<number, number>, positions: number[], start: number): void => {
    for (const p of positions) {
      const held = threads.get(p)
      if (held === undefined || start < held) threads.set(p, start)
    }
  }
  let threads = new Map<number, number>()
  let best: [number, number] | undefined
  for (let at = from; ; at++) {
    if (best === undefined && (at === from || !options.anchored)) keep(threads, closure(0), at)
    const start = threads.get(pattern.length)
    if (start !== undefined && (best === undefined || start < best[0])) {
      best = [start, at]
      if (options.shortest) return best
    } else if (start !== undefined && start === best![0]) {
      best = [start, at]
    }
    if (best !== undefined) {
      for (const [p, s] of threads) if (s > best[0]) threads.delete(p)
    }
    if (at === text.length || (threads.size === 0 && (best !== undefined || options.anchored))) {
      return best
    }
    budget.spend(threads.size)
    const ch = text[at]!
    const next = new Map<number, number>()
    for (const [p, s] of threads) {
      const token = pattern[p]
      if (token === undefined) continue
      if (token.kind === 'star') keep(next, closure(p), s)
      else if (token.kind === 'any' || token.char === ch) keep(next, closure(p + 1), s)
    }
    threads = next
  }
}

/** `${V#p}` and `${V##p}`: the value without the shortest (longest) prefix `p` matches. */
export function trimPrefix(value: string, pattern: string, longest: boolean): string {
  const match = find(
    tokens(pattern),
    value,
    0,
    { anchored: true, shortest: !longest },
    new Budget(),
  )
  return match === undefined ? value : value.slice(match[1])
}

/** `${V%p}` and `${V%%p}`: as BuildKit, the prefix rule on the reversed value and pattern. */
export function trimSuffix(value: string, pattern: string, longest: boolean): string {
  const reversed = [...value].reverse().join('')
  const match = find(
    tokens(pattern).reverse(),
    reversed,
    0,
    { anchored: true, shortest: !longest },
    new Budget(),
  )
  return match === undefined ? value : value.slice(0, value.length - match[1])
}

/**
 * `${V/p/r}` replaces the first match, `${V//p/r}` every match, as Go's `ReplaceAllString`: after
 * each match the search moves on at least one character, and an empty match right after another
 * is not replaced.
 */
export function replacePattern(
  value: string,
  pattern: string,
  replacement: string,
  all: boolean,
): string {
  const parsed = tokens(pattern)
  const budget = new Budget()
  const options = { anchored: false, shortest: false }
  if (!all) {
    const match = find(parsed, value, 0, options, budget)
    return match === undefined
      ? value
      : value.slice(0, match[0]) + replacement + value.slice(match[1])
  }
  // Go expands `$1`, `${name}` and `$$` in an all-matches replacement; that is not copied here.
  if (replacement.includes('$')) {
    throw new BeyondGate('a `$` in the replacement of `${…//…/…}` is not supported here')
  }
  let out = ''
  let lastEnd = 0
  for (let searchAt = 0; searchAt <= value.length;) {
    const match = find(parsed, value, searchAt, options, budget)
    if (match === undefined) break
    const [start, end] = match
    out += value.slice(lastEnd, start)
    if (end > lastEnd || start === 0) out += replacement
    // Checked here too: every character replaced by a long replacement would grow without end.
    if (out.length > LIMITS.fromExpansionChars) {
      throw new BeyondGate(`it expands to more than ${LIMITS.fromExpansionChars} characters`)
    }
    lastEnd = end
    searchAt = end > searchAt ? end : searchAt + 1
  }
  return out + value.slice(lastEnd)
}
