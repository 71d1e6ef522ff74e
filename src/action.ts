import os from 'node:os'
import path from 'node:path'
import * as core from '@actions/core'
import { liveDeps } from './deps.js'
import { describe } from './errors.js'
import { parseInputs } from './inputs.js'
import { acceptedIdentities, run, writeResult } from './main.js'
import { nodeTransport, type Transport } from './registry/transport.js'
import { reportToActions } from './report/actions-reporter.js'
import { plain } from './report/escape.js'
import { exitCode } from './report/result.js'

/**
 * The action: inputs from the runner, result to outputs, summary and annotations. Tests pass a
 * `transport` that plays public hosts on loopback.
 */
export async function runAction(transport: Transport = nodeTransport): Promise<void> {
  // Outputs go to the GITHUB_OUTPUT file only: without it @actions/core would print
  // `::set-output` on stdout, the channel untrusted text could try to forge (T69).
  if (!process.env['GITHUB_OUTPUT']) {
    core.setFailed('GITHUB_OUTPUT is not set: this runner is too old for Supply Chain Gate.')
    process.exitCode = 2
    return
  }
  // `verified` is false until the very end says otherwise, whatever happens in between (T69).
  core.setOutput('verified', 'false')
  try {
    const inputs = await parseInputs((name) => core.getInput(name))
    const result = await run(inputs, {
      ...liveDeps((secret) => core.setSecret(secret)),
      transport,
    })
    const dir =
      inputs.outputDir ?? path.join(process.env['RUNNER_TEMP'] ?? os.tmpdir(), 'supply-chain-gate')
    const resultsPath = await writeResult(result, dir)
    // The signers that applied to the first image (its `images` patterns, or every requirement).
    const identities = acceptedIdentities(inputs, result.images[0])
    await reportToActions(result, resultsPath, inputs.summary, identities)
    const code = exitCode(result)
    if (code !== 0) {
      core.setFailed(
        code === 1
          ? 'The supply-chain policy is not met.'
          : 'The supply-chain evidence could not be checked.',
      )
      process.exitCode = code
    }
  } catch (error) {
    core.setOutput('verified', 'false')
    core.setFailed(plain(describe(error)))
    process.exitCode = 2
  }
}
