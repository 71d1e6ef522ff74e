// pmg-exporter, examples/pmg-exporter: a multi-arch index; a cosign signature and a CycloneDX SBOM
// attestation from release.yml in the new bundle format (OCI 1.1 referrers); SLSA v0.2 provenance
// from slsa-github-generator's container generator in the legacy `.att` tag; the CUE policies
// as JSON Schemas.
import { exitCode } from '../../src/report/result.js'
import { gateFixture } from '../helpers/gate.js'
import { githubIdentity } from '../helpers/mini-sigstore.js'
import { attestImage, cosignSign, writeLegacyAtt } from '../helpers/publish.js'
import { pushIndex, uniqueRepo } from '../helpers/registry.js'
import {
  cyclonedxDocument,
  theGateStep,
  loadWorkflow,
  pushPlatforms,
  runExample,
  upstreamJobs,
} from './example.js'

const REPO = 'natrontech/pmg-exporter'
const TAG = 'v0.4.0-rc.1'
const COMMIT = '8bb281ab60516adab99e044b95959e65cf61756d'
const GENERATOR = 'slsa-framework/slsa-github-generator'
const GENERATOR_WORKFLOW = '.github/workflows/generator_container_slsa3.yml'
const RELEASE_SAN = `https://github.com/${REPO}/.github/workflows/release.yml@refs/tags/${TAG}`

const releaseIdentity = (runnerEnvironment = 'github-hosted') =>
  githubIdentity({
    repo: REPO,
    workflowPath: '.github/workflows/release.yml',
    ref: `refs/tags/${TAG}`,
    sha: COMMIT,
    runnerEnvironment,
  })
// image-provenance: release.yml calls the generator as a reusable workflow.
const generator = (callerWorkflowPath = '.github/workflows/release.yml') =>
  githubIdentity({
    repo: GENERATOR,
    workflowPath: GENERATOR_WORKFLOW,
    ref: 'refs/tags/v2.1.0',
    sourceRepo: REPO,
    sourceRef: `refs/tags/${TAG}`,
    callerWorkflowPath,
    sha: COMMIT,
  })

const provenance = (entryPoint = '.github/workflows/release.yml') => ({
  builder: { id: `https://github.com/${GENERATOR}/${GENERATOR_WORKFLOW}@refs/tags/v2.1.0` },
  buildType: 'https://github.com/slsa-framework/slsa-github-generator/container@v1',
  invocation: {
    configSource: {
      uri: `git+https://github.com/${REPO}@refs/tags/${TAG}`,
      digest: { sha1: COMMIT },
      entryPoint,
    },
    parameters: {},
    environment: { github_event_name: 'push', github_ref: `refs/tags/${TAG}` },
  },
  materials: [{ uri: `git+https://github.com/${REPO}@refs/tags/${TAG}`, digest: { sha1: COMMIT } }],
})

const { host, ss, root } = await gateFixture()

interface Options {
  sbom?: boolean
  runnerEnvironment?: string
  entryPoint?: string
}

/** The image as release.yml leaves it: four jobs, all about the index digest. */
async function publishRelease(options: Options = {}) {
  const repo = uniqueRepo('pmg-exporter')
  const platforms = await pushPlatforms(host, repo, TAG)
  const index = await pushIndex(host, repo, TAG, platforms)
  const release = releaseIdentity(options.runnerEnvironment)
  // sign-image: cosign sign --new-bundle-format.
  await cosignSign(ss, host, repo, index.digest, release)
  // sbom-image: syft + cosign attest --new-bundle-format --type cyclonedx.
  if (options.sbom !== false) {
    const rootRef = `pkg:oci/ghcr.io/${REPO}@${index.digest}`
    const sbom = cyclonedxDocument(['prometheus-client@0.21.1', 'requests@2.32.4'], rootRef)
    await attestImage(ss, host, repo, index.digest, 'https://cyclonedx.org/bom', sbom, {
      identity: release,
      subjectName: `ghcr.io/${REPO}`,
    })
  }
  // image-provenance: the generator writes the legacy `.att` tag.
  const entryPoint = options.entryPoint ?? '.github/workflows/release.yml'
  await writeLegacyAtt(
    ss,
    host,
    repo,
    index.digest,
    'https://slsa.dev/provenance/v0.2',
    provenance(entryPoint),
    {
      identity: generator(entryPoint),
    },
  )
  return { ref: `${host}/${repo}@${index.digest}`, digest: index.digest }
}

