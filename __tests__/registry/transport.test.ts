// The gate's own transport over node:http, against loopback servers: what http.ts relies on it
// for (headers read as fetch reads them, a body that streams and can be dropped, aborts that end
// it, connections kept for the next request).
import http from 'node:http'
import https from 'node:https'
import type { AddressInfo } from 'node:net'
import tls from 'node:tls'
import { GateError, errorName } from '../../src/errors.js'
import { httpRequest, networkError } from '../../src/registry/http.js'
import { nodeTransport, type ExchangeInit } from '../../src/registry/transport.js'
import { createTestTls, type TestTls } from '../helpers/tls.js'

interface Server {
  url: string
  host: string
  /** TCP connections accepted, and how many of them have closed. */
  connections: { opened: number; closed: number }
  close(): Promise<void>
}

async function serve(handler: http.RequestListener): Promise<Server> {
  const listener = http.createServer(handler)
  const connections = { opened: 0, closed: 0 }
  listener.on('connection', (socket) => {
    connections.opened++
    socket.on('close', () => connections.closed++)
  })
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve))
  const { port } = listener.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    connections,
    close: () => {
      listener.closeAllConnections()
      return new Promise((resolve) => listener.close(() => resolve()))
    },
  }
}

const servers: Server[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()))
})
async function server(handler: http.RequestListener): Promise<Server> {
  const s = await serve(handler)
  servers.push(s)
  return s
}

const init = (overrides: Partial<ExchangeInit> = {}): ExchangeInit => ({
  method: 'GET',
  headers: {},
  signal: AbortSignal.timeout(10_000),
  ...overrides,
})

async function text(body: AsyncIterable<Uint8Array>): Promise<string> {
  let out = ''
  for await (const chunk of body) out += Buffer.from(chunk).toString('utf8')
  return out
}

const until = async (ok: () => boolean): Promise<void> => {
  while (!ok()) await new Promise((r) => setTimeout(r, 5))
}

test('status, headers and body arrive as sent; a repeated header reads as fetch joins it', async () => {
  let seen: http.IncomingHttpHeaders = {}
  const s = await server((req, res) => {
    seen = req.headers
    res.writeHead(207, [
      ['Content-Type', 'application/json'],
      ['Link', '</a>; rel="next"'],
      ['Link', '</b>; rel="next"'],
    ])
    res.end('{"ok":true}')
  })
  const res = await nodeTransport(
    new URL(`${s.url}/v2/`),
    init({ headers: { accept: 'application/json', authorization: 'Bearer t' } }),
  )
  expect(res.status).toBe(207)
  expect(res.headers.get('CONTENT-TYPE')).toBe('application/json')
  expect(res.headers.get('link')).toBe('</a>; rel="next", </b>; rel="next"')
  expect(res.headers.get('x-absent')).toBeNull()
  expect(await text(res.body)).toBe('{"ok":true}')
  expect(seen['accept']).toBe('application/json')
  expect(seen['authorization']).toBe('Bearer t')
})

test('a HEAD answer has no body, and its Content-Length is still readable', async () => {
  const s = await server((req, res) => {
    res.writeHead(200, { 'content-length': '1234', 'docker-content-digest': 'sha256:abc' })
    res.end(req.method === 'HEAD' ? undefined : Buffer.alloc(1234))
  })
  const res = await nodeTransport(new URL(s.url), init({ method: 'HEAD' }))
  expect(res.headers.get('content-length')).toBe('1234')
  expect(await text(res.body)).toBe('')
})

test('connections are kept for the next request', async () => {
  const s = await server((_req, res) => res.end('x'))
  for (let i = 0; i < 3; i++) {
    const res = await nodeTransport(new URL(s.url), init())
    expect(await text(res.body)).toBe('x')
  }
  expect(s.connections.opened).toBe(1)
})

test('cancel drops a body that is still streaming and closes its connection', async () => {
  const s = await server((_req, res) => {
    res.writeHead(200)
    res.write(Buffer.alloc(1024))
    // …and never ends.
  })
  const res = await nodeTransport(new URL(s.url), init())
  res.cancel()
  await until(() => s.connections.closed === 1)
  expect(s.connections.closed).toBe(1)
})

test('an abort while the body streams ends its reading with a timeout, never a short body', async () => {
  const s = await server((_req, res) => {
    res.writeHead(200, { 'content-length': '4096' })
    res.write(Buffer.alloc(1024))
  })
  const res = await nodeTransport(new URL(s.url), init({ signal: AbortSignal.timeout(100) }))
  const reading = text(res.body)
  await expect(reading).rejects.toThrow()
  const error = await reading.catch((e: unknown) => e)
  expect(errorName(error)).toBe('TimeoutError')
  expect(networkError('reading', error).code).toBe('TIMEOUT')
})

test('an abort before the answer rejects the request as a timeout', async () => {
  const s = await server(() => undefined)
  const error = await nodeTransport(
    new URL(s.url),
    init({ signal: AbortSignal.timeout(50) }),
  ).catch((e: unknown) => e)
  expect(errorName(error)).toBe('TimeoutError')
  expect(networkError('asking', error).code).toBe('TIMEOUT')
})

test('a connection refused is an error naming the cause, not an answer', async () => {
  const s = await serve((_req, res) => res.end())
  await s.close()
  const error = await nodeTransport(new URL(s.url), init()).catch((e: unknown) => e)
  expect(networkError('asking', error).message).toMatch(/ECONNREFUSED/)
})

