import { GateError } from '../../src/errors.js'
import { RegistryClient } from '../../src/registry/client.js'
import type { Credentials } from '../../src/registry/auth.js'
import {
  OCI_INDEX,
  OCI_MANIFEST,
  startFakeRegistry,
  type FakeRegistry,
  type FakeRegistryOptions,
} from '../helpers/fake-registry.js'
import { nodeTransport } from '../../src/registry/transport.js'

const repo = (r: FakeRegistry) => ({ registry: r.host, repository: 'acme/app' })
const BUNDLE_TYPE = 'application/vnd.dev.sigstore.bundle.v0.3+json'

function clientFor(hosts: string[], credentials?: Credentials, maxBlobBytes = 1024 * 1024) {
  const secrets: string[] = []
  const client = new RegistryClient({
    http: {
      transport: nodeTransport,
      deadline: AbortSignal.timeout(20_000),
      insecureHosts: new Set(hosts),
      sleep: async () => {},
    },
    credentials: async () => credentials,
    maxBlobBytes,
    onSecret: (s) => secrets.push(s),
  })
  return { client, secrets }
}

const open: FakeRegistry[] = []
async function registry(options?: FakeRegistryOptions) {
  const r = await startFakeRegistry(options)
  open.push(r)
  return r
}
afterEach(async () => {
  await Promise.all(open.splice(0).map((r) => r.close()))
})

function image(r: FakeRegistry, tag = 'v1') {
  const config = r.putBlob('{}', 'application/vnd.oci.image.config.v1+json')
  return r.putManifest({ schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers: [] }, tag)
}

function referrer(
  r: FakeRegistry,
  subject: { digest: string; size: number; mediaType: string },
  n: number,
) {
  const layer = r.putBlob(`{"n":${n}}`, BUNDLE_TYPE)
  const config = r.putBlob('{}', 'application/vnd.oci.empty.v1+json')
  return r.putManifest({
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    artifactType: BUNDLE_TYPE,
    config,
    layers: [layer],
    subject,
    annotations: { n: String(n) },
  })
}

describe('resolve and manifests', () => {
  test('a tag resolves to the digest of the bytes served, and reads by digest are hashed', async () => {
    const r = await registry()
    const img = image(r)
    const { client } = clientFor([r.host])
    const resolved = await client.resolve({ ...repo(r), tag: 'v1' })
    expect(resolved).toEqual({ digest: img.digest, mediaType: OCI_MANIFEST })
    const manifest = await client.manifest(repo(r), img.digest)
    expect(manifest.json.mediaType).toBe(OCI_MANIFEST)
  })

  test('a resolved image’s manifest is kept; another is held only while in flight', async () => {
    const r = await registry()
    const img = image(r)
    const other = referrer(r, img, 1)
    const { client } = clientFor([r.host])
    const reads = (digest: string) =>
      r.requests.filter((q) => q.url.endsWith(`/manifests/${digest}`)).length
    await client.resolve({ ...repo(r), digest: img.digest })
    await client.manifest(repo(r), img.digest)
    expect(reads(img.digest)).toBe(1)
    // Read together, one request; read again later, another: a registry listing many large
    // referrers cannot make the run hold them all.
    await Promise.all([
      client.manifest(repo(r), other.digest),
      client.manifest(repo(r), other.digest),
    ])
    expect(reads(other.digest)).toBe(1)
    await client.manifest(repo(r), other.digest)
    expect(reads(other.digest)).toBe(2)
  })

  test('a manifest whose bytes do not hash to the requested digest is an error, never a warning', async () => {
    const r = await registry()
    const img = image(r)
    r.override((req, res) => {
      if (!req.url?.endsWith(`/manifests/${img.digest}`)) return false
      res.writeHead(200, { 'content-type': OCI_MANIFEST })
      res.end(JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, layers: [], evil: true }))
      return true
    })
    const { client } = clientFor([r.host])
    await expect(client.manifest(repo(r), img.digest)).rejects.toMatchObject({
      code: 'DIGEST_MISMATCH',
    })
  })

  test('a missing tag is REGISTRY_NOT_FOUND naming the reference', async () => {
    const r = await registry()
    const { client } = clientFor([r.host])
    await expect(client.resolve({ ...repo(r), tag: 'nope' })).rejects.toThrow(
      /acme\/app:nope was not found/,
    )
  })

  test('a manifest over 4 MiB is refused at the cap', async () => {
    const r = await registry()
    r.override((req, res) => {
      if (!req.url?.includes('/manifests/')) return false
      res.writeHead(200, { 'content-type': OCI_MANIFEST })
      res.end(Buffer.alloc(4 * 1024 * 1024 + 1, 32))
      return true
    })
    const { client } = clientFor([r.host])
    await expect(client.resolve({ ...repo(r), tag: 'big' })).rejects.toMatchObject({
      code: 'LIMIT_EXCEEDED',
    })
  })
})

