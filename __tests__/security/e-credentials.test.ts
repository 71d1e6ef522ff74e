// Security catalog group E (T59–T65): credentials go only to the origin they belong to, and no
// secret reaches a log, an output, the summary or the result. A second loopback listener (the
// "sink", fake-registry.ts startSink) records every byte it is sent: redirects, realms, Links and
// bundle_urls that point away from the registry must leave it holding nothing secret. Public host
// names (ghcr.io, registry.example.test, …) are played by loopback listeners through a DNS-like
// transport (helpers/transport.ts mappedTransport): the gate decides on the real name, then the
// bytes go to 127.0.0.x.
//
// Unit-level tests of the same rules stay where they were: __tests__/registry/client.test.ts
// (realm on another host, redirect drops Authorization), __tests__/registry/credentials.test.ts
// (exact-host docker config and github-token matching), __tests__/sources/github.test.ts and
// github-gate.test.ts (bundle_url fetched without the token, refused URLs).
import crypto from 'node:crypto'
import type http from 'node:http'
import { parseInputs } from '../../src/inputs.js'
import { runActionInProcess } from '../helpers/action.js'
import {
  BUNDLE_V03,
  OCI_INDEX,
  startFakeRegistry,
  startSink,
  type FakeRegistry,
  type FakeRegistryOptions,
  type Sink,
  type SinkReply,
} from '../helpers/fake-registry.js'
import { startFakeGithub, type FakeGithub } from '../helpers/github-api.js'
import { gateFixture } from '../helpers/gate.js'
import { mappedTransport, recordingTransport } from '../helpers/transport.js'
import { COSIGN_SIGN_PREDICATE } from '../helpers/mini-sigstore.js'
import {
  APP_SAN,
  dockerConfig,
  expectImageError,
  expectNoSecrets,
  expectNothingAccepted,
  gate as runGate,
  only,
  putImage,
  secretForms,
  sha256,
  signatureBundle,
  withEnv,
  type GateOptions,
} from './cdef-harness.js'

const random = (): string => crypto.randomBytes(12).toString('hex')
const USER = 'robot'
const PASSWORD = `pw-${random()}`
const REGISTRY_TOKEN = `rt-${random()}`
const GITHUB_TOKEN = `ghs_${random()}`
const COOKIE = `cookie-${random()}`
const SECRETS = [
  { value: PASSWORD, username: USER },
  { value: REGISTRY_TOKEN },
  { value: GITHUB_TOKEN, username: 'x-access-token' },
  { value: COOKIE },
]

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
async function github(): Promise<FakeGithub> {
  const g = await startFakeGithub()
  open.push(g)
  return g
}
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()))
})

/** A registry that wants Basic at its token service and the issued Bearer everywhere else. */
function authRegistry(realm?: string): Promise<FakeRegistry> {
  return registry({
    bearer: { username: USER, password: PASSWORD, token: REGISTRY_TOKEN, ...(realm && { realm }) },
  })
}

/** Sets a session cookie on every answer (a cookie jar must never carry it elsewhere). */
function withCookie(r: FakeRegistry): void {
  r.override((_req, res) => {
    res.setHeader('set-cookie', `session=${COOKIE}; Path=/`)
    return false
  })
}

/** A signed image on `r` whose bundle layer bytes are returned (to serve from elsewhere). */
async function signedBundleImage(r: FakeRegistry) {
  const image = putImage(r)
  const bundle = await signatureBundle(ss, image.digest)
  r.putReferrer(image, bundle, { predicateType: COSIGN_SIGN_PREDICATE })
  const bytes = Buffer.from(JSON.stringify(bundle))
  return { image, bytes, layerDigest: sha256(bytes) }
}

/** Redirects authorised GETs of blob `digest` (and nothing else) to `location`. */
function redirectBlob(r: FakeRegistry, digest: string, location: string): void {
  r.override((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x')
    if (url.pathname !== `/v2/acme/app/blobs/${digest}` || url.searchParams.has('back'))
      return false
    if (req.headers.authorization !== `Bearer ${REGISTRY_TOKEN}`) return false
    res.writeHead(307, { location })
    res.end()
    return true
  })
}

