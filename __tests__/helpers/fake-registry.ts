// A programmable OCI registry on loopback: the referrers API (OCI 1.1) with pagination, the
// fallback statuses real registries give, auth challenges, and per-path overrides for hostile
// behaviour. Every request's headers are recorded so tests can see what was sent. Also: a raw TCP
// "credential sink" that records every byte it is sent, and helpers for endless or lying bodies.
import crypto from 'node:crypto'
import http from 'node:http'
import net, { type AddressInfo } from 'node:net'

export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json'
export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json'
export const BUNDLE_V03 = 'application/vnd.dev.sigstore.bundle.v0.3+json'

export interface RecordedRequest {
  method: string
  url: string
  headers: http.IncomingHttpHeaders
}

export type Handler = (
  req: http.IncomingMessage,
  res: http.ServerResponse,
) => boolean | Promise<boolean>

export interface FakeRegistryOptions {
  /** Loopback address to listen on (default 127.0.0.1; 127.0.0.2 is another origin). */
  address?: string
  /** How `/v2/<name>/referrers/<digest>` answers: the API, or a status that forces the fallback. */
  referrers?: 'api' | 400 | 404 | 406 | 'html'
  /** Descriptors per referrers page (Link rel="next" beyond). */
  pageSize?: number
  /** Require `Authorization: Bearer <token>` issued by `/token` for these credentials. */
  bearer?: { username?: string; password?: string; token: string; realm?: string }
}

export interface FakeRegistry {
  host: string
  url: string
  requests: RecordedRequest[]
  /** Stores bytes as a blob; returns its descriptor. */
  putBlob(
    bytes: Buffer | string,
    mediaType?: string,
  ): { mediaType: string; digest: string; size: number }
  /** Stores a manifest (object or raw bytes) under its digest and optional tag. */
  putManifest(
    manifest: object | Buffer,
    tag?: string,
    mediaType?: string,
  ): { mediaType: string; digest: string; size: number }
  /**
   * Stores a Sigstore bundle as an OCI 1.1 referrer of `subject`, as actions/attest pushes it
   * (artifactType and layer of the bundle media type, empty config). Returns its descriptor.
   */
  putReferrer(
    subject: { mediaType: string; digest: string; size: number },
    bundle: unknown,
    options?: {
      predicateType?: string
      artifactType?: string
      annotations?: Record<string, string>
    },
  ): { mediaType: string; digest: string; size: number }
  /** Runs before the built-in routes; return true when it answered. */
  override(handler: Handler): void
  close(): Promise<void>
}

const sha256 = (b: Buffer): string =>
  `sha256:${crypto.createHash('sha256').update(b).digest('hex')}`

