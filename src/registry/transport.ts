import http from 'node:http'
import https from 'node:https'

/** One request as the gate sends it: no body, redirects left to the caller. */
export interface ExchangeInit {
  method: 'GET' | 'HEAD'
  headers: Record<string, string>
  /** Aborting it ends the request, or the body's reading, with an AbortError or TimeoutError. */
  signal: AbortSignal
}

/** What `Headers` offers that the gate reads: duplicates joined with `, `, as `fetch` does. */
export interface HeaderReader {
  get(name: string): string | null
}

/** One answer: the status and headers at once, the body as it streams in. */
export interface Exchange {
  status: number
  headers: HeaderReader
  /** Consumed at most once; breaking out of it early closes the connection. */
  body: AsyncIterable<Uint8Array>
  /** Drops the body unread (a redirect's, an oversized one's). */
  cancel(): void
}

/** Sends one request; everything the gate decides about it is decided before, in http.ts. */
export type Transport = (url: URL, init: ExchangeInit) => Promise<Exchange>

// Security: plain HTTP only ever goes to a loopback registry (http.ts checkTarget). Through an
// HTTP_PROXY it would leave the machine in cleartext, credentials included, and reach the proxy's
// own loopback instead; so it never takes the global agent, which NODE_USE_ENV_PROXY may proxy.
const loopbackAgent = new http.Agent({ keepAlive: true })

/**
 * The gate's transport, over node:https with its global agent (keep-alive, NODE_EXTRA_CA_CERTS and
 * NODE_USE_ENV_PROXY apply as they do to any Node client) and, for loopback, node:http unproxied.
 * Written by hand, not `fetch`: Node's fetch (undici) costs ~35 ms to load on the first request and
 * ~1 ms of CPU per request on top (bench/RESULTS.md, item 12).
 */
export const nodeTransport: Transport = (url, init) =>
  new Promise((resolve, reject) => {
    const secure = url.protocol === 'https:'
    const request = (secure ? https : http).request(
      url,
      {
        method: init.method,
        headers: init.headers,
        signal: init.signal,
        ...(!secure && { agent: loopbackAgent }),
      },
      (response) => resolve(exchange(response, init.signal)),
    )
    // Kept for the request's whole life: a late error (an abort while the body streams) then
    // surfaces in the body's iterator instead of crashing the process as an unhandled event.
    request.on('error', (error) => reject(abortReason(init.signal) ?? error))
    request.end()
  })

function exchange(response: http.IncomingMessage, signal: AbortSignal): Exchange {
  // headersDistinct keeps every value of a repeated header; joined like Headers.get joins them.
  const headers = response.headersDistinct
  return {
    status: response.statusCode ?? 0,
    headers: { get: (name) => headers[name.toLowerCase()]?.join(', ') ?? null },
    body: (async function* () {
      try {
        yield* response
      } catch (error) {
        throw abortReason(signal) ?? error
      }
    })(),
    cancel: () => response.destroy(),
  }
}

// An abort surfaces from node:http as a bare "aborted" or AbortError; report why, as fetch does
// (a TimeoutError when the request's or the run's time is up).
function abortReason(signal: AbortSignal): unknown {
  return signal.aborted ? signal.reason : undefined
}
