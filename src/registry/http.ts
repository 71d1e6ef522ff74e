import crypto from 'node:crypto'
import { setTimeout as sleepFor } from 'node:timers/promises'
import { GateError, describe, errorName } from '../errors.js'
import { LIMITS } from '../limits.js'
import type { Exchange, HeaderReader, Transport } from './transport.js'

/** What every HTTP read shares: the injected transport, the run's deadline and the plain-HTTP allowance. */
export interface HttpContext {
  transport: Transport
  /** Aborts when the run's overall time is up. */
  deadline: AbortSignal
  /** `host:port` values that may be spoken to over plain HTTP (loopback only; see inputs). */
  insecureHosts: ReadonlySet<string>
  requestTimeoutMs?: number
  /** Sleeps between retries; injected so tests need not wait. */
  sleep?: (ms: number) => Promise<void>
}

export interface HttpRequest {
  url: string
  method?: 'GET' | 'HEAD'
  headers?: Record<string, string>
  /** Sent only to the origin of `url`; dropped for good once a redirect leaves it. */
  authorization?: string
  /** Bodies longer than this fail with LIMIT_EXCEEDED; nothing past limit+1 is read. */
  maxBytes: number
  /** Checks every redirect target before it is requested; throws to refuse it. */
  checkRedirect?: (url: URL) => void
  /**
   * Takes a 2xx body chunk by chunk instead of collecting it (`body` is then empty); asked for a
   * fresh consumer on each attempt, so a retried request never feeds one twice. A chunk's bytes
   * are valid only during the call: a transport may read into the same memory again.
   */
  sink?: () => (chunk: Uint8Array) => void
}

export interface HttpResponse {
  status: number
  headers: HeaderReader
  body: Buffer
  /** Bytes read, whether collected in `body` or given to the request's sink. */
  size: number
  /** `sha256:<hex>` of the body, computed while it streamed in. */
  digest: string
  url: string
}

const RETRY_STATUSES = new Set([429, 500, 502, 503, 504])

// GitHub's API refuses requests without a User-Agent; registries log it.
const USER_AGENT = 'supply-chain-gate'

/** Performs one bounded GET or HEAD: redirects, retries, timeouts and body size are all capped. */
export async function httpRequest(ctx: HttpContext, req: HttpRequest): Promise<HttpResponse> {
  const sleep = ctx.sleep ?? ((ms: number) => untilDeadline(ms, ctx.deadline))
  for (let attempt = 0; ; attempt++) {
    if (ctx.deadline.aborted) throw new GateError('TIMEOUT', 'the overall time limit was reached')
    let response: HttpResponse
    try {
      response = await followRedirects(ctx, req)
    } catch (error) {
      if (!isTransient(error, ctx) || attempt >= LIMITS.retries) throw error
      await sleep(backoffMs(attempt))
      continue
    }
    if (!RETRY_STATUSES.has(response.status) || attempt >= LIMITS.retries) return response
    const wait = retryAfterMs(response.headers.get('retry-after')) ?? backoffMs(attempt)
    await sleep(Math.min(wait, LIMITS.retryAfterMaxMs))
  }
}

async function followRedirects(ctx: HttpContext, req: HttpRequest): Promise<HttpResponse> {
  const origin = new URL(req.url).origin
  let url = checkTarget(ctx, new URL(req.url))
  // Once a redirect leaves the origin the credential is gone for good, even on the way back (T60).
  let authorization = req.authorization
  for (let hop = 0; hop <= LIMITS.redirects; hop++) {
    if (url.origin !== origin) authorization = undefined
    const headers: Record<string, string> = { 'user-agent': USER_AGENT, ...req.headers }
    if (authorization !== undefined) headers['authorization'] = authorization
    const signal = AbortSignal.any([
      ctx.deadline,
      AbortSignal.timeout(ctx.requestTimeoutMs ?? LIMITS.requestTimeoutMs),
    ])
    const res = await ctx.transport(url, { method: req.method ?? 'GET', headers, signal })
    const location = res.headers.get('location')
    if (res.status >= 300 && res.status < 400 && location !== null) {
      res.cancel()
      url = checkTarget(ctx, new URL(location, url))
      req.checkRedirect?.(url)
      continue
    }
    const ok = res.status >= 200 && res.status < 300
    const limit = ok ? req.maxBytes : LIMITS.errorBodyBytes
    const write = ok ? req.sink?.() : undefined
    // A HEAD answer's Content-Length is the size of the body it leaves out.
    const declared = req.method === 'HEAD' ? 0 : Number(res.headers.get('content-length') ?? NaN)
    const { body, size, digest } = await readBounded(res, declared, limit, ok, write)
    return { status: res.status, headers: res.headers, body, size, digest, url: url.toString() }
  }
  throw new GateError('LIMIT_EXCEEDED', `more than ${LIMITS.redirects} redirects from ${origin}`)
}

