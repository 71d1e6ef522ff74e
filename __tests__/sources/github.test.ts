// The github source against a loopback API speaking GitHub's shape, with REAL GitHub-produced
// bundles (gh's test data: subjects are files, so the source is called with their digest) and
// mini-Sigstore bundles. A second loopback listener plays the bundle_url blob host and records
// every header it is sent.
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { GateError } from '../../src/errors.js'
import type { RegistryClient } from '../../src/registry/index.js'
import type { GithubApi } from '../../src/sources/github-api.js'
import { ByteAllowance, EvidenceBudget } from '../../src/sources/budget.js'
import { githubSource } from '../../src/sources/github.js'
import type { SourceContext } from '../../src/sources/index.js'
import type { Evidence } from '../../src/types.js'
import { checkEvidence, loadTrust, type IdentityPolicy } from '../../src/verify/index.js'
import { snappyLiterals, startFakeGithub, type FakeGithub } from '../helpers/github-api.js'
import { createMiniSigstore, inTotoStatement, type MiniSigstore } from '../helpers/mini-sigstore.js'
import { nodeTransport } from '../../src/registry/transport.js'

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures')
const CLI = path.join(FIXTURES, 'bundles/cli/pkg/cmd/attestation/test/data')
const readJson = (file: string): unknown =>
  JSON.parse(fs.readFileSync(path.join(CLI, file), 'utf8'))
const ISSUER = { exact: 'https://token.actions.githubusercontent.com' }
const SLSA = 'https://slsa.dev/provenance/v1'
const TOKEN = 'ghs_test-token-never-leaves-the-api'

// gh's reusable-workflow fixture: workflow in github/artifact-attestations-workflows, run from
// malancas/attest-demo, about github_provenance_demo-0.0.0-py3-none-any.whl.
const REUSABLE = {
  bundle: readJson('reusable-workflow-attestation.sigstore.json'),
  digest: 'sha256:49a3aa6075e0f49f82843e74b5baa614ad2a588e6675612bf108a0a008c5ac25',
  san: 'https://github.com/github/artifact-attestations-workflows/.github/workflows/attest.yml@09b495c3f12c7881b3cc17209a327792065c1a1d',
  policy: {
    subjectAlternativeName: { regexp: '.*' },
    issuer: ISSUER,
    github: { sourceRepositoryUri: { exact: 'https://github.com/malancas/attest-demo' } },
  } as IdentityPolicy,
}
// sigstore-js 2.1.0's npm provenance: the subject has a sha512 digest only.
const SIGSTORE_JS = {
  bundle: readJson('sigstore-js-2.1.0-bundle.json'),
  digest:
    'sha512:90f223f992e4c88dd068cd2a5fc57f9d2b30798343dd6e38f29c240e04ba090ef831f84490847c4e82b9232c78e8a258463b1e55c0f7469f730265008fa6633f',
  san: 'https://github.com/sigstore/sigstore-js/.github/workflows/release.yml@refs/heads/main',
}

let api: FakeGithub
let blobs: FakeGithub
let ss: MiniSigstore
let waits: number[]

beforeAll(async () => {
  ss = await createMiniSigstore()
})
beforeEach(async () => {
  api = await startFakeGithub()
  blobs = await startFakeGithub()
  waits = []
})
afterEach(async () => {
  await api.close()
  await blobs.close()
})

function context(identities: IdentityPolicy[], overrides: Partial<GithubApi> = {}): SourceContext {
  const github: GithubApi = {
    url: api.url,
    token: TOKEN,
    http: {
      transport: nodeTransport,
      deadline: AbortSignal.timeout(30_000),
      insecureHosts: new Set([api.host, blobs.host]),
      sleep: async (ms) => void waits.push(ms),
    },
    deadlineAt: Date.now() + 30_000,
    maxBytes: 1024 * 1024,
    identities,
    ...overrides,
  }
  // The github source never touches the registry.
  return { registry: {} as RegistryClient, concurrency: 4, github }
}