describe('blobs', () => {
  test('a blob is returned only when its bytes hash to its digest', async () => {
    const r = await registry()
    const good = r.putBlob('hello')
    const { client } = clientFor([r.host])
    expect((await client.blob(repo(r), good)).toString()).toBe('hello')
    r.override((req, res) => {
      if (!req.url?.endsWith(good.digest)) return false
      res.end('HELLO')
      return true
    })
    await expect(client.blob(repo(r), good)).rejects.toMatchObject({ code: 'DIGEST_MISMATCH' })
  })

  test('a blob whose descriptor declares more than the cap is not fetched', async () => {
    const r = await registry()
    const { client } = clientFor([r.host], undefined, 1024)
    const before = r.requests.length
    await expect(
      client.blob(repo(r), { digest: `sha256:${'a'.repeat(64)}`, size: 2048 }),
    ).rejects.toMatchObject({ code: 'LIMIT_EXCEEDED' })
    expect(r.requests.length).toBe(before)
  })

  test('a blob that streams past the cap despite a small declared size stops at the cap', async () => {
    const r = await registry()
    r.override((req, res) => {
      if (!req.url?.includes('/blobs/')) return false
      res.writeHead(200, { 'content-type': 'application/octet-stream' })
      res.end(Buffer.alloc(4096, 1))
      return true
    })
    const { client } = clientFor([r.host], undefined, 1024)
    await expect(
      client.blob(repo(r), { digest: `sha256:${'b'.repeat(64)}`, size: 10 }),
    ).rejects.toMatchObject({ code: 'LIMIT_EXCEEDED' })
  })
})

describe('blobInto', () => {
  const collector = () => {
    const chunks: Buffer[] = []
    return {
      write: (c: Uint8Array) => chunks.push(Buffer.from(c)),
      end: () => Buffer.concat(chunks),
    }
  }

  test('streams a blob into a reader and returns its result once the digest matched', async () => {
    const r = await registry()
    const blob = r.putBlob('x'.repeat(200_000), 'application/octet-stream')
    const { client } = clientFor([r.host])
    const read = await client.blobInto(repo(r), blob, collector)
    expect(read.toString()).toBe('x'.repeat(200_000))
  })

  test("a blob whose bytes do not hash to its digest never yields the reader's result", async () => {
    const r = await registry()
    const blob = r.putBlob('genuine', 'application/octet-stream')
    r.override((req, res) => {
      if (!req.url?.includes('/blobs/')) return false
      res.writeHead(200, { 'content-length': '7' })
      res.end('forgery')
      return true
    })
    const { client } = clientFor([r.host])
    let ended = false
    const reader = () => ({ write: () => undefined, end: () => (ended = true) })
    await expect(client.blobInto(repo(r), blob, reader)).rejects.toMatchObject({
      code: 'DIGEST_MISMATCH',
    })
    expect(ended).toBe(false)
  })

  test('a reader that refuses the bytes ends the read at once: its error, no retry', async () => {
    const r = await registry()
    const blob = r.putBlob('z'.repeat(100_000), 'application/octet-stream')
    const { client } = clientFor([r.host])
    const refusal = new Error('not what was expected')
    const reader = () => ({
      write: () => {
        throw refusal
      },
      end: () => undefined,
    })
    await expect(client.blobInto(repo(r), blob, reader)).rejects.toBe(refusal)
    expect(r.requests.filter((q) => q.url.includes('/blobs/'))).toHaveLength(1)
  })

  test('a retry after a body cut short starts a fresh reader', async () => {
    const r = await registry()
    const blob = r.putBlob('y'.repeat(100_000), 'application/octet-stream')
    let attempts = 0
    r.override((req, res) => {
      if (!req.url?.includes('/blobs/') || attempts++ > 0) return false
      res.writeHead(200, { 'content-length': '100000' })
      res.write('y'.repeat(40_000), () => res.destroy())
      return true
    })
    const { client } = clientFor([r.host])
    const readers: ReturnType<typeof collector>[] = []
    const read = await client.blobInto(repo(r), blob, () => {
      readers.push(collector())
      return readers.at(-1)!
    })
    expect(attempts).toBe(2)
    expect(readers).toHaveLength(2)
    expect(read.length).toBe(100_000)
  })
})

