import { GateError } from '../errors.js'
import { LIMITS } from '../limits.js'
import { digestTag, isDigest } from '../registry/index.js'
import type { Evidence } from '../types.js'
import { mapLimit } from '../util/concurrency.js'
import { CosignAnnotation, annotation } from './cosign-annotations.js'
import { COSIGN_LAYER_MEDIA_TYPES, cosignLayerBundle, type CosignTagKind } from './cosign-bundle.js'
import { EvidenceBudget } from './budget.js'
import { pieceFailure } from './piece-error.js'
import type { Source, SourceContext, Subject } from './types.js'

// cosign refuses to parse a signature image with more layers than this (limits.ts).
const MAX_LAYERS = LIMITS.cosignLayersPerTag

const KINDS: readonly CosignTagKind[] = ['sig', 'att']

/** One layer of a `.sig` / `.att` manifest; its descriptor is registry JSON, so unchecked. */
interface LayerRef {
  kind: CosignTagKind
  tag: string
  index: number
  descriptor: unknown
}

/**
 * cosign v2's legacy storage (formats.md §a): `sha256-<hex>.sig` holds one simple-signing layer per
 * signature, `sha256-<hex>.att` one DSSE envelope layer per attestation, signing material in the
 * layer annotations. Each layer becomes a v0.1 bundle for the verifier.
 */
export const cosignTagsSource: Source = {
  id: 'cosign-tags',
  followsSignatureRepository: true,
  async collect(subject: Subject, ctx: SourceContext): Promise<Evidence[]> {
    const found = (await Promise.all(KINDS.map((kind) => tagLayers(kind, subject, ctx)))).flat()
    // Every layer is a candidate: claimed before any blob is fetched (T44).
    const layers = found.filter((item): item is LayerRef => 'descriptor' in item)
    const budget = ctx.budget ?? new EvidenceBudget()
    budget.claim(layers.length, 'the cosign .sig/.att tags')
    budget.claimBytes(layers.map(declaredSize), 'the cosign .sig/.att tags')
    return mapLimit(found, ctx.concurrency, (item) =>
      'descriptor' in item ? readLayer(item, subject, ctx) : Promise.resolve(item),
    )
  },
}

async function tagLayers(
  kind: CosignTagKind,
  subject: Subject,
  ctx: SourceContext,
): Promise<(LayerRef | Evidence)[]> {
  const tag = digestTag(subject.digest, `.${kind}`)
  const manifest = await ctx.registry.manifestByTag(subject.repository, tag)
  // No tag means nothing was signed this way: not an error.
  if (manifest === undefined) return []
  const layers: unknown = manifest.json.layers
  if (!Array.isArray(layers)) {
    return [{ source: 'cosign-tags', location: `tag ${tag}`, error: 'it is not an image manifest' }]
  }
  // Fail closed rather than judge on a subset: a valid signature may be among those left out.
  if (layers.length > MAX_LAYERS) {
    throw new GateError(
      'LIMIT_EXCEEDED',
      `tag ${tag} has more than ${MAX_LAYERS} layers, cosign's limit; none were evaluated, even if a valid one is among them`,
    )
  }
  return layers.map((descriptor, index) => ({ kind, tag, index, descriptor }))
}

async function readLayer(layer: LayerRef, subject: Subject, ctx: SourceContext): Promise<Evidence> {
  const { kind, tag, index } = layer
  const descriptor = (layer.descriptor ?? {}) as Record<string, unknown>
  const mediaType = typeof descriptor.mediaType === 'string' ? descriptor.mediaType : undefined
  const claimed =
    kind === 'att' ? annotation(descriptor.annotations, CosignAnnotation.predicateType) : undefined
  const evidence: Evidence = {
    source: 'cosign-tags',
    location: `tag ${tag} layer ${index}`,
    ...(mediaType !== undefined && { mediaType }),
    ...(claimed !== undefined && { claimedPredicateType: claimed }),
  }
  const expected = COSIGN_LAYER_MEDIA_TYPES[kind]
  if (mediaType !== expected) {
    return { ...evidence, error: `the layer's media type is not ${expected}` }
  }
  const { digest, size } = descriptor
  if (typeof digest !== 'string' || !isDigest(digest) || typeof size !== 'number') {
    return { ...evidence, error: 'the layer descriptor has no valid digest and size' }
  }
  let blob: Buffer
  try {
    // The client refuses blobs over the size cap and checks every byte against the digest.
    blob = await ctx.registry.blob(subject.repository, { digest, size })
  } catch (error) {
    return { ...evidence, error: pieceFailure(error) }
  }
  return { ...evidence, ...cosignLayerBundle(kind, descriptor.annotations, blob) }
}

// A layer's declared size (NaN when there is none: readLayer refuses it unfetched).
function declaredSize(layer: LayerRef): number {
  const size = (layer.descriptor as { size?: unknown } | null)?.size
  return typeof size === 'number' ? size : NaN
}
