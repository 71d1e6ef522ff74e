// Aotanami, examples/aotanami: a multi-arch index built with BuildKit provenance (mode=max) and SBOM
// inside it (unsigned); a cosign v3 signature and SPDX + CycloneDX attestations from
// release-image.yml as OCI referrers; SLSA v0.2 provenance from slsa-github-generator's container
// generator in cosign's legacy `.att` tag.
import { exitCode } from '../../src/report/result.js'
import { gateFixture } from '../helpers/gate.js'
import { githubIdentity } from '../helpers/mini-sigstore.js'
import { attestImage, cosignSign, writeLegacyAtt } from '../helpers/publish.js'
import { uniqueRepo } from '../helpers/registry.js'
import {
  buildkitProvenance,
  buildkitSbom,
  cyclonedxDocument,
  theGateStep,
  loadWorkflow,
  pushBuildkitIndex,
  pushPlatforms,
  runExample,
  spdxDocument,
  upstreamJobs,
} from './example.js'

const REPO = 'aotanami/aotanami'
const TAG = 'v0.1.0'
const COMMIT = '9de6e40e5a8c32bf1b1841a90547d6066d2ad464'
const GENERATOR = 'slsa-framework/slsa-github-generator'
const GENERATOR_WORKFLOW = '.github/workflows/generator_container_slsa3.yml'
const GENERATOR_SAN = `https://github.com/${GENERATOR}/${GENERATOR_WORKFLOW}@refs/tags/v2.1.0`
const RELEASE_SAN = `https://github.com/${REPO}/.github/workflows/release-image.yml@refs/tags/${TAG}`

const release = githubIdentity({
  repo: REPO,
  workflowPath: '.github/workflows/release-image.yml',
  ref: `refs/tags/${TAG}`,
  sha: COMMIT,
})
// The generator is a reusable workflow called by release-image.yml.
const generator = githubIdentity({
  repo: GENERATOR,
  workflowPath: GENERATOR_WORKFLOW,
  ref: 'refs/tags/v2.1.0',
  sourceRepo: REPO,
  sourceRef: `refs/tags/${TAG}`,
  callerWorkflowPath: '.github/workflows/release-image.yml',
  sha: COMMIT,
})

/** The SLSA v0.2 predicate the container generator writes. */
const generatorProvenance = {
  builder: { id: GENERATOR_SAN },
  buildType: 'https://github.com/slsa-framework/slsa-github-generator/container@v1',
  invocation: {
    configSource: {
      uri: `git+https://github.com/${REPO}@refs/tags/${TAG}`,
      digest: { sha1: COMMIT },
      entryPoint: '.github/workflows/release-image.yml',
    },
    parameters: {},
    environment: { github_event_name: 'push', github_ref: `refs/tags/${TAG}` },
  },
  metadata: { buildInvocationID: '4242-1', completeness: { parameters: true } },
  materials: [{ uri: `git+https://github.com/${REPO}@refs/tags/${TAG}`, digest: { sha1: COMMIT } }],
}
const PACKAGES = ['github.com/aotanami/aotanami@v0.1.0', 'sigs.k8s.io/controller-runtime@v0.22.1']

const { host, ss, root } = await gateFixture()

