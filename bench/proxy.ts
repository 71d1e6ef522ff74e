// The bench's network: a Node http proxy on loopback that holds every request for a fixed delay
// before forwarding it (one simulated round trip), and logs it. `/v2/…` goes to the registry,
// everything else to the fake GitHub API (bench/github-api.ts). Nothing here leaves 127.0.0.1.
import crypto from 'node:crypto'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { performance } from 'node:perf_hooks'

/** One request as the proxy saw it; times are ms since the phase began. */
export interface LoggedRequest {
  /** Arrival at the proxy (before the delay). */
  start: number
  /** Last byte of the answer sent back. */
  end: number
  /** Upstream (registry or fake API) time: forwarded after the delay → its response headers. */
  upstreamMs: number
  method: string
  /** Path and query. */
  path: string
  /** `anon`, or a short hash of the Authorization header (its scope). */
  auth: string
  status: number
  bytes: number
  /** The same method + path + auth was seen earlier in this phase. */
  repeated: boolean
}

export interface Phase {
  name: string
  delayMs: number
  requests: LoggedRequest[]
  /** Most requests the proxy held or forwarded at once. */
  maxInFlight: number
  /** `performance.now()` when the phase began (same clock as the caller's). */
  t0: number
  /** The same instant as epoch ms (performance.timeOrigin + t0), to line up other processes. */
  epoch0: number
  /** `performance.now()` when the first request of the phase arrived. */
  firstAt?: number
}

export interface DelayProxy {
  /** `127.0.0.1:<port>` */
  host: string
  url: string
  /** Starts a new log; requests outside a phase are counted in `stray`. */
  begin(name: string, delayMs: number): void
  end(): Phase
  stray(): number
  close(): Promise<void>
}

// Every forwarded request is bounded: a stuck upstream answers 504 after this.
const UPSTREAM_TIMEOUT_MS = 120_000

export async function startProxy(upstreams: {
  registry: string
  api: string
}): Promise<DelayProxy> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 })
  let phase: Phase | undefined
  let stray = 0
  let inFlight = 0

  const server = http.createServer((req, res) => {
    const current = phase
    const arrived = performance.now()
    const path = req.url ?? '/'
    const method = req.method ?? 'GET'
    const authHeader = req.headers['authorization']
    const auth =
      authHeader === undefined
        ? 'anon'
        : crypto.createHash('sha256').update(String(authHeader)).digest('hex').slice(0, 8)
    let entry: LoggedRequest | undefined
    if (current === undefined) {
      stray++
    } else {
      current.firstAt ??= arrived
      const key = `${method} ${path} ${auth}`
      const repeated = current.requests.some((r) => `${r.method} ${r.path} ${r.auth}` === key)
      entry = {
        start: arrived - current.t0,
        end: NaN,
        upstreamMs: NaN,
        method,
        path,
        auth,
        status: 0,
        bytes: 0,
        repeated,
      }
      current.requests.push(entry)
      inFlight++
      current.maxInFlight = Math.max(current.maxInFlight, inFlight)
    }
    let finished = false
    const finish = (status: number): void => {
      if (finished) return
      finished = true
      if (entry !== undefined && current !== undefined) {
        entry.status = status
        entry.end = performance.now() - current.t0
        inFlight--
      }
    }
    res.on('close', () => finish(res.statusCode))
    const target = path.startsWith('/v2/') ? upstreams.registry : upstreams.api
    const [hostname, port] = target.split(':')
    const forward = (): void => {
      const headers = { ...req.headers, host: target }
      const forwardedAt = performance.now()
      const upstream = http.request(
        { hostname, port: Number(port), method, path, headers, agent },
        (answer) => {
          if (entry !== undefined) entry.upstreamMs = performance.now() - forwardedAt
          res.writeHead(answer.statusCode ?? 502, answer.headers)
          answer.on('data', (chunk: Buffer) => {
            if (entry !== undefined) entry.bytes += chunk.length
          })
          answer.pipe(res)
        },
      )
      upstream.setTimeout(UPSTREAM_TIMEOUT_MS, () => upstream.destroy(new Error('timeout')))
      upstream.on('error', () => {
        if (!res.headersSent) res.writeHead(504)
        res.end()
      })
      req.pipe(upstream)
    }
    const delay = current?.delayMs ?? 0
    if (delay > 0) setTimeout(forward, delay)
    else forward()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const host = `127.0.0.1:${port}`
  return {
    host,
    url: `http://${host}`,
    begin(name, delayMs) {
      const t0 = performance.now()
      phase = {
        name,
        delayMs,
        requests: [],
        maxInFlight: 0,
        t0,
        epoch0: performance.timeOrigin + t0,
      }
    },
    end() {
      if (phase === undefined) throw new Error('no phase to end')
      const done = phase
      phase = undefined
      return done
    },
    stray: () => stray,
    async close() {
      server.closeAllConnections()
      await new Promise((r) => server.close(r))
      agent.destroy()
    },
  }
}

/** What a request is, for the chain listing: resolve, referrers, fallback tag, manifest, blob… */
export function kindOf(r: Pick<LoggedRequest, 'method' | 'path'>): string {
  const path = r.path.split('?')[0]!
  if (path === '/v2/' || path === '/v2') return 'ping'
  const m = /^\/v2\/.+?\/(manifests|blobs|referrers)\/([^/]+)$/.exec(path)
  if (m) {
    const [, what, ref] = m as unknown as [string, string, string]
    if (what === 'referrers') return 'referrers'
    if (what === 'blobs') return 'blob'
    if (/^sha256:[0-9a-f]{64}$/.test(ref)) return 'manifest'
    if (/^sha256-[0-9a-f]{64}$/.test(ref)) return 'fallback-tag'
    if (/^sha256-[0-9a-f]{64}\.(sig|att)$/.test(ref)) return `cosign-${ref.slice(-3)}-tag`
    return 'resolve-tag'
  }
  if (/\/attestations\//.test(path)) return 'api-list'
  if (path.startsWith('/bundles/')) return 'bundle-url'
  return 'other'
}

/**
 * The round-trip "waves" of a log: a request's wave is one more than the highest wave of any
 * request that had finished before it arrived. With a fixed delay and little CPU this is the
 * dependency chain as the client walked it (a request queued behind a concurrency limit counts
 * as a further wave, which it is in wall time too).
 */
export function waves(requests: readonly LoggedRequest[]): number[] {
  const level = requests.map(() => 0)
  const order = [...requests.keys()].sort((a, b) => requests[a]!.start - requests[b]!.start)
  for (const i of order) {
    let max = 0
    for (const j of order) {
      if (j === i) continue
      if (requests[j]!.end <= requests[i]!.start) max = Math.max(max, level[j]!)
    }
    level[i] = max + 1
  }
  return level
}