/** The gate with the registry's docker credentials in DOCKER_CONFIG. */
function gate(
  r: FakeRegistry | string,
  image: string,
  options: GateOptions & { values?: Record<string, string>; auths?: Record<string, string> } = {},
) {
  const host = typeof r === 'string' ? r : r.host
  const auths = Object.fromEntries(
    (options.auths ? Object.keys(options.auths) : [host]).map((h) => [
      h,
      { username: USER, password: PASSWORD },
    ]),
  )
  return withEnv({ DOCKER_CONFIG: dockerConfig(auths) }, () =>
    runGate(
      host,
      { image, 'trusted-root': root, 'certificate-identity': APP_SAN, ...options.values },
      options,
    ),
  )
}

/** Asserts the sink holds no credential of any kind: not in a header, not anywhere in its bytes. */
function expectSinkClean(s: Sink): void {
  for (const req of s.requests) {
    expect(req.headers['authorization']).toBeUndefined()
    expect(req.headers['proxy-authorization']).toBeUndefined()
    expect(req.headers['cookie']).toBeUndefined()
  }
  expectNoSecrets({ 'sink bytes': s.received() }, SECRETS)
}

/** The registry really used the credentials (so their absence elsewhere means something). */
function expectRegistryAuthenticated(r: FakeRegistry): void {
  const basic = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`
  expect(
    r.requests.some((q) => q.url.startsWith('/token') && q.headers.authorization === basic),
  ).toBe(true)
  expect(r.requests.some((q) => q.headers.authorization === `Bearer ${REGISTRY_TOKEN}`)).toBe(true)
}

describe('T59 a cross-origin redirect strips every credential', () => {
  test.each([
    ['another port on the same address', '127.0.0.1'],
    ['another address', '127.0.0.2'],
  ])(
    'to %s: no Authorization, Cookie or registry header arrives, and the body is still used',
    async (_name, address) => {
      const r = await authRegistry()
      withCookie(r)
      const s = await sink(address)
      const { bytes, layerDigest } = await signedBundleImage(r)
      s.respond(() => ({ status: 200, headers: { 'content-type': BUNDLE_V03 }, body: bytes }))
      redirectBlob(r, layerDigest, `${s.url}/cdn/${layerDigest}`)
      const masked: string[] = []
      const result = await gate(r, `${r.host}/acme/app:v1`, { insecure: [s.host], masked })
      // A CDN redirect is legitimate: the bundle came from the sink and verified.
      expect(result.verdict).toBe('pass')
      expect(s.requests).toHaveLength(1)
      expectSinkClean(s)
      expectRegistryAuthenticated(r)
      expect(masked).toEqual(expect.arrayContaining([PASSWORD, REGISTRY_TOKEN]))
    },
  )

  test('a referrers page a redirect led to cannot lead on its own origin: its Link is refused, nothing secret sent', async () => {
    const r = await registry({
      referrers: 'api',
      bearer: { username: USER, password: PASSWORD, token: REGISTRY_TOKEN },
    })
    const s = await sink()
    const { image } = await signedBundleImage(r)
    r.override((req, res) => {
      if (!req.url?.includes('/referrers/')) return false
      if (req.headers.authorization !== `Bearer ${REGISTRY_TOKEN}`) return false
      res.writeHead(307, { location: `${s.url}/page1` })
      res.end()
      return true
    })
    // The sink asks for Basic, as a host fishing for the credentials would.
    s.respond((req): SinkReply =>
      req.url === '/page1'
        ? {
            status: 200,
            headers: { 'content-type': OCI_INDEX, link: '</page2>; rel="next"' },
            body: JSON.stringify({ schemaVersion: 2, manifests: [] }),
          }
        : { status: 401, headers: { 'www-authenticate': 'Basic realm="sink"' } },
    )
    const result = await gate(r, `${r.host}/acme/app@${image.digest}`, { insecure: [s.host] })
    expectImageError(result, 'REGISTRY_PROTOCOL')
    expect(s.requests.map((q) => q.url)).toEqual(['/page1'])
    expectSinkClean(s)
    expectRegistryAuthenticated(r)
  })

  test('to another scheme (https on another address): the TLS hello carries nothing, the piece cannot be read (exit 2)', async () => {
    const r = await authRegistry()
    withCookie(r)
    const s = await sink()
    const { layerDigest } = await signedBundleImage(r)
    redirectBlob(r, layerDigest, `https://${s.host}/cdn/${layerDigest}`)
    const result = await gate(r, `${r.host}/acme/app:v1`)
    expectImageError(result, 'REGISTRY_HTTP')
    expect(s.requests).toEqual([])
    expect(s.received()).not.toBe('')
    expectSinkClean(s)
  })
})

