import * as core from '@actions/core'
import { signedByAny } from '../policy/signer.js'
import type { GateResult } from '../types.js'
import type { IdentityPolicy } from '../verify/index.js'
import { plain } from './escape.js'
import { renderSummary } from './summary.js'

/**
 * Publishes a result to the runner: outputs, job summary and error annotations. `identities` are
 * the signers the policy allows: `signer-identity` only ever names one of them.
 */
export async function reportToActions(
  result: GateResult,
  resultsPath: string | undefined,
  summary: boolean,
  identities: IdentityPolicy[] = [],
): Promise<void> {
  const first = result.images[0]
  // Security: a verified piece from a signer the policy rejected is not "the signer identity";
  // naming it would let a stranger's valid signature be read downstream as the approved one (T69).
  const signer = first?.evidence.find(
    (e) => e.verified && e.signer?.subjectAlternativeName && signedByAny(e, identities),
  )?.signer
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
  // Last: a report that fails half-way (exit 2) must not leave `verified` true behind it (T69).
  core.setOutput('verified', String(result.verdict === 'pass'))
}
