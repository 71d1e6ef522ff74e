import { LIMITS } from '../limits.js'
import { CLASS_DESCRIPTIONS } from '../policy/classify.js'
import type { CheckedEvidence, Finding, GateResult, ImageResult, PlatformResult } from '../types.js'
import { isDigest } from '../registry/reference.js'
import { markdown as md } from './escape.js'
import { renderDockerfiles, subjectCount, subjectLines } from './subjects.js'

const VERDICT_ICON = { pass: '✅', fail: '❌', error: '⚠️' } as const
const STATUS_ICON = { pass: '✅', fail: '❌', warn: '⚠️' } as const

/** Renders the job summary (markdown). Pure; every untrusted value is escaped. */
export function renderSummary(result: GateResult): string {
  const head = [
    `## ${VERDICT_ICON[result.verdict]} Supply Chain Gate: ${headline(result)}`,
    '',
    ...(result.mode === 'audit' ? ['_Audit mode: the step does not fail._', ''] : []),
  ]
  const body = result.images.flatMap(renderImage)
  return truncate([...head, ...renderDockerfiles(result.dockerfiles), ...body].join('\n'))
}

function headline(result: GateResult): string {
  const images = subjectCount(result)
  if (result.verdict === 'pass') return `${images} verified`
  if (result.verdict === 'fail') return `policy not met (${images} checked)`
  return `could not check (${images})`
}

function renderImage(image: ImageResult): string[] {
  const lines = [
    // No code spans around escaped text: entities are not decoded inside them.
    `### ${VERDICT_ICON[image.verdict]} ${md(image.reference)}`,
    '',
    `Digest: ${image.digest === undefined ? 'unresolved' : digest(image.digest)}${byTag(image) ? ' (the tag can move after this check: deploy by this digest)' : ''}`,
    '',
  ]
  lines.push(...subjectLines(image))
  if (image.error) lines.push(`**Could not check:** ${md(image.error.message)}`, '')
  // The class and its description are our own text, so their markdown is kept.
  if (image.class)
    lines.push(`Evidence class **${image.class}**: ${CLASS_DESCRIPTIONS[image.class]}`, '')
  if (image.findings.length > 0) lines.push(...renderFindings(image.findings), '')
  if (image.platforms) lines.push(...renderPlatforms(image.platforms), '')
  if (image.evidence.length > 0) lines.push(...renderEvidence(image.evidence), '')
  return lines
}

function renderPlatforms(platforms: PlatformResult[]): string[] {
  const rows = platforms.map((p) => {
    const failed = p.error
      ? [p.error.message]
      : p.findings.filter((f) => f.status !== 'pass').map((f) => `${f.requirement}: ${f.actual}`)
    return `| ${VERDICT_ICON[p.verdict]} | ${md(p.platform)} | ${digest(p.digest)} | ${p.class ?? ''} | ${md(failed.join('; ')) || 'every requirement met'} |`
  })
  return ['| | Platform | Digest | Class | Problems |', '|---|---|---|---|---|', ...rows]
}

function renderFindings(findings: Finding[]): string[] {
  return [
    '| | Requirement | Expected | Actual |',
    '|---|---|---|---|',
    ...findings.map(
      (f) =>
        `| ${STATUS_ICON[f.status]} | ${md(f.requirement)} | ${md(f.expected)} | ${md(f.actual)} |`,
    ),
  ]
}

function renderEvidence(evidence: CheckedEvidence[]): string[] {
  return [
    '<details><summary>Evidence found</summary>',
    '',
    '| | Kind | Predicate type | Signer | Issuer | Log | Found at |',
    '|---|---|---|---|---|---|---|',
    ...evidence.map(
      (e) =>
        `| ${e.verified ? '✅' : e.signed ? '❌' : '➖'} | ${e.kind} | ${md(e.predicateType ?? e.claimedPredicateType ?? e.mediaType ?? '')} | ${md(signer(e))} | ${md(e.signer?.issuer ?? '')} | ${md(logText(e))} | ${md(e.location)}${e.error ? `<br>${md(e.error)}` : ''} |`,
    ),
    '',
    '</details>',
  ]
}

// A tag was resolved once and checked at that digest; only the digest stays what was checked (T33).
function byTag(image: ImageResult): boolean {
  return image.digest !== undefined && !image.reference.includes('@')
}

// A platform's digest comes straight from the index (registry JSON): only a real digest goes into
// a code span, anything else is escaped like any other untrusted text (T71).
function digest(value: string): string {
  return isDigest(value) ? `\`${value}\`` : md(value)
}

function signer(e: CheckedEvidence): string {
  if (e.signer?.publicKey) return 'public key'
  return e.signer?.subjectAlternativeName ?? ''
}

function logText(e: CheckedEvidence): string {
  return e.tlog.map((t) => `#${t.logIndex}${logTime(t.integratedTime)}`).join(', ')
}

// A time Date cannot hold renders as nothing rather than throwing and losing the summary.
function logTime(seconds: string | undefined): string {
  const date = new Date(Number(seconds) * 1000)
  return seconds && Number.isFinite(date.getTime()) ? ` at ${date.toISOString()}` : ''
}

// The runner refuses summaries over 1 MiB; stay well under and say what was cut (T72).
function truncate(text: string): string {
  const bytes = Buffer.byteLength(text)
  if (bytes <= LIMITS.summaryBytes) return text
  const cut = Buffer.from(text)
    .subarray(0, LIMITS.summaryBytes - 200)
    .toString('utf8')
    .replace(/[^\n]*$/, '')
  // A cut inside the evidence list closes it, so the note is not hidden in a collapsed block.
  const open = cut.split('<details>').length - cut.split('</details>').length
  const close = open > 0 ? '\n</details>\n' : ''
  return `${cut}${close}\n\n_Summary cut: ${bytes - Buffer.byteLength(cut)} more bytes are in the result JSON._\n`
}
