// Security catalog group C (T31–T51): a registry that lies, loops, floods or stalls. The registry
// here is the programmable loopback one (fake-registry.ts) serving real mini-Sigstore evidence, so
// each hostile answer is judged against a baseline that would otherwise pass. Every case asserts
// the outcome: the exit code, the reason, that nothing was accepted, and where it matters which
// requests were (not) made and that memory stayed bounded (cdef-harness.ts RSS_BOUND says why).
//
// Unit-level tests of the same mechanisms stay where they were: __tests__/registry/client.test.ts
// (digest checks, caps, pagination, auth, redirects), __tests__/sources/cosign-tags.test.ts
// (cosign's 1000-layer cap), __tests__/sources/github.test.ts (API pages, caps and Link origin),
// __tests__/sources/github-snappy.test.ts (snappy length check) and __tests__/multi-arch.test.ts
// (platforms: all).
import zlib from 'node:zlib'
import type http from 'node:http'
import { COSIGN_SIGN_PREDICATE, githubIdentity } from '../helpers/mini-sigstore.js'
import {
  BUNDLE_V03,
  OCI_INDEX,
  OCI_MANIFEST,
  rawResponse,
  startFakeRegistry,
  startSink,
  streamForever,
  type FakeRegistry,
  type FakeRegistryOptions,
  type Sink,
} from '../helpers/fake-registry.js'
import { snappyLiterals, startFakeGithub } from '../helpers/github-api.js'
import { gateFixture } from '../helpers/gate.js'
import { renderSummary } from '../../src/report/summary.js'
import {
  APP_SAN,
  RSS_BOUND,
  expectImageError,
  expectNothingAccepted,
  gate as runGate,
  only,
  putImage,
  referrerLayer,
  requestsTo,
  sha256,
  signatureBundle,
  signedImage,
  tempFile,
  withPeakRss,
  type Desc,
} from './cdef-harness.js'

const MiB = 1024 * 1024
const SIMPLESIGNING = 'application/vnd.dev.cosign.simplesigning.v1+json'
const NO_EVIDENCE = 'no signatures or attestations were found for this digest'

const { ss, root } = await gateFixture()

const open: { close(): Promise<void> }[] = []
async function registry(options?: FakeRegistryOptions): Promise<FakeRegistry> {
  const r = await startFakeRegistry(options)
  open.push(r)
  return r
}
async function sink(address?: string): Promise<Sink> {
  const s = await startSink(address)
  open.push(s)
  return s
}
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()))
})

/** The gate on `ref` requiring a signature from the release workflow of acme/app. */
const gate = (
  r: FakeRegistry,
  ref: string,
  values: Record<string, string> = {},
  insecure?: string[],
) =>
  runGate(
    r.host,
    { image: ref, 'trusted-root': root, 'certificate-identity': APP_SAN, ...values },
    { insecure: insecure ?? [] },
  )

/** Answers requests whose path matches `pattern` with `handler`; the rest go to the registry. */
function on(
  r: FakeRegistry,
  pattern: RegExp,
  handler: (req: http.IncomingMessage, res: http.ServerResponse) => void | boolean,
): void {
  r.override((req, res) => {
    if (!pattern.test(new URL(req.url ?? '/', 'http://x').pathname)) return false
    return handler(req, res) !== false
  })
}

/** A bundle referrer manifest of `image` whose JSON is `edit`ed before it is stored. */
async function referrerWith(
  r: FakeRegistry,
  image: Desc,
  edit: (manifest: Record<string, unknown>, layer: Desc) => void,
): Promise<Desc> {
  const layer = r.putBlob(JSON.stringify(await signatureBundle(ss, image.digest)), BUNDLE_V03)
  const config = r.putBlob('{}', 'application/vnd.oci.empty.v1+json')
  const manifest: Record<string, unknown> = {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    artifactType: BUNDLE_V03,
    config,
    layers: [layer],
    subject: image,
  }
  edit(manifest, layer)
  return r.putManifest(manifest)
}

describe('T31 content that does not hash to the digest it was asked for', () => {
  test('an image asked for by digest whose manifest differs is exit 2 DIGEST_MISMATCH, even with the header claiming the digest', async () => {
    const r = await registry()
    const { image } = await signedImage(r, ss)
    on(r, new RegExp(`/manifests/${image.digest}$`), (_req, res) => {
      // Docker-Content-Digest says what was asked for; the bytes are another manifest.
      res.writeHead(200, { 'content-type': OCI_MANIFEST, 'docker-content-digest': image.digest })
      res.end(JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, layers: [] }))
    })
    const result = await gate(r, `${r.host}/acme/app@${image.digest}`)
    expectImageError(result, 'DIGEST_MISMATCH', /arrived with content hashing to sha256:/)
    expect(requestsTo(r, /referrers|blobs/)).toEqual([])
  })

  test('a referrer manifest that is not the bytes its descriptor names is a failed piece; its valid signature is not accepted', async () => {
    const r = await registry()
    const { referrer } = await signedImage(r, ss)
    const bytes = await (await fetch(`${r.url}/v2/acme/app/manifests/${referrer.digest}`)).text()
    on(r, new RegExp(`/manifests/${referrer.digest}$`), (_req, res) => {
      res.writeHead(200, { 'content-type': OCI_MANIFEST })
      // The same JSON with one more space: the same meaning, another digest.
      res.end(` ${bytes}`)
    })
    const result = await gate(r, `${r.host}/acme/app:v1`)
    expectNothingAccepted(result, 1)
    expect(only(result).evidence[0]!.error).toMatch(/arrived with content hashing to/)
  })

  test('a bundle blob whose bytes differ from its digest is a failed piece, never verified', async () => {
    const r = await registry()
    const { referrer } = await signedImage(r, ss)
    const layer = await referrerLayer(r, referrer)
    // The same length, one byte changed: only the digest can tell.
    const bytes = Buffer.from(
      await (await fetch(`${r.url}/v2/acme/app/blobs/${layer.digest}`)).arrayBuffer(),
    )
    bytes[bytes.length - 2] = bytes[bytes.length - 2]! ^ 1
    on(r, new RegExp(`/blobs/${layer.digest}$`), (_req, res) => void res.end(bytes))
    const result = await gate(r, `${r.host}/acme/app:v1`)
    expectNothingAccepted(result, 1)
    expect(only(result).evidence[0]).toMatchObject({
      verified: false,
      error: expect.stringMatching(new RegExp(`blob ${layer.digest} arrived with content hashing`)),
    })
  })
})

