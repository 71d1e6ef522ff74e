// Runs the action's own code (src/action.ts runAction) in-process, the way the runner would: inputs
// as INPUT_* variables, outputs and the summary as files, stdout and stderr captured. Tests in one
// file run one after another, so the process-wide state this touches (process.env,
// process.exitCode, process.stdout.write, @actions/core's summary singleton) is saved and restored.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import * as core from '@actions/core'
import { runAction } from '../../src/action.js'
import type { Transport } from '../../src/registry/transport.js'
import { parseFileCommands, parseRunnerLog, type ParsedLog } from './runner-commands.js'

export interface ActionRun {
  /** process.exitCode when runAction returned (0 when unset). */
  exitCode: number
  stdout: string
  stderr: string
  /** stdout as the runner parses it. */
  log: ParsedLog
  /** $GITHUB_OUTPUT entries in order (repeats kept), and the last value of each. */
  outputEntries: { name: string; value: string }[]
  outputs: Record<string, string>
  outputFile: string
  summary: string
  /** $GITHUB_ENV, $GITHUB_STATE and $GITHUB_PATH contents: the action writes none. */
  envFile: string
  stateFile: string
  pathFile: string
  /** The result JSON file, when the action wrote one. */
  resultJson: string
  /** Every surface a secret could leak to, for the secret oracle. */
  surfaces: Record<string, string>
}

export interface ActionOptions {
  /** Extra environment (e.g. RUNNER_DEBUG, GITHUB_API_URL, DOCKER_CONFIG). */
  env?: Record<string, string>
  /** Leave GITHUB_OUTPUT unset (catalog T69). */
  withoutOutputFile?: boolean
  /** Replaces the action's transport for the run, e.g. a DNS-like mapping. */
  transport?: Transport
}

/** Runs the action with these inputs (names as in action.yml). */
export async function runActionInProcess(
  inputs: Record<string, string>,
  options: ActionOptions = {},
): Promise<ActionRun> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scg-action-'))
  const file = (name: string): string => {
    const full = path.join(dir, name)
    fs.writeFileSync(full, '')
    return full
  }
  const files = {
    GITHUB_OUTPUT: file('output'),
    GITHUB_STEP_SUMMARY: file('summary.md'),
    GITHUB_ENV: file('env'),
    GITHUB_STATE: file('state'),
    GITHUB_PATH: file('path'),
  }
  const dockerConfig = path.join(dir, 'docker')
  fs.mkdirSync(dockerConfig)

  const savedEnv = { ...process.env }
  const savedExitCode = process.exitCode
  const savedStdout = process.stdout.write
  const savedStderr = process.stderr.write
  let stdout = ''
  let stderr = ''
  const capture =
    (append: (text: string) => void) =>
    (chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
      append(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'))
      const callback = rest.find((r) => typeof r === 'function') as (() => void) | undefined
      callback?.()
      return true
    }

  for (const key of Object.keys(process.env)) {
    if (key.startsWith('INPUT_') || key.startsWith('GITHUB_') || key.startsWith('RUNNER_')) {
      delete process.env[key]
    }
  }
  Object.assign(process.env, {
    ...(options.withoutOutputFile ? { ...files, GITHUB_OUTPUT: '' } : files),
    RUNNER_TEMP: dir,
    RUNNER_TOOL_CACHE: path.join(dir, 'tool-cache'),
    XDG_CACHE_HOME: path.join(dir, 'cache'),
    DOCKER_CONFIG: dockerConfig,
    ...options.env,
  })
  if (options.withoutOutputFile) delete process.env['GITHUB_OUTPUT']
  for (const [name, value] of Object.entries(inputs)) {
    process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value
  }
  resetSummary()
  process.exitCode = undefined
  process.stdout.write = capture((t) => (stdout += t)) as typeof process.stdout.write
  process.stderr.write = capture((t) => (stderr += t)) as typeof process.stderr.write
  let exitCode: number
  try {
    await runAction(options.transport)
  } finally {
    process.stdout.write = savedStdout
    process.stderr.write = savedStderr
    exitCode = Number(process.exitCode ?? 0)
    process.exitCode = savedExitCode
    for (const key of Object.keys(process.env)) {
      if (!(key in savedEnv)) delete process.env[key]
    }
    Object.assign(process.env, savedEnv)
    resetSummary()
  }

  const read = (f: string): string => (fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : '')
  const outputFile = read(files.GITHUB_OUTPUT)
  const outputEntries = parseFileCommands(outputFile)
  const outputs = Object.fromEntries(outputEntries.map((e) => [e.name, e.value]))
  const resultsPath = outputs['results-path']
  const resultJson = resultsPath ? read(resultsPath) : ''
  const summary = read(files.GITHUB_STEP_SUMMARY)
  const run: Omit<ActionRun, 'surfaces'> = {
    exitCode,
    stdout,
    stderr,
    log: parseRunnerLog(stdout),
    outputEntries,
    outputs,
    outputFile,
    summary,
    envFile: read(files.GITHUB_ENV),
    stateFile: read(files.GITHUB_STATE),
    pathFile: read(files.GITHUB_PATH),
    resultJson,
  }
  return {
    ...run,
    surfaces: {
      // The runner consumes add-mask lines; everything else on stdout is shown in the log.
      'stdout (as logged)': [
        ...run.log.text,
        ...run.log.commands.filter((c) => c.command !== 'add-mask').map((c) => c.line),
      ].join('\n'),
      stderr,
      GITHUB_OUTPUT: outputFile,
      GITHUB_STEP_SUMMARY: summary,
      'result JSON': resultJson,
    },
  }
}

// @actions/core's summary is a singleton that caches the file path of the first run.
function resetSummary(): void {
  ;(core.summary as unknown as { _filePath?: string })._filePath = undefined
  core.summary.emptyBuffer()
}