describe('T60 a redirect chain back to the registry never restores credentials', () => {
  test('registry → sink → registry: the request back carries no Authorization', async () => {
    const r = await authRegistry()
    const s = await sink()
    const { bytes, layerDigest } = await signedBundleImage(r)
    const back: http.IncomingHttpHeaders[] = []
    r.override((req, res) => {
      if (!req.url?.includes('back=1')) return false
      back.push(req.headers)
      res.writeHead(200, { 'content-type': BUNDLE_V03 })
      res.end(bytes)
      return true
    })
    s.respond(() => ({
      status: 307,
      headers: { location: `${r.url}/v2/acme/app/blobs/${layerDigest}?back=1` },
    }))
    redirectBlob(r, layerDigest, `${s.url}/hop`)
    const result = await gate(r, `${r.host}/acme/app:v1`, { insecure: [s.host] })
    expect(result.verdict).toBe('pass')
    expect(back).toHaveLength(1)
    expect(back[0]!.authorization).toBeUndefined()
    expectSinkClean(s)
  })
})

describe('T61 bearer realms that point elsewhere', () => {
  const REGISTRY = 'registry.example.test'
  const AUTH = 'auth.example.test'

  /** The registry as an https name, with the sink playing `auth.example.test`. */
  async function setup(realm: string) {
    const r = await authRegistry(realm)
    const s = await sink()
    const { image } = await signedBundleImage(r)
    const mapped = mappedTransport({ [REGISTRY]: r.host, [AUTH]: s.host })
    const run = (insecure: string[] = []) =>
      gate(REGISTRY, `${REGISTRY}/acme/app:v1`, {
        deps: { transport: mapped.transport },
        insecure,
        auths: { [REGISTRY]: '' },
        values: { 'insecure-registries': insecure.join(',') },
      })
    return { r, s, image, mapped, run }
  }

  test.each([
    [
      'plain HTTP on another host, even one listed as insecure',
      (s: Sink) => `http://${s.host}/token`,
      /not HTTPS/,
    ],
    [
      'the cloud metadata address',
      () => 'https://169.254.169.254/latest/api/token',
      /a private address/,
    ],
    ['a private address on another port', () => 'https://10.0.0.7:8443/token', /a private address/],
    // URL writes these `[::ffff:7f00:1]` and `[::ffff:a9fe:a9fe]`; they connect to IPv4 loopback
    // and to the metadata address.
    [
      'an IPv4-mapped loopback address',
      () => 'https://[::ffff:127.0.0.1]/token',
      /a private address/,
    ],
    [
      'an IPv4-mapped metadata address',
      () => 'https://[::ffff:169.254.169.254]/latest/api/token',
      /a private address/,
    ],
    ['a file: URL', () => 'file:///etc/passwd', /not HTTPS/],
  ])('%s is refused before any request: exit 2', async (_name, realm, reason) => {
    const s0 = await sink()
    const { s, mapped, run } = await setup(realm(s0))
    const result = await run([s0.host])
    expectImageError(result, 'INSECURE_TRANSPORT', reason)
    expect(s0.received()).toBe('')
    expect(s.received()).toBe('')
    expect(mapped.urls.filter((u) => !u.startsWith(`https://${REGISTRY}/`))).toEqual([])
  })

  test('an HTTPS realm on another public host is asked without the registry credentials', async () => {
    const { s, run } = await setup(`https://${AUTH}/token`)
    s.respond(() => ({
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: '{"token":"from-elsewhere"}',
    }))
    const result = await run()
    // The foreign token does not open the registry: exit 2, and the realm got nothing secret.
    expectImageError(result, 'REGISTRY_UNAUTHORIZED')
    expect(s.requests).toHaveLength(1)
    expect(new URL(s.requests[0]!.url, 'https://x').searchParams.get('scope')).toBe(
      'repository:acme/app:pull',
    )
    expectSinkClean(s)
  })

  // GitLab serves a registry on a port of its host (gitlab.example:5050) and its tokens from the
  // host itself: HTTPS on the registry's own host name is the registry's own service.
  test('an HTTPS realm on the registry’s host but another port gets the credentials', async () => {
    const r = await authRegistry(`https://${REGISTRY}:8443/token`)
    const s = await sink()
    await signedBundleImage(r)
    s.respond(() => ({
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: '{"token":"from-the-host"}',
    }))
    const mapped = mappedTransport({ [REGISTRY]: r.host, [`${REGISTRY}:8443`]: s.host })
    await gate(REGISTRY, `${REGISTRY}/acme/app:v1`, {
      deps: { transport: mapped.transport },
      auths: { [REGISTRY]: '' },
      values: { 'insecure-registries': '' },
    })
    expect(s.requests).toHaveLength(1)
    expect(s.requests[0]!.headers['authorization']).toMatch(/^Basic /)
  })

  test.each([
    ['a private address', 'https://10.0.0.1/token', /a private address/],
    ['plain HTTP', `http://${AUTH}/token2`, /refused to use http|not HTTPS/],
  ])(
    'a token service that redirects to %s is refused at that hop',
    async (_name, location, reason) => {
      const { s, mapped, run } = await setup(`https://${AUTH}/token`)
      s.respond(() => ({ status: 307, headers: { location } }))
      const result = await run()
      expectImageError(result, 'INSECURE_TRANSPORT', reason)
      expect(mapped.urls.filter((u) => u.includes('10.0.0.1') || u.includes('/token2'))).toEqual([])
      expectSinkClean(s)
    },
  )

  test('the registry’s own host as realm gets the credentials (the baseline)', async () => {
    const { r, run } = await setup(`https://${REGISTRY}/token`)
    const result = await run()
    expect(result.verdict).toBe('pass')
    expectRegistryAuthenticated(r)
  })
})