describe('T32 a Docker-Content-Digest header that lies on a tag resolution', () => {
  test('the header never names the digest: one that disagrees with the body is refused (exit 2)', async () => {
    const r = await registry()
    const { image } = await signedImage(r, ss)
    const other = putImage(r, 'other', 'something else')
    on(r, /\/manifests\/v1$/, (_req, res) => {
      const body = Buffer.from(
        JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, layers: [] }),
      )
      res.writeHead(200, { 'content-type': OCI_MANIFEST, 'docker-content-digest': image.digest })
      res.end(body)
    })
    const result = await gate(r, `${r.host}/acme/app:v1`)
    expectImageError(result, 'DIGEST_MISMATCH', /but the registry says sha256:/)
    expect(other.digest).not.toBe(image.digest)
  })

  test('without the header the digest is the hash of the bytes served', async () => {
    const r = await registry()
    const { image } = await signedImage(r, ss)
    const bytes = Buffer.from(
      (await (
        await fetch(`${r.url}/v2/acme/app/manifests/${image.digest}`)
      ).arrayBuffer()) as ArrayBuffer,
    )
    on(r, /\/manifests\/v1$/, (_req, res) => {
      res.writeHead(200, { 'content-type': OCI_MANIFEST })
      res.end(bytes)
    })
    const result = await gate(r, `${r.host}/acme/app:v1`)
    expect(result.verdict).toBe('pass')
    expect(only(result).digest).toBe(sha256(bytes))
  })
})

describe('T33 a tag is resolved exactly once (TOCTOU)', () => {
  test('the first answer is pinned: the tag moving to an unsigned image mid-run changes nothing, and it is read once', async () => {
    const r = await registry()
    const signed = await signedImage(r, ss)
    const unsigned = putImage(r, 'unsigned', 'not signed')
    const bodies = new Map<string, Buffer>()
    for (const d of [signed.image, unsigned]) {
      const res = await fetch(`${r.url}/v2/acme/app/manifests/${d.digest}`)
      bodies.set(d.digest, Buffer.from(await res.arrayBuffer()))
    }
    let reads = 0
    on(r, /\/manifests\/v1$/, (_req, res) => {
      const digest = reads++ === 0 ? signed.image.digest : unsigned.digest
      res.writeHead(200, { 'content-type': OCI_MANIFEST })
      res.end(bodies.get(digest))
    })
    const result = await gate(r, `${r.host}/acme/app:v1`)
    expect(result.verdict).toBe('pass')
    expect(only(result).digest).toBe(signed.image.digest)
    expect(reads).toBe(1)
    // Everything after the resolution was read by that digest.
    expect(requestsTo(r, /\/manifests\/v1$/)).toHaveLength(1)
    expect(requestsTo(r, new RegExp(`/referrers/${signed.image.digest}$`))).toHaveLength(1)
    // The summary says to deploy by the digest that was checked, not by the tag.
    expect(renderSummary(result)).toContain(
      `Digest: \`${signed.image.digest}\` (the tag can move after this check: deploy by this digest)`,
    )
  })

  test('tag@digest: the digest wins and the tag is never read', async () => {
    const r = await registry()
    const { image } = await signedImage(r, ss)
    putImage(r, 'v2', 'another image under the tag named')
    const result = await gate(r, `${r.host}/acme/app:v2@${image.digest}`)
    expect(result.verdict).toBe('pass')
    expect(only(result).digest).toBe(image.digest)
    expect(requestsTo(r, /\/manifests\/v2$/)).toEqual([])
  })
})

describe('T34 multi-platform index: the digest given is the digest verified', () => {
  async function index(r: FakeRegistry) {
    const amd64 = putImage(r, 'amd64', 'amd64')
    const arm64 = putImage(r, 'arm64', 'arm64')
    const idx = r.putManifest(
      {
        schemaVersion: 2,
        mediaType: OCI_INDEX,
        manifests: [
          { ...amd64, platform: { os: 'linux', architecture: 'amd64' } },
          { ...arm64, platform: { os: 'linux', architecture: 'arm64' } },
        ],
      },
      'multi',
    )
    return { amd64, arm64, idx }
  }

  test('a signed platform manifest does not make its index verified', async () => {
    const r = await registry()
    const { amd64, idx } = await index(r)
    r.putReferrer(amd64, await signatureBundle(ss, amd64.digest), {
      predicateType: COSIGN_SIGN_PREDICATE,
    })
    const result = await gate(r, `${r.host}/acme/app:multi`)
    expectNothingAccepted(result, 1)
    expect(only(result)).toMatchObject({ digest: idx.digest, mediaType: OCI_INDEX })
    expect(only(result).findings[0]!.actual).toBe(NO_EVIDENCE)
  })

  test('a signed index does not make a platform manifest verified', async () => {
    const r = await registry()
    const { amd64, idx } = await index(r)
    r.putReferrer(idx, await signatureBundle(ss, idx.digest), {
      predicateType: COSIGN_SIGN_PREDICATE,
    })
    const result = await gate(r, `${r.host}/acme/app@${amd64.digest}`)
    expectNothingAccepted(result, 1)
    expect(only(result).digest).toBe(amd64.digest)
    // The index's own signature passes for the index: the baseline this case is judged against.
    expect((await gate(r, `${r.host}/acme/app:multi`)).verdict).toBe('pass')
  })
})

describe('T35 required certificate extensions are really enforced', () => {
  const policy = tempFile(
    'policy.yml',
    [
      'version: 1',
      'signature:',
      '  identities:',
      `    - san: ${APP_SAN}`,
      '      sourceRepositoryUri: https://github.com/acme/app',
    ].join('\n'),
  )
  const SOURCE_REPO_URI = '1.3.6.1.4.1.57264.1.12'
  // The workflow (SAN) is acme/app's; the run was another repository's, or says nothing.
  const withExtension = (value: string | undefined) => {
    if (value !== undefined)
      return githubIdentity({ sourceRepo: value.replace('https://github.com/', '') })
    const base = githubIdentity()
    return { ...base, extensions: base.extensions.filter((e) => e.oid !== SOURCE_REPO_URI) }
  }

  test.each([
    ['missing', undefined, /sourceRepositoryUri \(none\) is not "https:\/\/github.com\/acme\/app"/],
    [
      'another value',
      'https://github.com/evil/app',
      /sourceRepositoryUri "https:\/\/github.com\/evil\/app" is not/,
    ],
  ])('the extension %s fails, although the SAN and issuer match', async (_name, value, reason) => {
    const r = await registry()
    const image = putImage(r)
    r.putReferrer(image, await signatureBundle(ss, image.digest, withExtension(value)), {
      predicateType: COSIGN_SIGN_PREDICATE,
    })
    const result = await runGate(r.host, {
      image: `${r.host}/acme/app:v1`,
      'trusted-root': root,
      policy,
    })
    expectNothingAccepted(result, 1)
    expect(only(result).evidence[0]!.verified).toBe(true)
    expect(only(result).findings[0]!.actual).toMatch(reason)
  })

  test('the right value passes (the baseline)', async () => {
    const r = await registry()
    const image = putImage(r)
    r.putReferrer(
      image,
      await signatureBundle(ss, image.digest, withExtension('https://github.com/acme/app')),
      {
        predicateType: COSIGN_SIGN_PREDICATE,
      },
    )
    const result = await runGate(r.host, {
      image: `${r.host}/acme/app:v1`,
      'trusted-root': root,
      policy,
    })
    expect(result.verdict).toBe('pass')
  })
})