// HTTPS everywhere, plain HTTP only to hosts the user listed (and inputs only allow loopback).
function checkTarget(ctx: HttpContext, url: URL): URL {
  // A URL's own user:password would become a Basic Authorization header in node:http, sent to
  // whichever host a registry's redirect, Link or realm names; fetch refused such URLs too.
  if (url.username !== '' || url.password !== '') {
    throw new GateError('REGISTRY_HTTP', `refused a URL with credentials in it, for ${url.host}`)
  }
  if (url.protocol === 'https:') return url
  if (url.protocol === 'http:' && ctx.insecureHosts.has(url.host)) return url
  throw new GateError(
    'INSECURE_TRANSPORT',
    `refused to use ${url.protocol.replace(':', '')} for ${url.host}: only HTTPS, or plain HTTP to a loopback registry listed in \`insecure-registries\``,
  )
}

/** Reads at most `limit` bytes; one byte more is an error, never a silent truncation. */
async function readBounded(
  res: Exchange,
  declared: number,
  limit: number,
  failOnOverflow: boolean,
  write?: (chunk: Uint8Array) => void,
): Promise<{ body: Buffer; size: number; digest: string }> {
  const hash = crypto.createHash('sha256')
  if (failOnOverflow && declared > limit) {
    res.cancel()
    throw tooLarge(limit)
  }
  // One buffer of the declared size, grown only if more arrives (no Content-Length): chunks and
  // their concatenation would hold a large blob twice. None at all when a sink takes them.
  let body: Buffer = Buffer.allocUnsafe(
    write === undefined && declared >= 0 && declared <= limit ? declared : 0,
  )
  let total = 0
  // Leaving the loop early (break or throw) closes the body and with it the connection.
  for await (const chunk of res.body) {
    if (total + chunk.byteLength > limit) {
      if (failOnOverflow) throw tooLarge(limit)
      break
    }
    hash.update(chunk)
    if (write !== undefined) {
      try {
        write(chunk)
      } catch (error) {
        throw new RefusedBody(error)
      }
    } else {
      if (total + chunk.byteLength > body.length) body = grown(body, total, chunk.byteLength, limit)
      body.set(chunk, total)
    }
    total += chunk.byteLength
  }
  return { body: body.subarray(0, total), size: total, digest: `sha256:${hash.digest('hex')}` }
}

/**
 * What a request's sink threw while reading the body, carried out unchanged (`reason`): final,
 * since asking again would only fetch the same refused bytes.
 */
export class RefusedBody extends Error {
  constructor(readonly reason: unknown) {
    super('the body was refused by its reader')
  }
}

function grown(body: Buffer, used: number, more: number, limit: number): Buffer {
  const bigger = Buffer.allocUnsafe(Math.min(limit, Math.max(2 * body.length, 65536, used + more)))
  body.copy(bigger, 0, 0, used)
  return bigger
}

function tooLarge(limit: number): GateError {
  return new GateError('LIMIT_EXCEEDED', `the response is larger than the ${limit}-byte limit`)
}

function isTransient(error: unknown, ctx: HttpContext): boolean {
  if (ctx.deadline.aborted || error instanceof GateError || error instanceof RefusedBody) {
    return false
  }
  return true
}

function backoffMs(attempt: number): number {
  return LIMITS.retryBackoffMs * 2 ** attempt
}

/** `Retry-After` as seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(value: string | null, now = Date.now()): number | undefined {
  if (value === null) return undefined
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}

// A wait that ends early when the run's time is up; the retry loop then reports the timeout.
const untilDeadline = (ms: number, deadline: AbortSignal): Promise<void> =>
  sleepFor(ms, undefined, { signal: deadline }).catch(() => undefined)

/** Turns a transport failure into a sentence; timeouts get their own code. */
export function networkError(operation: string, error: unknown): GateError {
  if (error instanceof GateError) return error
  const name = errorName(error)
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new GateError('TIMEOUT', `${operation}: timed out`, { cause: error })
  }
  return new GateError('REGISTRY_HTTP', `${operation}: ${describe(error)}`, { cause: error })
}
