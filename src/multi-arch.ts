import { GateError } from './errors.js'
import type { Inputs } from './inputs.js'
import { LIMITS } from './limits.js'
import { examineDigest, failure, judgeEvidence, type Examiner } from './examine.js'
import { selectPlatforms, type PlatformSelection } from './platforms.js'
import type { Requirement } from './policy/index.js'
import { isObject } from './util/json-object.js'
import { isIndexType, type Descriptor, type Repository } from './registry/index.js'
import type { ByteAllowance } from './sources/index.js'
import type { Digest, Finding, ImageResult, PlatformResult } from './types.js'
import { mapLimit } from './util/concurrency.js'

/** Every selected platform of an index, examined and judged; or why the index could not be read. */
export type ExaminedPlatforms =
  | { manifests: Descriptor[]; missing: string[]; platforms: PlatformResult[] }
  | { error: { code: string; message: string } }

/**
 * Reads the index and judges each selected platform manifest on its own evidence, at most
 * `concurrency` at once. Started as soon as the index is resolved, alongside the index's own
 * evidence, so an index costs one chain of round trips, not two. Never rejects.
 */
export async function examinePlatforms(
  repository: Repository,
  image: { reference: string; digest: Digest },
  selection: Exclude<PlatformSelection, 'index'>,
  inputs: Pick<Inputs, 'requirements'>,
  examiner: Examiner,
  imageBytes: ByteAllowance,
): Promise<ExaminedPlatforms> {
  let manifests: Descriptor[]
  try {
    const listed: unknown = (await examiner.registry.manifest(repository, image.digest)).json
      .manifests
    // Entries are checked one by one (a malformed one fails its platform); the list must be one.
    if (listed !== undefined && (!Array.isArray(listed) || listed.some((m) => !isObject(m)))) {
      throw new GateError('REGISTRY_PROTOCOL', 'its manifests are not a list of descriptors')
    }
    manifests = (listed as Descriptor[] | undefined) ?? []
  } catch (error) {
    return { error: failure(image.reference, error) }
  }
  const { selected, missing } = selectPlatforms(manifests, selection)
  // Each platform is a chain of requests and its own evidence: an index cannot ask for thousands.
  if (selected.length > LIMITS.platformsPerIndex) {
    const error = new GateError(
      'LIMIT_EXCEEDED',
      `the index lists ${selected.length} platform manifests to check; at most ${LIMITS.platformsPerIndex} are checked, and none were`,
    )
    return { error: failure(image.reference, error) }
  }
  const asked = { requirements: inputs.requirements.filter(onPlatforms) }
  const platforms = await mapLimit(selected, examiner.concurrency, async ({ name, descriptor }) => {
    // Registry JSON: a digest that is not a string is shown as written, and fails below.
    const digest: unknown = descriptor.digest
    const base = {
      platform: name,
      digest: typeof digest === 'string' ? digest : (JSON.stringify(digest) ?? '(none)'),
    }
    try {
      // Security: a runtime pulls a manifest from inside a nested index; that index's own
      // evidence would stand in for platforms nobody read.
      if (isIndexType(descriptor.mediaType)) {
        throw new GateError(
          'REGISTRY_PROTOCOL',
          'it is itself an index, whose platforms are not examined; name the index inside it instead',
        )
      }
      const evidence = await examineDigest(
        repository,
        descriptor.digest,
        descriptor.mediaType,
        examiner,
        imageBytes,
      )
      const { verdict, class: evidenceClass, findings } = judgeEvidence(evidence, asked)
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
  return { manifests, missing, platforms }
}

// A requirement's `on` (policy files): judged on the index's own evidence, each platform's, or both.
const onIndex = (r: Requirement): boolean => r.on === 'index' || r.on === 'both'
const onPlatforms = (r: Requirement): boolean => r.on !== 'index'

/**
 * Judges an index by its platforms, and by its own evidence for the requirements placed on it
 * (`on: index | both`). The image passes only when every selected platform does, none that was
 * named is missing, and the index meets what is placed on it; the index's other findings are kept
 * as warnings, with a warning wherever evidence covers the index but not a platform, or the
 * reverse. `image.findings` are `requirements`' findings on the index, in their order.
 */
export function withPlatforms(
  image: ImageResult,
  examined: ExaminedPlatforms,
  requirements: Requirement[],
): ImageResult {
  if ('error' in examined) return { ...image, verdict: 'error', error: examined.error }
  const { manifests, missing, platforms } = examined
  const present =
    manifests.length === 0
      ? 'no manifests'
      : platforms.map((p) => p.platform).join(', ') || 'no platform manifests'
  // An empty set is never a pass: an index with no platform to check fails.
  const absent: Finding[] = (
    platforms.length === 0 && missing.length === 0 ? ['any platform'] : missing
  ).map((name) => ({
    requirement: `platform ${name}`,
    status: 'fail',
    expected: `a ${name} manifest in the index`,
    actual: `the index has ${present}`,
  }))
  const decides = image.findings.map((_, i) => onIndex(requirements[i]!))
  const index = indexFindings(image.findings, decides)
  const findings = [
    ...absent,
    ...index,
    // Only for what the platforms alone decide: placed on the index, it is not asked of them.
    ...coverageWarnings(
      image.findings.filter((_, i) => !decides[i]),
      platforms,
    ),
  ]
  const verdict = platforms.some((p) => p.verdict === 'error')
    ? 'error'
    : absent.length > 0 ||
        platforms.some((p) => p.verdict === 'fail') ||
        index.some((f) => f.status === 'fail')
      ? 'fail'
      : 'pass'
  return { ...image, verdict, findings, platforms }
}

// The index's own evidence decides only what is placed on it; its other failures only warn.
function indexFindings(findings: Finding[], decides: boolean[]): Finding[] {
  return findings.map((f, i) => ({
    ...f,
    requirement: `${f.requirement} (index)`,
    status: f.status === 'fail' && !decides[i] ? 'warn' : f.status,
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
