import * as core from '@actions/core'
import type { GateResult } from '../types.js'
import { plain } from './escape.js'
import { renderSummary } from './summary.js'

/** Publishes a result to the runner: outputs, job summary and error annotations. */
export async function reportToActions(
  result: GateResult,
  resultsPath: string | undefined,
  summary: boolean,
): Promise<void> {
  const first = result.images[0]
  const signer = first?.evidence.find((e) => e.verified && e.signer?.subjectAlternativeName)?.signer
  core.setOutput('verified', String(result.verdict === 'pass'))
  core.setOutput('digest', first?.digest ?? '')
  core.setOutput(
    'images',
    JSON.stringify(
      result.images.map((i) => ({
        ref: i.reference,
        digest: i.digest ?? null,
        verdict: i.verdict,
      })),
    ),
  )
  core.setOutput('results-path', resultsPath ?? '')
  core.setOutput('signer-identity', signer?.subjectAlternativeName ?? '')
  for (const image of result.images) {
    if (image.error) core.error(plain(`${image.reference}: ${image.error.message}`))
    for (const f of image.findings.filter((x) => x.status !== 'pass')) {
      const line = plain(
        `${image.reference}: ${f.requirement}: expected ${f.expected}; actual: ${f.actual}`,
      )
      if (f.status === 'fail') core.error(line)
      else core.warning(line)
    }
  }
  if (summary) await core.summary.addRaw(renderSummary(result)).write()
}
