import type { CheckedEvidence, GateResult, ImageResult } from '../types.js'

/** Exit code of the contract: 0 policy met, 1 not met, 2 could not check. Audit never fails. */
export function exitCode(result: GateResult): 0 | 1 | 2 {
  if (result.mode === 'audit' || result.verdict === 'pass') return 0
  return result.verdict === 'fail' ? 1 : 2
}

/** The overall verdict: any image that could not be checked wins over any that failed. */
export function overallVerdict(images: ImageResult[]): GateResult['verdict'] {
  if (images.some((i) => i.verdict === 'error')) return 'error'
  if (images.length === 0 || images.some((i) => i.verdict === 'fail')) return 'fail'
  return 'pass'
}

/** The result JSON as written to disk: raw evidence bytes and predicates (they can be large) are left out. */
export function toResultJson(result: GateResult): string {
  const images = result.images.map((image) => ({
    ...image,
    evidence: image.evidence.map(
      ({ predicate: _predicate, digests: _digests, ...rest }: CheckedEvidence) => rest,
    ),
  }))
  return `${JSON.stringify({ ...result, images }, null, 2)}\n`
}
