// The gate end to end with `sources: github`: images pushed to the real test registry, their
// attestations listed by a loopback GitHub API (GITHUB_API_URL → Deps.githubApiUrl), signed by the
// mini Sigstore, or by a GitHub-style instance whose root is loaded lazily through Deps.
import { parseInputs } from '../../src/inputs.js'
import { run, type Deps } from '../../src/main.js'
import { exitCode } from '../../src/report/result.js'
import { gateFixture, testDeps } from '../helpers/gate.js'
import { snappyLiterals, startFakeGithub, type FakeGithub } from '../helpers/github-api.js'
import { createGithubSigstore, type GithubSigstore } from '../helpers/github-sigstore.js'
import { githubIdentity, inTotoStatement } from '../helpers/mini-sigstore.js'
import { pushImage, uniqueRepo } from '../helpers/registry.js'

const SLSA = 'https://slsa.dev/provenance/v1'
const APP_SAN = 'https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v1.0.0'
const TOKEN = 'ghs_gate-test-token'

const { host, ss, root } = await gateFixture()
let github: GithubSigstore
let api: FakeGithub
let blobs: FakeGithub

beforeAll(async () => {
  github = await createGithubSigstore()
})
beforeEach(async () => {
  api = await startFakeGithub()
  blobs = await startFakeGithub()
})
afterEach(async () => {
  await api.close()
  await blobs.close()
})

/** A fresh image in the registry and the API path its attestations are listed under. */
async function image() {
  const repo = uniqueRepo('github')
  const { digest } = await pushImage(host, repo, 'v1')
  return { ref: `${host}/${repo}:v1`, digest, path: `/repos/acme/app/attestations/${digest}` }
}

const statement = (digest: string, name = 'registry/acme/app') =>
  inTotoStatement({ name, digest, predicateType: SLSA, predicate: { buildDefinition: {} } })

async function publicGoodBundle(digest: string): Promise<unknown> {
  return (await ss.attest(statement(digest), { identity: githubIdentity() })).bundle
}

async function gate(values: Record<string, string>, deps: Partial<Deps> = {}) {
  const inputs = await parseInputs(
    (name) =>
      ({
        // Plain HTTP to the loopback registry, API and blob host only (inputs refuse anything else).
        'insecure-registries': `${host},${api.host},${blobs.host}`,
        sources: 'github',
        'trusted-root': root,
        'certificate-identity': APP_SAN,
        attestations: 'slsaprovenance1',
        'github-token': TOKEN,
        ...values,
      })[name] ?? '',
  )
  return run(inputs, { ...testDeps(), githubApiUrl: api.url, ...deps })
}

test('an attestation listed inline by the API passes the gate', async () => {
  const img = await image()
  api.attestations(img.path, [[{ bundle: await publicGoodBundle(img.digest), repository_id: 7 }]])
  const result = await gate({ image: img.ref })
  expect(exitCode(result)).toBe(0)
  const [checked] = result.images
  expect(checked!.findings).toMatchObject([{ requirement: 'slsaprovenance1', status: 'pass' }])
  expect(checked!.evidence).toMatchObject([
    {
      source: 'github',
      location: 'GitHub attestations API (repos/acme/app), attestation 1',
      verified: true,
      signer: { subjectAlternativeName: APP_SAN },
    },
  ])
  expect(api.requests.map((r) => r.headers['authorization'])).toEqual([`Bearer ${TOKEN}`])
})

test('bundle: null with a snappy bundle_url passes; the blob host never gets the token', async () => {
  const img = await image()
  const bundle = await publicGoodBundle(img.digest)
  blobs.answer('/attestations/1.json.sn', {
    headers: { 'content-type': 'application/x-snappy' },
    body: snappyLiterals(Buffer.from(JSON.stringify(bundle))),
  })
  api.attestations(img.path, [
    [{ bundle: null, bundle_url: `${blobs.url}/attestations/1.json.sn?sv=presigned` }],
  ])
  const result = await gate({ image: img.ref })
  expect(exitCode(result)).toBe(0)
  expect(blobs.requests).toHaveLength(1)
  expect(blobs.requests[0]!.headers['authorization']).toBeUndefined()
})

test('404 from the API: nothing found, exit 1, said as such', async () => {
  const img = await image()
  const result = await gate({ image: img.ref })
  expect(exitCode(result)).toBe(1)
  expect(result.images[0]!.findings[0]!.actual).toBe(
    'no signatures or attestations were found for this digest',
  )
})

test('an attestation about another digest is listed but not bound: exit 1', async () => {
  const img = await image()
  const other = `sha256:${'0'.repeat(64)}`
  api.attestations(img.path, [[{ bundle: await publicGoodBundle(other) }]])
  const result = await gate({ image: img.ref })
  expect(exitCode(result)).toBe(1)
  expect(result.images[0]!.evidence[0]!.error).toContain(`not ${img.digest}`)
})

