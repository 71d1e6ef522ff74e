import { escapeRegExp } from '../policy/glob.js'
import type { Repository } from '../registry/index.js'
import type { IdentityPolicy, StringMatcher } from '../verify/index.js'

// GitHub's own name rules; anything else is not a path segment we put in an API URL.
const OWNER = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})'
const REPO = '(?!\\.\\.?(?:/|$))[A-Za-z0-9._-]{1,100}'

/**
 * Where to ask the attestations API about an image: for each identity of the policy,
 * `repos/<owner>/<repo>` when it names the repository (its source repository, else the workflow
 * in an exact or literal-prefix SAN), `orgs/<owner>` when it names only an owner; when none names
 * anybody, the owner of a `ghcr.io/<owner>/…` image. GitHub's names are read without case, and a
 * repository whose owner is asked about as a whole is not asked again. Only where to look is
 * derived here: whatever is found is still verified and matched against the whole policy. Every
 * identity's place that can be read is asked, since evidence missing can relax a rule (an OpenVEX
 * statement newer than another); an identity whose pattern names no owner literally adds none.
 */
export function attestationScopes(
  apiUrl: string,
  identities: readonly IdentityPolicy[],
  image: Repository,
): string[] {
  const hosts = [...new Set(['github.com', webHost(apiUrl)])].map(escapeRegExp).join('|')
  const url = `https://(?:${hosts})/(${OWNER})`
  // Keyed without case (as GitHub reads names), each kept as first written.
  const scopes = new Map<string, string>()
  const add = (scope: string): void => {
    if (!scopes.has(scope.toLowerCase())) scopes.set(scope.toLowerCase(), scope)
  }
  for (const p of identities) {
    if ('publicKey' in p) continue
    const repo =
      wholeMatch(p.github?.sourceRepositoryUri, new RegExp(`^${url}/(${REPO})$`)) ??
      prefixMatch(p.subjectAlternativeName, new RegExp(`^${url}/(${REPO})/`))
    const owner =
      wholeMatch(p.github?.sourceRepositoryOwnerUri, new RegExp(`^${url}$`)) ??
      prefixMatch(p.subjectAlternativeName, new RegExp(`^${url}/`))
    if (repo !== undefined) add(`repos/${repo[1]}/${repo[2]}`)
    else if (owner !== undefined) add(`orgs/${owner[1]}`)
  }
  const fallback = ghcrOwner(image)
  if (scopes.size === 0 && fallback !== undefined) add(`orgs/${fallback}`)
  return [...scopes]
    .filter(([key]) => !key.startsWith('repos/') || !scopes.has(`orgs/${key.split('/')[1]}`))
    .map(([, scope]) => scope)
}

// Where the API's repositories live: api.github.com → github.com, api.acme.ghe.com →
// acme.ghe.com, ghes.example/api/v3 → ghes.example. github.com itself is always accepted.
function webHost(apiUrl: string): string {
  return new URL(apiUrl).host.replace(/^api\./, '')
}

function ghcrOwner(image: Repository): string | undefined {
  if (image.registry !== 'ghcr.io') return undefined
  const owner = image.repository.split('/')[0] ?? ''
  return new RegExp(`^${OWNER}$`).test(owner) ? owner : undefined
}

// A value the matcher accepts and nothing else: exact, or a pattern that is all literal.
function wholeMatch(m: StringMatcher | undefined, re: RegExp): RegExpExecArray | undefined {
  if (m === undefined) return undefined
  const { text, whole } = literal(m)
  return whole ? (re.exec(text) ?? undefined) : undefined
}

// What every accepted value starts with: exact, or the literal head of a pattern.
function prefixMatch(m: StringMatcher | undefined, re: RegExp): RegExpExecArray | undefined {
  return m === undefined ? undefined : (re.exec(literal(m).text) ?? undefined)
}

/**
 * The literal head of a matcher: `^https://github\.com/acme/app/.*` gives `https://github.com/acme/app/`
 * (not whole). Stops at the first operator, drops a character a quantifier makes optional, and
 * gives up on `\` classes; `whole` when the pattern is nothing but that literal (a trailing `$` too).
 */
function literal(m: StringMatcher): { text: string; whole: boolean } {
  if ('exact' in m) return { text: m.exact, whole: true }
  const pattern = m.regexp
  let text = ''
  let i = pattern.startsWith('^') ? 1 : 0
  while (i < pattern.length) {
    let ch = pattern[i]!
    let next = i + 1
    if (ch === '\\') {
      ch = pattern[i + 1] ?? ''
      next = i + 2
      if (!/^[^A-Za-z0-9]$/.test(ch)) break
    } else if ('.[]()*+?{}|^$'.includes(ch)) {
      break
    }
    const after = pattern[next]
    if (after !== undefined && '*+?{'.includes(after)) break
    text += ch
    i = next
  }
  return { text, whole: i === pattern.length || (i === pattern.length - 1 && pattern[i] === '$') }
}