describe('T36 no referrers API: the fallback tag, under the same checks', () => {
  async function withFallback(r: FakeRegistry, good = true) {
    const image = putImage(r)
    const bundle = good
      ? await signatureBundle(ss, image.digest)
      : await signatureBundle(ss, image.digest, githubIdentity({ repo: 'evil/app' }))
    const referrer = r.putReferrer(image, bundle, { predicateType: COSIGN_SIGN_PREDICATE })
    r.putManifest(
      {
        schemaVersion: 2,
        mediaType: OCI_INDEX,
        manifests: [{ ...referrer, artifactType: BUNDLE_V03 }],
      },
      image.digest.replace(':', '-'),
    )
    return image
  }

  test.each([404, 406, 400] as const)(
    'referrers answering %s: the fallback tag is read and its evidence verified',
    async (status) => {
      const r = await registry({ referrers: status })
      await withFallback(r)
      const result = await gate(r, `${r.host}/acme/app:v1`)
      expect(result.verdict).toBe('pass')
      expect(only(result).evidence[0]!.location).toMatch(/fallback tag sha256-/)
    },
  )

  test('evidence in the fallback tag meets the same identity check', async () => {
    const r = await registry({ referrers: 404 })
    await withFallback(r, false)
    const result = await gate(r, `${r.host}/acme/app:v1`)
    expectNothingAccepted(result, 1)
    expect(only(result).findings[0]!.actual).toMatch(/identity ".*evil\/app.*" is not/)
  })

  test('neither API nor fallback tag: "no signatures found", exit 1, not a registry error', async () => {
    const r = await registry({ referrers: 404 })
    putImage(r)
    const result = await gate(r, `${r.host}/acme/app:v1`)
    expectNothingAccepted(result, 1)
    expect(only(result).error).toBeUndefined()
    expect(only(result).findings[0]!.actual).toBe(NO_EVIDENCE)
  })
})

describe('T37 a referrers answer that is not an index, or is not filtered', () => {
  test('200 text/html (a captive portal) is not "0 referrers": the fallback tag is read, and with none it is exit 1, never a pass', async () => {
    const r = await registry({ referrers: 'html' })
    putImage(r)
    const result = await gate(r, `${r.host}/acme/app:v1`)
    expectNothingAccepted(result, 1)
    expect(only(result).findings[0]!.actual).toBe(NO_EVIDENCE)
    expect(requestsTo(r, /\/manifests\/sha256-[0-9a-f]{64}$/)).toHaveLength(1)
  })

  test('an index listing unrelated artifact types (no OCI-Filters-Applied): they are listed, never fetched, never counted', async () => {
    const r = await registry()
    const { image } = await signedImage(r, ss)
    const sbom = r.putReferrer(
      image,
      { spdxVersion: 'SPDX-2.3' },
      { artifactType: 'application/spdx+json' },
    )
    const result = await gate(r, `${r.host}/acme/app:v1`)
    expect(result.verdict).toBe('pass')
    const unrelated = only(result).evidence.find((e) => e.mediaType === 'application/spdx+json')
    expect(unrelated).toMatchObject({ kind: 'unsigned', verified: false })
    expect(requestsTo(r, new RegExp(sbom.digest))).toEqual([])
  })
})

describe('T38 parser fuzz on OCI JSON', () => {
  test.each<[string, (m: Record<string, unknown>, layer: Desc) => void, RegExp]>([
    ['layers is not an array', (m) => (m.layers = 'abc'), /exactly one bundle layer/],
    ['a layer that is a string', (m) => (m.layers = ['layer']), /exactly one bundle layer/],
    [
      'a layer media type that is a number',
      (m, l) => (m.layers = [{ ...l, mediaType: 5 }]),
      /exactly one bundle layer/,
    ],
    ['two layers', (m, l) => (m.layers = [l, l]), /exactly one bundle layer/],
    [
      'a negative size',
      (m, l) => (m.layers = [{ ...l, size: -1 }]),
      /declares .* bytes; the limit is/,
    ],
    [
      'a size above 2^53',
      (m, l) => (m.layers = [{ ...l, size: 2 ** 53 + 2 }]),
      /declares .* bytes; the limit is/,
    ],
    [
      'a fractional size',
      (m, l) => (m.layers = [{ ...l, size: 1.5 }]),
      /declares .* bytes; the limit is/,
    ],
    [
      'a size that is a string',
      (m, l) => (m.layers = [{ ...l, size: '100' }]),
      /declares .* bytes; the limit is/,
    ],
    [
      'a digest that is a number',
      (m, l) => (m.layers = [{ ...l, digest: 7 }]),
      /digest 7 is not sha256/,
    ],
    ['schemaVersion 1', (m) => (m.schemaVersion = 1), /schemaVersion is not 2/],
  ])(
    'a bundle referrer with %s is a failed piece with its reason, never a crash',
    async (_name, edit, reason) => {
      const r = await registry()
      const image = putImage(r)
      await referrerWith(r, image, edit)
      const result = await gate(r, `${r.host}/acme/app:v1`)
      expectNothingAccepted(result, 1)
      expect(only(result).error).toBeUndefined()
      expect(only(result).evidence).toEqual([
        expect.objectContaining({ verified: false, error: expect.stringMatching(reason) }),
      ])
    },
  )

  test.each([
    ['not JSON', '<html>maintenance</html>'],
    ['a JSON array', '[1,2,3]'],
    ['JSON nested 100000 deep', '['.repeat(100_000)],
  ])('an image manifest that is %s is exit 2 REGISTRY_PROTOCOL', async (_name, body) => {
    const r = await registry()
    on(r, /\/manifests\/v1$/, (_req, res) => {
      res.writeHead(200, { 'content-type': OCI_MANIFEST })
      res.end(body)
    })
    expectImageError(
      await gate(r, `${r.host}/acme/app:v1`),
      'REGISTRY_PROTOCOL',
      /is not a JSON object/,
    )
  })

  test('the same descriptor 10,000 times in one referrers page is exit 2 LIMIT_EXCEEDED, and none is fetched', async () => {
    const r = await registry()
    const { image, referrer } = await signedImage(r, ss)
    on(r, /\/referrers\//, (_req, res) => {
      const d = { ...referrer, artifactType: BUNDLE_V03 }
      res.writeHead(200, { 'content-type': OCI_INDEX })
      res.end(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: OCI_INDEX,
          manifests: Array(10_000).fill(d),
        }),
      )
    })
    expectImageError(
      await gate(r, `${r.host}/acme/app:v1`),
      'LIMIT_EXCEEDED',
      /more than 1000 referrers/,
    )
    expect(requestsTo(r, new RegExp(referrer.digest))).toEqual([])
    expect(image.digest).toMatch(/^sha256:/)
  })
})

describe('T39 a referrer whose subject is another image', () => {
  test('listed under this image, signing this image, but naming another as subject: ignored with its reason, its blob never read', async () => {
    const r = await registry()
    const a = putImage(r, 'v1', 'a')
    const b = putImage(r, 'b', 'b')
    // A valid signature for A, stored as a referrer of B.
    const stray = r.putReferrer(b, await signatureBundle(ss, a.digest), {
      predicateType: COSIGN_SIGN_PREDICATE,
    })
    const layer = await referrerLayer(r, stray)
    on(r, new RegExp(`/referrers/${a.digest}$`), (_req, res) => {
      res.writeHead(200, { 'content-type': OCI_INDEX })
      res.end(
        JSON.stringify({ schemaVersion: 2, manifests: [{ ...stray, artifactType: BUNDLE_V03 }] }),
      )
    })
    const result = await gate(r, `${r.host}/acme/app:v1`)
    expectNothingAccepted(result, 1)
    expect(only(result).evidence).toEqual([
      expect.objectContaining({
        verified: false,
        error: `the referrer's subject is not ${a.digest}`,
      }),
    ])
    expect(requestsTo(r, new RegExp(`/blobs/${layer.digest}`))).toEqual([])
  })
})

