// Rendering of subjects other than `image` inputs: Dockerfiles (grouped by file and stage, with
// the line of each FROM) and release files. Pure; every untrusted value is escaped (a Dockerfile
// in a pull request is written by whoever opened it).
import { isDigest } from '../registry/reference.js'
import type { DockerfileResult, GateResult, ImageResult, StageResult } from '../types.js'
import { markdown as md, plain } from './escape.js'

const VERDICT_ICON = { pass: '✅', fail: '❌', error: '⚠️' } as const
const MARK = { pass: '✔', fail: '✘', error: '!' } as const

/** "2 images, 1 file": what the headline counts. */
export function subjectCount(result: GateResult): string {
  const files = result.images.filter((i) => i.file !== undefined).length
  const images = result.images.length - files
  const parts = [
    ...(images > 0 || files === 0 ? [`${images} image${images === 1 ? '' : 's'}`] : []),
    ...(files > 0 ? [`${files} file${files === 1 ? '' : 's'}`] : []),
  ]
  return parts.join(', ')
}

/** The job summary's Dockerfile section: one table per Dockerfile, one row per FROM line. */
export function renderDockerfiles(dockerfiles: DockerfileResult[] | undefined): string[] {
  if (dockerfiles === undefined || dockerfiles.length === 0) return []
  const lines = ['### Dockerfiles', '']
  for (const dockerfile of dockerfiles) {
    const verdict = dockerfileVerdict(dockerfile)
    lines.push(
      `#### ${verdict === undefined ? '➖' : VERDICT_ICON[verdict]} ${md(dockerfile.path)}`,
      '',
      '| | Line | Stage | FROM | Base image | Digest | Pin |',
      '|---|---|---|---|---|---|---|',
      ...dockerfile.stages.map(stageRow),
      '',
    )
  }
  return lines
}

function stageRow(s: StageResult): string {
  const icon = s.verdict === undefined ? '➖' : VERDICT_ICON[s.verdict]
  const stage = s.stage === undefined ? `#${s.index}` : md(s.stage)
  const platform = s.platform === undefined ? '' : ` (--platform ${md(s.platform)})`
  const base =
    s.base === 'scratch'
      ? 'scratch: nothing to verify'
      : s.base === 'stage'
        ? `stage ${md(s.detail ?? '')}: built here`
        : s.base === 'invalid'
          ? `cannot be used: ${md(s.detail ?? '')}`
          : md(s.reference ?? '')
  const digest = s.digest === undefined ? '' : isDigest(s.digest) ? `\`${s.digest}\`` : md(s.digest)
  const pin =
    s.base !== 'image'
      ? ''
      : s.pinned
        ? 'pinned'
        : s.suggestion === undefined
          ? 'tag only'
          : `tag only: ${md(s.suggestion)}`
  const from = s.via === undefined ? md(s.from) : `${md(s.via)}=${md(s.from)}`
  return `| ${icon} | ${s.line} | ${stage} | ${from}${platform} | ${base} | ${digest} | ${pin} |`
}

// A Dockerfile fails when one of its bases does; undefined when it names no image at all.
function dockerfileVerdict(dockerfile: DockerfileResult): StageResult['verdict'] {
  const verdicts = dockerfile.stages.flatMap((s) => (s.verdict === undefined ? [] : [s.verdict]))
  if (verdicts.length === 0) return undefined
  if (verdicts.includes('error')) return 'error'
  return verdicts.includes('fail') ? 'fail' : 'pass'
}

/** Lines under an image's or file's heading: where it is used, or what file it is. */
export function subjectLines(image: ImageResult): string[] {
  const lines: string[] = []
  if (image.file !== undefined) {
    lines.push(
      `File: ${md(image.file.path)}, ${image.file.size} bytes, ${md(image.file.sha512)}`,
      '',
    )
  }
  if (image.sources !== undefined && image.sources.length > 0) {
    const uses = image.sources.map(
      (s) =>
        `${md(s.dockerfile)} line ${s.line}${s.stage === undefined ? '' : ` (stage ${md(s.stage)})`}`,
    )
    lines.push(`Base image of: ${uses.join(', ')}`, '')
  }
  if (image.matched !== undefined) {
    lines.push(`Policy patterns: ${image.matched.map(md).join(', ')}`, '')
  }
  return lines
}

/** The console's Dockerfile section. */
export function consoleDockerfiles(dockerfiles: DockerfileResult[] | undefined): string[] {
  const lines: string[] = []
  for (const dockerfile of dockerfiles ?? []) {
    lines.push(`Dockerfile ${plain(dockerfile.path)}`)
    for (const s of dockerfile.stages) {
      const mark = s.verdict === undefined ? '-' : MARK[s.verdict]
      const stage = s.stage === undefined ? '' : ` (${plain(s.stage)})`
      const what =
        s.base === 'scratch'
          ? 'scratch'
          : s.base === 'stage'
            ? `stage ${plain(s.detail ?? '')}`
            : s.base === 'invalid'
              ? `cannot be used: ${plain(s.detail ?? '')}`
              : `${plain(s.reference ?? '')}${s.digest === undefined ? '' : ` (${plain(s.digest)})`}${s.pinned === false ? `, not pinned${s.suggestion === undefined ? '' : `: ${plain(s.suggestion)}`}` : ''}`
      lines.push(`  ${mark} line ${s.line}${stage}: ${what}`)
    }
  }
  return lines
}

/** The console line under a file's heading. */
export function consoleSubjectLines(image: ImageResult): string[] {
  const lines: string[] = []
  if (image.file !== undefined) {
    lines.push(
      `  file ${plain(image.file.path)}: ${image.file.size} bytes, ${plain(image.file.sha512)}`,
    )
  }
  for (const s of image.sources ?? []) {
    lines.push(
      `  base image of ${plain(s.dockerfile)} line ${s.line}${s.stage === undefined ? '' : ` (stage ${plain(s.stage)})`}`,
    )
  }
  return lines
}