describe('T62 downgrades and other schemes', () => {
  test.each([
    ['plain HTTP to an unlisted loopback host', 'http://127.0.0.3:9/blob'],
    ['ftp:', 'ftp://127.0.0.2/blob'],
    ['data:', 'data:application/json,{}'],
    ['file:', 'file:///etc/passwd'],
  ])('a blob redirect to %s is refused: exit 2 INSECURE_TRANSPORT', async (_name, location) => {
    const r = await authRegistry()
    const { layerDigest } = await signedBundleImage(r)
    redirectBlob(r, layerDigest, location)
    expectImageError(await gate(r, `${r.host}/acme/app:v1`), 'INSECURE_TRANSPORT', /refused to use/)
  })

  test('an HTTPS registry redirecting to plain HTTP on its own host is refused', async () => {
    const r = await authRegistry()
    const { layerDigest } = await signedBundleImage(r)
    redirectBlob(r, layerDigest, `http://registry.example.test/v2/acme/app/blobs/${layerDigest}`)
    const mapped = mappedTransport({ 'registry.example.test': r.host })
    const result = await gate('registry.example.test', 'registry.example.test/acme/app:v1', {
      deps: { transport: mapped.transport },
      values: { 'insecure-registries': '' },
    })
    expectImageError(
      result,
      'INSECURE_TRANSPORT',
      /refused to use http for registry\.example\.test/,
    )
    expect(mapped.urls.filter((u) => u.startsWith('http:'))).toEqual([])
  })

  test('insecure-registries naming a host that is not loopback is refused before anything is read', async () => {
    for (const host of ['registry.example.test:5000', '10.0.0.5:5000', '127.0.0.1.nip.io:5000']) {
      await expect(
        parseInputs(
          (name) =>
            ({ image: 'a/b', 'certificate-identity': APP_SAN, 'insecure-registries': host })[
              name
            ] ?? '',
        ),
      ).rejects.toThrow(/may only name loopback hosts/)
    }
  })

  test('a loopback registry that is not listed is spoken to over HTTPS only: no plaintext request', async () => {
    const r = await registry()
    await signedBundleImage(r)
    const result = await gate(r, `${r.host}/acme/app:v1`, { values: { 'insecure-registries': '' } })
    expectNothingAccepted(result, 2)
    expect(r.requests).toEqual([])
  })
})