describe('referrers', () => {
  test('the OCI 1.1 referrers API is used when the registry has it', async () => {
    const r = await registry({ referrers: 'api' })
    const img = image(r)
    referrer(r, img, 1)
    const { client } = clientFor([r.host])
    const found = await client.referrers(repo(r), img.digest)
    expect(found.via).toBe('api')
    expect(found.descriptors).toHaveLength(1)
    expect(found.descriptors[0]!.artifactType).toBe(BUNDLE_TYPE)
  })

  test('a registry with the API is never read through the fallback tag, even when the tag exists', async () => {
    const r = await registry({ referrers: 'api' })
    const img = image(r)
    const listed = referrer(r, img, 1)
    const stale = referrer(r, img, 2)
    r.putManifest(
      { schemaVersion: 2, mediaType: OCI_INDEX, manifests: [{ ...stale, artifactType: 'x/y' }] },
      img.digest.replace(':', '-'),
    )
    const { client } = clientFor([r.host])
    const found = await client.referrers(repo(r), img.digest)
    expect(found.via).toBe('api')
    expect(found.descriptors.map((d) => d.digest).sort()).toEqual(
      [listed.digest, stale.digest].sort(),
    )
    expect(found.descriptors.some((d) => d.artifactType === 'x/y')).toBe(false)
  })

  test('the fallback tag is asked in the same round trip as the API', async () => {
    const r = await registry({ referrers: 404 })
    const img = image(r)
    let inFlight = 0
    let overlapped = false
    r.override(async (req) => {
      if (!req.url?.includes('/referrers/') && !req.url?.includes('sha256-')) return false
      if (++inFlight === 2) overlapped = true
      await new Promise((resolve) => setTimeout(resolve, 30))
      inFlight--
      return false
    })
    const { client } = clientFor([r.host])
    await client.referrers(repo(r), img.digest)
    expect(overlapped).toBe(true)
  })

  test("once a repository's API answered 404, later digests are read through the tag alone", async () => {
    const r = await registry({ referrers: 404 })
    const first = image(r, 'v1')
    const second = image(r, 'v2')
    const { client } = clientFor([r.host])
    await client.referrers(repo(r), first.digest)
    await client.referrers(repo(r), second.digest)
    expect(r.requests.filter((q) => q.url.includes('/referrers/'))).toHaveLength(1)
    expect(r.requests.filter((q) => q.url.includes('sha256-'))).toHaveLength(2)
  })

  test('pages are followed through Link headers', async () => {
    const r = await registry({ referrers: 'api', pageSize: 2 })
    const img = image(r)
    for (let n = 0; n < 5; n++) referrer(r, img, n)
    const { client } = clientFor([r.host])
    const found = await client.referrers(repo(r), img.digest)
    expect(found.descriptors.map((d) => d.annotations?.['n']).sort()).toEqual([
      '0',
      '1',
      '2',
      '3',
      '4',
    ])
    expect(r.requests.filter((q) => q.url.includes('/referrers/'))).toHaveLength(3)
  })

  test('more pages than the cap end with LIMIT_EXCEEDED', async () => {
    const r = await registry({ referrers: 'api', pageSize: 1 })
    const img = image(r)
    for (let n = 0; n < 12; n++) referrer(r, img, n)
    const { client } = clientFor([r.host])
    await expect(client.referrers(repo(r), img.digest)).rejects.toMatchObject({
      code: 'LIMIT_EXCEEDED',
    })
  })

  test('a Link that loops back to a page already read is refused', async () => {
    const r = await registry()
    const img = image(r)
    r.override((req, res) => {
      if (!req.url?.includes('/referrers/')) return false
      res.writeHead(200, { 'content-type': OCI_INDEX, link: `<${req.url}>; rel="next"` })
      res.end(JSON.stringify({ schemaVersion: 2, manifests: [] }))
      return true
    })
    const { client } = clientFor([r.host])
    await expect(client.referrers(repo(r), img.digest)).rejects.toThrow(/loops/)
  })

  test.each([400, 404, 406, 'html'] as const)(
    'referrers answering %s fall back to the sha256-<hex> tag index',
    async (mode) => {
      const r = await registry({ referrers: mode })
      const img = image(r)
      const ref = referrer(r, img, 7)
      r.putManifest(
        {
          schemaVersion: 2,
          mediaType: OCI_INDEX,
          manifests: [{ ...ref, artifactType: BUNDLE_TYPE }],
        },
        img.digest.replace(':', '-'),
      )
      const { client } = clientFor([r.host])
      const found = await client.referrers(repo(r), img.digest)
      expect(found.via).toBe('tag')
      expect(found.descriptors.map((d) => d.digest)).toEqual([ref.digest])
    },
  )

  test.each([
    [1000, 'read'],
    [1001, 'LIMIT_EXCEEDED'],
  ])('a fallback tag index listing %i descriptors: %s, as through the API', async (n, outcome) => {
    const r = await registry({ referrers: 404 })
    const img = image(r)
    const manifests = Array.from({ length: n }, (_, i) => ({
      mediaType: OCI_MANIFEST,
      artifactType: 'application/x-other',
      digest: `sha256:${i.toString(16).padStart(64, '0')}`,
      size: 1,
    }))
    r.putManifest(
      { schemaVersion: 2, mediaType: OCI_INDEX, manifests },
      img.digest.replace(':', '-'),
    )
    const { client } = clientFor([r.host])
    const listed = client.referrers(repo(r), img.digest)
    if (outcome === 'read') expect((await listed).descriptors).toHaveLength(n)
    else await expect(listed).rejects.toMatchObject({ code: 'LIMIT_EXCEEDED' })
  })

  test('no referrers API and no fallback tag means no referrers', async () => {
    const r = await registry({ referrers: 404 })
    const img = image(r)
    const { client } = clientFor([r.host])
    expect(await client.referrers(repo(r), img.digest)).toEqual({ descriptors: [], via: 'tag' })
  })

  test('a 500 from the referrers API is an error, not an empty list', async () => {
    const r = await registry()
    const img = image(r)
    r.override((req, res) => {
      if (!req.url?.includes('/referrers/')) return false
      res.writeHead(500)
      res.end()
      return true
    })
    const { client } = clientFor([r.host])
    await expect(client.referrers(repo(r), img.digest)).rejects.toBeInstanceOf(GateError)
  })
})