const collect = (digest: string, ctx: SourceContext, image = 'acme/app'): Promise<Evidence[]> =>
  githubSource.collect(
    { repository: { registry: 'ghcr.io', repository: image }, digest, mediaType: '' },
    ctx,
  )

const appSan = (repo = 'acme/app') =>
  `https://github.com/${repo}/.github/workflows/release.yml@refs/tags/v1.0.0`
const APP = { subjectAlternativeName: { exact: appSan() }, issuer: ISSUER }
const DIGEST = `sha256:${'ab'.repeat(32)}`
const APP_PATH = `/repos/acme/app/attestations/${DIGEST}`

async function miniBundle(digest = DIGEST): Promise<unknown> {
  return (
    await ss.attest(inTotoStatement({ name: 'ghcr.io/acme/app', digest, predicateType: SLSA }))
  ).bundle
}

async function rejection(promise: Promise<unknown>): Promise<GateError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(GateError)
  return error as GateError
}

describe('real GitHub bundles through the API', () => {
  test('inline: asked by the source repository, verified against the production root', async () => {
    api.attestations(`/repos/malancas/attest-demo/attestations/${REUSABLE.digest}`, [
      [{ bundle: REUSABLE.bundle, repository_id: 1, bundle_url: null }],
    ])
    const found = await collect(REUSABLE.digest, context([REUSABLE.policy]))
    expect(found).toEqual([
      {
        source: 'github',
        location: 'GitHub attestations API (repos/malancas/attest-demo), attestation 1',
        bundle: REUSABLE.bundle,
      },
    ])
    const trust = await loadTrust({
      trustedRootPath: path.join(CLI, 'trusted_root.json'),
      loadPublicGood: () => Promise.reject(new Error('offline')),
    })
    const checked = checkEvidence(found[0]!, REUSABLE.digest, trust)
    expect(checked).toMatchObject({ verified: true, kind: 'attestation', predicateType: SLSA })
    expect(checked.signer?.subjectAlternativeName).toBe(REUSABLE.san)
    expect(checked.signer?.github.sourceRepositoryUri).toBe(
      'https://github.com/malancas/attest-demo',
    )
    // One request, to the API, with the token, GitHub's media type and the largest page size.
    expect(api.requests).toHaveLength(1)
    expect(api.requests[0]!.url).toBe(
      `/repos/malancas/attest-demo/attestations/${REUSABLE.digest}?per_page=100`,
    )
    expect(api.requests[0]!.headers).toMatchObject({
      authorization: `Bearer ${TOKEN}`,
      accept: 'application/vnd.github+json',
    })
  })

  test('bundle: null with a snappy bundle_url (the 2026 shape): fetched without credentials', async () => {
    const sn = fs.readFileSync(
      path.join(FIXTURES, 'github/reusable-workflow-attestation.sigstore.json.sn'),
    )
    blobs.answer('/attestations/1/2.json.sn', {
      headers: { 'content-type': 'application/x-snappy' },
      body: sn,
    })
    api.attestations(`/repos/malancas/attest-demo/attestations/${REUSABLE.digest}`, [
      [
        {
          bundle: null,
          bundle_url: `${blobs.url}/attestations/1/2.json.sn?sig=presigned`,
          initiator: 'user',
        },
      ],
    ])
    const [found] = await collect(REUSABLE.digest, context([REUSABLE.policy]))
    expect(found!.bundle).toEqual(REUSABLE.bundle)
    const trust = await loadTrust({
      trustedRootPath: path.join(CLI, 'trusted_root.json'),
      loadPublicGood: () => Promise.reject(new Error('offline')),
    })
    expect(checkEvidence(found!, REUSABLE.digest, trust).verified).toBe(true)
    // T64: the blob host never sees the API token.
    expect(blobs.requests).toHaveLength(1)
    expect(blobs.requests[0]!.headers['authorization']).toBeUndefined()
    expect(api.requests[0]!.headers['authorization']).toBe(`Bearer ${TOKEN}`)
  })

  test('a sha512 subject, asked by the repository an exact SAN names', async () => {
    api.attestations(`/repos/sigstore/sigstore-js/attestations/${SIGSTORE_JS.digest}`, [
      [{ bundle: SIGSTORE_JS.bundle }],
    ])
    const policy = { subjectAlternativeName: { exact: SIGSTORE_JS.san }, issuer: ISSUER }
    const [found] = await collect(SIGSTORE_JS.digest, context([policy]))
    const trust = await loadTrust({
      trustedRootPath: path.join(CLI, 'trusted_root.json'),
      loadPublicGood: () => Promise.reject(new Error('offline')),
    })
    expect(checkEvidence(found!, SIGSTORE_JS.digest, trust)).toMatchObject({
      verified: true,
      signer: { subjectAlternativeName: SIGSTORE_JS.san },
    })
  })
})