describe('T63 the github-token goes to ghcr.io and nowhere else', () => {
  test.each(['evilghcr.io', 'ghcr.io.evil.test', 'ghcr.io:444'])(
    '%s never receives it; ghcr.io does',
    async (lookalike) => {
      const ghcr = await registry({
        bearer: { username: 'x-access-token', password: GITHUB_TOKEN, token: 'ghcr-token' },
      })
      const other = await registry({ bearer: { token: 'anon-token' } })
      for (const r of [ghcr, other]) {
        const image = putImage(r)
        r.putReferrer(image, await signatureBundle(ss, image.digest), {
          predicateType: COSIGN_SIGN_PREDICATE,
        })
      }
      const mapped = mappedTransport({ 'ghcr.io': ghcr.host, [lookalike]: other.host })
      const result = await withEnv({ DOCKER_CONFIG: dockerConfig({}) }, () =>
        runGate(
          'ghcr.io',
          {
            image: `ghcr.io/acme/app:v1\n${lookalike}/acme/app:v1`,
            'trusted-root': root,
            'certificate-identity': APP_SAN,
            'github-token': GITHUB_TOKEN,
            'insecure-registries': '',
          },
          { deps: { transport: mapped.transport } },
        ),
      )
      expect(result.images.map((i) => i.verdict)).toEqual(['pass', 'pass'])
      const basic = `Basic ${Buffer.from(`x-access-token:${GITHUB_TOKEN}`).toString('base64')}`
      expect(ghcr.requests.filter((q) => q.headers.authorization === basic)).toHaveLength(1)
      expect(other.requests.length).toBeGreaterThan(0)
      for (const q of other.requests) {
        expect(q.headers.authorization ?? 'Bearer anon-token').toBe('Bearer anon-token')
      }
      expectNoSecrets({ lookalike: JSON.stringify(other.requests) }, [
        { value: GITHUB_TOKEN, username: 'x-access-token' },
      ])
    },
  )

  test('docker config credentials are chosen by exact host: registry.local’s never reach registry.local.evil', async () => {
    const good = await authRegistry()
    const evil = await registry({ bearer: { token: 'anon-token' } })
    for (const r of [good, evil]) {
      const image = putImage(r)
      r.putReferrer(image, await signatureBundle(ss, image.digest), {
        predicateType: COSIGN_SIGN_PREDICATE,
      })
    }
    const mapped = mappedTransport({
      'registry.local': good.host,
      'registry.local.evil': evil.host,
    })
    const result = await gate(
      'registry.local',
      'registry.local/acme/app:v1\nregistry.local.evil/acme/app:v1',
      {
        deps: { transport: mapped.transport },
        auths: { 'registry.local': '' },
        values: { 'insecure-registries': '' },
      },
    )
    expect(result.images.map((i) => i.verdict)).toEqual(['pass', 'pass'])
    expectRegistryAuthenticated(good)
    expectNoSecrets({ 'registry.local.evil': JSON.stringify(evil.requests) }, SECRETS)
  })
})

