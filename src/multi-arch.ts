import type { Inputs } from './inputs.js'
import { examineDigest, failure, judgeEvidence, type Examiner } from './examine.js'
import { selectPlatforms } from './platforms.js'
import type { Repository } from './registry/index.js'
import type { Finding, ImageResult, PlatformResult } from './types.js'
import { mapLimit } from './util/concurrency.js'

/** Platform manifests checked at once; each has the examiner's own request concurrency. */
const PLATFORM_CONCURRENCY = 4

/**
 * Judges each selected platform manifest of an index on its own evidence. The image passes only
 * when every selected platform does and none that was named is missing; the index's own findings
 * are kept as warnings, with a warning wherever evidence covers the index but not a platform, or
 * the reverse.
 */
export async function checkPlatforms(
  repository: Repository,
  image: ImageResult,
  inputs: Inputs,
  examiner: Examiner,
): Promise<ImageResult> {
  if (inputs.platforms === 'index' || image.digest === undefined) return image
  let manifests
  try {
    manifests = (await examiner.registry.manifest(repository, image.digest)).json.manifests ?? []
  } catch (error) {
    return { ...image, verdict: 'error', error: failure(image.reference, error) }
  }
  const { selected, missing } = selectPlatforms(manifests, inputs.platforms)
  const platforms = await mapLimit(selected, PLATFORM_CONCURRENCY, async ({ name, descriptor }) => {
    const base = { platform: name, digest: descriptor.digest }
    try {
      const evidence = await examineDigest(
        repository,
        descriptor.digest,
        descriptor.mediaType,
        examiner,
      )
      const { verdict, class: evidenceClass, findings } = judgeEvidence(evidence, inputs)
      return { ...base, verdict, class: evidenceClass, evidence, findings } satisfies PlatformResult
    } catch (error) {
      const result: PlatformResult = {
        ...base,
        verdict: 'error',
        evidence: [],
        findings: [],
        error: failure(`${image.reference} (${name})`, error),
      }
      return result
    }
  })
  const present =
    manifests.length === 0
      ? 'no manifests'
      : selected.map((p) => p.name).join(', ') || 'no platform manifests'
  // An empty set is never a pass: an index with no platform to check fails.
  const absent: Finding[] = (
    selected.length === 0 && missing.length === 0 ? ['any platform'] : missing
  ).map((name) => ({
    requirement: `platform ${name}`,
    status: 'fail',
    expected: `a ${name} manifest in the index`,
    actual: `the index has ${present}`,
  }))
  const findings = [
    ...absent,
    ...indexFindings(image.findings),
    ...coverageWarnings(image.findings, platforms),
  ]
  const verdict = platforms.some((p) => p.verdict === 'error')
    ? 'error'
    : absent.length > 0 || platforms.some((p) => p.verdict === 'fail')
      ? 'fail'
      : 'pass'
  return { ...image, verdict, findings, platforms }
}

// The index's own evidence does not decide under `platforms`; its failures are only warnings.
function indexFindings(findings: Finding[]): Finding[] {
  return findings.map((f) => ({
    ...f,
    requirement: `${f.requirement} (index)`,
    status: f.status === 'fail' ? 'warn' : f.status,
  }))
}

function coverageWarnings(index: Finding[], platforms: PlatformResult[]): Finding[] {
  return index.flatMap((f) => {
    const statuses = platforms.map((p) => ({
      p,
      status: p.findings.find((x) => x.requirement === f.requirement)?.status,
    }))
    const uncovered = statuses.filter((s) => s.status !== 'pass').map((s) => s.p.platform)
    if (f.status === 'pass' && uncovered.length > 0) {
      return [
        coverage(
          f.requirement,
          'the index and every platform manifest',
          `the index but not ${uncovered.join(', ')}`,
        ),
      ]
    }
    if (f.status !== 'pass' && platforms.length > 0 && uncovered.length === 0) {
      return [
        coverage(
          f.requirement,
          'the index and every platform manifest',
          'the platform manifests but not the index',
        ),
      ]
    }
    return []
  })
}

function coverage(requirement: string, expected: string, covered: string): Finding {
  return {
    requirement: `${requirement} coverage`,
    status: 'warn',
    expected: `evidence for ${expected}`,
    actual: `evidence covers ${covered}`,
  }
}
