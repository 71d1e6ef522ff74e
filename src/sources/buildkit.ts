import { LIMITS } from '../limits.js'
import { descriptorsOf, isDigest, isIndexType, type Descriptor } from '../registry/index.js'
import type { Digest, Evidence } from '../types.js'
import { mapLimit } from '../util/concurrency.js'
import { EvidenceBudget } from './budget.js'
import { pieceFailure } from './piece-error.js'
import type { Source, SourceContext, Subject } from './types.js'

// Names from moby/buildkit docs/attestations/attestation-storage.md.
const REFERENCE_TYPE = 'vnd.docker.reference.type'
const REFERENCE_DIGEST = 'vnd.docker.reference.digest'
const ATTESTATION_MANIFEST = 'attestation-manifest'
const INTOTO_LAYER = 'application/vnd.in-toto+json'
const PREDICATE_TYPE = 'in-toto.io/predicate-type'

// BuildKit writes one attestation manifest per platform with a few statements each (limits.ts).
const MAX_MANIFESTS = LIMITS.buildkitManifests
const MAX_STATEMENTS = LIMITS.buildkitStatements

/** One statement layer to read, or a piece that already failed with its reason. */
type Piece = { location: string } & ({ layer: Descriptor } | { error: string })

/**
 * BuildKit attestation manifests inside the image index. They carry no signature: each statement
 * is listed with its predicate type and never verified, so it can satisfy no requirement.
 */
export const buildkitSource: Source = {
  id: 'buildkit',
  async collect(subject: Subject, ctx: SourceContext): Promise<Evidence[]> {
    // Only an index has entries to hold attestation manifests.
    if (!isIndexType(subject.mediaType)) return []
    const index = await ctx.registry.manifest(subject.repository, subject.digest)
    const entries = descriptorsOf(index.json.manifests)
    const isAttestation = (d: Descriptor): boolean =>
      annotation(d, REFERENCE_TYPE) === ATTESTATION_MANIFEST
    const attestations = entries.filter(isAttestation)
    const platforms = new Set(entries.filter((d) => !isAttestation(d)).map((d) => d.digest))
    const read = await mapLimit(attestations.slice(0, MAX_MANIFESTS), ctx.concurrency, (entry) =>
      readManifest(entry, platforms, subject, ctx),
    )
    const where = `index ${subject.digest}`
    const pieces = capStatements(read.flat(), where)
    if (attestations.length > MAX_MANIFESTS) {
      pieces.push({
        location: where,
        error: `the index lists ${attestations.length} attestation manifests; only the first ${MAX_MANIFESTS} were read`,
      })
    }
    const budget = ctx.budget ?? new EvidenceBudget()
    budget.claimBytes(
      pieces.flatMap((piece) => ('layer' in piece ? [piece.layer.size] : [])),
      `the attestation manifests of ${where}`,
    )
    return mapLimit(pieces, ctx.concurrency, (piece) => readStatement(piece, subject, ctx))
  },
}

async function readManifest(
  entry: Descriptor,
  platforms: Set<string>,
  subject: Subject,
  ctx: SourceContext,
): Promise<Piece[]> {
  const described = annotation(entry, REFERENCE_DIGEST)
  const location = `index entry ${shown(entry.digest)} (attestation for ${shown(described)})`
  const failed = (error: string): Piece[] => [{ location, error }]
  if (!isDigest(entry.digest)) return failed('the index entry has no sha256 digest')
  if (described === undefined || !isDigest(described) || !platforms.has(described)) {
    return failed(`${REFERENCE_DIGEST} does not name a manifest of this index`)
  }
  try {
    const manifest = await ctx.registry.manifest(subject.repository, entry.digest)
    // The OCI-artifact form names what it describes twice; both must agree.
    const about = manifest.json.subject?.digest
    if (about !== undefined && about !== described) {
      return failed(`the attestation manifest's subject ${shown(about)} is not ${described}`)
    }
    const layers = descriptorsOf(manifest.json.layers)
      .map((layer, n) => ({ location: `${location} layer ${n}`, layer }))
      .filter(({ layer }) => layer.mediaType === INTOTO_LAYER)
    return layers.length > 0 ? layers : failed('the attestation manifest has no in-toto layers')
  } catch (error) {
    return failed(pieceFailure(error))
  }
}

/** Keeps the first statements up to the cap; the rest become one failed piece saying so. */
function capStatements(pieces: Piece[], where: string): Piece[] {
  let statements = 0
  const kept = pieces.filter((piece) => !('layer' in piece) || ++statements <= MAX_STATEMENTS)
  if (statements <= MAX_STATEMENTS) return kept
  const skipped = statements - MAX_STATEMENTS
  return [
    ...kept,
    {
      location: where,
      error: `${skipped} statement(s) beyond the first ${MAX_STATEMENTS} were not read`,
    },
  ]
}

async function readStatement(
  piece: Piece,
  subject: Subject,
  ctx: SourceContext,
): Promise<Evidence> {
  const evidence: Evidence = { source: 'buildkit', location: piece.location }
  if ('error' in piece) return { ...evidence, error: piece.error }
  const { layer } = piece
  const claimed = annotation(layer, PREDICATE_TYPE)
  const listed: Evidence = {
    ...evidence,
    mediaType: layer.mediaType,
    ...(claimed !== undefined && { claimedPredicateType: claimed }),
  }
  try {
    const statement = parseObject(await ctx.registry.blob(subject.repository, layer))
    if (statement === undefined)
      return { ...listed, error: 'the layer is not a JSON in-toto statement' }
    const stated = statement['predicateType']
    if (typeof stated !== 'string') {
      return {
        ...listed,
        unsignedStatement: statement,
        error: 'the statement has no predicateType',
      }
    }
    if (claimed !== undefined && claimed !== stated) {
      return {
        ...listed,
        unsignedStatement: statement,
        error: `the layer is annotated ${claimed} but the statement says ${stated}`,
      }
    }
    return { ...listed, claimedPredicateType: stated, unsignedStatement: statement }
  } catch (error) {
    return { ...listed, error: pieceFailure(error) }
  }
}

// Annotations are untrusted JSON: only a string value counts.
function annotation(descriptor: Descriptor, key: string): string | undefined {
  const value: unknown = (descriptor.annotations as Record<string, unknown> | undefined)?.[key]
  return typeof value === 'string' ? value : undefined
}

function parseObject(bytes: Buffer): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(bytes.toString('utf8')) as unknown
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      return value as Record<string, unknown>
    }
  } catch {
    // not JSON: reported by the caller
  }
  return undefined
}

// A digest from the registry is echoed only when well-formed; anything else could be megabytes.
function shown(digest: string | undefined): Digest {
  return digest !== undefined && isDigest(digest) ? digest : '(malformed digest)'
}