describe('T64 bundle_url is fetched without credentials', () => {
  async function setup() {
    const r = await registry()
    const image = putImage(r)
    const api = await github()
    const s = await sink()
    const bundle = JSON.stringify(await signatureBundle(ss, image.digest))
    const listing = `/repos/acme/app/attestations/${image.digest}`
    const { transport, urls: seen } = recordingTransport()
    const run = () =>
      runGate(
        r.host,
        {
          image: `${r.host}/acme/app:v1`,
          'trusted-root': root,
          'certificate-identity': APP_SAN,
          'github-token': GITHUB_TOKEN,
        },
        { insecure: [api.host, s.host], deps: { githubApiUrl: api.url, transport } },
      )
    return { r, image, api, s, bundle, listing, seen, run }
  }

  test('the blob host gets no Authorization, while the API got the token (the baseline)', async () => {
    const { api, s, bundle, listing, run } = await setup()
    s.respond(() => ({
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: bundle,
    }))
    api.attestations(listing, [[{ bundle: null, bundle_url: `${s.url}/b.json?sig=presigned` }]])
    const result = await run()
    expect(result.verdict).toBe('pass')
    expect(api.requests[0]!.headers.authorization).toBe(`Bearer ${GITHUB_TOKEN}`)
    expectSinkClean(s)
  })

  test('a bundle_url that redirects to the API origin arrives there without the token', async () => {
    const { api, s, bundle, listing, run } = await setup()
    s.respond(() => ({ status: 307, headers: { location: `${api.url}/blob/b.json` } }))
    api.answer('/blob/b.json', { headers: { 'content-type': 'application/json' }, body: bundle })
    api.attestations(listing, [[{ bundle_url: `${s.url}/b.json` }]])
    const result = await run()
    expect(result.verdict).toBe('pass')
    const blob = api.requests.find((q) => q.url === '/blob/b.json')
    expect(blob?.headers.authorization).toBeUndefined()
    expectSinkClean(s)
  })

  test('a bundle_url that redirects to a private address is not followed: a failed piece, exit 1', async () => {
    const { api, s, listing, seen, run } = await setup()
    s.respond(() => ({ status: 302, headers: { location: 'https://10.1.2.3/b.json' } }))
    api.attestations(listing, [[{ bundle_url: `${s.url}/b.json` }]])
    const result = await run()
    expectNothingAccepted(result, 1)
    expect(only(result).evidence.find((e) => e.source === 'github')?.error).toBe(
      'its bundle_url redirected elsewhere: it points to a private or loopback address',
    )
    expect(seen.filter((u) => u.includes('10.1.2.3'))).toEqual([])
  })

  test.each([
    [
      'an https→http downgrade',
      'http://203.0.113.9/b.json',
      'its bundle_url was not fetched: it is not HTTPS',
    ],
    [
      'a private address',
      'https://192.168.1.10/b.json',
      'its bundle_url was not fetched: it points to a private or loopback address',
    ],
  ])('a bundle_url that is %s is refused without a request', async (_name, url, reason) => {
    const { api, listing, seen, run } = await setup()
    api.attestations(listing, [[{ bundle_url: url }]])
    const result = await run()
    expectNothingAccepted(result, 1)
    expect(only(result).evidence.find((e) => e.source === 'github')?.error).toBe(reason)
    expect(seen.filter((u) => u.startsWith(url))).toEqual([])
  })
  // A snappy bundle over the cap: c-registry.test.ts T42.
})

