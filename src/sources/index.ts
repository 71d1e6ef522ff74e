import { GateError } from '../errors.js'
import { isDigest } from '../registry/index.js'
import type { Evidence, SourceId } from '../types.js'
import { EvidenceBudget } from './budget.js'
import { cosignTagsSource } from './cosign-tags.js'
import { githubSource } from './github.js'
import { buildkitSource } from './buildkit.js'
import { referrersSource } from './referrers.js'
import type { Source, SourceContext, Subject } from './types.js'

export type { Source, SourceContext, Subject } from './types.js'

/** Every evidence source, in the order results are listed. */
export const ALL_SOURCES: readonly Source[] = [
  referrersSource,
  cosignTagsSource,
  githubSource,
  buildkitSource,
]

/** The sources the `sources` input selected, in listing order. */
export function selectSources(ids: ReadonlySet<SourceId>): Source[] {
  return ALL_SOURCES.filter((source) => ids.has(source.id))
}

/**
 * Reads every source for one image in parallel and hands each source's pieces to `check` as soon
 * as that source is done, so verification overlaps the round trips still in flight. More
 * candidates than the cap fail closed (T44): the sources share one budget and claim their
 * candidates before fetching any blob, so the cap is met after the listings, not after every
 * source downloaded everything it listed.
 */
export async function collectEvidence<T>(
  subject: Subject,
  ctx: SourceContext,
  sources: readonly Source[],
  check: (found: Evidence[]) => Promise<T[]>,
): Promise<T[]> {
  // The digest may come from registry JSON (an index's platform entry): every source builds URLs
  // from it, the GitHub API's with a token, so nothing is asked about one that is not a digest (T48).
  if (!isDigest(subject.digest)) {
    throw new GateError('REGISTRY_PROTOCOL', 'the digest to examine is not sha256:<64 hex>')
  }
  const budget = new EvidenceBudget({
    maxBlobBytes: ctx.registry.maxBlobBytes,
    ...(ctx.imageBytes !== undefined && { bytes: ctx.imageBytes }),
  })
  const shared: SourceContext = { ...ctx, budget }
  const elsewhere = ctx.signatureRepository
  const reads = sources.flatMap((source) => {
    const own = source.collect(subject, shared)
    if (elsewhere === undefined || source.followsSignatureRepository !== true) return [own]
    // The same digest's evidence in the other repository, bound to the digest like any other.
    const where = ` in ${elsewhere.registry}/${elsewhere.repository}`
    const there = source
      .collect({ ...subject, repository: elsewhere }, shared)
      .then((found) => found.map((e) => ({ ...e, location: `${e.location}${where}` })))
    return [own, there]
  })
  return (await Promise.all(reads.map((read) => read.then(check)))).flat()
}

export { ByteAllowance, EvidenceBudget } from './budget.js'
