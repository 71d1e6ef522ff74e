import { setTimeout as sleepFor } from 'node:timers/promises'
import { GateError } from '../errors.js'
import { LIMITS } from '../limits.js'
import type { EvidenceBudget } from './budget.js'
import { nextLink } from '../registry/client.js'
import {
  httpRequest,
  networkError,
  retryAfterMs,
  type HttpContext,
  type HttpResponse,
} from '../registry/http.js'
import type { Digest } from '../types.js'
import type { IdentityPolicy } from '../verify/index.js'

/** The GitHub REST API the `github` source reads (`GITHUB_API_URL`), and how to read it. */
export interface GithubApi {
  /** e.g. `https://api.github.com`, `https://api.acme.ghe.com`, `https://ghes.example/api/v3`. */
  url: string
  /** Sent as `Authorization: Bearer` to the API's origin and nowhere else. */
  token: string
  http: HttpContext
  /** When the run's time is up (epoch ms): a rate-limit wait must end before it. */
  deadlineAt: number
  /** Largest API page, `bundle_url` download and decompressed bundle. */
  maxBytes: number
  /** The signers the policy accepts: they may name the repository or owner to ask about. */
  identities: readonly IdentityPolicy[]
}

/** What the API listed: entries as sent (untrusted), and why listing stopped early, if it did. */
export interface Listing {
  entries: unknown[]
  /** A page that was not the list it should be: reported as one failed piece of evidence. */
  unreadable?: string
}

// Pages, rate-limit waits and the default secondary-limit wait: limits.ts says why.
const MAX_PAGES = LIMITS.githubPages
const RATE_LIMIT_WAITS = LIMITS.githubRateLimitWaits
const SECONDARY_LIMIT_WAIT_MS = LIMITS.githubSecondaryLimitWaitMs

/**
 * Lists the attestations of `digest` under `scope` (`repos/<owner>/<repo>` or `orgs/<owner>`),
 * following `Link: rel="next"`. A 404 on the first page means none. Rate limits are waited out
 * within the deadline; an API that cannot be read (5xx after retries, 401/403, network) throws:
 * exit 2, never a pass.
 */
export async function listAttestations(
  api: GithubApi,
  scope: string,
  digest: Digest,
  budget: EvidenceBudget,
): Promise<Listing> {
  // The digest becomes a path segment of a request that carries the token: only a digest (T48).
  if (!/^(?:sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/.test(digest)) {
    throw new GateError('REGISTRY_PROTOCOL', 'the digest to ask the API about is malformed')
  }
  const base = api.url.replace(/\/+$/, '')
  const origin = new URL(base).origin
  const entries: unknown[] = []
  const seen = new Set<string>()
  let url: string | undefined = `${base}/${scope}/attestations/${digest}?per_page=100`
  for (let page = 1; url !== undefined; page++) {
    if (page > MAX_PAGES) {
      throw new GateError('LIMIT_EXCEEDED', `the API has more than ${MAX_PAGES} pages`)
    }
    seen.add(url)
    const res = await apiGet(api, url)
    // None at all is a 404 on the first page; on a later one, part of the list is missing.
    if (res.status === 404 && page === 1) break
    if (res.status === 404)
      return { entries, unreadable: `page ${page} of the attestations list answered HTTP 404` }
    if (res.status !== 200) throw statusError(res.status)
    // The inline bundles are read here: their bytes count with every other piece's.
    budget.claimBytes([res.size], `page ${page} of the ${scope} attestations list`)
    const listed = attestationsOf(res.body)
    // A 200 that is not the list is evidence we could not read, like an unreadable bundle layer:
    // as a failed piece it names the problem in the finding and can fail a requirement but never
    // pass one, while other sources still count. Unreachable (5xx, network) is exit 2 instead.
    if (listed === undefined) {
      return {
        entries,
        unreadable: `page ${page} of the attestations list is not JSON of that shape`,
      }
    }
    entries.push(...listed)
    if (entries.length > LIMITS.evidencePerImage) {
      throw new GateError(
        'LIMIT_EXCEEDED',
        `more than ${LIMITS.evidencePerImage} attestations are listed; none were evaluated, even if a valid one is among them`,
      )
    }
    url = nextLink(res.headers.get('link'), res.url)
    // Follow pages only on the API's own origin (the token goes with them), never twice.
    if (url !== undefined && (new URL(url).origin !== origin || seen.has(url))) {
      throw new GateError('REGISTRY_PROTOCOL', 'a Link header points away from the API or loops')
    }
  }
  return { entries }
}

/** One GET to the API, rate limits waited out while the deadline allows. */
async function apiGet(api: GithubApi, url: string): Promise<HttpResponse> {
  for (let waits = 0; ; waits++) {
    let res: HttpResponse
    try {
      res = await httpRequest(api.http, {
        url,
        maxBytes: api.maxBytes,
        headers: { accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28' },
        // Security: httpRequest sends this to the API's origin only, and drops it for good on a
        // redirect elsewhere; bundle_url downloads never get it (github-bundle.ts).
        authorization: `Bearer ${api.token}`,
      })
    } catch (error) {
      throw networkError(`GET ${new URL(url).pathname}`, error)
    }
    const wait = rateLimitWait(res)
    if (wait === undefined) return res
    if (waits >= RATE_LIMIT_WAITS) {
      throw new GateError(
        'REGISTRY_HTTP',
        `the GitHub API is still rate-limited (HTTP ${res.status}) after ${waits} waits`,
      )
    }
    if (Date.now() + wait >= api.deadlineAt) {
      throw new GateError(
        'REGISTRY_HTTP',
        `the GitHub API is rate-limited (HTTP ${res.status}) until ${new Date(Date.now() + wait).toISOString()}, past the overall time limit`,
      )
    }
    const sleep =
      api.http.sleep ?? ((ms: number) => sleepFor(ms, undefined, { signal: api.http.deadline }))
    try {
      await sleep(wait)
    } catch (error) {
      throw networkError('waiting for the GitHub API rate limit', error)
    }
  }
}

/**
 * How long a rate-limited answer asks us to wait (GitHub REST docs "Rate limits"): 429, or 403
 * with `x-ratelimit-remaining: 0` or a `Retry-After`; undefined for any other answer.
 */
function rateLimitWait(res: HttpResponse): number | undefined {
  const retryAfter = res.headers.get('retry-after')
  const exhausted = res.headers.get('x-ratelimit-remaining') === '0'
  if (res.status !== 429 && !(res.status === 403 && (exhausted || retryAfter !== null))) {
    return undefined
  }
  const reset = Number(res.headers.get('x-ratelimit-reset') ?? NaN)
  const untilReset = Number.isFinite(reset) && exhausted ? reset * 1000 - Date.now() : undefined
  return Math.max(0, retryAfterMs(retryAfter) ?? untilReset ?? SECONDARY_LIMIT_WAIT_MS)
}

function statusError(status: number): GateError {
  if (status === 401 || status === 403) {
    return new GateError(
      'REGISTRY_UNAUTHORIZED',
      `the GitHub API refused access (HTTP ${status}); a token needs the attestations: read permission`,
    )
  }
  return new GateError('REGISTRY_HTTP', `the GitHub API answered HTTP ${status}`)
}

// `{ "attestations": [ … ] }` (octokit openapi-types: repos/list-attestations); else undefined.
function attestationsOf(body: Buffer): unknown[] | undefined {
  try {
    const json = JSON.parse(body.toString('utf8')) as unknown
    const list = (json as { attestations?: unknown } | null)?.attestations
    return Array.isArray(list) ? list : undefined
  } catch {
    return undefined
  }
}
