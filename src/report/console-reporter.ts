import { CLASS_DESCRIPTIONS } from '../policy/classify.js'
import type { CheckedEvidence, GateResult } from '../types.js'
import { plain, terminalJson } from './escape.js'
import { toResultJson } from './result.js'
import { consoleDockerfiles, consoleSubjectLines } from './subjects.js'

const MARK = { pass: '✔', fail: '✘', warn: '!', error: '!' } as const

/** Renders a result for a terminal: one line per requirement, expected versus actual. */
export function renderConsole(result: GateResult): string {
  const lines: string[] = [...consoleDockerfiles(result.dockerfiles)]
  for (const image of result.images) {
    const state =
      image.verdict === 'pass'
        ? 'verified'
        : image.verdict === 'fail'
          ? 'policy not met'
          : 'could not check'
    lines.push(
      `${MARK[image.verdict]} ${plain(image.reference)}${image.digest ? ` (${plain(image.digest)})` : ''}: ${state}`,
    )
    lines.push(...consoleSubjectLines(image))
    if (image.error) lines.push(`    ${plain(image.error.message)}`)
    if (image.class)
      lines.push(`  evidence class ${image.class}: ${CLASS_DESCRIPTIONS[image.class]}`)
    for (const f of image.findings) {
      lines.push(`  ${MARK[f.status]} ${plain(f.requirement)}`)
      lines.push(`      expected: ${plain(f.expected)}`)
      lines.push(`      actual:   ${plain(f.actual)}`)
    }
    for (const p of image.platforms ?? []) {
      // The platform digest is registry JSON: escaped like any other untrusted text (T66).
      lines.push(`  ${MARK[p.verdict]} platform ${plain(p.platform)} (${plain(p.digest)})`)
      if (p.error) lines.push(`      ${plain(p.error.message)}`)
      for (const f of p.findings.filter((x) => x.status !== 'pass')) {
        lines.push(`      ${MARK[f.status]} ${plain(f.requirement)}: ${plain(f.actual)}`)
      }
    }
    if (image.evidence.length > 0) lines.push('  evidence:')
    for (const e of image.evidence) lines.push(`    ${evidenceLine(e)}`)
  }
  if (result.mode === 'audit') lines.push('(audit mode: reported only, exit 0)')
  return `${lines.join('\n')}\n`
}

function evidenceLine(e: CheckedEvidence): string {
  const mark = e.verified ? '✔' : e.signed ? '✘' : '-'
  const type = e.predicateType ?? e.claimedPredicateType ?? e.mediaType ?? 'unknown'
  const who = e.signer?.publicKey
    ? ' by public key'
    : e.signer?.subjectAlternativeName
      ? ` by ${e.signer.subjectAlternativeName}`
      : ''
  const why = e.error ? `: ${e.error}` : ''
  return plain(`${mark} ${e.kind} ${type}${who} at ${e.location}${why}`)
}

/** Writes the result to stdout, as text or as the result JSON. */
export function writeConsole(
  result: GateResult,
  json: boolean,
  out: NodeJS.WritableStream = process.stdout,
): void {
  out.write(json ? terminalJson(toResultJson(result)) : renderConsole(result))
}