test('an API answering 500 is exit 2, naming the API and the image', async () => {
  const img = await image()
  api.answer(img.path, { status: 500 }, 100)
  const result = await gate({ image: img.ref })
  expect(exitCode(result)).toBe(2)
  expect(result.images[0]!.error).toMatchObject({ code: 'REGISTRY_HTTP' })
  expect(result.images[0]!.error!.message).toMatch(
    /^Failed to check .*: Failed to read the GitHub attestations API \(repos\/acme\/app\) for sha256:.*: the GitHub API answered HTTP 500$/,
  )
})

test('a page that is not JSON fails the requirement, showing why (never a pass)', async () => {
  const img = await image()
  api.answer(img.path, { headers: { 'content-type': 'text/html' }, body: '<html>oops</html>' })
  const result = await gate({ image: img.ref })
  expect(exitCode(result)).toBe(1)
  expect(result.images[0]!.evidence).toMatchObject([
    { verified: false, error: 'page 1 of the attestations list is not JSON of that shape' },
  ])
})

test('without a token the API is not asked', async () => {
  const img = await image()
  api.attestations(img.path, [[{ bundle: await publicGoodBundle(img.digest) }]])
  const result = await gate({ image: img.ref, 'github-token': '' })
  expect(exitCode(result)).toBe(1)
  expect(api.requests).toHaveLength(0)
})

describe("GitHub's own Sigstore instance (private repositories)", () => {
  // No trusted-root: public good and GitHub's root both come from Deps, as TUF would give them.
  const instances = (githubRoot: () => Promise<unknown>) => {
    const calls = { publicGood: 0, github: 0 }
    const deps: Partial<Deps> = {
      loadPublicGood: async () => (calls.publicGood++, ss.trustedRoot),
      loadGithubRoot: async () => (calls.github++, (await githubRoot()) as typeof ss.trustedRoot),
    }
    return { calls, deps }
  }

  test("a GitHub-issued bundle verifies against GitHub's root, loaded once, only when needed", async () => {
    const [a, b, c] = [await image(), await image(), await image()]
    api.attestations(a.path, [[{ bundle: await github.attest(statement(a.digest)) }]])
    api.attestations(b.path, [[{ bundle: await github.attest(statement(b.digest)) }]])
    api.attestations(c.path, [[{ bundle: await publicGoodBundle(c.digest) }]])
    const { calls, deps } = instances(async () => github.trustedRoot)
    const result = await gate({ image: `${a.ref}\n${b.ref}\n${c.ref}`, 'trusted-root': '' }, deps)
    expect(result.images.map((i) => i.verdict)).toEqual(['pass', 'pass', 'pass'])
    expect(result.images[0]!.evidence[0]!.tlog).toEqual([]) // no Rekor entry on this instance
    expect(calls).toEqual({ publicGood: 1, github: 1 })
  })

  test('only public-good evidence: GitHub’s root is never fetched', async () => {
    const img = await image()
    api.attestations(img.path, [[{ bundle: await publicGoodBundle(img.digest) }]])
    const { calls, deps } = instances(() => Promise.reject(new Error('must not be called')))
    const result = await gate({ image: img.ref, 'trusted-root': '' }, deps)
    expect(exitCode(result)).toBe(0)
    expect(calls.github).toBe(0)
  })

  test('a GitHub-issued bundle is refused when GitHub’s slot holds the public-good root (T12)', async () => {
    const img = await image()
    api.attestations(img.path, [[{ bundle: await github.attest(statement(img.digest)) }]])
    const { deps } = instances(async () => ss.trustedRoot)
    const result = await gate({ image: img.ref, 'trusted-root': '' }, deps)
    expect(exitCode(result)).toBe(1)
    expect(result.images[0]!.evidence[0]!.error).toMatch(/TIMESTAMP_ERROR|CERTIFICATE_ERROR/)
  })

  test('GitHub’s root failing to load is exit 2 for the image that needs it (T55)', async () => {
    const img = await image()
    api.attestations(img.path, [[{ bundle: await github.attest(statement(img.digest)) }]])
    const { deps } = instances(() => Promise.reject(new Error('TUF_REFRESH_METADATA_ERROR')))
    const result = await gate({ image: img.ref, 'trusted-root': '' }, deps)
    expect(exitCode(result)).toBe(2)
    expect(result.images[0]!.error).toMatchObject({ code: 'TRUST_ROOT' })
    expect(result.images[0]!.error!.message).toContain(
      "Failed to load GitHub's Sigstore trusted root through TUF: TUF_REFRESH_METADATA_ERROR",
    )
  })
})
