import os from 'node:os'
import path from 'node:path'
import type { TrustedRoot } from '@sigstore/protobuf-specs'
import type { Deps } from './main.js'

/** The real outside world: global fetch, TUF for the public-good root, docker credential helpers. */
export function liveDeps(maskSecret: (secret: string) => void): Deps {
  return {
    fetch: globalThis.fetch,
    loadPublicGood,
    runCredentialHelper,
    maskSecret,
  }
}

// TUF is loaded only when no trusted-root is given, to keep start-up lean.
async function loadPublicGood(): Promise<TrustedRoot> {
  const { getTrustedRoot } = await import('@sigstore/tuf')
  return getTrustedRoot({ cachePath: path.join(cacheDir(), 'tuf') })
}

/** The runner's tool cache when present (kept between steps), else the user cache directory. */
export function cacheDir(): string {
  const base =
    process.env['RUNNER_TOOL_CACHE'] ??
    process.env['XDG_CACHE_HOME'] ??
    path.join(os.homedir(), '.cache')
  return path.join(base, 'supply-chain-gate')
}

async function runCredentialHelper(helper: string, serverUrl: string): Promise<string> {
  const { getExecOutput } = await import('@actions/exec')
  const { stdout, exitCode } = await getExecOutput(`docker-credential-${helper}`, ['get'], {
    input: Buffer.from(serverUrl),
    silent: true,
    ignoreReturnCode: true,
  })
  // A helper that knows no credentials for the server exits non-zero: treat as anonymous.
  return exitCode === 0 ? stdout.slice(0, 64 * 1024) : ''
}