describe('auth, retries and transport', () => {
  test('a bearer token is fetched once per scope and reused; the secret is reported for masking', async () => {
    const r = await registry({ bearer: { username: 'u', password: 'p', token: 'tok-123' } })
    const img = image(r)
    const { client, secrets } = clientFor([r.host], { username: 'u', password: 'p' })
    await client.resolve({ ...repo(r), tag: 'v1' })
    await client.manifest(repo(r), img.digest)
    await client.referrers(repo(r), img.digest)
    expect(r.requests.filter((q) => q.url.startsWith('/token'))).toHaveLength(1)
    expect(r.requests.find((q) => q.url.startsWith('/token'))!.url).toContain(
      'scope=repository%3Aacme%2Fapp%3Apull',
    )
    expect(secrets).toContain('tok-123')
  })

  test('an anonymous token is not reported for masking: a registry does not choose what is hidden', async () => {
    const r = await registry({ bearer: { token: 'false' } })
    image(r)
    const { client, secrets } = clientFor([r.host])
    await client.resolve({ ...repo(r), tag: 'v1' })
    expect(r.requests.filter((q) => q.url.startsWith('/token'))).toHaveLength(1)
    expect(secrets).toEqual([])
  })

  test('requests that meet their first 401 together share one token', async () => {
    const r = await registry({
      referrers: 404,
      bearer: { username: 'u', password: 'p', token: 'tok-123' },
    })
    const img = image(r)
    const { client } = clientFor([r.host], { username: 'u', password: 'p' })
    // The referrers API and the fallback tag leave together, before any token exists.
    await Promise.all([client.referrers(repo(r), img.digest), client.manifestByTag(repo(r), 'v1')])
    expect(r.requests.filter((q) => q.url.startsWith('/token'))).toHaveLength(1)
  })

  test('a second 401 after a fresh token fails as unauthorized', async () => {
    const r = await registry({ bearer: { token: 'good' } })
    r.override((req, res) => {
      if (!req.url?.startsWith('/token')) return false
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end('{"token":"wrong"}')
      return true
    })
    const { client } = clientFor([r.host])
    await expect(client.resolve({ ...repo(r), tag: 'v1' })).rejects.toMatchObject({
      code: 'REGISTRY_UNAUTHORIZED',
    })
  })

  test('credentials are not sent to a bearer realm on another host', async () => {
    const sink = await registry()
    const r = await registry({
      bearer: { token: 't', realm: `http://localhost:${sink.host.split(':')[1]}/token` },
    })
    const { client } = clientFor([r.host, `localhost:${sink.host.split(':')[1]}`], {
      username: 'u',
      password: 'secret',
    })
    await expect(client.resolve({ ...repo(r), tag: 'v1' })).rejects.toBeInstanceOf(GateError)
    expect(sink.requests.every((q) => q.headers.authorization === undefined)).toBe(true)
  })

  test('a redirect to another origin drops Authorization, and it is not restored on the way back', async () => {
    const sink = await registry()
    const blob = sink.putBlob('payload')
    const r = await registry({ bearer: { token: 't' } })
    r.putBlob('payload')
    r.override((req, res) => {
      if (!req.url?.includes('/blobs/') || req.url.includes('back')) return false
      if (req.headers.authorization !== 'Bearer t') return false
      res.writeHead(307, { location: `http://${sink.host}/v2/acme/app/blobs/${blob.digest}` })
      res.end()
      return true
    })
    const { client } = clientFor([r.host, sink.host])
    expect((await client.blob(repo(r), blob)).toString()).toBe('payload')
    expect(sink.requests.map((q) => q.headers.authorization)).toEqual([undefined])
  })

  test('429 and 503 are retried, honouring Retry-After', async () => {
    const r = await registry()
    image(r)
    let calls = 0
    r.override((req, res) => {
      if (!req.url?.includes('/manifests/v1') || ++calls > 2) return false
      res.writeHead(calls === 1 ? 429 : 503, { 'retry-after': '1' })
      res.end()
      return true
    })
    const { client } = clientFor([r.host])
    await expect(client.resolve({ ...repo(r), tag: 'v1' })).resolves.toHaveProperty('digest')
    expect(calls).toBe(3)
  })

  test('plain HTTP is refused unless the host is listed as an insecure loopback registry', async () => {
    const r = await registry()
    const { client } = clientFor([])
    // Not listed: the client speaks HTTPS to the plain-HTTP server, which fails; no plaintext request is made.
    await expect(client.resolve({ ...repo(r), tag: 'v1' })).rejects.toBeInstanceOf(GateError)
    expect(r.requests.every((q) => q.method !== 'GET' || !q.url.startsWith('/v2/'))).toBe(true)
  })
})
