import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import type { TrustedRoot } from '@sigstore/protobuf-specs'
import { GateError, TrustError } from './errors.js'
import { LIMITS } from './limits.js'
import type { Deps } from './main.js'
import { nodeTransport } from './registry/transport.js'

/** GitHub's own Sigstore TUF repository (its trusted_root.json names fulcio.githubapp.com). */
export const GITHUB_TUF_MIRROR = 'https://tuf-repo.github.com'

// The TUF root gh embeds (cli/cli verification/embed); ncc copies the file next to dist and
// rewrites this URL to its path.
const GITHUB_TUF_ROOT = new URL('./assets/github-tuf-root.json', import.meta.url)

/**
 * The real outside world: node:http(s), TUF for the public-good and GitHub roots, the GitHub API
 * named by GITHUB_API_URL (read once, here), docker credential helpers.
 */
export function liveDeps(maskSecret: (secret: string) => void): Deps {
  return {
    transport: nodeTransport,
    loadPublicGood,
    loadGithubRoot,
    githubApiUrl: process.env['GITHUB_API_URL'] || 'https://api.github.com',
    runCredentialHelper,
    maskSecret,
  }
}

// TUF is loaded only when no trusted-root is given, to keep start-up lean.
async function loadPublicGood(): Promise<TrustedRoot> {
  return trustedRootFromTuf({ cachePath: path.join(cacheDir(), 'tuf') })
}

// Called only when a bundle's certificate was issued by GitHub's instance (checkedWithTrust).
async function loadGithubRoot(): Promise<TrustedRoot> {
  return trustedRootFromTuf(await githubTufOptions(cacheDir()))
}

/**
 * A trusted root through TUF (the public-good mirror unless `mirrorURL` says otherwise), cached
 * under `cachePath`. A warm cache (its timestamp has not expired) is used without a request; a
 * cold, expired or corrupt one is refreshed from the mirror through the whole TUF workflow.
 */
export async function trustedRootFromTuf(options: {
  cachePath: string
  mirrorURL?: string
  rootPath?: string
}): Promise<TrustedRoot> {
  const { getTrustedRoot, DEFAULT_MIRROR_URL } = await import('@sigstore/tuf')
  const mirror = options.mirrorURL ?? DEFAULT_MIRROR_URL
  // Security: tuf-js's forceCache also skips the check for a newer root.json (TUF 5.3) when it
  // does go to the mirror, so it is asked for only when the cache is warm and none is needed.
  const forceCache = await hasUnexpiredTimestamp(options.cachePath, mirror)
  return getTrustedRoot({ ...options, mirrorURL: mirror, forceCache })
}

// The cache layout is @sigstore/tuf's (client.ts: one directory per mirror). The file is only
// read to choose the mode: tuf-js verifies it, and refreshes in full if it does not verify.
async function hasUnexpiredTimestamp(cachePath: string, mirrorURL: string): Promise<boolean> {
  try {
    const url = new URL(mirrorURL)
    const repo = encodeURIComponent(url.host + url.pathname.replace(/\/$/, ''))
    const text = await fs.readFile(path.join(cachePath, repo, 'timestamp.json'), 'utf8')
    const expires = (JSON.parse(text) as { signed?: { expires?: unknown } }).signed?.expires
    return typeof expires === 'string' && Date.parse(expires) > Date.now()
  } catch {
    return false
  }
}

/**
 * TUF options for GitHub's instance under `dir`: the embedded root.json seeds the cache (TUF then
 * walks the root chain forward, so an old embedded root is fine); the cache is per mirror.
 */
export async function githubTufOptions(
  dir: string,
): Promise<{ mirrorURL: string; rootPath: string; cachePath: string }> {
  // @sigstore/tuf wants a path, and the asset's is a URL in source but a string once bundled.
  const rootPath = path.join(dir, 'tuf-repo.github.com.root.json')
  await fs.mkdir(dir, { recursive: true })
  await fs.writeFile(rootPath, await fs.readFile(GITHUB_TUF_ROOT))
  return { mirrorURL: GITHUB_TUF_MIRROR, rootPath, cachePath: path.join(dir, 'tuf') }
}

/** The runner's tool cache when present (kept between steps), else the user cache directory. */
export function cacheDir(): string {
  // Security: the cached TUF root is a trust anchor. An empty or relative variable would put it
  // under the working directory, the checked-out repository a pull request can write to.
  const home = os.homedir()
  const base = [
    process.env['RUNNER_TOOL_CACHE'],
    process.env['XDG_CACHE_HOME'],
    home === '' ? undefined : path.join(home, '.cache'),
  ].find((dir) => dir !== undefined && path.isAbsolute(dir))
  if (base === undefined) {
    throw new TrustError(
      'Failed to choose where to cache the trusted root: RUNNER_TOOL_CACHE, XDG_CACHE_HOME and HOME name no absolute directory',
    )
  }
  return path.join(base, 'supply-chain-gate')
}

// The home directory, or the temporary one where HOME names none (a container's user).
function helperDirectory(): string {
  const home = os.homedir()
  return existsSync(home) ? home : os.tmpdir()
}

// Bounded as any answer is: a helper waiting on a keychain prompt, or printing without end, must
// not hold the run past its deadline (the `timeout` input) or its own limit.
function runCredentialHelper(
  helper: string,
  serverUrl: string,
  deadline: AbortSignal,
): Promise<string> {
  const command = `docker-credential-${helper}`
  // Windows helpers may be .cmd scripts, which only cmd.exe runs: the line is given whole (the
  // name is a checked plain word, and the server goes through stdin, never the line).
  const windows = process.platform === 'win32'
  return new Promise((resolve, reject) => {
    const child = execFile(
      windows ? `${command} get` : command,
      windows ? [] : ['get'],
      {
        encoding: 'utf8',
        maxBuffer: LIMITS.credentialHelperOutputChars,
        timeout: LIMITS.requestTimeoutMs,
        killSignal: 'SIGKILL',
        signal: deadline,
        // The environment as this module reads it (PATH finds the helper; HOME, its store).
        env: process.env,
        // Security: Windows looks for a command in the working directory first, the checkout:
        // a committed docker-credential-<name>.cmd would run with the job's secrets.
        cwd: helperDirectory(),
        shell: windows,
      },
      (error, stdout) => {
        if (error === null) return resolve(stdout)
        // A helper that knows no credentials for the server exits non-zero: anonymous. cmd.exe
        // says 9009 for a command it cannot find.
        if (typeof error.code === 'number' && !(windows && error.code === 9009)) return resolve('')
        const why =
          error.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER'
            ? `printed more than ${LIMITS.credentialHelperOutputChars} characters`
            : error.killed || error.name === 'AbortError'
              ? 'did not answer in time'
              : 'could not be run'
        reject(new GateError('CREDENTIALS', `${command} ${why}`, { cause: error }))
      },
    )
    // A helper may exit before reading the server (EPIPE): its exit status is the answer.
    child.stdin?.on('error', () => undefined)
    child.stdin?.end(serverUrl)
  })
}
