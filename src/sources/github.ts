import { wrapError } from '../errors.js'
import type { Evidence } from '../types.js'
import { mapLimit } from '../util/concurrency.js'
import { EvidenceBudget } from './budget.js'
import { listAttestations } from './github-api.js'
import { readEntry } from './github-bundle.js'
import { attestationScope } from './github-scope.js'
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
    const scope = attestationScope(api.url, api.identities, subject.repository)
    // Nobody to ask about is not an error: the other sources may still hold the evidence.
    if (scope === undefined) return []
    const where = `GitHub attestations API (${scope})`
    try {
      const { entries, unreadable } = await listAttestations(api, scope, subject.digest)
      // Claimed before any bundle_url is downloaded (T44).
      const budget = ctx.budget ?? new EvidenceBudget()
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
  },
}
