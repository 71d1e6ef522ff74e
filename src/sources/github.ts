import { wrapError } from '../errors.js'
import { LIMITS } from '../limits.js'
import type { Evidence } from '../types.js'
import { mapLimit } from '../util/concurrency.js'
import { EvidenceBudget } from './budget.js'
import { listAttestations, type GithubApi } from './github-api.js'
import { readEntry } from './github-bundle.js'
import { attestationScopes } from './github-scope.js'
import type { Source, SourceContext, Subject } from './types.js'

/**
 * Attestations stored through GitHub's attestations API (actions/attest, with or without
 * push-to-registry; formats.md §c), asked for by repository or owner (github-scope.ts).
 *
 * HTTP goes through our own httpRequest with the injected transport, not @actions/github (Octokit):
 * one HTTP stack means one set of size caps, timeouts, retries and credential-stripping rules
 * (T60, T64) for registries and API alike, tests intercept both the same way, and Octokit would
 * bring redirect, retry and body handling that none of our limits reach.
 */
export const githubSource: Source = {
  id: 'github',
  async collect(subject: Subject, ctx: SourceContext): Promise<Evidence[]> {
    const api = ctx.github
    if (api === undefined) return []
    // Nobody to ask about is not an error: the other sources may still hold the evidence.
    const scopes = attestationScopes(api.url, api.identities, subject.repository)
    const asked = scopes.slice(0, LIMITS.githubScopes)
    // Claimed before any bundle_url is downloaded (T44), by every place together.
    const budget = ctx.budget ?? new EvidenceBudget()
    const found = await Promise.all(
      asked.map((scope) => fromScope(scope, subject, api, ctx, budget)),
    )
    // A place left unasked is evidence not read: it fails what it could have changed.
    const left =
      scopes.length > asked.length
        ? [
            {
              source: 'github' as const,
              location: 'GitHub attestations API',
              error: `the policy names ${scopes.length} repositories and owners; the API was asked about ${asked.length}`,
            },
          ]
        : []
    return [...found.flat(), ...left]
  },
}

async function fromScope(
  scope: string,
  subject: Subject,
  api: GithubApi,
  ctx: SourceContext,
  budget: EvidenceBudget,
): Promise<Evidence[]> {
  const where = `GitHub attestations API (${scope})`
  try {
    const { entries, unreadable } = await listAttestations(api, scope, subject.digest, budget)
    budget.claim(entries.length, where)
    const found = await mapLimit([...entries.keys()], ctx.concurrency, async (i) => ({
      source: 'github' as const,
      location: `${where}, attestation ${i + 1}`,
      ...(await readEntry(entries[i], api, budget)),
    }))
    if (unreadable === undefined) return found
    return [...found, { source: 'github', location: where, error: unreadable }]
  } catch (error) {
    throw wrapError(`Failed to read the ${where} for ${subject.digest}`, error)
  }
}
