import { RE2JS } from 're2js'
import { InputError } from '../errors.js'
import { LIMITS } from '../limits.js'
import { escapeRegExp } from '../policy/glob.js'
import type { GithubExtensionName, SignerSummary } from '../types.js'

/** An exact value, or an RE2 pattern matched against the whole value (never a substring). */
export type StringMatcher = { exact: string } | { regexp: string }

/** Who may have signed: a Fulcio certificate identity, or the configured public key. */
export type IdentityPolicy =
  | {
      subjectAlternativeName: StringMatcher
      issuer: StringMatcher
      github?: Partial<Record<GithubExtensionName, StringMatcher>>
    }
  | { publicKey: true }

const compiled = new Map<string, RE2JS>()

/**
 * Compiles a user pattern with RE2 (linear time: no ReDoS from a hostile SAN, T74) and fails with
 * a sentence naming `input` when it is not valid RE2 syntax.
 */
export function compilePattern(pattern: string, input: string): RE2JS {
  const cached = compiled.get(pattern)
  if (cached) return cached
  if (pattern.length > LIMITS.identityChars) {
    throw new InputError(
      `The \`${input}\` input is longer than ${LIMITS.identityChars} characters.`,
    )
  }
  try {
    const re = RE2JS.compile(pattern)
    compiled.set(pattern, re)
    return re
  } catch (error) {
    throw new InputError(`The \`${input}\` input is not a valid regular expression (RE2 syntax).`, {
      cause: error,
    })
  }
}

/** True when `value` equals the exact string, or the whole of it matches the pattern. */
export function matches(matcher: StringMatcher, value: string | undefined): boolean {
  if (value === undefined || value.length > LIMITS.identityChars) return false
  // Security: exact means byte-for-byte; a pattern is anchored at both ends by `matches()`.
  if ('exact' in matcher) return value === matcher.exact
  return compilePattern(matcher.regexp, 'regexp').matches(value)
}

/** Returns why `signer` is not `policy`, or undefined when it is. */
export function identityMismatch(
  policy: IdentityPolicy,
  signer: SignerSummary,
): string | undefined {
  if ('publicKey' in policy) {
    return signer.publicKey ? undefined : 'it was signed with a certificate, not the configured key'
  }
  if (signer.publicKey) return 'it was signed with a key, not a certificate'
  if (!matches(policy.subjectAlternativeName, signer.subjectAlternativeName)) {
    return `identity ${describeValue(signer.subjectAlternativeName)} is not ${describeMatcher(policy.subjectAlternativeName)}`
  }
  if (!matches(policy.issuer, signer.issuer)) {
    return `issuer ${describeValue(signer.issuer)} is not ${describeMatcher(policy.issuer)}`
  }
  for (const [name, matcher] of Object.entries(policy.github ?? {})) {
    const actual = signer.github[name as GithubExtensionName]
    if (!matches(matcher, actual)) {
      return `${name} ${describeValue(actual)} is not ${describeMatcher(matcher)}`
    }
  }
  return undefined
}

/** `"x"` for an exact matcher, `/x/` (whole value) for a pattern. */
export function describeMatcher(matcher: StringMatcher): string {
  return 'exact' in matcher ? `"${matcher.exact}"` : `matching /${matcher.regexp}/`
}

/** A one-line description of an identity policy, for expected-versus-actual messages. */
export function describeIdentity(policy: IdentityPolicy): string {
  if ('publicKey' in policy) return 'the configured public key'
  const github = Object.entries(policy.github ?? {}).map(([k, m]) => `, ${k} ${describeMatcher(m)}`)
  return `identity ${describeMatcher(policy.subjectAlternativeName)} from issuer ${describeMatcher(policy.issuer)}${github.join('')}`
}

function describeValue(value: string | undefined): string {
  return value === undefined ? '(none)' : `"${value}"`
}

export const GITHUB_ACTIONS_ISSUER = 'https://token.actions.githubusercontent.com'

// Identities no sensible pattern accepts together: one that matches both trusts every signer (T56).
const ANY_SIGNER_PROBES = ['https://example.invalid/any/workflow.yml@x', 'nobody@example.invalid']

