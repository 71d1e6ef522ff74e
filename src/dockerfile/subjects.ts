// From parsed Dockerfiles to subjects: each distinct base image once, with every FROM line (or
// --from flag) that names it; then, once judged, the per-Dockerfile view and the pinning findings.
import { formatReference } from '../registry/index.js'
import type {
  DockerfileResult,
  DockerfileSource,
  Finding,
  ImageRef,
  ImageResult,
  StageResult,
} from '../types.js'
import type { FromLine } from './parse.js'
import type { ParsedDockerfile } from './read.js'

/** A distinct base image and the FROM lines that name it. */
export interface BaseImage {
  /** The canonical reference (formatReference): what `images` lists it as. */
  reference: string
  ref: ImageRef
  uses: { source: DockerfileSource; from: FromLine & { base: { kind: 'image' } } }[]
}

/** A FROM line that cannot be used: reported as a subject that could not be checked (exit 2). */
export interface InvalidFrom {
  source: DockerfileSource
  from: FromLine
  problem: string
}

/** Every distinct base image of the Dockerfiles, in order of first use, and the unusable lines. */
export function baseImages(dockerfiles: readonly ParsedDockerfile[]): {
  images: BaseImage[]
  invalid: InvalidFrom[]
} {
  const images = new Map<string, BaseImage>()
  const invalid: InvalidFrom[] = []
  for (const dockerfile of dockerfiles) {
    for (const from of dockerfile.froms) {
      const source = sourceOf(dockerfile.path, from)
      if (from.base.kind === 'invalid') {
        invalid.push({ source, from, problem: from.base.problem })
      }
      if (from.base.kind !== 'image') continue
      const reference = formatReference(from.base.ref)
      const image = images.get(reference) ?? { reference, ref: from.base.ref, uses: [] }
      image.uses.push({ source, from: from as BaseImage['uses'][number]['from'] })
      images.set(reference, image)
    }
  }
  return { images: [...images.values()], invalid }
}

function sourceOf(dockerfile: string, from: FromLine): DockerfileSource {
  return {
    dockerfile,
    line: from.line,
    ...(from.via !== undefined && { via: from.via }),
    ...(from.stage !== undefined && { stage: from.stage }),
    index: from.index,
    ...(from.platform !== undefined && { platform: from.platform.value }),
  }
}

/** The result of a FROM line that cannot be used: an error naming the file and line. */
export function invalidResult(item: InvalidFrom): ImageResult {
  const { source, from, problem } = item
  const text = from.base.kind === 'invalid' ? from.base.text : from.written
  return {
    reference: `${from.via === undefined ? 'FROM ' : `${from.via}=`}${text || from.written}`,
    verdict: 'error',
    evidence: [],
    findings: [],
    error: {
      code: 'INPUT_INVALID',
      message: `${source.dockerfile} line ${source.line}: ${from.via === undefined ? 'FROM ' : `${from.via}=`}${from.written}: ${problem}`,
    },
    sources: [source],
  }
}

/**
 * What to write instead of an unpinned base: the FROM line, or the flag (`--from=…`, a mount's
 * `from=…`) that names it, with the digest it resolved to.
 */
// How each flag is written in a Dockerfile (a mount's `from` is one field of --mount's value).
const FLAG_SPELLING: Record<string, string> = {
  'COPY --from': '--from',
  'RUN --mount from': 'from',
}

export function pinnedLine(from: FromLine, digest: string): string {
  const text = from.base.kind === 'image' ? from.base.text : from.written
  const platform = from.platform === undefined ? '' : `--platform=${from.platform.written} `
  const stage = from.stage === undefined ? '' : ` AS ${from.stage}`
  if (from.via !== undefined) return `${FLAG_SPELLING[from.via] ?? from.via}=${text}@${digest}`
  return `FROM ${platform}${text}@${digest}${stage}`
}

/**
 * The digest-pinning finding of a base image named by tag: a warning, or a failure under
 * `require-digest-pinning`. Undefined for a base every FROM line pins.
 */
export function pinningFinding(
  image: BaseImage,
  digest: string | undefined,
  required: boolean,
): Finding | undefined {
  const unpinned = image.uses.filter((u) => !u.from.base.pinned)
  if (unpinned.length === 0) return undefined
  const lines = unpinned.map(({ source, from }) => {
    const where = `${source.dockerfile} line ${source.line}${source.stage === undefined ? '' : ` (stage ${source.stage})`}`
    return digest === undefined
      ? `${where} names ${from.base.text} by tag only, and it could not be resolved`
      : `${where} names ${from.base.text} by tag only; it resolved to ${digest}: pin it as \`${pinnedLine(from, digest)}\``
  })
  return {
    requirement: 'digest pinning',
    status: required ? 'fail' : 'warn',
    expected: 'every FROM line pins its base image to a digest (image:tag@sha256:…)',
    actual: lines.join('; '),
  }
}

/** Each Dockerfile's FROM lines with what each named and how that image was judged. */
export function dockerfileResults(
  dockerfiles: readonly ParsedDockerfile[],
  images: readonly ImageResult[],
): DockerfileResult[] {
  const byReference = new Map(images.map((i) => [i.reference, i]))
  return dockerfiles.map((dockerfile) => ({
    path: dockerfile.path,
    stages: dockerfile.froms.map((from): StageResult => {
      const head = {
        line: from.line,
        ...(from.via !== undefined && { via: from.via }),
        index: from.index,
        ...(from.stage !== undefined && { stage: from.stage }),
        from: from.written,
        ...(from.platform !== undefined && { platform: from.platform.value }),
      }
      switch (from.base.kind) {
        case 'scratch':
          return { ...head, base: 'scratch' }
        case 'stage':
          return { ...head, base: 'stage', detail: from.base.stage }
        case 'invalid':
          return {
            ...head,
            base: 'invalid',
            reference: from.base.text,
            verdict: 'error',
            detail: from.base.problem,
          }
        case 'image': {
          const reference = formatReference(from.base.ref)
          const result = byReference.get(reference)
          const digest = result?.digest
          return {
            ...head,
            base: 'image',
            reference,
            ...(digest !== undefined && { digest }),
            ...(result !== undefined && { verdict: result.verdict }),
            pinned: from.base.pinned,
            ...(!from.base.pinned &&
              digest !== undefined && { suggestion: pinnedLine(from, digest) }),
          }
        }
      }
    }),
  }))
}
