// Transports for tests: the product's own (nodeTransport) with every URL recorded or a public name
// played by a loopback listener, and canned answers for code that must not touch the wire.
import { nodeTransport, type Exchange, type Transport } from '../../src/registry/transport.js'

/** nodeTransport, recording every URL asked for (before any rewriting). */
export function recordingTransport(base: Transport = nodeTransport): {
  transport: Transport
  urls: string[]
} {
  const urls: string[] = []
  return { transport: (url, init) => (urls.push(url.href), base(url, init)), urls }
}

/**
 * A transport that plays DNS for tests: a request to one of `hosts` (an https URL on a public name,
 * as the gate sees it) is sent over plain HTTP to the loopback listener mapped to it, with the
 * original host in `x-original-host`. Everything the gate decides (schemes, origins, realms,
 * which credentials go where) is decided on the original URL, before this runs. Every URL asked
 * for is recorded.
 */
export function mappedTransport(hosts: Record<string, string>): {
  transport: Transport
  urls: string[]
} {
  return recordingTransport((url, init) => {
    const target = hosts[url.host]
    if (target === undefined) return nodeTransport(url, init)
    const rewritten = new URL(`${url.pathname}${url.search}`, `http://${target}`)
    return nodeTransport(rewritten, {
      ...init,
      headers: { ...init.headers, 'x-original-host': url.host },
    })
  })
}

/** An answer that never touched the wire: the status, headers (any case) and the body in one chunk. */
export function cannedExchange(reply: {
  status: number
  headers?: Record<string, string>
  body?: Uint8Array
}): Exchange {
  const headers = new Map(Object.entries(reply.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]))
  const body = reply.body ?? new Uint8Array(0)
  return {
    status: reply.status,
    headers: { get: (name) => headers.get(name.toLowerCase()) ?? null },
    body: (async function* () {
      if (body.byteLength > 0) yield body
    })(),
    cancel: () => undefined,
  }
}
