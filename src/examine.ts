// Examining an image: resolve it once, collect every piece of evidence, verify each, judge them.
import { GateError, describe } from './errors.js'
import type { Inputs } from './inputs.js'
import { classify } from './policy/classify.js'
import { evaluate, type SubjectKind } from './policy/index.js'
import { formatReference, type RegistryClient, type Repository } from './registry/index.js'
import type { GithubApi } from './sources/github-api.js'
import { collectEvidence, type ByteAllowance, type Source } from './sources/index.js'
import type { CheckedEvidence, Digest, Evidence, ImageRef, ImageResult } from './types.js'
import {
  checkEvidence,
  checkedWithTrust,
  type PredicateFilter,
  type Trust,
} from './verify/index.js'

/** What examining an image needs: where to read, how to check each piece, and how many at once. */
export interface Examiner {
  registry: RegistryClient
  sources: readonly Source[]
  check: (found: Evidence[], digest: Digest) => Promise<CheckedEvidence[]>
  concurrency: number
  github?: GithubApi
  /** The `signature-repository` input: also read there (sources/index.ts collectEvidence). */
  signatureRepository?: Repository
}

/**
 * Verifies every piece found for `digest` against `trust` (bad pieces are data, never thrown),
 * parsing the predicates `reads` wants (absent: all).
 */
export function checkWith(
  trust: Trust | Promise<Trust>,
  reads?: PredicateFilter,
): Examiner['check'] {
  return async (found, digest) =>
    checkedWithTrust(await trust, (ready) =>
      found.map((e) => checkEvidence(e, digest, ready, reads)),
    )
}

/** One image read and checked, nothing evaluated; `error` when it could not be read (exit 2). */
export interface ExaminedImage {
  reference: string
  digest?: Digest
  mediaType?: string
  evidence: CheckedEvidence[]
  error?: { code: string; message: string }
}

/** An image that could not be read (exit 2). */
export type FailedImage = ExaminedImage & Required<Pick<ExaminedImage, 'error'>>

/** An image pinned to its digest, its evidence not yet read. */
export interface ResolvedImage {
  reference: string
  digest: Digest
  mediaType: string
}

/** Resolves the image once, then collects and checks every piece of evidence for that digest. */
export async function examineImage(ref: ImageRef, examiner: Examiner): Promise<ExaminedImage> {
  const resolved = await resolveImage(ref, examiner)
  return 'error' in resolved ? resolved : examineResolved(ref, resolved, examiner)
}

/** Pins the image to the digest every later read uses; the error result when it cannot be read. */
export async function resolveImage(
  ref: ImageRef,
  examiner: Examiner,
): Promise<ResolvedImage | FailedImage> {
  const reference = formatReference(ref)
  try {
    return { reference, ...(await examiner.registry.resolve(ref)) }
  } catch (error) {
    return { reference, evidence: [], error: failure(reference, error) }
  }
}

/** Collects and checks the evidence of a resolved image (its blobs' bytes from `imageBytes`). */
export async function examineResolved(
  repository: Repository,
  image: ResolvedImage,
  examiner: Examiner,
  imageBytes?: ByteAllowance,
): Promise<ExaminedImage> {
  const { reference, digest, mediaType } = image
  try {
    const evidence = await examineDigest(repository, digest, mediaType, examiner, imageBytes)
    return { reference, digest, mediaType, evidence }
  } catch (error) {
    return { reference, digest, evidence: [], error: failure(reference, error) }
  }
}

/**
 * Collects and checks every piece of evidence attached to one digest of the repository; its
 * blobs' bytes come from `imageBytes` when given (an index and its platforms share them).
 */
export async function examineDigest(
  repository: Repository,
  digest: Digest,
  mediaType: string,
  examiner: Examiner,
  imageBytes?: ByteAllowance,
): Promise<CheckedEvidence[]> {
  return collectEvidence(
    { repository, digest, mediaType },
    {
      registry: examiner.registry,
      concurrency: examiner.concurrency,
      github: examiner.github,
      ...(examiner.signatureRepository !== undefined && {
        signatureRepository: examiner.signatureRepository,
      }),
      ...(imageBytes !== undefined && { imageBytes }),
    },
    examiner.sources,
    (found) => examiner.check(found, digest),
  )
}

/** The error an image or platform that could not be read reports (exit 2). */
export function failure(what: string, error: unknown): { code: string; message: string } {
  const code = error instanceof GateError ? error.code : 'INTERNAL'
  return { code, message: `Failed to check ${what}: ${describe(error)}` }
}

/** Evaluates the requirements on checked evidence: the verdict, the class and every finding. */
export function judgeEvidence(
  evidence: CheckedEvidence[],
  inputs: Pick<Inputs, 'requirements'>,
  subject: SubjectKind = 'image',
): Pick<ImageResult, 'verdict' | 'class' | 'findings'> {
  const findings = evaluate(inputs.requirements, evidence, subject)
  const verdict = findings.some((f) => f.status === 'fail') ? 'fail' : 'pass'
  return { verdict, class: classify(evidence), findings }
}
