import os from 'node:os'
import path from 'node:path'
import * as core from '@actions/core'
import { liveDeps } from './deps.js'
import { describe } from './errors.js'
import { parseInputs } from './inputs.js'
import { run, writeResult } from './main.js'
import { reportToActions } from './report/actions-reporter.js'
import { plain } from './report/escape.js'
import { exitCode } from './report/result.js'

/** The action: inputs from the runner, result to outputs, summary and annotations. */
export async function runAction(): Promise<void> {
  try {
    const inputs = parseInputs((name) => core.getInput(name))
    const result = await run(
      inputs,
      liveDeps((secret) => core.setSecret(secret)),
    )
    const dir =
      inputs.outputDir ?? path.join(process.env['RUNNER_TEMP'] ?? os.tmpdir(), 'supply-chain-gate')
    const resultsPath = await writeResult(result, dir)
    await reportToActions(result, resultsPath, inputs.summary)
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
    core.setFailed(plain(describe(error)))
    process.exitCode = 2
  }
}
