// A referrer bundle over 1 MiB on the real registry: its DSSE payload is decoded as it streams in
// (BundleReader), the piece verifies as any other, and a rule that reads the predicate still gets
// all of it.
import { exitCode } from '../../src/report/result.js'
import { gateFixture, runGate } from '../helpers/gate.js'
import { githubIdentity } from '../helpers/mini-sigstore.js'
import { attachBundle, attestImage } from '../helpers/publish.js'
import { pushImage, uniqueRepo } from '../helpers/registry.js'
import { writePolicy } from '../policy/fixtures.js'

const SAN = 'https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v1.0.0'
const identity = githubIdentity({
  repo: 'acme/app',
  workflowPath: '.github/workflows/release.yml',
  ref: 'refs/tags/v1.0.0',
})
const CYCLONEDX = 'https://cyclonedx.org/bom'

const { host, ss, root } = await gateFixture()
let ref: string
let oddRef: string

beforeAll(async () => {
  const repo = uniqueRepo('large-bundle')
  const image = await pushImage(host, repo, 'v1', { text: 'large\n' })
  const components = Array.from({ length: 20_000 }, (_, n) => ({
    type: 'library',
    name: `package-${n}`,
    version: `1.${n}.0`,
    purl: `pkg:npm/package-${n}@1.${n}.0`,
  }))
  const bom = { bomFormat: 'CycloneDX', specVersion: '1.5', components }
  const bundle = await attestImage(ss, host, repo, image.digest, CYCLONEDX, bom, { identity })
  expect(JSON.stringify(bundle).length).toBeGreaterThan(1024 * 1024)
  ref = `${host}/${repo}:v1`
  // The same bundle with a space inside its payload: JSON.parse and Buffer's decoder would skip it.
  const oddRepo = uniqueRepo('large-bundle-odd')
  const odd = await pushImage(host, oddRepo, 'v1', { text: 'large\n' })
  const envelope = (bundle as { dsseEnvelope: { payload: string } }).dsseEnvelope
  const spaced = `${envelope.payload.slice(0, 8)} ${envelope.payload.slice(8)}`
  await attachBundle(
    host,
    oddRepo,
    odd.digest,
    { ...bundle, dsseEnvelope: { ...envelope, payload: spaced } },
    CYCLONEDX,
  )
  oddRef = `${host}/${oddRepo}:v1`
}, 60_000)

/** The gate on `image`: a CycloneDX attestation from SAN, read from referrers only. */
const gateFor = (image: string) =>
  runGate(host, {
    image,
    'trusted-root': root,
    'certificate-identity': SAN,
    attestations: 'cyclonedx',
    sources: 'referrers',
  })

test('a bundle over 1 MiB streamed from the registry verifies and satisfies the requirement', async () => {
  const result = await gateFor(ref)
  expect(exitCode(result)).toBe(0)
  const evidence = result.images[0]!.evidence
  expect(evidence).toEqual([
    expect.objectContaining({ verified: true, predicateType: CYCLONEDX, kind: 'attestation' }),
  ])
  // No rule reads it: the predicate was validated but never parsed.
  expect(evidence[0]!.predicate).toBeUndefined()
})

test('a rule on the large predicate reads all of it, passing and failing on its contents', async () => {
  const gateWithMinimum = (min: number) =>
    runGate(host, {
      image: ref,
      'trusted-root': root,
      policy: writePolicy(
        `version: 1\nattestations: [{ type: cyclonedx, identities: [{ san: '${SAN}' }], rules: { sbom: { minComponents: ${min} } } }]\n`,
      ),
      sources: 'referrers',
    })
  expect(exitCode(await gateWithMinimum(20_000))).toBe(0)
  const tooMany = await gateWithMinimum(20_001)
  expect(exitCode(tooMany)).toBe(1)
  expect(tooMany.images[0]!.findings[0]!.actual).toMatch(/20000/)
})

test('a large bundle whose payload is not plain base64 fails, saying so', async () => {
  const result = await gateFor(oddRef)
  expect(exitCode(result)).toBe(1)
  expect(result.images[0]!.evidence).toEqual([
    expect.objectContaining({
      verified: false,
      error:
        'the bundle layer cannot be read: the DSSE payload of a bundle over 1 MiB is not plain base64',
    }),
  ])
})