describe('T40 oversized blobs and bundle layers', () => {
  test('a bundle layer declaring 5 GiB is refused before it is fetched', async () => {
    const r = await registry()
    const image = putImage(r)
    let layerDigest = ''
    await referrerWith(r, image, (m, l) => {
      layerDigest = l.digest
      m.layers = [{ ...l, size: 5 * 1024 * MiB }]
    })
    const result = await gate(r, `${r.host}/acme/app:v1`)
    expectNothingAccepted(result, 1)
    expect(only(result).evidence[0]!.error).toBe(
      `blob ${layerDigest} declares 5368709120 bytes; the limit is ${32 * MiB}`,
    )
    expect(requestsTo(r, /\/blobs\//)).toEqual([])
  })

  test('a layer declaring 1 KiB that streams forever stops at 1 KiB + 1, with memory flat', async () => {
    const r = await registry()
    const image = putImage(r)
    let written = (): number => 0
    const referrer = await referrerWith(r, image, (m, l) => (m.layers = [{ ...l, size: 1024 }]))
    const layer = await referrerLayer(r, referrer)
    on(r, new RegExp(`/blobs/${layer.digest}$`), (_req, res) => {
      written = streamForever(res, { headers: { 'content-type': BUNDLE_V03 } }).written
    })
    const { value: result, growth } = await withPeakRss(() =>
      gate(r, `${r.host}/acme/app:v1`, { timeout: '10' }),
    )
    expectNothingAccepted(result, 1)
    expect(only(result).evidence[0]!.error).toBe('the response is larger than the 1024-byte limit')
    expect(growth).toBeLessThan(RSS_BOUND)
    expect(written()).toBeLessThan(64 * MiB)
  })

  test('a blob with no Content-Length that streams forever stops at the max-blob-size cap', async () => {
    const r = await registry()
    const image = putImage(r)
    const referrer = await referrerWith(r, image, (m, l) => (m.layers = [{ ...l, size: MiB }]))
    const layer = await referrerLayer(r, referrer)
    on(r, new RegExp(`/blobs/${layer.digest}$`), (_req, res) => void streamForever(res))
    const { value: result, growth } = await withPeakRss(() =>
      gate(r, `${r.host}/acme/app:v1`, { 'max-blob-size': '1MiB', timeout: '10' }),
    )
    expectNothingAccepted(result, 1)
    expect(only(result).evidence[0]!.error).toBe(
      `the response is larger than the ${MiB}-byte limit`,
    )
    expect(growth).toBeLessThan(RSS_BOUND)
  })

  test('bytes that match the digest but not the declared size are a failed piece (never a silent pass)', async () => {
    const r = await registry()
    const image = putImage(r)
    let size = 0
    await referrerWith(r, image, (m, l) => {
      size = l.size
      m.layers = [{ ...l, size: l.size + 10 }]
    })
    const result = await gate(r, `${r.host}/acme/app:v1`)
    expectNothingAccepted(result, 1)
    expect(only(result).evidence[0]!.error).toMatch(
      new RegExp(`is ${size} bytes, not the ${size + 10} its descriptor declares$`),
    )
  })
})

describe('T41 oversized manifests, indexes and referrers pages', () => {
  test('a manifest streamed past 4 MiB with no Content-Length is exit 2 LIMIT_EXCEEDED, memory flat', async () => {
    const r = await registry()
    on(
      r,
      /\/manifests\/v1$/,
      (_req, res) => void streamForever(res, { prefix: '{"schemaVersion":2,"x":"' }),
    )
    const { value: result, growth } = await withPeakRss(() => gate(r, `${r.host}/acme/app:v1`))
    expectImageError(result, 'LIMIT_EXCEEDED', /larger than the 4194304-byte limit/)
    expect(growth).toBeLessThan(RSS_BOUND)
  })

  test('a Content-Length over 4 MiB is refused before the body is read', async () => {
    const r = await registry()
    let written = (): number => 0
    on(r, /\/manifests\/v1$/, (_req, res) => {
      written = streamForever(res, { headers: { 'content-length': String(5 * MiB) } }).written
    })
    expectImageError(await gate(r, `${r.host}/acme/app:v1`), 'LIMIT_EXCEEDED')
    expect(written()).toBeLessThan(5 * MiB)
  })

  test('a lying Content-Length (10, with more bytes behind it) gives 10 bytes, which are not a manifest: exit 2', async () => {
    const r = await registry()
    const { image } = await signedImage(r, ss)
    const bytes = await (await fetch(`${r.url}/v2/acme/app/manifests/${image.digest}`)).text()
    on(r, /\/manifests\/v1$/, (req) => {
      rawResponse(req, `HTTP/1.1 200 OK\ncontent-type: ${OCI_MANIFEST}\ncontent-length: 10`, bytes)
    })
    expectImageError(
      await gate(r, `${r.host}/acme/app:v1`),
      'REGISTRY_PROTOCOL',
      /is not a JSON object/,
    )
  })

  test('a referrers page that never ends is exit 2 LIMIT_EXCEEDED, memory flat', async () => {
    const r = await registry()
    putImage(r)
    on(r, /\/referrers\//, (_req, res) => {
      streamForever(res, { headers: { 'content-type': OCI_INDEX }, prefix: '{"manifests":[' })
    })
    const { value: result, growth } = await withPeakRss(() => gate(r, `${r.host}/acme/app:v1`))
    expectImageError(result, 'LIMIT_EXCEEDED')
    expect(growth).toBeLessThan(RSS_BOUND)
  })
})

describe('T42 decompression bombs', () => {
  test('a bundle layer of a +gzip media type is never decompressed: a failed piece', async () => {
    const r = await registry()
    const image = putImage(r)
    const gz = zlib.gzipSync(JSON.stringify(await signatureBundle(ss, image.digest)))
    const layer = r.putBlob(gz, `${BUNDLE_V03}+gzip`)
    await referrerWith(r, image, (m) => (m.layers = [layer]))
    const result = await gate(r, `${r.host}/acme/app:v1`)
    expectNothingAccepted(result, 1)
    expect(only(result).evidence[0]!.error).toBe('the bundle layer is not JSON')
  })

  test('Content-Encoding: gzip of endless zeros is cut at the declared size after decoding, memory flat', async () => {
    const r = await registry()
    const { referrer } = await signedImage(r, ss)
    const layer = await referrerLayer(r, referrer)
    on(r, new RegExp(`/blobs/${layer.digest}$`), (_req, res) => {
      res.writeHead(200, { 'content-encoding': 'gzip', 'content-type': BUNDLE_V03 })
      const gzip = zlib.createGzip()
      gzip.pipe(res)
      const zeros = Buffer.alloc(MiB)
      const pump = (): void => {
        while (!res.destroyed && gzip.write(zeros));
        if (!res.destroyed) gzip.once('drain', pump)
      }
      res.on('close', () => gzip.destroy())
      pump()
    })
    const { value: result, growth } = await withPeakRss(() =>
      gate(r, `${r.host}/acme/app:v1`, { timeout: '10' }),
    )
    expectNothingAccepted(result, 1)
    expect(only(result).evidence[0]!.error).toBe(
      `the response is larger than the ${layer.size}-byte limit`,
    )
    expect(growth).toBeLessThan(RSS_BOUND)
  })

  test.each([
    ['3 GiB', 3 * 1024 * MiB, /the bundle declares 3221225472 bytes uncompressed; the limit is/],
    [
      '10 GiB (more than snappy can say)',
      10 * 1024 * MiB,
      /not valid snappy data: its length header is malformed/,
    ],
  ])(
    'a snappy bundle_url declaring %s is a failed piece before anything is allocated',
    async (_n, length, reason) => {
      const r = await registry()
      const image = putImage(r)
      const api = await startFakeGithub()
      const blobs = await startFakeGithub()
      open.push(api, blobs)
      // A snappy varint header for `length`, then one literal.
      const header: number[] = []
      for (let n = length; ; n = Math.floor(n / 128)) {
        if (n < 128) {
          header.push(n)
          break
        }
        header.push((n % 128) | 0x80)
      }
      blobs.answer('/b.json.sn', {
        body: Buffer.concat([Buffer.from(header), snappyLiterals(Buffer.from('{}')).subarray(1)]),
      })
      api.attestations(`/repos/acme/app/attestations/${image.digest}`, [
        [{ bundle: null, bundle_url: `${blobs.url}/b.json.sn` }],
      ])
      const { value: result, growth } = await withPeakRss(() =>
        runGate(
          r.host,
          {
            image: `${r.host}/acme/app:v1`,
            'trusted-root': root,
            'certificate-identity': APP_SAN,
            'github-token': 'ghs_x',
          },
          { insecure: [api.host, blobs.host], deps: { githubApiUrl: api.url } },
        ),
      )
      expectNothingAccepted(result, 1)
      expect(only(result).evidence).toEqual([
        expect.objectContaining({ source: 'github', error: expect.stringMatching(reason) }),
      ])
      expect(growth).toBeLessThan(RSS_BOUND)
    },
  )
})

describe('T43 huge error and token bodies', () => {
  const MARKER = 'ERROR-BODY-MARKER-'
  test.each([
    [401, 'REGISTRY_UNAUTHORIZED', /refused access to acme\/app \(HTTP 401\)/],
    [404, 'REGISTRY_NOT_FOUND', /acme\/app:v1 was not found/],
    [500, 'REGISTRY_HTTP', /failed with HTTP 500/],
  ])(
    'HTTP %s with an endless body: at most 64 KiB read, the status in the message, the body never echoed',
    async (status, code, message) => {
      const r = await registry()
      let written = (): number => 0
      on(r, /\/manifests\/v1$/, (_req, res) => {
        written = streamForever(res, { status, chunk: Buffer.from(MARKER.repeat(4096)) }).written
      })
      const { value: result, growth } = await withPeakRss(() => gate(r, `${r.host}/acme/app:v1`))
      expectImageError(result, code, message)
      expect(JSON.stringify(result)).not.toContain(MARKER)
      expect(growth).toBeLessThan(RSS_BOUND)
      expect(written()).toBeLessThan(64 * MiB)
    },
  )

  test('a token endpoint answering endless JSON is exit 2 LIMIT_EXCEEDED at 128 KiB', async () => {
    const r = await registry({ bearer: { token: 't' } })
    putImage(r)
    on(r, /^\/token$/, (_req, res) => {
      streamForever(res, { headers: { 'content-type': 'application/json' }, prefix: '{"token":"' })
    })
    const { value: result, growth } = await withPeakRss(() => gate(r, `${r.host}/acme/app:v1`))
    expectImageError(result, 'LIMIT_EXCEEDED', /larger than the 131072-byte limit/)
    expect(growth).toBeLessThan(RSS_BOUND)
  })
})

describe('T44 too many signatures, referrers or layers', () => {
  test('500 unverifiable bundle referrers and one good one: exit 2, none evaluated, nothing fetched past the listing', async () => {
    const r = await registry()
    const { image } = await signedImage(r, ss)
    const junk = r.putBlob('{"not":"a bundle"}', BUNDLE_V03)
    const config = r.putBlob('{}', 'application/vnd.oci.empty.v1+json')
    for (let n = 0; n < 500; n++) {
      r.putManifest({
        schemaVersion: 2,
        mediaType: OCI_MANIFEST,
        artifactType: BUNDLE_V03,
        config,
        layers: [junk],
        subject: image,
        annotations: { n: String(n) },
      })
    }
    const result = await gate(r, `${r.host}/acme/app:v1`)
    expectImageError(
      result,
      'LIMIT_EXCEEDED',
      /more than 100 signatures and attestations .*even if a valid one is among them/,
    )
    // The cap is met on the listing: no referrer manifest and no blob was downloaded.
    expect(requestsTo(r, /\/blobs\//)).toEqual([])
    expect(requestsTo(r, /\/manifests\/sha256:/)).toEqual([])
  })

  test("a .sig tag with 101 layers (under cosign's 1000, over the 100 candidates) fails before any blob is fetched", async () => {
    const r = await registry()
    const image = putImage(r)
    const layer = r.putBlob('{}', SIMPLESIGNING)
    const config = r.putBlob('{}', 'application/vnd.oci.image.config.v1+json')
    r.putManifest(
      {
        schemaVersion: 2,
        mediaType: OCI_MANIFEST,
        config,
        layers: Array(101).fill({
          ...layer,
          annotations: { 'dev.cosignproject.cosign/signature': 'MEUC' },
        }),
      },
      `${image.digest.replace(':', '-')}.sig`,
    )
    const result = await gate(r, `${r.host}/acme/app:v1`)
    expectImageError(result, 'LIMIT_EXCEEDED', /cosign \.sig\/\.att tags/)
    expect(requestsTo(r, /\/blobs\//)).toEqual([])
  })

  test('the cap counts every source together: 60 referrers and 41 .att layers are too many', async () => {
    const r = await registry()
    const image = putImage(r)
    const bundle = await signatureBundle(ss, image.digest)
    for (let n = 0; n < 60; n++) r.putReferrer(image, bundle, { annotations: { n: String(n) } })
    const layer = r.putBlob('{}', 'application/vnd.dsse.envelope.v1+json')
    const config = r.putBlob('{}', 'application/vnd.oci.image.config.v1+json')
    r.putManifest(
      { schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers: Array(41).fill(layer) },
      `${image.digest.replace(':', '-')}.att`,
    )
    expectImageError(
      await gate(r, `${r.host}/acme/app:v1`),
      'LIMIT_EXCEEDED',
      /more than 100 signatures/,
    )
  })

  const declared = (n: number) => ({
    digest: `sha256:${n.toString(16).padStart(64, '0')}`,
    size: 30 * MiB,
  })

  test('.sig layers declaring 18 × 30 MiB (over the 512 MiB of blobs an image may have): exit 2 before any blob is fetched', async () => {
    const r = await registry()
    const image = putImage(r)
    const config = r.putBlob('{}', 'application/vnd.oci.image.config.v1+json')
    const layers = Array.from({ length: 18 }, (_, n) => ({
      mediaType: SIMPLESIGNING,
      ...declared(n),
    }))
    r.putManifest(
      { schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers },
      `${image.digest.replace(':', '-')}.sig`,
    )
    const result = await gate(r, `${r.host}/acme/app:v1`)
    expectImageError(
      result,
      'LIMIT_EXCEEDED',
      /more than 512 MiB together .*cosign \.sig\/\.att tags/,
    )
    expect(requestsTo(r, /\/blobs\//)).toEqual([])
  })

  test('bundle referrers whose layers declare more than 512 MiB together: exit 2, never one piece’s failure', async () => {
    const r = await registry()
    const { image } = await signedImage(r, ss)
    const config = r.putBlob('{}', 'application/vnd.oci.empty.v1+json')
    for (let n = 0; n < 18; n++) {
      r.putManifest({
        schemaVersion: 2,
        mediaType: OCI_MANIFEST,
        artifactType: BUNDLE_V03,
        config,
        layers: [{ mediaType: BUNDLE_V03, ...declared(n) }],
        subject: image,
      })
    }
    const result = await gate(r, `${r.host}/acme/app:v1`)
    expectImageError(result, 'LIMIT_EXCEEDED', /more than 512 MiB together .*referrer sha256:/)
  })

  test('an index and its platforms share the 512 MiB: two platforms declaring 300 MiB each is exit 2 under platforms: all', async () => {
    const r = await registry()
    const config = r.putBlob('{}', 'application/vnd.oci.image.config.v1+json')
    const entries = ['amd64', 'arm64'].map((arch, p) => {
      const platform = putImage(r, arch, arch)
      const layers = Array.from({ length: 10 }, (_, n) => ({
        mediaType: SIMPLESIGNING,
        ...declared(100 * p + n),
      }))
      r.putManifest(
        { schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers },
        `${platform.digest.replace(':', '-')}.sig`,
      )
      return { ...platform, platform: { os: 'linux', architecture: arch } }
    })
    r.putManifest({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: entries }, 'multi')
    const result = await gate(r, `${r.host}/acme/app:multi`, { platforms: 'all' })
    expectNothingAccepted(result, 2)
    const errors = (only(result).platforms ?? []).map((p) => p.error)
    expect(
      errors.some((e) => e?.code === 'LIMIT_EXCEEDED' && /more than 512 MiB/.test(e.message)),
    ).toBe(true)
  })

  test('an index listing 65 platform manifests under platforms: all is exit 2, and none is read', async () => {
    const r = await registry()
    const platform = putImage(r, 'one', 'one')
    const manifests = Array.from({ length: 65 }, (_, n) => ({
      ...platform,
      platform: { os: 'linux', architecture: `arch${n}` },
    }))
    r.putManifest({ schemaVersion: 2, mediaType: OCI_INDEX, manifests }, 'multi')
    const result = await gate(r, `${r.host}/acme/app:multi`, { platforms: 'all' })
    expectImageError(result, 'LIMIT_EXCEEDED', /lists 65 platform manifests to check; at most 64/)
    expect(requestsTo(r, new RegExp(platform.digest.slice('sha256:'.length)))).toEqual([])
  })

  test('exactly 100 candidates are all evaluated (the cap is not off by one)', async () => {
    const r = await registry()
    const image = putImage(r)
    const bundle = await signatureBundle(ss, image.digest)
    for (let n = 0; n < 100; n++) r.putReferrer(image, bundle, { annotations: { n: String(n) } })
    const result = await gate(r, `${r.host}/acme/app:v1`)
    expect(result.verdict).toBe('pass')
    expect(only(result).evidence).toHaveLength(100)
  })
})

describe('T45 pagination that never ends', () => {
  test('a Link to the page itself is refused (exit 2)', async () => {
    const r = await registry()
    putImage(r)
    on(r, /\/referrers\//, (req, res) => {
      res.writeHead(200, { 'content-type': OCI_INDEX, link: `<${req.url}>; rel="next"` })
      res.end('{"schemaVersion":2,"manifests":[]}')
    })
    expectImageError(
      await gate(r, `${r.host}/acme/app:v1`),
      'REGISTRY_PROTOCOL',
      /points elsewhere or loops/,
    )
    expect(requestsTo(r, /\/referrers\//)).toHaveLength(1)
  })

  test('a new page forever stops after 10 pages: exit 2 LIMIT_EXCEEDED', async () => {
    const r = await registry()
    putImage(r)
    on(r, /\/referrers\//, (req, res) => {
      const url = new URL(req.url ?? '/', 'http://x')
      const page = Number(url.searchParams.get('page') ?? 0)
      res.writeHead(200, {
        'content-type': OCI_INDEX,
        link: `<${url.pathname}?page=${page + 1}>; rel="next"`,
      })
      res.end('{"schemaVersion":2,"manifests":[]}')
    })
    expectImageError(
      await gate(r, `${r.host}/acme/app:v1`),
      'LIMIT_EXCEEDED',
      /more than 10 pages of referrers/,
    )
    expect(requestsTo(r, /\/referrers\//)).toHaveLength(10)
  })

  test('a next Link without its <> is malformed: exit 2, never the end of the list', async () => {
    const r = await registry()
    putImage(r)
    on(r, /\/referrers\//, (req, res) => {
      res.writeHead(200, { 'content-type': OCI_INDEX, link: `${req.url}?page=2>; rel="next"` })
      res.end('{"schemaVersion":2,"manifests":[]}')
    })
    expectImageError(
      await gate(r, `${r.host}/acme/app:v1`),
      'REGISTRY_PROTOCOL',
      /malformed next page/,
    )
  })
})

describe('T46 a pagination Link to another origin', () => {
  test.each([
    ['another loopback address (the sink)', (s: Sink) => `${s.url}/latest/meta-data`],
    ['the cloud metadata address', () => 'https://169.254.169.254/latest/meta-data/iam'],
    [
      'the same host over another scheme',
      (_s: Sink, r: FakeRegistry) => `https://${r.host}/v2/acme/app/referrers/x?page=2`,
    ],
  ])('%s is refused before any request; the sink receives nothing', async (_name, target) => {
    const r = await registry({ bearer: { token: 'registry-token' } })
    const s = await sink()
    putImage(r)
    on(r, /\/referrers\//, (req, res) => {
      if (req.headers.authorization !== 'Bearer registry-token') return false
      res.writeHead(200, { 'content-type': OCI_INDEX, link: `<${target(s, r)}>; rel="next"` })
      res.end('{"schemaVersion":2,"manifests":[]}')
    })
    expectImageError(
      await gate(r, `${r.host}/acme/app:v1`, {}, [s.host]),
      'REGISTRY_PROTOCOL',
      /points elsewhere/,
    )
    expect(s.received()).toBe('')
  })
})

describe('T47 ambiguous manifests and media-type confusion', () => {
  test.each<[string, (config: Desc) => object, string | undefined]>([
    [
      'both manifests and layers',
      (c) => ({ schemaVersion: 2, mediaType: OCI_MANIFEST, config: c, layers: [], manifests: [] }),
      undefined,
    ],
    [
      'both manifests and config',
      (c) => ({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [], config: c }),
      undefined,
    ],
    [
      'a Content-Type contradicting the embedded mediaType',
      (c) => ({ schemaVersion: 2, mediaType: OCI_MANIFEST, config: c, layers: [] }),
      OCI_INDEX,
    ],
    [
      'a Docker schema 1 manifest',
      () => ({ schemaVersion: 1, name: 'acme/app', tag: 'v1', fsLayers: [], signatures: [] }),
      'application/vnd.docker.distribution.manifest.v1+prettyjws',
    ],
    [
      'a mediaType that is not a string',
      (c) => ({ schemaVersion: 2, mediaType: { x: 1 }, config: c, layers: [] }),
      undefined,
    ],
    // Without its mediaType an index is typed by the Content-Type alone: platforms: all would
    // otherwise judge it as one image on its own signature, its platforms never read.
    [
      'a list of manifests served as an image manifest',
      () => ({ schemaVersion: 2, manifests: [] }),
      OCI_MANIFEST,
    ],
    [
      'a list of manifests served as JSON',
      () => ({ schemaVersion: 2, manifests: [] }),
      'application/json',
    ],
    [
      'an image manifest served as an index',
      (c) => ({ schemaVersion: 2, config: c, layers: [] }),
      OCI_INDEX,
    ],
  ])('an image that is %s is exit 2 REGISTRY_PROTOCOL', async (_name, doc, contentType) => {
    const r = await registry()
    const config = r.putBlob('{}')
    r.putManifest(doc(config), 'v1', contentType)
    expectImageError(await gate(r, `${r.host}/acme/app:v1`), 'REGISTRY_PROTOCOL', /is ambiguous/)
  })

  // Go's encoding/json (containerd, moby) fills a struct field from any key matching it case-
  // insensitively, the last winning: `Manifests` or a platform's `OS` is what a runtime reads.
  test.each([
    [
      'a second, capitalised list of manifests',
      (good: string, evil: string) => `"manifests":[${good}],"Manifests":[${evil}]`,
    ],
    [
      'a platform spelt twice (os, then OS)',
      (good: string, evil: string) =>
        `"manifests":[${evil.replace('"os":"linux"', '"os":"windows","OS":"linux"')},${good}]`,
    ],
  ])(
    'an index with %s is exit 2 under platforms: all, the entries unread',
    async (_name, members) => {
      const r = await registry()
      const good = putImage(r, 'good', 'good')
      const evil = putImage(r, 'evil', 'evil')
      const entry = (d: Desc) =>
        `{"mediaType":"${d.mediaType}","digest":"${d.digest}","size":${d.size},"platform":{"os":"linux","architecture":"amd64"}}`
      r.putManifest(
        Buffer.from(
          `{"schemaVersion":2,"mediaType":"${OCI_INDEX}",${members(entry(good), entry(evil))}}`,
        ),
        'multi',
        OCI_INDEX,
      )
      const result = await gate(r, `${r.host}/acme/app:multi`, { platforms: 'all' })
      expectImageError(result, 'REGISTRY_PROTOCOL', /which Go reads as one/)
      expect(requestsTo(r, new RegExp(evil.digest.slice(7)))).toEqual([])
    },
  )

  test('annotations keep their keys as written (a map for Go): case variants are not refused', async () => {
    const r = await registry()
    const config = r.putBlob('{}', 'application/vnd.oci.image.config.v1+json')
    const layer = r.putBlob('x', 'application/vnd.oci.image.layer.v1.tar+gzip')
    const image = r.putManifest(
      {
        schemaVersion: 2,
        mediaType: OCI_MANIFEST,
        config,
        layers: [layer],
        annotations: { 'org.example.note': 'a', 'org.example.Note': 'b' },
      },
      'v1',
    )
    r.putReferrer(image, await signatureBundle(ss, image.digest), {
      predicateType: COSIGN_SIGN_PREDICATE,
    })
    expect((await gate(r, `${r.host}/acme/app:v1`)).verdict).toBe('pass')
  })

  test('a bundle referrer that is also an index is a failed piece', async () => {
    const r = await registry()
    const image = putImage(r)
    await referrerWith(r, image, (m) => (m.manifests = []))
    const result = await gate(r, `${r.host}/acme/app:v1`)
    expectNothingAccepted(result, 1)
    expect(only(result).evidence[0]!.error).toMatch(
      /is ambiguous: it has both manifests and layers/,
    )
  })

  test('a bundle referrer whose layer is application/octet-stream is a failed piece', async () => {
    const r = await registry()
    const image = putImage(r)
    await referrerWith(
      r,
      image,
      (m, l) => (m.layers = [{ ...l, mediaType: 'application/octet-stream' }]),
    )
    const result = await gate(r, `${r.host}/acme/app:v1`)
    expectNothingAccepted(result, 1)
    expect(only(result).evidence[0]!.error).toBe(
      'a bundle referrer must have exactly one bundle layer',
    )
  })
})

describe('T48 malformed digest strings in descriptors', () => {
  const BAD = [
    'sha256:../../../v2/other/manifests/latest',
    `sha256:${'a'.repeat(63)}`,
    `md5:${'a'.repeat(32)}`,
    `sha256:${'A'.repeat(64)}`,
    `sha256:${'a'.repeat(30)}%2F..%2Fother`,
  ]
  const noStrayPath = (r: FakeRegistry) =>
    expect(
      r.requests.map((q) => q.url).filter((u) => /other|\.\.|%2F|md5|[A-F]{64}|a{63}[^a]/.test(u)),
    ).toEqual([])

  test('referrers with malformed digests are never fetched, never counted: exit 1, nothing found', async () => {
    const r = await registry()
    putImage(r)
    on(r, /\/referrers\//, (_req, res) => {
      res.writeHead(200, { 'content-type': OCI_INDEX })
      res.end(
        JSON.stringify({
          schemaVersion: 2,
          manifests: BAD.map((digest) => ({
            mediaType: OCI_MANIFEST,
            artifactType: BUNDLE_V03,
            digest,
            size: 100,
          })),
        }),
      )
    })
    const result = await gate(r, `${r.host}/acme/app:v1`)
    expectNothingAccepted(result, 1)
    expect(only(result).findings[0]!.actual).toBe(NO_EVIDENCE)
    noStrayPath(r)
  })

  test.each([
    ['not a list', '{"a":1}'],
    ['a list holding null', '[null]'],
  ])(
    'an index whose manifests are %s is exit 2 REGISTRY_PROTOCOL under platforms: all',
    async (_n, list) => {
      const r = await registry()
      r.putManifest(
        Buffer.from(`{"schemaVersion":2,"mediaType":"${OCI_INDEX}","manifests":${list}}`),
        'multi',
        OCI_INDEX,
      )
      const result = await gate(r, `${r.host}/acme/app:multi`, { platforms: 'all' })
      expectImageError(result, 'REGISTRY_PROTOCOL', /manifests are not a list of descriptors/)
    },
  )

  test('a platform manifest with a malformed digest is exit 2 under platforms: all, and no URL is built from it (registry or GitHub API)', async () => {
    const r = await registry()
    const api = await startFakeGithub()
    open.push(api)
    const amd64 = putImage(r, 'amd64', 'amd64')
    r.putReferrer(amd64, await signatureBundle(ss, amd64.digest), {
      predicateType: COSIGN_SIGN_PREDICATE,
    })
    r.putManifest(
      {
        schemaVersion: 2,
        mediaType: OCI_INDEX,
        manifests: [
          { ...amd64, platform: { os: 'linux', architecture: 'amd64' } },
          { ...amd64, digest: BAD[0], platform: { os: 'linux', architecture: 'arm64' } },
        ],
      },
      'multi',
    )
    const result = await runGate(
      r.host,
      {
        image: `${r.host}/acme/app:multi`,
        'trusted-root': root,
        'certificate-identity': APP_SAN,
        'github-token': 'ghs_token',
        platforms: 'all',
      },
      { insecure: [api.host], deps: { githubApiUrl: api.url } },
    )
    expectNothingAccepted(result, 2)
    expect(
      only(result).platforms?.find((p) => p.platform === 'linux/arm64')?.error?.message,
    ).toMatch(/the digest to examine is not sha256/)
    noStrayPath(r)
    // The API (which gets the token) was asked about real digests only.
    expect(
      api.requests.map((q) => q.url).filter((u) => !/attestations\/sha256:[0-9a-f]{64}\?/.test(u)),
    ).toEqual([])
  })

  test('a cosign layer with a malformed digest is a failed piece and its blob is never asked for', async () => {
    const r = await registry()
    const image = putImage(r)
    const config = r.putBlob('{}', 'application/vnd.oci.image.config.v1+json')
    r.putManifest(
      {
        schemaVersion: 2,
        mediaType: OCI_MANIFEST,
        config,
        layers: BAD.map((digest) => ({ mediaType: SIMPLESIGNING, digest, size: 10 })),
      },
      `${image.digest.replace(':', '-')}.sig`,
    )
    const result = await gate(r, `${r.host}/acme/app:v1`)
    expectNothingAccepted(result, 1)
    expect(only(result).evidence.map((e) => e.error)).toEqual(
      BAD.map(() => 'the layer descriptor has no valid digest and size'),
    )
    noStrayPath(r)
  })
})

describe('T49 foreign layer URLs', () => {
  test('a bundle layer naming urls is read from the registry only; when the registry lacks it the piece fails and the URL is never fetched', async () => {
    const r = await registry()
    const s = await sink()
    s.respond(() => ({ status: 200, body: 'whatever' }))
    const image = putImage(r)
    await referrerWith(r, image, (m) => {
      const missing = { mediaType: BUNDLE_V03, digest: sha256('not stored'), size: 10 }
      m.layers = [{ ...missing, urls: [`${s.url}/x`, 'http://169.254.169.254/latest'] }]
    })
    const result = await gate(r, `${r.host}/acme/app:v1`, {}, [s.host])
    expectNothingAccepted(result, 1)
    expect(only(result).evidence[0]!.error).toMatch(/failed with HTTP 404$/)
    expect(s.received()).toBe('')
  })
})

describe('T50 slow-loris and black holes end at the timeout input (exit 2 TIMEOUT)', () => {
  // Moved here from __tests__/registry/timeouts.test.ts. The jest timeout bounds each test; the
  // `timeout` input (2 s) is what ends the run.
  const timers: NodeJS.Timeout[] = []
  afterEach(() => timers.splice(0).forEach(clearInterval))

  test.each<[string, (res: http.ServerResponse) => void]>([
    ['a registry that accepts and never answers', () => undefined],
    [
      'headers, then one byte every 20 s',
      (res) => {
        res.writeHead(200, { 'content-type': OCI_MANIFEST })
        res.write('{')
        timers.push(setInterval(() => res.write(' '), 20_000))
      },
    ],
    [
      'headers, then a trickle forever (1 KB/s)',
      (res) => {
        res.writeHead(200, { 'content-type': OCI_MANIFEST })
        timers.push(setInterval(() => res.write(Buffer.alloc(100, 0x20)), 100))
      },
    ],
  ])(
    '%s',
    async (_name, stall) => {
      const r = await registry()
      on(r, /\/manifests\/v1$/, (_req, res) => stall(res))
      const { value: result, growth } = await withPeakRss(() =>
        gate(r, `${r.host}/acme/app:v1`, { timeout: '2' }),
      )
      expectImageError(result, 'TIMEOUT')
      expect(growth).toBeLessThan(RSS_BOUND)
    },
    20_000,
  )

  test('a stall after the image resolved (in the referrers) ends the same way', async () => {
    const r = await registry()
    await signedImage(r, ss)
    on(r, /\/referrers\//, () => undefined)
    expectImageError(await gate(r, `${r.host}/acme/app:v1`, { timeout: '2' }), 'TIMEOUT')
  }, 20_000)
})

describe('T51 401 loops', () => {
  test('a token the registry keeps refusing: one token request, one retry, then exit 2', async () => {
    const r = await registry({ bearer: { token: 'good' } })
    putImage(r)
    on(r, /^\/token$/, (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end('{"token":"wrong"}')
    })
    expectImageError(await gate(r, `${r.host}/acme/app:v1`), 'REGISTRY_UNAUTHORIZED', /HTTP 401/)
    expect(requestsTo(r, /^\/token\b/)).toHaveLength(1)
    expect(requestsTo(r, /\/manifests\/v1$/)).toHaveLength(2)
  })

  test('a token endpoint answering 401: exit 2 after one request to it', async () => {
    const r = await registry({ bearer: { token: 'good' } })
    putImage(r)
    on(r, /^\/token$/, (_req, res) => {
      res.writeHead(401)
      res.end()
    })
    expectImageError(
      await gate(r, `${r.host}/acme/app:v1`),
      'REGISTRY_UNAUTHORIZED',
      /token service answered HTTP 401/,
    )
    expect(r.requests).toHaveLength(2)
  })

  test('a challenge whose scope changes every time is not followed: the token asked for is always pull on this repository', async () => {
    const r = await registry({ bearer: { token: 'good' } })
    putImage(r)
    let n = 0
    on(r, /\/v2\//, (_req, res) => {
      n++
      res.writeHead(401, {
        'www-authenticate': `Bearer realm="http://${r.host}/token",service="fake",scope="repository:other-${n}:push,pull"`,
      })
      res.end()
    })
    expectImageError(await gate(r, `${r.host}/acme/app:v1`), 'REGISTRY_UNAUTHORIZED')
    const tokens = r.requests.filter((q) => q.url.startsWith('/token'))
    expect(tokens).toHaveLength(1)
    expect(new URL(tokens[0]!.url, r.url).searchParams.get('scope')).toBe(
      'repository:acme/app:pull',
    )
    expect(r.requests).toHaveLength(3)
  })
})
