import { GateError } from '../errors.js'
import { LIMITS } from '../limits.js'
import type { Evidence, SourceId } from '../types.js'
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

/** Reads every source for one image in parallel; more candidates than the cap fail closed (T44). */
export async function collectEvidence(
  subject: Subject,
  ctx: SourceContext,
  sources = ALL_SOURCES,
): Promise<Evidence[]> {
  const found = (await Promise.all(sources.map((source) => source.collect(subject, ctx)))).flat()
  const signed = found.filter((e) => e.bundle !== undefined || e.error !== undefined)
  if (signed.length > LIMITS.evidencePerImage) {
    throw new GateError(
      'LIMIT_EXCEEDED',
      `more than ${LIMITS.evidencePerImage} signatures and attestations are attached; none were evaluated, even if a valid one is among them`,
    )
  }
  return found
}