/** True for a SAN matcher that would accept any signer at all, such as `.*`. */
export function acceptsAnySigner(matcher: StringMatcher): boolean {
  return 'regexp' in matcher && ANY_SIGNER_PROBES.every((probe) => matches(matcher, probe))
}

// Workflows of two unrelated repositories: a GitHub identity accepting both names no repository.
const ANY_REPOSITORY_PROBES = [
  'https://github.com/probe-owner-a/probe-repo-a/.github/workflows/any.yml@refs/heads/main',
  'https://github.com/probe-owner-b/probe-repo-b/.github/workflows/other.yaml@refs/tags/v1',
]
// The extensions that pin a repository or owner, each with the values the two probe repositories'
// certificates would carry: a pin that admits both pins nothing (`sourceRepositoryUri: .*`).
const REPOSITORY_PINS: [GithubExtensionName, [string, string]][] = [
  [
    'sourceRepositoryUri',
    [
      'https://github.com/probe-owner-a/probe-repo-a',
      'https://github.com/probe-owner-b/probe-repo-b',
    ],
  ],
  ['sourceRepositoryIdentifier', ['1', '2']],
  [
    'sourceRepositoryOwnerUri',
    ['https://github.com/probe-owner-a', 'https://github.com/probe-owner-b'],
  ],
  ['sourceRepositoryOwnerIdentifier', ['3', '4']],
]

/**
 * True for a GitHub Actions identity that any repository's workflow meets (`https://github\.com/.*`
 * with no repository extension pinned): anyone with a repository can sign what it accepts.
 */
export function acceptsAnyRepository(identity: {
  subjectAlternativeName: StringMatcher
  issuer: StringMatcher
  github?: Partial<Record<GithubExtensionName, StringMatcher>>
}): boolean {
  const pins = REPOSITORY_PINS.some(([name, probes]) => {
    const pin = identity.github?.[name]
    return pin !== undefined && !probes.every((probe) => matches(pin, probe))
  })
  const san = identity.subjectAlternativeName
  return (
    matches(identity.issuer, GITHUB_ACTIONS_ISSUER) &&
    (ANY_REPOSITORY_PROBES.every((probe) => matches(san, probe)) || ownerLeftOpen(san)) &&
    !pins
  )
}

// Under GitHub's issuer a SAN pattern must, in every alternative, spell GitHub's URL and then
// name the owner: no wildcard may stand in the owner's place (`https://github\.com/[^/]+/app/…`
// is met by anyone's `app`), and a pattern that names no owner at all (`.*@refs/heads/main`) names
// none. Read on the pattern's text: `\Q…\E`, escapes (`\/`, `\x2f`), one-character classes,
// `https?`, anchors, a leading `.*`, flags and groups are seen through, a leading group once for
// each of its alternatives. What this cannot read, within a step budget, counts as open.
const GITHUB_PREFIX = /^http(?:s\??|\((?:\?:)?s\)\??)?:\/\/github(?:\\\.|\.)com\//i
const CLASSES = new Set(['\\w', '\\W', '\\s', '\\S', '\\d', '\\D', '\\p', '\\P'])
const OWNER_CHECK_STEPS = 10_000

function ownerLeftOpen(san: StringMatcher): boolean {
  if (!('regexp' in san)) return false
  const steps = { left: OWNER_CHECK_STEPS }
  return alternatives(tokens(san.regexp), steps).some((alt) => ownerOpenIn(alt, steps))
}

/** Spends one step; false once the budget is gone (the pattern then counts as open). */
function step(steps: { left: number }): boolean {
  steps.left--
  return steps.left >= 0
}

/**
 * An escape, a character class, or one character. `\Q…\E` becomes escaped characters, and a
 * slash or dot spelt otherwise (`\/`, `\x2f`, `[/]`, `[\/]`, `\x2e`, `[.]`) becomes `/` or `\.`.
 */
function tokens(pattern: string): string[] {
  const quoted = pattern.replace(/\\Q([^]*?)(?:\\E|$)/g, (_, text: string) => escapeRegExp(text))
  const all =
    quoted.match(
      /\\x\{[0-9a-fA-F]+\}|\\x[0-9a-fA-F]{2}|\\.|\[\^?\]?(?:\[:\^?[a-z]+:\]|\\.|[^\]])*\]|[^]/gu,
    ) ?? []
  return all.map((t) => {
    if (['\\/', '[/]', '[\\/]'].includes(t) || /^\\x(?:\{0*2f\}|2f)$/i.test(t)) return '/'
    if (t === '[.]' || t === '[\\.]' || /^\\x(?:\{0*2e\}|2e)$/i.test(t)) return '\\.'
    // A class of one plain character is that character (`http[s]?`).
    if (/^\[[A-Za-z0-9:@-]\]$/.test(t)) return t.charAt(1)
    return t
  })
}

