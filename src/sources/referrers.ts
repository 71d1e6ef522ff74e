import { Annotation, MediaType, digestTag, type Descriptor } from '../registry/index.js'
import type { Evidence } from '../types.js'
import { BundleReader, PayloadNotPlainBase64 } from '../verify/bundle-json.js'
import { JsonError } from '../verify/json.js'
import { mapLimit } from '../util/concurrency.js'
import { EvidenceBudget } from './budget.js'
import { pieceFailure } from './piece-error.js'
import type { Source, SourceContext, Subject } from './types.js'

/**
 * Sigstore bundles stored as OCI 1.1 referrers, as cosign v3 and actions/attest push them
 * (cosign specs/BUNDLE_SPEC.md): one layer holding the bundle JSON, `subject` = the image.
 */
export const referrersSource: Source = {
  id: 'referrers',
  followsSignatureRepository: true,
  async collect(subject: Subject, ctx: SourceContext): Promise<Evidence[]> {
    const { descriptors, via } = await ctx.registry.referrers(subject.repository, subject.digest)
    const where = via === 'api' ? 'referrers API' : `fallback tag ${digestTag(subject.digest)}`
    // Only bundle referrers are fetched; they are claimed before any of them is (T44).
    const bundles = descriptors.filter((d) => isBundleType(d.artifactType)).length
    const budget = ctx.budget ?? new EvidenceBudget()
    budget.claim(bundles, `the ${where}`)
    return mapLimit(descriptors, ctx.concurrency, (descriptor) =>
      readReferrer(descriptor, where, subject, ctx, budget),
    )
  },
}

async function readReferrer(
  descriptor: Descriptor,
  where: string,
  subject: Subject,
  ctx: SourceContext,
  budget: EvidenceBudget,
): Promise<Evidence> {
  // Filter client-side whatever the registry claims (OCI-Filters-Applied may be a lie).
  const artifactType = descriptor.artifactType
  const evidence: Evidence = {
    source: 'referrers',
    location: `referrer ${descriptor.digest} (${where})`,
    ...(artifactType !== undefined && { mediaType: artifactType }),
    ...claimedPredicate(descriptor.annotations),
  }
  if (!isBundleType(artifactType)) return evidence
  try {
    const manifest = await ctx.registry.manifest(subject.repository, descriptor.digest)
    // The referrer must name this image as its subject: an index can list anything.
    if (manifest.json.subject?.digest !== subject.digest) {
      return { ...evidence, error: `the referrer's subject is not ${subject.digest}` }
    }
    // Registry JSON: `layers` may be anything, so its shape is checked before it is read (T38).
    const layers: unknown = manifest.json.layers
    const layer: unknown = Array.isArray(layers) && layers.length === 1 ? layers[0] : undefined
    if (!isBundleLayer(layer)) {
      return { ...evidence, error: 'a bundle referrer must have exactly one bundle layer' }
    }
    budget.claimBytes([layer.size], `referrer ${descriptor.digest}`)
    const bundle = await readBundle(ctx, subject, layer)
    return 'error' in bundle ? { ...evidence, error: bundle.error } : { ...evidence, ...bundle }
  } catch (error) {
    return { ...evidence, error: pieceFailure(error) }
  }
}

function isBundleLayer(layer: unknown): layer is Descriptor {
  return (
    typeof layer === 'object' &&
    layer !== null &&
    isBundleType((layer as { mediaType?: unknown }).mediaType)
  )
}

function isBundleType(mediaType: unknown): boolean {
  return typeof mediaType === 'string' && mediaType.startsWith(MediaType.sigstoreBundlePrefix)
}

// The layer streams into a bundle reader: a large one's payload is decoded on the way in.
async function readBundle(
  ctx: SourceContext,
  subject: Subject,
  layer: Descriptor,
): Promise<{ bundle: unknown } | { error: string }> {
  try {
    const reader = (): BundleReader => new BundleReader(layer.size)
    return { bundle: await ctx.registry.blobInto(subject.repository, layer, reader) }
  } catch (error) {
    if (!(error instanceof JsonError)) throw error
    const repeated = error.repeatedKey
    return {
      error:
        error instanceof PayloadNotPlainBase64
          ? `the bundle layer cannot be read: ${error.message}`
          : repeated !== undefined
            ? `the bundle layer repeats the key ${JSON.stringify(repeated.slice(0, 60))}`
            : 'the bundle layer is not JSON',
    }
  }
}

function claimedPredicate(
  annotations: Record<string, string> | undefined,
): Pick<Evidence, 'claimedPredicateType'> {
  const value = annotations?.[Annotation.bundlePredicateType]
  return typeof value === 'string' ? { claimedPredicateType: value } : {}
}