/** The release as the four jobs leave it; `sboms: false` is the sbom-and-scan job not attesting. */
async function publishRelease(options: { sboms?: boolean } = {}) {
  const repo = uniqueRepo('aotanami')
  const platforms = await pushPlatforms(host, repo, TAG)
  const { index } = await pushBuildkitIndex(
    host,
    repo,
    TAG,
    platforms,
    () => [buildkitProvenance(REPO, COMMIT), buildkitSbom(PACKAGES)],
    `pkg:docker/ghcr.io/${REPO}@${TAG}`,
  )
  // build: cosign sign <index digest> (cosign v3: a bundle referrer).
  await cosignSign(ss, host, repo, index.digest, release)
  // sbom-and-scan: cosign attest --type spdxjson / cyclonedx.
  if (options.sboms !== false) {
    const attest = (type: string, predicate: unknown) =>
      attestImage(ss, host, repo, index.digest, type, predicate, { identity: release })
    await attest('https://spdx.dev/Document', spdxDocument('ghcr.io/aotanami/aotanami', PACKAGES))
    await attest('https://cyclonedx.org/bom', cyclonedxDocument(PACKAGES))
  }
  // provenance: the generator's cosign (legacy) attestation, in the `.att` tag.
  await writeLegacyAtt(
    ss,
    host,
    repo,
    index.digest,
    'https://slsa.dev/provenance/v0.2',
    generatorProvenance,
    {
      identity: generator,
    },
  )
  return { ref: `${host}/${repo}@${index.digest}`, index }
}

const gate = (image: string) =>
  runExample('aotanami', { image, 'trusted-root': root, 'insecure-registries': host })

test('the gate is a job of the release workflow, after build, SBOMs and provenance', () => {
  const workflow = loadWorkflow('aotanami')
  const { job } = theGateStep(workflow)
  expect([...upstreamJobs(workflow, job)].sort()).toEqual(['build', 'provenance', 'sbom-and-scan'])
  expect(upstreamJobs(workflow, 'release-assets')).toContain(job)
})

test('passes: signature, both SBOMs, generator provenance; BuildKit statements listed, not trusted', async () => {
  const img = await publishRelease()
  const result = await gate(img.ref)
  expect(exitCode(result)).toBe(0)
  const [image] = result.images
  expect(image!.digest).toBe(img.index.digest)
  expect(image!.findings.map((f) => [f.requirement, f.status])).toEqual([
    ['signature', 'pass'],
    ['SLSA L3 provenance', 'pass'],
    ['SPDX SBOM', 'pass'],
    ['CycloneDX SBOM', 'pass'],
  ])
  const [signature, provenance] = image!.findings
  expect(signature!.actual).toContain(`signed by "${RELEASE_SAN}"`)
  expect(provenance!.actual).toContain(
    `https://slsa.dev/provenance/v0.2 attestation signed by "${GENERATOR_SAN}"`,
  )
  expect(provenance!.actual).toContain(`.att`)
  expect(provenance!.actual).toContain('which passes slsa, schema')
  const buildkit = image!.evidence.filter((e) => e.source === 'buildkit')
  expect(buildkit).toHaveLength(4)
  expect(buildkit.every((e) => !e.signed && !e.verified)).toBe(true)
})

test('fails: the SBOM attestations are missing; BuildKit’s unsigned SPDX does not stand in', async () => {
  const img = await publishRelease({ sboms: false })
  const result = await gate(img.ref)
  expect(exitCode(result)).toBe(1)
  const findings = result.images[0]!.findings
  expect(findings.map((f) => [f.requirement, f.status])).toEqual([
    ['signature', 'pass'],
    ['SLSA L3 provenance', 'pass'],
    ['SPDX SBOM', 'fail'],
    ['CycloneDX SBOM', 'fail'],
  ])
  const spdx = findings[2]!
  expect(spdx.expected).toContain(
    'a verified attestation of type https://spdx.dev/Document signed by identity matching /https://github\\.com/aotanami/aotanami/\\.github/workflows/release-image\\.yml@refs/tags/v[^@]*/',
  )
  expect(spdx.actual).toMatch(
    /^no verified attestation of that type; present: verified: signature, https:\/\/slsa\.dev\/provenance\/v0\.2;/,
  )
  expect(spdx.actual).toMatch(
    /https:\/\/spdx\.dev\/Document found at index entry sha256:[0-9a-f]{64} \(attestation for sha256:[0-9a-f]{64}\) layer 1 but not signed/,
  )
  expect(findings[3]!.expected).toContain('https://cyclonedx.org/bom')
})
