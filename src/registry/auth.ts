import { GateError } from '../errors.js'
import { LIMITS } from '../limits.js'
import { httpRequest, type HttpContext } from './http.js'
import { isPrivateHost } from './private-address.js'

/** Username and password (or token) for one registry host. */
export interface Credentials {
  username: string
  password: string
}

export interface Challenge {
  scheme: 'basic' | 'bearer'
  params: Record<string, string>
}

/** Parses a `WWW-Authenticate` header (RFC 7235 auth-params, quoted or token values). */
export function parseChallenge(header: string | null): Challenge | undefined {
  if (header === null) return undefined
  const match = /^\s*(Basic|Bearer)\b(.*)$/i.exec(header)
  if (!match) return undefined
  const params: Record<string, string> = {}
  const paramRe = /([a-zA-Z_][\w-]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))/g
  for (const m of (match[2] ?? '').matchAll(paramRe)) {
    params[m[1]!.toLowerCase()] = (m[2] ?? m[3] ?? '').replace(/\\(.)/g, '$1')
  }
  return { scheme: match[1]!.toLowerCase() as Challenge['scheme'], params }
}

// Realm hosts that may receive a registry's credentials although they differ from it.
const TOKEN_SERVICE_HOSTS: Record<string, string> = {
  'registry-1.docker.io': 'auth.docker.io',
  'registry.gitlab.com': 'gitlab.com',
}

/**
 * Checks a bearer realm before anything is sent to it (security catalog T61): HTTPS, or plain HTTP
 * only on the registry's own insecure origin; private addresses only when they are the registry.
 * Returns whether the registry's credentials may go there (same host, or its known token service).
 */
export function checkRealm(
  realm: string,
  registryUrl: URL,
  ctx: HttpContext,
): {
  url: URL
  mayReceiveCredentials: boolean
} {
  let url: URL
  try {
    url = new URL(realm)
  } catch (error) {
    throw new GateError('REGISTRY_PROTOCOL', 'the registry named a malformed token realm', {
      cause: error,
    })
  }
  const sameOrigin = url.origin === registryUrl.origin
  const https = url.protocol === 'https:'
  const insecureSame = url.protocol === 'http:' && sameOrigin && ctx.insecureHosts.has(url.host)
  if (!https && !insecureSame) {
    throw new GateError(
      'INSECURE_TRANSPORT',
      `refused the token realm at ${url.host}: it is not HTTPS`,
    )
  }
  if (!sameOrigin && isPrivateHost(url.hostname)) {
    throw new GateError(
      'INSECURE_TRANSPORT',
      `refused the token realm at ${url.host}: a private address`,
    )
  }
  // Security: credentials go to the registry's own origin, or over HTTPS to its own host (GitLab
  // serves a registry on a port of its host and tokens from the host) or its known token service.
  const mayReceiveCredentials =
    sameOrigin ||
    (https &&
      (url.hostname === registryUrl.hostname ||
        (url.port === '' && TOKEN_SERVICE_HOSTS[registryUrl.hostname] === url.hostname)))
  return { url, mayReceiveCredentials }
}

/** Fetches a bearer token for `scope` (`repository:<name>:pull`) from a validated realm. */
export async function fetchToken(
  ctx: HttpContext,
  challenge: Challenge,
  scope: string,
  registryUrl: URL,
  credentials: Credentials | undefined,
): Promise<string> {
  const realm = challenge.params['realm']
  if (realm === undefined)
    throw new GateError('REGISTRY_PROTOCOL', 'the bearer challenge has no realm')
  const { url, mayReceiveCredentials } = checkRealm(realm, registryUrl, ctx)
  if (challenge.params['service'] !== undefined)
    url.searchParams.set('service', challenge.params['service'])
  url.searchParams.set('scope', scope)
  const authorization =
    credentials && mayReceiveCredentials ? basicAuthorization(credentials) : undefined
  const res = await httpRequest(ctx, {
    url: url.toString(),
    maxBytes: LIMITS.tokenBodyBytes,
    ...(authorization !== undefined && { authorization }),
    // A token service's redirects meet the realm's own rules: no private hop, no downgrade (T61).
    checkRedirect: (next) => void checkRealm(next.toString(), registryUrl, ctx),
  })
  if (res.status !== 200) {
    throw new GateError('REGISTRY_UNAUTHORIZED', `the token service answered HTTP ${res.status}`)
  }
  let token: unknown
  try {
    const json = JSON.parse(res.body.toString('utf8')) as Record<string, unknown>
    token = json['token'] ?? json['access_token']
  } catch (error) {
    throw new GateError('REGISTRY_PROTOCOL', 'the token service did not answer JSON', {
      cause: error,
    })
  }
  if (typeof token !== 'string' || token === '') {
    throw new GateError('REGISTRY_PROTOCOL', 'the token service answered without a token')
  }
  return token
}

export function basicAuthorization(credentials: Credentials): string {
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`
}
