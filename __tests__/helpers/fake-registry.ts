// A programmable OCI registry on loopback: the referrers API (OCI 1.1) with pagination, the
// fallback statuses real registries give, auth challenges, and per-path overrides for hostile
// behaviour. Every request's headers are recorded so tests can see what was sent.
import crypto from 'node:crypto'
import http from 'node:http'
import type { AddressInfo } from 'node:net'

export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json'
export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json'

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
      const realm = options.bearer.realm ?? `http://${hostOf(req)}/token`
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

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`

  return {
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
    override(handler) {
      overrides.push(handler)
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
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