/**
 * The top-level alternatives of a token list, each without its leading anchors and flags (and
 * `.*`, in a `whole` pattern), a leading group read once for each of its alternatives.
 */
function alternatives(list: string[], steps: { left: number }, whole = true): string[][] {
  const parts: string[][] = [[]]
  let depth = 0
  for (const t of list) {
    if (t === '(') depth++
    if (t === ')') depth--
    if (t === '|' && depth === 0) parts.push([])
    else parts[parts.length - 1]!.push(t)
  }
  return parts.flatMap((part) => {
    if (!step(steps)) return [part]
    const bare = withoutLead(part, whole)
    const inner = bare[0] === '(' ? groupStart(bare) : undefined
    const close = typeof inner === 'number' ? closing(bare, 0) : -1
    const after = bare.slice(close + 1)
    // A group that may be left out or repeated (`(…)?`) is not read through.
    if (typeof inner !== 'number' || close === -1 || ['?', '*', '{'].includes(after[0] ?? ''))
      return [bare]
    return alternatives(bare.slice(inner, close), steps, whole).map((alt) => [...alt, ...after])
  })
}

// Drops leading `^`, `\A`, flag groups such as `(?i)` and, before a whole pattern's text, `.*`;
// each pass drops at least one token.
function withoutLead(list: string[], whole: boolean): string[] {
  let i = 0
  for (;;) {
    if (list[i] === '^' || list[i] === '\\A') i++
    else if (whole && list[i] === '.' && ['*', '+'].includes(list[i + 1] ?? ''))
      i += list[i + 2] === '?' ? 3 : 2
    else if (list[i] === '(' && list[i + 1] === '?' && groupStart(list.slice(i)) === 'flags') {
      const close = closing(list, i)
      if (close === -1) return list.slice(i)
      i = close + 1
    } else return list.slice(i)
  }
}

// Where a group's content starts (after `(`, `(?:`, `(?i:` or `(?P<name>`); `flags` for `(?i)`.
function groupStart(list: string[]): number | 'flags' | undefined {
  if (list[1] !== '?') return 1
  for (let i = 2; i < list.length; i++) {
    if (list[i] === ':') return i + 1
    if (list[i] === ')') return 'flags'
    if (list[i] === '>') return i + 1
  }
  return undefined
}

// True when the owner's place after GitHub's prefix holds a wildcard, in any alternative of it;
// a group met there is read once for each of its alternatives.
function ownerOpenIn(list: string[], steps: { left: number }): boolean {
  if (!step(steps)) return true
  const prefix = GITHUB_PREFIX.exec(list.join(''))
  if (prefix === null) return true
  let at = 0
  for (let taken = 0; taken < prefix[0].length; at++) taken += list[at]!.length
  for (let i = at; i < list.length; i++) {
    const t = list[i]!
    const inner = t === '(' ? groupStart(list.slice(i)) : undefined
    if (typeof inner === 'number') {
      const close = closing(list, i)
      if (close === -1) return true
      const around = (alt: string[]): string[] => [
        ...list.slice(0, i),
        ...alt,
        ...list.slice(close + 1),
      ]
      return alternatives(list.slice(i + inner, close), steps, false).some((alt) =>
        ownerOpenIn(around(alt), steps),
      )
    }
    // A slash that may be left out (`/?`, `/*`) does not end the owner.
    if (t === '/' && !['?', '*', '{'].includes(list[i + 1] ?? '')) return false
    if (t === '.' || t.startsWith('[') || CLASSES.has(t)) return true
  }
  return false
}

// The index of the `)` closing the group opened at `open`; -1 when there is none.
function closing(list: string[], open: number): number {
  let depth = 0
  for (let i = open; i < list.length; i++) {
    if (list[i] === '(') depth++
    if (list[i] === ')' && --depth === 0) return i
  }
  return -1
}
