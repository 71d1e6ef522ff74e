// The CLI's entrypoint (ncc builds dist/cli/index.js): argv → the same Inputs → run().
import { parseArgs } from 'node:util'
import { inspect, inventoryExitCode, inventoryJson, renderInventory } from './commands/inspect.js'
import { verifyBundleCommand } from './commands/verify-bundle.js'
import { liveDeps } from './deps.js'
import { describe } from './errors.js'
import { parseInputs, type InputGetter } from './inputs.js'
import { run, writeResult } from './main.js'
import { writeConsole } from './report/console-reporter.js'
import { plain, terminalJson } from './report/escape.js'
import { exitCode } from './report/result.js'

/** Every action input that the CLI takes as `--<name> VALUE`. */
export const INPUT_FLAGS = [
  'policy',
  'certificate-identity',
  'certificate-identity-regexp',
  'certificate-oidc-issuer',
  'certificate-oidc-issuer-regexp',
  'attestations',
  'require-signature',
  'trusted-root',
  'public-key',
  'github-token',
  'mode',
  'output-dir',
  'summary',
  'insecure-registries',
  'max-blob-size',
  'timeout',
  'concurrency',
  'sources',
  'signature-repository',
  'platforms',
  'dockerfile',
  'build-args',
  'require-digest-pinning',
  'subject-path',
  'bundle',
] as const

/** The inputs `inspect` takes: where and how to read, and optionally whom to compare signers with. */
export const INSPECT_FLAGS = INPUT_FLAGS.filter(
  (name) =>
    ![
      'policy',
      'attestations',
      'require-signature',
      'mode',
      'output-dir',
      'summary',
      // inspect reads images only
      'dockerfile',
      'build-args',
      'require-digest-pinning',
      'subject-path',
      'bundle',
    ].includes(name),
)

const USAGE = `Usage:
  supply-chain-gate verify IMAGE... [--<input-name> VALUE]... [--json]
  supply-chain-gate verify [IMAGE...] (--dockerfile PATH | --subject-path PATH [--bundle FILE])... [--<input-name> VALUE]... [--json]
  supply-chain-gate inspect IMAGE... [--trusted-root FILE] [--insecure-registries HOST] [--certificate-identity ID] [--<input-name> VALUE]... [--json]
  supply-chain-gate verify-bundle --bundle FILE (--certificate-identity ID --certificate-oidc-issuer URL | --key FILE) [--trusted-root FILE] FILE_OR_DIGEST
Exit codes: 0 policy met (inspect: image read), 1 policy not met, 2 could not check.`

/** Where the CLI reads its environment and writes its output; tests pass their own. */
export interface CliIo {
  env: NodeJS.ProcessEnv
  stdout: NodeJS.WritableStream
  stderr: NodeJS.WritableStream
}

const processIo: CliIo = { env: process.env, stdout: process.stdout, stderr: process.stderr }

/** Runs the CLI and returns its exit code. */
export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const [command, ...rest] = argv
  try {
    if (command === 'verify') return await verify(rest, io)
    if (command === 'inspect') return await inspectImages(rest, io)
    if (command === 'verify-bundle') return await verifyBundle(rest, io)
    io.stderr.write(`${USAGE}\n`)
    return 2
  } catch (error) {
    io.stderr.write(`supply-chain-gate: ${plain(describe(error))}\n`)
    return 2
  }
}

async function verify(args: string[], io: CliIo): Promise<number> {
  const { get, json } = inputFlags(args, INPUT_FLAGS, io)
  const inputs = await parseInputs(get)
  const result = await run(
    inputs,
    liveDeps(() => undefined),
  )
  if (inputs.outputDir !== undefined) await writeResult(result, inputs.outputDir)
  writeConsole(result, json, io.stdout)
  return exitCode(result)
}

async function inspectImages(args: string[], io: CliIo): Promise<number> {
  const { get, json } = inputFlags(args, INSPECT_FLAGS, io)
  const inventory = await inspect(
    get,
    liveDeps(() => undefined),
  )
  io.stdout.write(json ? terminalJson(inventoryJson(inventory)) : renderInventory(inventory))
  return inventoryExitCode(inventory)
}

/** Reads `--<input-name> VALUE` flags (repeatable) and `--json`; positionals are the images. */
function inputFlags(
  args: string[],
  names: readonly string[],
  io: CliIo,
): { get: InputGetter; json: boolean } {
  const options = Object.fromEntries(
    names.map((name) => [name, { type: 'string' as const, multiple: true }]),
  )
  const { values, positionals } = parseArgs({
    args,
    options: { ...options, json: { type: 'boolean' } },
    allowPositionals: true,
  })
  const flags = values as Record<string, string[] | boolean | undefined>
  const get = (name: string): string => {
    if (name === 'image') return positionals.join('\n')
    const given = flags[name]
    if (Array.isArray(given)) return given.join('\n')
    return name === 'github-token' ? (io.env['GITHUB_TOKEN'] ?? '') : ''
  }
  return { get, json: values.json === true }
}

async function verifyBundle(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      bundle: { type: 'string' },
      'certificate-identity': { type: 'string' },
      'certificate-oidc-issuer': { type: 'string' },
      key: { type: 'string' },
      'trusted-root': { type: 'string' },
    },
    allowPositionals: true,
  })
  if (values.bundle === undefined || positionals.length !== 1) {
    io.stderr.write(`${USAGE}\n`)
    return 2
  }
  const failure = await verifyBundleCommand(
    {
      bundle: values.bundle,
      artifact: positionals[0]!,
      ...(values['certificate-identity'] !== undefined && {
        certificateIdentity: values['certificate-identity'],
      }),
      ...(values['certificate-oidc-issuer'] !== undefined && {
        certificateOidcIssuer: values['certificate-oidc-issuer'],
      }),
      ...(values.key !== undefined && { key: values.key }),
      ...(values['trusted-root'] !== undefined && { trustedRoot: values['trusted-root'] }),
    },
    liveDeps(() => undefined).loadPublicGood,
  )
  if (failure === undefined) {
    io.stdout.write('OK: the bundle verified\n')
    return 0
  }
  io.stderr.write(`verification failed: ${plain(failure)}\n`)
  return 1
}
