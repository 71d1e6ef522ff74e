// The `signature-repository` input (cosign's COSIGN_REPOSITORY): signatures and attestations
// stored in another repository, which never held the image, are read there as well as in the
// image's own repository, on the real registry, and bind to the digest like any other evidence.
import { exitCode } from '../../src/report/result.js'
import { gateFixture, runGate } from '../helpers/gate.js'
import { inTotoStatement } from '../helpers/mini-sigstore.js'
import { orasAttach, writeLegacyAtt } from '../helpers/publish.js'
import { MT, pushImage, uniqueRepo, type Descriptor } from '../helpers/registry.js'

const APP_SAN = 'https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v1.0.0'
const SLSA = 'https://slsa.dev/provenance/v1'
const COSIGN_SIGN = 'https://sigstore.dev/cosign/sign/v1'

const { host, ss, root } = await gateFixture()

/** A cosign v3 signature for `signed`, written as a referrer of `listedUnder` in `repo`. */
async function signatureReferrer(repo: string, listedUnder: Descriptor, signed: string) {
  const statement = inTotoStatement({ digest: signed, predicateType: COSIGN_SIGN, predicate: {} })
  const { bundle } = await ss.attest(statement)
  await orasAttach(host, repo, listedUnder, MT.BUNDLE_V03, JSON.stringify(bundle), MT.BUNDLE_V03)
}

const gate = (image: string, values: Record<string, string> = {}) =>
  runGate(host, {
    image,
    'trusted-root': root,
    'certificate-identity': APP_SAN,
    attestations: 'slsaprovenance1',
    'require-signature': 'true',
    ...values,
  })

/** An image in a repository of its own, and an empty repository for its signatures. */
async function imageAndSignatureRepository() {
  const repo = uniqueRepo('sigrepo-app')
  const signatures = uniqueRepo('sigrepo-signatures')
  const image = await pushImage(host, repo, 'v1')
  return { repo, signatures, image, ref: `${host}/${repo}:v1`, elsewhere: `${host}/${signatures}` }
}

/** SLSA provenance for `digest` as a legacy cosign `.att` tag in `repo`. */
const provenance = (repo: string, digest: string) =>
  writeLegacyAtt(ss, host, repo, digest, SLSA, { buildDefinition: {} }, { entryType: 'dsse' })

test('evidence in the other repository is found only with the input, and names where it was', async () => {
  const { signatures, image, ref, elsewhere } = await imageAndSignatureRepository()
  await signatureReferrer(signatures, image, image.digest)
  await provenance(signatures, image.digest)

  const without = await gate(ref)
  expect(without.images[0]!.evidence).toEqual([])
  expect(exitCode(without)).toBe(1)

  const result = await gate(ref, { 'signature-repository': elsewhere })
  const found = result.images[0]!.evidence
  expect(found.map((e) => [e.source, e.verified])).toEqual([
    ['referrers', true],
    ['cosign-tags', true],
  ])
  for (const e of found) expect(e.location.endsWith(` in ${elsewhere}`)).toBe(true)
  expect(result.verdict).toBe('pass')
  expect(exitCode(result)).toBe(0)
})

test('the image’s own repository is still read, and what the other holds must name this digest', async () => {
  const { repo, signatures, image, ref, elsewhere } = await imageAndSignatureRepository()
  const other = await pushImage(host, uniqueRepo('sigrepo-another'), 'v1', { text: 'other\n' })
  // In the other repository: a signature of another image, listed as a referrer of this one.
  await signatureReferrer(signatures, image, other.digest)
  // In the image's own repository: its provenance.
  await provenance(repo, image.digest)
  const result = await gate(ref, { 'signature-repository': elsewhere })
  const [image0] = result.images
  expect(image0!.evidence.map((e) => [e.source, e.verified])).toEqual([
    ['referrers', false],
    ['cosign-tags', true],
  ])
  expect(image0!.evidence[1]!.location.endsWith(elsewhere)).toBe(false)
  const failed = image0!.findings.filter((f) => f.status === 'fail')
  expect(failed.map((f) => f.requirement)).toEqual([expect.stringMatching(/signature/i)])
  expect(image0!.evidence[0]!.error).toBe(
    `the statement is about ${other.digest}, not ${image.digest}`,
  )
  expect(exitCode(result)).toBe(1)
})
