import { wrapError, type GateError } from '../errors.js'
import type { Evidence } from '../types.js'
import { startLimit } from '../util/concurrency.js'
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
  async collect(subject: Subject, ctx: SourceContext): Promise<Promise<Evidence>[]> {
    const api = ctx.github
    if (api === undefined) return []
    const scope = attestationScope(api.url, api.identities, subject.repository)
    // Nobody to ask about is not an error: the other sources may still hold the evidence.
    if (scope === undefined) return []
    const where = `GitHub attestations API (${scope})`
    const failed = (error: unknown): GateError =>
      wrapError(`Failed to read the ${where} for ${subject.digest}`, error)
    try {
      const { entries, unreadable } = await listAttestations(api, scope, subject.digest)
      // Claimed before any bundle_url is downloaded (T44).
      const budget = ctx.budget ?? new EvidenceBudget()
      budget.claim(entries.length, where)
      // A bundle_url that fails the source fails it as the listing would, whenever it comes.
      const found = startLimit([...entries.keys()], ctx.concurrency, async (i) => {
        try {
          return {
            source: 'github' as const,
            location: `${where}, attestation ${i + 1}`,
            ...(await readEntry(entries[i], api)),
          }
        } catch (error) {
          throw failed(error)
        }
      })
      if (unreadable === undefined) return found
      return [...found, Promise.resolve({ source: 'github', location: where, error: unreadable })]
    } catch (error) {
      throw failed(error)
    }
  },
}
