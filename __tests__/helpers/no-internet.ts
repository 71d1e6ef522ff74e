// Jest setupFile: tests must never reach the internet. Every outbound TCP/TLS connection (net,
// tls, http, https, http2, global fetch/undici, make-fetch-happen: they all end in
// net.Socket.prototype.connect) and every DNS query for a name other than `localhost` throws an
// Error whose message starts with GUARD_MESSAGE. Loopback (127.0.0.0/8, ::1, localhost) and
// Unix sockets stay allowed.
//
// Not covered: child processes (they get their own network stack) and raw UDP via node:dgram.
import dns from 'node:dns'
import net from 'node:net'

export const GUARD_MESSAGE = 'Test tried to reach the internet'

const PATCHED = Symbol.for('supply-chain-gate.no-internet')

/** True for 127.0.0.0/8, ::1, IPv4-mapped loopback and the name `localhost`. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase()
  if (h === 'localhost') return true
  if (net.isIPv4(h)) return h.startsWith('127.')
  if (net.isIPv6(h)) {
    if (h === '::1' || h === '0:0:0:0:0:0:0:1') return true
    const mapped = /^(?:0{0,4}:){0,5}:?ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(h)
    return mapped?.[1] !== undefined && mapped[1].startsWith('127.')
  }
  return false
}

function blocked(what: string): Error {
  const err = new Error(
    `${GUARD_MESSAGE}: ${what}. Tests must stay offline; use 127.0.0.1 (the shared registry ` +
      `is in SCG_TEST_REGISTRY) or an in-process mock.`,
  )
  ;(err as NodeJS.ErrnoException).code = 'ENETUNREACH_TEST_GUARD'
  return err
}

type ConnectTarget = { host?: string; port?: number | string; path?: string }

/** Extracts the target from any socket.connect() calling convention (incl. net's internal array). */
function target(args: unknown[]): ConnectTarget {
  const a = Array.isArray(args[0]) ? (args[0] as unknown[]) : args
  const first = a[0]
  if (first !== null && typeof first === 'object') return first as ConnectTarget
  if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
    return { port: first, host: typeof a[1] === 'string' ? a[1] : undefined }
  }
  if (typeof first === 'string') return { path: first }
  return {}
}

interface Patched {
  [PATCHED]?: boolean
}

if (!(net.Socket.prototype as Patched)[PATCHED]) {
  ;(net.Socket.prototype as Patched)[PATCHED] = true

  const originalConnect = net.Socket.prototype.connect
  net.Socket.prototype.connect = function patchedConnect(this: net.Socket, ...args: unknown[]) {
    const t = target(args)
    if (t.path === undefined) {
      const host = t.host ?? 'localhost'
      if (!isLoopback(host)) throw blocked(`connect to ${host}:${t.port ?? '?'}`)
    }
    return (originalConnect as (...a: unknown[]) => net.Socket).apply(this, args)
  } as typeof net.Socket.prototype.connect

  const originalLookup = dns.lookup
  const patchedLookup = function (hostname: string, ...rest: unknown[]) {
    if (!isLoopback(String(hostname))) throw blocked(`DNS lookup of ${hostname}`)
    return (originalLookup as (...a: unknown[]) => unknown)(hostname, ...rest)
  }
  Object.defineProperty(dns, 'lookup', { value: patchedLookup, writable: true, configurable: true })

  const originalPromisesLookup = dns.promises.lookup
  const patchedPromisesLookup = function (hostname: string, ...rest: unknown[]) {
    if (!isLoopback(String(hostname))) {
      return Promise.reject(blocked(`DNS lookup of ${hostname}`))
    }
    return (originalPromisesLookup as (...a: unknown[]) => Promise<unknown>)(hostname, ...rest)
  }
  Object.defineProperty(dns.promises, 'lookup', {
    value: patchedPromisesLookup,
    writable: true,
    configurable: true,
  })

  // c-ares queries (dns.resolve*, dns.reverse) talk to the configured nameserver directly.
  for (const api of [dns, dns.promises] as unknown as Record<string, unknown>[]) {
    for (const name of Object.keys(api)) {
      if (!/^resolve|^reverse$/.test(name) || typeof api[name] !== 'function') continue
      const original = api[name] as (...a: unknown[]) => unknown
      const isPromise = api === (dns.promises as unknown)
      Object.defineProperty(api, name, {
        value: function (hostname: string, ...rest: unknown[]) {
          if (!isLoopback(String(hostname))) {
            const err = blocked(`DNS ${name} of ${hostname}`)
            if (isPromise) return Promise.reject(err)
            throw err
          }
          return original(hostname, ...rest)
        },
        writable: true,
        configurable: true,
      })
    }
  }
}

// Global fetch (undici) is already caught by the socket guard, but then rejects with a bare
// 'fetch failed' whose `cause` is the guard error; make it reject with the guard error itself.
// globalThis here is the test file's sandbox, so this runs once per test file.
const sandbox = globalThis as typeof globalThis & Patched
if (typeof sandbox.fetch === 'function' && !(sandbox.fetch as Patched)[PATCHED]) {
  const originalFetch = sandbox.fetch
  const guardedFetch = function (input: string | URL | Request, init?: RequestInit) {
    let url: URL | undefined
    try {
      const href = typeof input === 'object' && 'url' in input ? input.url : String(input)
      url = new URL(href)
    } catch {
      url = undefined // let fetch report the bad URL itself
    }
    if (url && (url.protocol === 'http:' || url.protocol === 'https:')) {
      if (!isLoopback(url.hostname)) {
        return Promise.reject(blocked(`fetch ${url.origin}`))
      }
    }
    return originalFetch(input, init)
  } as typeof fetch & Patched
  guardedFetch[PATCHED] = true
  sandbox.fetch = guardedFetch
}