export async function startFakeRegistry(options: FakeRegistryOptions = {}): Promise<FakeRegistry> {
  const blobs = new Map<string, Buffer>()
  const manifests = new Map<string, { bytes: Buffer; mediaType: string }>()
  const requests: RecordedRequest[] = []
  const overrides: Handler[] = []

  const server = http.createServer((req, res) => {
    requests.push({ method: req.method ?? 'GET', url: req.url ?? '', headers: req.headers })
    void handle(req, res).catch((error: unknown) => {
      res.statusCode = 500
      res.end(String(error))
    })
  })

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    for (const handler of overrides) if (await handler(req, res)) return
    const url = new URL(req.url ?? '/', 'http://x')
    if (options.bearer && url.pathname === '/token') return token(req, res, url)
    if (options.bearer && req.headers.authorization !== `Bearer ${options.bearer.token}`) {
      // Behind the tests' DNS-like fetch (x-original-host) the registry is an https name.
      const original = req.headers['x-original-host']
      const realm =
        options.bearer.realm ??
        (typeof original === 'string' ? `https://${original}/token` : `http://${hostOf(req)}/token`)
      res.writeHead(401, { 'www-authenticate': `Bearer realm="${realm}",service="fake",scope="x"` })
      return void res.end()
    }
    const m = /^\/v2\/(.+)\/(manifests|blobs|referrers)\/([^/]+)$/.exec(url.pathname)
    if (!m) return notFound(res)
    const [, , kind, ref] = m as unknown as [string, string, string, string]
    if (kind === 'blobs') return send(res, blobs.get(ref), 'application/octet-stream')
    if (kind === 'manifests') {
      const found = manifests.get(ref)
      return send(
        res,
        found?.bytes,
        found?.mediaType ?? '',
        found ? sha256(found.bytes) : undefined,
      )
    }
    return referrers(res, ref, url)
  }

  function referrers(res: http.ServerResponse, digest: string, url: URL): void {
    const mode = options.referrers ?? 'api'
    if (mode === 'html') {
      res.writeHead(200, { 'content-type': 'text/html' })
      return void res.end('<html>not a registry</html>')
    }
    if (mode !== 'api') {
      res.writeHead(mode, { 'content-type': 'text/plain' })
      return void res.end(`${mode}`)
    }
    const all = [...manifests.entries()]
      .filter(([key]) => key.startsWith('sha256:'))
      .map(([key, m]) => ({
        key,
        json: JSON.parse(m.bytes.toString()) as {
          subject?: { digest?: string }
          artifactType?: string
          annotations?: Record<string, string>
        },
        m,
      }))
      .filter(({ json }) => json['subject']?.digest === digest)
      .map(({ key, json, m }) => ({
        mediaType: m.mediaType,
        digest: key,
        size: m.bytes.length,
        ...(json['artifactType'] && { artifactType: json['artifactType'] }),
        ...(json['annotations'] && { annotations: json['annotations'] }),
      }))
    const size = options.pageSize ?? all.length
    const page = Number(url.searchParams.get('page') ?? '0')
    const slice = all.slice(page * size, page * size + size)
    const headers: Record<string, string> = { 'content-type': OCI_INDEX }
    if ((page + 1) * size < all.length)
      headers['link'] = `<${url.pathname}?page=${page + 1}>; rel="next"`
    res.writeHead(200, headers)
    res.end(JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: slice }))
  }

  function token(req: http.IncomingMessage, res: http.ServerResponse, url: URL): void {
    const b = options.bearer!
    if (b.username !== undefined) {
      const expected = `Basic ${Buffer.from(`${b.username}:${b.password}`).toString('base64')}`
      if (req.headers.authorization !== expected) {
        res.writeHead(401)
        return void res.end()
      }
    }
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ token: b.token, scope: url.searchParams.get('scope') }))
  }

  const address = options.address ?? '127.0.0.1'
  await new Promise<void>((resolve) => server.listen(0, address, resolve))
  const host = `${address}:${(server.address() as AddressInfo).port}`

  const registry: FakeRegistry = {
    host,
    url: `http://${host}`,
    requests,
    putBlob(bytes, mediaType = 'application/octet-stream') {
      const buf = Buffer.from(bytes)
      const digest = sha256(buf)
      blobs.set(digest, buf)
      return { mediaType, digest, size: buf.length }
    },
    putManifest(manifest, tag, mediaType) {
      const bytes = Buffer.isBuffer(manifest) ? manifest : Buffer.from(JSON.stringify(manifest))
      const type =
        mediaType ??
        (Buffer.isBuffer(manifest)
          ? OCI_MANIFEST
          : ((manifest as { mediaType?: string }).mediaType ?? OCI_MANIFEST))
      const digest = sha256(bytes)
      manifests.set(digest, { bytes, mediaType: type })
      if (tag !== undefined) manifests.set(tag, { bytes, mediaType: type })
      return { mediaType: type, digest, size: bytes.length }
    },
    putReferrer(subject, bundle, opts = {}) {
      const artifactType = opts.artifactType ?? BUNDLE_V03
      const layer = registry.putBlob(JSON.stringify(bundle), artifactType)
      const config = registry.putBlob('{}', 'application/vnd.oci.empty.v1+json')
      return registry.putManifest({
        schemaVersion: 2,
        mediaType: OCI_MANIFEST,
        artifactType,
        config,
        layers: [layer],
        subject,
        annotations: {
          'dev.sigstore.bundle.content': 'dsse-envelope',
          ...(opts.predicateType && { 'dev.sigstore.bundle.predicateType': opts.predicateType }),
          ...opts.annotations,
        },
      })
    },
    override(handler) {
      overrides.push(handler)
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
  return registry
}

function hostOf(req: http.IncomingMessage): string {
  return req.headers.host ?? ''
}

function send(
  res: http.ServerResponse,
  body: Buffer | undefined,
  contentType: string,
  digest?: string,
): void {
  if (body === undefined) return notFound(res)
  res.writeHead(200, {
    'content-type': contentType,
    'content-length': String(body.length),
    ...(digest && { 'docker-content-digest': digest }),
  })
  res.end(body)
}

function notFound(res: http.ServerResponse): void {
  res.writeHead(404, { 'content-type': 'application/json' })
  res.end('{"errors":[{"code":"NOT_FOUND"}]}')
}

// ---------------------------------------------------------------------------------------------
// Hostile bodies

/**
 * Streams `chunk` forever (chunked, no Content-Length), respecting backpressure, until the client
 * goes away; `delayMs` > 0 trickles one chunk per delay. Returns the bytes written so far.
 */
export function streamForever(
  res: http.ServerResponse,
  options: {
    status?: number
    headers?: Record<string, string>
    chunk?: Buffer
    delayMs?: number
    /** Sent first, e.g. the start of a JSON document. */
    prefix?: string
  } = {},
): { written: () => number } {
  const chunk = options.chunk ?? Buffer.alloc(64 * 1024, 0x20)
  let written = 0
  let closed = false
  res.on('close', () => (closed = true))
  res.writeHead(options.status ?? 200, options.headers ?? {})
  if (options.prefix) res.write(options.prefix)
  const pump = (): void => {
    while (!closed) {
      written += chunk.length
      const more = res.write(chunk)
      if (options.delayMs) {
        const timer = setTimeout(pump, options.delayMs)
        res.once('close', () => clearTimeout(timer))
        return
      }
      if (!more) {
        res.once('drain', pump)
        return
      }
    }
  }
  pump()
  return { written: () => written }
}

/** Writes a raw HTTP/1.1 response on the request's socket (e.g. a lying Content-Length). */
export function rawResponse(req: http.IncomingMessage, head: string, body: Buffer | string): void {
  req.socket.end(
    Buffer.concat([Buffer.from(head.replace(/\n/g, '\r\n') + '\r\n\r\n'), Buffer.from(body)]),
  )
}

// ---------------------------------------------------------------------------------------------
// Credential sink

export interface SinkRequest {
  method: string
  url: string
  /** Header names lowercased. */
  headers: Record<string, string>
}

export interface Sink {
  host: string
  url: string
  /** Every HTTP request head it parsed. */
  requests: SinkRequest[]
  /** Every byte any client sent it, as latin1 text (TLS handshakes included). */
  received(): string
  /** How it answers each request (default 404). */
  respond(handler: (req: SinkRequest) => SinkReply): void
  close(): Promise<void>
}

export interface SinkReply {
  status?: number
  headers?: Record<string, string>
  body?: Buffer | string
}

/**
 * A second listener, on another origin, that records every byte it receives: the place a
 * credential would land if it followed a redirect, a realm or a Link it should not (catalog
 * harness "credential sink"). It parses just enough HTTP to answer, one request per connection.
 */
export async function startSink(address = '127.0.0.2'): Promise<Sink> {
  const chunks: Buffer[] = []
  const requests: SinkRequest[] = []
  const sockets = new Set<net.Socket>()
  let handler: (req: SinkRequest) => SinkReply = () => ({ status: 404 })
  const server = net.createServer((socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => undefined)
    let buffered = Buffer.alloc(0)
    socket.on('data', (data: Buffer) => {
      chunks.push(data)
      buffered = Buffer.concat([buffered, data])
      // A TLS ClientHello (record type 22): recorded, then refused, so the client fails at once.
      if (buffered[0] === 0x16) return void socket.destroy()
      const end = buffered.indexOf('\r\n\r\n')
      if (end < 0) return
      const [line = '', ...fields] = buffered.subarray(0, end).toString('latin1').split('\r\n')
      const [method = '', url = ''] = line.split(' ')
      const headers: Record<string, string> = {}
      for (const field of fields) {
        const colon = field.indexOf(':')
        if (colon > 0)
          headers[field.slice(0, colon).trim().toLowerCase()] = field.slice(colon + 1).trim()
      }
      const req = { method, url, headers }
      requests.push(req)
      const reply = handler(req)
      const body = Buffer.from(reply.body ?? '')
      const head = [
        `HTTP/1.1 ${reply.status ?? 200} X`,
        ...Object.entries({ ...reply.headers, 'content-length': String(body.length) }).map(
          ([k, v]) => `${k}: ${v}`,
        ),
        'connection: close',
      ]
      socket.end(Buffer.concat([Buffer.from(`${head.join('\r\n')}\r\n\r\n`), body]))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, address, resolve))
  const host = `${address}:${(server.address() as AddressInfo).port}`
  return {
    host,
    url: `http://${host}`,
    requests,
    received: () => Buffer.concat(chunks).toString('latin1'),
    respond(h) {
      handler = h
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
  }
}