const gate = (image: string) =>
  runExample('pmg-exporter', { image, 'trusted-root': root, 'insecure-registries': host })

test('the gate replaces the cosign verify steps, in a job after every publishing job', () => {
  const workflow = loadWorkflow('pmg-exporter')
  const { job } = theGateStep(workflow)
  expect([...upstreamJobs(workflow, job)].sort()).toEqual([
    'docker-build-and-push',
    'image-provenance',
    'sbom-image',
    'sign-image',
  ])
  expect(JSON.stringify(workflow)).not.toContain('cosign verify')
})

test('passes: signature and SBOM from release.yml (referrers), provenance from the generator (.att)', async () => {
  const img = await publishRelease()
  const result = await gate(img.ref)
  expect(exitCode(result)).toBe(0)
  const [image] = result.images
  expect(image!.findings.map((f) => [f.requirement, f.status])).toEqual([
    ['signature', 'pass'],
    ['SLSA L3 provenance', 'pass'],
    ['CycloneDX SBOM', 'pass'],
  ])
  expect(image!.findings[0]!.actual).toContain(`signed by "${RELEASE_SAN}"`)
  expect(image!.findings[0]!.actual).toContain('at referrer sha256:')
  expect(image!.findings[1]!.actual).toContain('.att layer 0, which passes slsa, schema')
  expect(image!.findings[2]!.actual).toContain('which passes schema, sbom')
})

test('fails: the SBOM attestation is missing (the sbom-image job failed)', async () => {
  const img = await publishRelease({ sbom: false })
  const result = await gate(img.ref)
  expect(exitCode(result)).toBe(1)
  const sbom = result.images[0]!.findings[2]!
  expect(sbom).toMatchObject({ requirement: 'CycloneDX SBOM', status: 'fail' })
  expect(sbom.expected).toContain(
    'a verified attestation of type https://cyclonedx.org/bom signed by identity matching /https://github\\.com/natrontech/pmg-exporter/\\.github/workflows/release\\.yml@refs/tags/v[0-9]+\\.[0-9]+\\.[0-9]+(-rc\\.[0-9]+)?/',
  )
  expect(sbom.expected).toContain(
    'whose predicate passes schema (./sbom.schema.json) and sbom (at least 1 components or packages)',
  )
  expect(sbom.actual).toBe(
    'no verified attestation of that type; present: verified: signature, https://slsa.dev/provenance/v0.2',
  )
})

test('fails: release.yml ran on a self-hosted runner, naming the runner environment', async () => {
  const img = await publishRelease({ runnerEnvironment: 'self-hosted' })
  const result = await gate(img.ref)
  expect(exitCode(result)).toBe(1)
  const [signature, provenanceFinding, sbom] = result.images[0]!.findings
  expect(provenanceFinding!.status).toBe('pass') // the generator ran on GitHub's runners
  for (const finding of [signature!, sbom!]) {
    expect(finding.status).toBe('fail')
    expect(finding.expected).toContain('runnerEnvironment "github-hosted"')
    expect(finding.actual).toContain(`signed by "${RELEASE_SAN}"`)
    expect(finding.actual).toContain('but runnerEnvironment "self-hosted" is not "github-hosted"')
  }
})

test('fails: provenance of a build another workflow started (what policy.cue refuses)', async () => {
  // docker-release.yml is another workflow of the repository; it may call the generator too.
  const img = await publishRelease({ entryPoint: '.github/workflows/docker-release.yml' })
  const result = await gate(img.ref)
  expect(exitCode(result)).toBe(1)
  const finding = result.images[0]!.findings[1]!
  expect(finding).toMatchObject({ requirement: 'SLSA L3 provenance', status: 'fail' })
  expect(finding.expected).toContain('and schema (./provenance.schema.json)')
  expect(finding.actual).toContain(
    'but rule schema: the predicate does not match ./provenance.schema.json at /invocation/configSource/entryPoint: must be equal to constant',
  )
})