describe('the attestations list', () => {
  test('three pages are followed by their Link cursors', async () => {
    const bundles = await Promise.all([1, 2, 3, 4].map(() => miniBundle()))
    api.attestations(APP_PATH, [
      [{ bundle: bundles[0] }, { bundle: bundles[1] }],
      [{ bundle: bundles[2] }],
      [{ bundle: bundles[3] }],
    ])
    const found = await collect(DIGEST, context([APP]))
    expect(found.map((e) => e.bundle)).toEqual(bundles)
    expect(found.map((e) => e.location.replace(/.*, /, ''))).toEqual([
      'attestation 1',
      'attestation 2',
      'attestation 3',
      'attestation 4',
    ])
    expect(api.requests.map((r) => new URL(r.url, api.url).searchParams.get('after'))).toEqual([
      null,
      'cursor1',
      'cursor2',
    ])
    expect(api.requests.every((r) => r.headers['authorization'] === `Bearer ${TOKEN}`)).toBe(true)
  })

  test('404 means no attestations: nothing found, no error', async () => {
    expect(await collect(DIGEST, context([APP]))).toEqual([])
    expect(api.requests).toHaveLength(1)
  })

  test('with nobody to ask about, the API is not called and nothing is said', async () => {
    const email = { subjectAlternativeName: { exact: 'dev@acme.example' }, issuer: ISSUER }
    const found = await githubSource.collect(
      {
        repository: { registry: 'quay.io', repository: 'acme/app' },
        digest: DIGEST,
        mediaType: '',
      },
      context([email]),
    )
    expect(found).toEqual([])
    expect(api.requests).toHaveLength(0)
  })

  test('the ghcr.io owner is asked by organisation when the policy names nobody', async () => {
    const bundle = await miniBundle()
    api.attestations(`/orgs/octo/attestations/${DIGEST}`, [[{ bundle }]])
    const email = { subjectAlternativeName: { exact: 'dev@acme.example' }, issuer: ISSUER }
    const found = await collect(DIGEST, context([email]), 'octo/tool')
    expect(found[0]!.location).toBe('GitHub attestations API (orgs/octo), attestation 1')
  })

  test('every repository the identities name is asked, at once', async () => {
    const [app, vexes] = await Promise.all([miniBundle(), miniBundle()])
    api.attestations(APP_PATH, [[{ bundle: app }]])
    api.attestations(`/repos/acme/security/attestations/${DIGEST}`, [[{ bundle: vexes }]])
    const security = { subjectAlternativeName: { exact: appSan('acme/security') }, issuer: ISSUER }
    const found = await collect(DIGEST, context([APP, security]))
    expect(found.map((e) => [e.location, e.bundle])).toEqual([
      ['GitHub attestations API (repos/acme/app), attestation 1', app],
      ['GitHub attestations API (repos/acme/security), attestation 1', vexes],
    ])
  })

  test('past 8 repositories, the ones left unasked are a failed piece', async () => {
    const many = [...Array(10).keys()].map((n) => ({
      subjectAlternativeName: { exact: appSan(`acme/app${n}`) },
      issuer: ISSUER,
    }))
    const found = await collect(DIGEST, context(many))
    expect(api.requests).toHaveLength(8)
    expect(found).toEqual([
      {
        source: 'github',
        location: 'GitHub attestations API',
        error: 'the policy names 10 repositories and owners; the API was asked about 8',
      },
    ])
  })

  test('a page that is not JSON is one failed piece with the reason, not an error', async () => {
    api.answer(APP_PATH, { status: 200, body: '<html>maintenance</html>' })
    expect(await collect(DIGEST, context([APP]))).toEqual([
      {
        source: 'github',
        location: 'GitHub attestations API (repos/acme/app)',
        error: 'page 1 of the attestations list is not JSON of that shape',
      },
    ])
  })

  test('a later page that is not the list keeps the earlier entries and adds the failure', async () => {
    const bundle = await miniBundle()
    api.override((req, res) => {
      if (!req.url?.includes('after=cursor1')) return false
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end('{"message":"not a list"}')
      return true
    })
    api.attestations(APP_PATH, [[{ bundle }], []])
    const found = await collect(DIGEST, context([APP]))
    expect(found.map((e) => e.error ?? 'bundle')).toEqual([
      'bundle',
      'page 2 of the attestations list is not JSON of that shape',
    ])
  })

  test('a later page answering 404 is a failure, not the end of the list', async () => {
    const bundle = await miniBundle()
    api.override((req, res) => {
      if (!req.url?.includes('after=cursor1')) return false
      res.writeHead(404)
      res.end()
      return true
    })
    api.attestations(APP_PATH, [[{ bundle }], []])
    const found = await collect(DIGEST, context([APP]))
    expect(found.map((e) => e.error ?? 'bundle')).toEqual([
      'bundle',
      'page 2 of the attestations list answered HTTP 404',
    ])
  })

  test('429 then success: the wait is honoured and the list is read', async () => {
    const bundle = await miniBundle()
    api.answer(APP_PATH, { status: 429, headers: { 'retry-after': '2' } })
    api.attestations(APP_PATH, [[{ bundle }]])
    const found = await collect(DIGEST, context([APP]))
    expect(found.map((e) => e.bundle)).toEqual([bundle])
    expect(waits).toEqual([2000])
  })

  test('403 with the primary limit spent waits until x-ratelimit-reset', async () => {
    const bundle = await miniBundle()
    const reset = Math.ceil(Date.now() / 1000) + 5
    api.answer(APP_PATH, {
      status: 403,
      headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) },
    })
    api.attestations(APP_PATH, [[{ bundle }]])
    expect((await collect(DIGEST, context([APP]))).map((e) => e.bundle)).toEqual([bundle])
    expect(waits).toHaveLength(1)
    expect(waits[0]).toBeGreaterThan(3000)
    expect(waits[0]).toBeLessThanOrEqual(6000)
  })

  test('a rate limit that resets after the overall deadline is exit 2, said clearly', async () => {
    const reset = Math.ceil(Date.now() / 1000) + 3600
    api.answer(
      APP_PATH,
      {
        status: 403,
        headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) },
      },
      5,
    )
    const error = await rejection(collect(DIGEST, context([APP])))
    expect(error.code).toBe('REGISTRY_HTTP')
    expect(error.message).toMatch(
      /^Failed to read the GitHub attestations API \(repos\/acme\/app\) for sha256:a.*: the GitHub API is rate-limited \(HTTP 403\) until .*, past the overall time limit$/,
    )
    expect(waits).toEqual([])
  })

  test('a rate limit that never lifts stops after a bounded number of waits', async () => {
    api.answer(APP_PATH, { status: 429, headers: { 'retry-after': '1' } }, 100)
    const error = await rejection(collect(DIGEST, context([APP])))
    expect(error.message).toContain('still rate-limited (HTTP 429) after 3 waits')
    // httpRequest's own retries (2 per request) plus our 3 waits, each a new request.
    expect(api.requests).toHaveLength(12)
  })

  test('5xx after the retries is exit 2, never a pass', async () => {
    api.answer(APP_PATH, { status: 502 }, 100)
    const error = await rejection(collect(DIGEST, context([APP])))
    expect(error.code).toBe('REGISTRY_HTTP')
    expect(error.message).toContain('the GitHub API answered HTTP 502')
    expect(api.requests).toHaveLength(3)
  })

  test('401 says a token with attestations: read is needed (exit 2)', async () => {
    api.answer(APP_PATH, { status: 401, body: '{"message":"Bad credentials"}' })
    const error = await rejection(collect(DIGEST, context([APP])))
    expect(error.code).toBe('REGISTRY_UNAUTHORIZED')
    expect(error.message).toContain('attestations: read')
  })

  test('more than 10 pages fail closed', async () => {
    const bundle = await miniBundle()
    api.attestations(
      APP_PATH,
      Array.from({ length: 11 }, () => [{ bundle }]),
    )
    const error = await rejection(collect(DIGEST, context([APP])))
    expect(error.code).toBe('LIMIT_EXCEEDED')
    expect(api.requests).toHaveLength(10)
  })

  test('more than 100 attestations fail closed (T44)', async () => {
    const bundle = await miniBundle()
    api.attestations(APP_PATH, [
      Array.from({ length: 60 }, () => ({ bundle })),
      Array.from({ length: 41 }, () => ({ bundle })),
    ])
    const error = await rejection(collect(DIGEST, context([APP])))
    expect(error.code).toBe('LIMIT_EXCEEDED')
    expect(error.message).toContain('more than 100 attestations')
  })

  test('a Link to another origin is refused before the token could follow it', async () => {
    api.answer(APP_PATH, {
      headers: { 'content-type': 'application/json', link: `<${blobs.url}/steal>; rel="next"` },
      body: '{"attestations":[]}',
    })
    const error = await rejection(collect(DIGEST, context([APP])))
    expect(error.code).toBe('REGISTRY_PROTOCOL')
    expect(blobs.requests).toHaveLength(0)
  })

  test('a redirect to another origin drops the token there (second listener)', async () => {
    api.answer(APP_PATH, { status: 302, headers: { location: `${blobs.url}${APP_PATH}` } })
    const bundle = await miniBundle()
    blobs.attestations(APP_PATH, [[{ bundle }]])
    const found = await collect(DIGEST, context([APP]))
    expect(found.map((e) => e.bundle)).toEqual([bundle])
    expect(api.requests[0]!.headers['authorization']).toBe(`Bearer ${TOKEN}`)
    expect(blobs.requests).toHaveLength(1)
    expect(blobs.requests[0]!.headers['authorization']).toBeUndefined()
  })
})

