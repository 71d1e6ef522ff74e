import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { GateError } from '../errors.js'
import type { Credentials } from './auth.js'

/** Runs `docker-credential-<helper> get` with `serverUrl` on stdin and returns its stdout. */
export type CredentialHelperRunner = (helper: string, serverUrl: string) => Promise<string>

export interface CredentialSources {
  /** `github-token` input: sent to `ghcr.io` and nowhere else. */
  githubToken?: string
  /** Directory holding `config.json` (`DOCKER_CONFIG`, else `~/.docker`). */
  dockerConfigDir?: string
  runHelper: CredentialHelperRunner
  /** Called with every secret found, before anything could print it. */
  onSecret: (secret: string) => void
}

interface DockerConfig {
  auths?: Record<string, { auth?: string; username?: string; password?: string }>
  credHelpers?: Record<string, string>
  credsStore?: string
}

const HELPER_NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,63}$/

/** Builds the lookup that gives each registry host its credentials, matched by exact host. */
export function credentialResolver(
  sources: CredentialSources,
): (registry: string) => Promise<Credentials | undefined> {
  let config: Promise<DockerConfig> | undefined
  const cache = new Map<string, Promise<Credentials | undefined>>()
  return (registry) => {
    config ??= readDockerConfig(sources.dockerConfigDir)
    let found = cache.get(registry)
    if (found === undefined) {
      found = lookup(registry, sources, config).then((credentials) => {
        if (credentials) sources.onSecret(credentials.password)
        return credentials
      })
      cache.set(registry, found)
    }
    return found
  }
}

async function lookup(
  registry: string,
  sources: CredentialSources,
  configPromise: Promise<DockerConfig>,
): Promise<Credentials | undefined> {
  const config = await configPromise
  const helper = config.credHelpers?.[registry] ?? findAuthKeyValue(config.credHelpers, registry)
  if (helper !== undefined) return fromHelper(helper, registry, sources)
  const entry = findAuthKeyValue(config.auths, registry)
  if (entry !== undefined) return fromAuthEntry(entry, registry)
  // The github-token goes to ghcr.io only: exact host, no port, no suffix match (T63).
  if (registry === 'ghcr.io' && sources.githubToken) {
    return { username: 'x-access-token', password: sources.githubToken }
  }
  if (config.credsStore !== undefined) return fromHelper(config.credsStore, registry, sources)
  return undefined
}

/** Finds a docker-config entry whose key, canonicalised, is exactly `registry`. */
function findAuthKeyValue<T>(map: Record<string, T> | undefined, registry: string): T | undefined {
  if (map === undefined) return undefined
  for (const [key, value] of Object.entries(map)) {
    if (canonicalConfigHost(key) === registry) return value
  }
  return undefined
}

/** `https://index.docker.io/v1/` → `docker.io`; strips scheme and path, keeps the port. */
export function canonicalConfigHost(key: string): string {
  const host = key
    .replace(/^[a-z]+:\/\//i, '')
    .split('/')[0]!
    .toLowerCase()
  return ['index.docker.io', 'registry-1.docker.io', 'docker.io'].includes(host)
    ? 'docker.io'
    : host
}

function fromAuthEntry(
  entry: NonNullable<DockerConfig['auths']>[string],
  registry: string,
): Credentials | undefined {
  if (entry.username !== undefined && entry.password !== undefined) {
    return { username: entry.username, password: entry.password }
  }
  if (entry.auth === undefined || entry.auth === '') return undefined
  const decoded = Buffer.from(entry.auth, 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  if (colon < 0) {
    throw new GateError(
      'CREDENTIALS',
      `the docker config entry for ${registry} is not user:password`,
    )
  }
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) }
}

async function fromHelper(
  helper: string,
  registry: string,
  sources: CredentialSources,
): Promise<Credentials | undefined> {
  // The helper name becomes part of a command name: allow only a plain word.
  if (!HELPER_NAME_RE.test(helper)) {
    throw new GateError(
      'CREDENTIALS',
      `the docker credential helper name for ${registry} is not valid`,
    )
  }
  const serverUrl = registry === 'docker.io' ? 'https://index.docker.io/v1/' : registry
  const stdout = await sources.runHelper(helper, serverUrl)
  if (stdout.trim() === '') return undefined
  let parsed: { Username?: unknown; Secret?: unknown }
  try {
    parsed = JSON.parse(stdout) as typeof parsed
  } catch (error) {
    throw new GateError('CREDENTIALS', `docker-credential-${helper} did not answer JSON`, {
      cause: error,
    })
  }
  if (typeof parsed.Secret !== 'string' || parsed.Secret === '') return undefined
  sources.onSecret(parsed.Secret)
  const username = typeof parsed.Username === 'string' ? parsed.Username : ''
  return { username, password: parsed.Secret }
}

async function readDockerConfig(dir: string | undefined): Promise<DockerConfig> {
  const file = path.join(
    dir ?? process.env['DOCKER_CONFIG'] ?? path.join(os.homedir(), '.docker'),
    'config.json',
  )
  let text: string
  try {
    text = await fs.readFile(file, 'utf8')
  } catch {
    return {}
  }
  try {
    return JSON.parse(text) as DockerConfig
  } catch (error) {
    throw new GateError('CREDENTIALS', `${file} is not valid JSON`, { cause: error })
  }
}