describe('T65 secrets never logged, even with RUNNER_DEBUG=1', () => {
  const DEBUG = { RUNNER_DEBUG: '1', ACTIONS_STEP_DEBUG: 'true' }

  /** Answers every request with 401 or 500 whose body and headers reflect the request's headers. */
  function reflect(
    r: FakeRegistry,
    status: number,
    when: (req: http.IncomingMessage) => boolean,
  ): void {
    r.override((req, res) => {
      if (!when(req)) return false
      const echo = JSON.stringify(req.headers)
      res.writeHead(status, {
        'content-type': 'application/json',
        'www-authenticate': `Bearer realm="http://${r.host}/token",error="invalid_token",error_description="${(req.headers.authorization ?? '').replace(/"/g, '')}"`,
      })
      res.end(`{"errors":[{"code":"DENIED","message":"you sent ${echo.replace(/"/g, "'")}"}]}`)
      return true
    })
  }

  test('registries and the API reflecting Authorization in 401/500 bodies and challenges (T43, T51)', async () => {
    // r1: issues its token, then answers 500 reflecting it. r2: its token service answers 401
    // reflecting the Basic credentials. r3 serves its image, so the GitHub API is asked about it,
    // and the API answers 401 reflecting the github-token.
    const r1 = await authRegistry()
    const r2 = await authRegistry()
    const r3 = await registry()
    putImage(r1)
    putImage(r2)
    putImage(r3)
    reflect(r1, 500, (req) => req.headers.authorization === `Bearer ${REGISTRY_TOKEN}`)
    reflect(r2, 401, (req) => req.url?.startsWith('/token') === true)
    const api = await github()
    reflect(api, 401, () => true)
    const action = await runActionInProcess(
      {
        image: [r1, r2, r3].map((r) => `${r.host}/acme/app:v1`).join('\n'),
        'trusted-root': root,
        'certificate-identity': APP_SAN,
        'github-token': GITHUB_TOKEN,
        'insecure-registries': [r1.host, r2.host, r3.host, api.host].join(','),
      },
      {
        env: {
          ...DEBUG,
          GITHUB_API_URL: api.url,
          DOCKER_CONFIG: dockerConfig({
            [r1.host]: { username: USER, password: PASSWORD },
            [r2.host]: { username: USER, password: PASSWORD },
          }),
        },
      },
    )
    expect(action.exitCode).toBe(2)
    expect(action.outputs['verified']).toBe('false')
    // The secrets did reach the hostile servers (so the test means something) …
    expect(JSON.stringify(r1.requests)).toContain(REGISTRY_TOKEN)
    expect(api.requests[0]!.headers.authorization).toBe(`Bearer ${GITHUB_TOKEN}`)
    // … and nothing of them came back out.
    expectNoSecrets(action.surfaces, SECRETS)
    // Registry secrets are masked before anything untrusted is printed.
    const commands = action.log.commands.map((c) => c.command)
    const masks = action.log.commands.filter((c) => c.command === 'add-mask').map((c) => c.data)
    expect(masks).toEqual(expect.arrayContaining([PASSWORD, REGISTRY_TOKEN]))
    expect(commands.indexOf('add-mask')).toBeLessThan(commands.indexOf('error'))
    expect(commands.lastIndexOf('add-mask')).toBeLessThan(commands.indexOf('error'))
  })

  test('a CDN redirect and a foreign realm (T59, T61) leak nothing into the action’s surfaces', async () => {
    const r = await authRegistry('https://auth.example.test/token')
    const cdn = await sink()
    const realm = await sink()
    const { bytes, layerDigest } = await signedBundleImage(r)
    cdn.respond(() => ({ status: 200, body: bytes }))
    realm.respond((req) => ({ status: 401, body: `you sent ${JSON.stringify(req.headers)}` }))
    redirectBlob(r, layerDigest, `${cdn.url}/blob`)
    const mapped = mappedTransport({
      'registry.example.test': r.host,
      'auth.example.test': realm.host,
    })
    const action = await runActionInProcess(
      {
        image: 'registry.example.test/acme/app:v1',
        'trusted-root': root,
        'certificate-identity': APP_SAN,
        'github-token': GITHUB_TOKEN,
        sources: 'referrers',
      },
      {
        env: {
          ...DEBUG,
          DOCKER_CONFIG: dockerConfig({
            'registry.example.test': { username: USER, password: PASSWORD },
          }),
        },
        transport: mapped.transport,
      },
    )
    expect(action.exitCode).toBe(2)
    expect(realm.requests).toHaveLength(1)
    expectSinkClean(realm)
    expectNoSecrets(action.surfaces, SECRETS)
  })

  test('an image reference with user:password@ is refused and never echoed', async () => {
    const password = `s3cret-${random()}`
    const action = await runActionInProcess(
      {
        image: `robot:${password}@registry.example.test/acme/app:v1`,
        'trusted-root': root,
        'certificate-identity': APP_SAN,
      },
      { env: DEBUG },
    )
    expect(action.exitCode).toBe(2)
    expect(action.log.commands.find((c) => c.command === 'error')?.data).toMatch(
      /\(value not shown\) is not a valid image reference: it contains user information/,
    )
    expectNoSecrets({ ...action.surfaces, stdout: action.stdout }, [
      { value: password, username: 'robot' },
    ])
  })

  test('secret forms the oracle looks for include base64 and user:password base64', () => {
    expect(secretForms('pw', 'u')).toEqual(['pw', 'cHc=', 'dTpwdw==', 'pw'])
  })
})