test('through httpRequest, a body that streams past the cap stops there and its connection closes', async () => {
  let written = 0
  const s = await server((_req, res) => {
    res.writeHead(200)
    const more = (): void => {
      while (written < 64 * 1024 * 1024) {
        written += 16 * 1024
        if (!res.write(Buffer.alloc(16 * 1024))) return void res.once('drain', more)
      }
      res.end()
    }
    more()
  })
  const error = await httpRequest(
    {
      transport: nodeTransport,
      deadline: AbortSignal.timeout(10_000),
      insecureHosts: new Set([s.host]),
    },
    { url: `${s.url}/big`, maxBytes: 100_000 },
  ).catch((e: unknown) => e)
  expect(error).toBeInstanceOf(GateError)
  expect((error as GateError).code).toBe('LIMIT_EXCEEDED')
  await until(() => s.connections.closed === 1)
  // Socket buffers let a few MiB through before the server notices; never the whole 64 MiB.
  expect(written).toBeLessThan(16 * 1024 * 1024)
})

test('through httpRequest, a URL with user:password in it is refused, also as a redirect target', async () => {
  const reached: string[] = []
  const other = await server((req, res) => {
    reached.push(String(req.headers.authorization))
    res.end('x')
  })
  const redirecting = await server((_req, res) => {
    res.writeHead(302, { location: `http://attacker:secret@${other.host}/x` })
    res.end()
  })
  const ctx = {
    transport: nodeTransport,
    deadline: AbortSignal.timeout(10_000),
    insecureHosts: new Set([other.host, redirecting.host]),
  }
  for (const url of [`${redirecting.url}/start`, `http://u:p@${other.host}/direct`]) {
    const error = await httpRequest(ctx, { url, maxBytes: 1000 }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(GateError)
    expect((error as GateError).message).toMatch(/credentials in it/)
  }
  expect(reached).toEqual([])
})

test('through httpRequest, a Retry-After longer than the time left ends with the run’s timeout, not after the wait', async () => {
  const run = new AbortController()
  const s = await server((_req, res) => {
    res.writeHead(503, { 'retry-after': '3600' })
    res.end()
    // The run's time runs out while the gate waits to retry.
    setTimeout(() => run.abort(new DOMException('the run is over', 'TimeoutError')), 200)
  })
  const request = httpRequest(
    { transport: nodeTransport, deadline: run.signal, insecureHosts: new Set([s.host]) },
    { url: `${s.url}/v2/`, maxBytes: 1000 },
  )
  // Were the wait not cut short, the request would still be waiting when this guard settles.
  let timer: NodeJS.Timeout | undefined
  const guard = new Promise((resolve) => (timer = setTimeout(resolve, 5_000, 'still waiting')))
  const outcome = await Promise.race([request.catch((error: unknown) => error), guard])
  clearTimeout(timer)
  expect(outcome).toBeInstanceOf(GateError)
  expect(outcome).toMatchObject({ code: 'TIMEOUT' })
})

test('plain HTTP (loopback only) never goes through a proxy the environment names', async () => {
  const proxied: string[] = []
  const proxy = await server((req, res) => {
    proxied.push(String(req.url))
    res.end('from the proxy')
  })
  const s = await server((_req, res) => res.end('direct'))
  const saved = http.globalAgent
  // What NODE_USE_ENV_PROXY=1 with HTTP_PROXY set makes of the global agent.
  http.globalAgent = new http.Agent({ proxyEnv: { HTTP_PROXY: proxy.url } })
  try {
    const res = await nodeTransport(new URL(`${s.url}/v2/`), init())
    expect(await text(res.body)).toBe('direct')
  } finally {
    http.globalAgent = saved
  }
  expect(proxied).toEqual([])
})

describe('over TLS', () => {
  let keys: TestTls
  let url: string
  let listener: https.Server
  beforeAll(async () => {
    keys = await createTestTls()
    listener = https.createServer({ key: keys.key, cert: keys.cert }, (_req, res) => res.end('ok'))
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve))
    url = `https://127.0.0.1:${(listener.address() as AddressInfo).port}/v2/`
  })
  afterAll(async () => {
    listener.closeAllConnections()
    await new Promise((resolve) => listener.close(resolve))
  })

  // Node's own CA list, with or without the test CA, for the connections a test makes.
  async function trusting<T>(extra: string[], fn: () => Promise<T>): Promise<T> {
    const saved = tls.getCACertificates('default')
    tls.setDefaultCACertificates([...saved, ...extra])
    try {
      return await fn()
    } finally {
      tls.setDefaultCACertificates(saved)
    }
  }

  test('a certificate no trusted CA issued is refused before anything is sent', async () => {
    const error = await trusting([], () => nodeTransport(new URL(url), init())).catch(
      (e: unknown) => e,
    )
    expect(networkError('asking', error).message).toMatch(/certificate/i)
  })

  test('a certificate for another name is refused, even from a trusted CA', async () => {
    const port = new URL(url).port
    const error = await trusting([keys.ca], () =>
      nodeTransport(new URL(`https://localhost:${port}/v2/`), init()),
    ).catch((e: unknown) => e)
    expect(networkError('asking', error).message).toMatch(/localhost/)
  })

  test('with the CA trusted (as NODE_EXTRA_CA_CERTS would), the answer arrives', async () => {
    const body = await trusting([keys.ca], async () => {
      const res = await nodeTransport(new URL(url), init())
      expect(res.status).toBe(200)
      return text(res.body)
    })
    expect(body).toBe('ok')
  })
})