describe('bundle_url', () => {
  test('plain JSON and literal-only snappy are both read; the blob host never gets the token', async () => {
    const [a, b] = [await miniBundle(), await miniBundle()]
    blobs.answer('/a.json', {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(a),
    })
    blobs.answer('/b.json.sn', {
      headers: { 'content-type': 'application/octet-stream' },
      body: snappyLiterals(Buffer.from(JSON.stringify(b))),
    })
    api.attestations(APP_PATH, [
      [
        { bundle_url: `${blobs.url}/a.json` },
        { bundle: null, bundle_url: `${blobs.url}/b.json.sn` },
      ],
    ])
    const found = await collect(DIGEST, context([APP]))
    expect(found.map((e) => e.bundle)).toEqual([a, b])
    expect(blobs.requests.map((r) => r.headers['authorization'])).toEqual([undefined, undefined])
  })

  test.each([
    ['http://203.0.113.9/b.json', 'its bundle_url was not fetched: it is not HTTPS'],
    [
      'https://10.1.2.3/b.json',
      'its bundle_url was not fetched: it points to a private or loopback address',
    ],
    [
      'https://[::1]/b.json',
      'its bundle_url was not fetched: it points to a private or loopback address',
    ],
    [
      'https://[::ffff:127.0.0.1]/b.json',
      'its bundle_url was not fetched: it points to a private or loopback address',
    ],
    [
      'https://user:pw@blobs.example/b.json',
      'its bundle_url was not fetched: it carries credentials',
    ],
    ['not a url', 'its bundle_url was not fetched: it is not a URL'],
  ])('%s is refused without a request', async (url, reason) => {
    api.attestations(APP_PATH, [[{ bundle: null, bundle_url: url }]])
    const [found] = await collect(DIGEST, context([APP]))
    expect(found!.error).toBe(reason)
    expect(blobs.requests).toHaveLength(0)
  })

  test('an entry with neither bundle nor bundle_url, or not an object, is a failed piece', async () => {
    api.attestations(APP_PATH, [[{ bundle: null }, 'junk']])
    const found = await collect(DIGEST, context([APP]))
    expect(found.map((e) => e.error)).toEqual([
      'the listed attestation has no bundle or bundle_url',
      'the listed attestation is not a JSON object',
    ])
  })

  test('bodies over the cap, raw or once decompressed, are failed pieces (T42)', async () => {
    blobs.answer('/raw.json', { body: Buffer.alloc(4096, 0x20) })
    blobs.answer('/bomb.json.sn', {
      body: snappyLiterals(Buffer.alloc(2048, 0x20)).subarray(0, 64),
    })
    api.attestations(APP_PATH, [
      [{ bundle_url: `${blobs.url}/raw.json` }, { bundle_url: `${blobs.url}/bomb.json.sn` }],
    ])
    const found = await collect(DIGEST, context([APP], { maxBytes: 1024 }))
    expect(found.map((e) => e.error)).toEqual([
      'the response is larger than the 1024-byte limit',
      'the bundle declares 2048 bytes uncompressed; the limit is 1024',
    ])
  })

  // The image's byte budget counts what is held: decoded bundles, and the pages inline ones came in.
  test('a snappy bundle counts as the bytes it decodes to against the image’s budget', async () => {
    // 8192 spaces in 387 bytes: one literal, then copies of 64 bytes from one byte back.
    const copies = Array.from({ length: 128 }, (_, i) => [
      (((i === 127 ? 63 : 64) - 1) << 2) | 2,
      1,
      0,
    ])
    const serve = () => {
      blobs.answer('/wide.json.sn', { body: Buffer.from([0x80, 0x40, 0, 0x20, ...copies.flat()]) })
      api.attestations(APP_PATH, [[{ bundle_url: `${blobs.url}/wide.json.sn` }]])
    }
    const small = (limit: number) => ({
      ...context([APP]),
      budget: new EvidenceBudget({ bytes: new ByteAllowance(limit) }),
    })
    serve()
    await expect(collect(DIGEST, small(8000))).rejects.toThrow(/declare more than/)
    serve()
    const found = await collect(DIGEST, small(8192 + 4096))
    expect(found.map((e) => e.error)).toEqual(['the bundle from its bundle_url is not JSON'])
  })

  test('a page of inline bundles counts against the image’s budget', async () => {
    const bundle = await miniBundle()
    api.attestations(APP_PATH, [[{ bundle }]])
    const ctx = {
      ...context([APP]),
      budget: new EvidenceBudget({ bytes: new ByteAllowance(1024) }),
    }
    await expect(collect(DIGEST, ctx)).rejects.toThrow(/declare more than/)
  })

  test('a blob that is not a bundle, or a missing blob, is a failed piece', async () => {
    blobs.answer('/x.json.sn', { body: 'not snappy at all' })
    blobs.answer('/y.json', { body: 'nope' })
    api.attestations(APP_PATH, [
      [
        { bundle_url: `${blobs.url}/x.json.sn` },
        { bundle_url: `${blobs.url}/y.json` },
        { bundle_url: `${blobs.url}/gone.json` },
      ],
    ])
    const found = await collect(DIGEST, context([APP]))
    expect(found.map((e) => e.error)).toEqual([
      expect.stringMatching(/^the bundle is not valid snappy data/),
      'the bundle from its bundle_url is not JSON',
      'its bundle_url answered HTTP 404',
    ])
  })

  test('a blob host answering 5xx is exit 2', async () => {
    blobs.answer('/b.json', { status: 503 }, 100)
    api.attestations(APP_PATH, [[{ bundle_url: `${blobs.url}/b.json` }]])
    const error = await rejection(collect(DIGEST, context([APP])))
    expect(error.message).toContain('a bundle_url host answered HTTP 503')
  })
})
