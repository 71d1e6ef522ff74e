// VMAFx, examples/vmafx (gap G3): the CPU image, a multi-arch index, signed with cosign v3
// (`--recursive`: the index and each platform manifest, as OCI referrers), with GitHub-native build
// provenance for each digest (actions/attest-build-provenance, listed by the GitHub attestations
// API) and a best-effort CycloneDX attestation on the index. The smoke test's gate runs with
// `platforms: all` before anything pulls the image.
import { exitCode } from '../../src/report/result.js'
import { gateFixture } from '../helpers/gate.js'
import { startFakeGithub, type FakeGithub } from '../helpers/github-api.js'
import { githubIdentity, inTotoStatement } from '../helpers/mini-sigstore.js'
import { attestImage, cosignSign } from '../helpers/publish.js'
import { pushIndex, uniqueRepo } from '../helpers/registry.js'
import { cyclonedxDocument, gateSteps, loadWorkflow, pushPlatforms, runExample } from './example.js'

const REPO = 'VMAFx/vmafx'
const WORKFLOW = '.github/workflows/docker-publish-production.yml'
const TAG = 'v3.0.0-lusoris.4'
const COMMIT = '30a23245f6764f0e087cf512bb1e6b50a0921faa'
const PUBLISH_SAN = `https://github.com/${REPO}/${WORKFLOW}@refs/tags/${TAG}`
const TOKEN = 'ghs_vmafx-smoke-test'
const publish = githubIdentity({
  repo: REPO,
  workflowPath: WORKFLOW,
  ref: `refs/tags/${TAG}`,
  sha: COMMIT,
})

/** The SLSA v1 predicate actions/attest-build-provenance writes for a GitHub-hosted run. */
const buildProvenance = {
  buildDefinition: {
    buildType: 'https://actions.github.io/buildtypes/workflow/v1',
    externalParameters: {
      workflow: {
        ref: `refs/tags/${TAG}`,
        repository: `https://github.com/${REPO}`,
        path: WORKFLOW,
      },
    },
    internalParameters: {
      github: {
        event_name: 'push',
        repository_id: '812345678',
        repository_owner_id: '171234567',
        runner_environment: 'github-hosted',
      },
    },
    resolvedDependencies: [
      { uri: `git+https://github.com/${REPO}@refs/tags/${TAG}`, digest: { gitCommit: COMMIT } },
    ],
  },
  runDetails: {
    builder: { id: 'https://github.com/actions/runner/github-hosted' },
    metadata: { invocationId: `https://github.com/${REPO}/actions/runs/4242/attempts/1` },
  },
}

const { host, ss, root } = await gateFixture()
let api: FakeGithub

beforeEach(async () => {
  api = await startFakeGithub()
})
afterEach(async () => {
  await api.close()
})

/** actions/attest-build-provenance for one digest: signed as the calling workflow, in the API. */
async function attestBuildProvenance(digest: string) {
  const statement = inTotoStatement({
    name: 'ghcr.io/vmafx/vmafx',
    digest,
    predicateType: 'https://slsa.dev/provenance/v1',
    predicate: buildProvenance,
  })
  const { bundle } = await ss.attest(statement, { identity: publish })
  api.attestations(`/repos/${REPO}/attestations/${digest}`, [
    [{ bundle, repository_id: 812345678 }],
  ])
}

interface Options {
  /** Which manifests `cosign sign` reached: all (`--recursive`), the index only, or none. */
  signed?: 'all' | 'index-and-amd64' | 'none'
  attested?: boolean
}

/** The build-cpu job's output: the index of linux/amd64 and linux/arm64 and its evidence. */
async function buildCpu(options: Options = {}) {
  const repo = uniqueRepo('vmafx')
  const platforms = await pushPlatforms(host, repo, TAG)
  const index = await pushIndex(host, repo, TAG, platforms)
  const [amd64, arm64] = platforms
  const signed = options.signed ?? 'all'
  if (signed !== 'none') {
    await cosignSign(ss, host, repo, index.digest, publish)
    await cosignSign(ss, host, repo, amd64!.digest, publish)
    if (signed === 'all') await cosignSign(ss, host, repo, arm64!.digest, publish)
  }
  if (options.attested !== false) {
    for (const digest of [index.digest, amd64!.digest, arm64!.digest])
      await attestBuildProvenance(digest)
    const sbom = cyclonedxDocument(['libvmaf@3.0.0', 'ffmpeg@7.1.1'])
    await attestImage(ss, host, repo, index.digest, 'https://cyclonedx.org/bom', sbom, {
      identity: publish,
    })
  }
  return { ref: `${host}/${repo}@${index.digest}`, index, amd64: amd64!, arm64: arm64! }
}

const smokeTestGate = (image: string) =>
  runExample(
    'vmafx',
    {
      image,
      'trusted-root': root,
      'insecure-registries': `${host},${api.host}`,
      'github-token': TOKEN, // the runner's github.token, the action's default
    },
    { githubApiUrl: api.url },
  )

test('G3: the smoke test runs the gate before it pulls the image', () => {
  const workflow = loadWorkflow('vmafx')
  const [gate] = gateSteps(workflow)
  expect(gate!.job).toBe('smoke-test')
  const steps = workflow.jobs['smoke-test']!.steps!
  const pull = steps.findIndex((s) => s.run?.includes('docker pull') === true)
  expect(pull).toBeGreaterThan(gate!.index)
  expect(gate!.step.with).toMatchObject({ platforms: 'all' })
})

test('passes: every platform signed and attested; the index-only SBOM is a warning', async () => {
  const img = await buildCpu()
  const result = await smokeTestGate(img.ref)
  expect(exitCode(result)).toBe(0)
  const [image] = result.images
  expect(image!.platforms!.map((p) => [p.platform, p.digest, p.verdict])).toEqual([
    ['linux/amd64', img.amd64.digest, 'pass'],
    ['linux/arm64', img.arm64.digest, 'pass'],
  ])
  for (const platform of image!.platforms!) {
    expect(platform.findings.map((f) => [f.requirement, f.status])).toEqual([
      ['signature', 'pass'],
      ['GitHub build provenance', 'pass'],
      ['CycloneDX SBOM (best effort)', 'warn'],
    ])
    expect(platform.findings[0]!.actual).toContain(`signed by "${PUBLISH_SAN}"`)
    expect(platform.findings[1]!.actual).toContain(
      `at GitHub attestations API (repos/${REPO}), attestation 1, which passes slsa`,
    )
  }
  expect(api.requests.map((r) => new URL(r.url ?? '', api.url).pathname).sort()).toEqual(
    [img.index.digest, img.amd64.digest, img.arm64.digest]
      .map((d) => `/repos/${REPO}/attestations/${d}`)
      .sort(),
  )
})

test('fails: linux/arm64 was left unsigned, naming the platform and what was found', async () => {
  const img = await buildCpu({ signed: 'index-and-amd64' })
  const result = await smokeTestGate(img.ref)
  expect(exitCode(result)).toBe(1)
  const [image] = result.images
  expect(image!.platforms!.map((p) => [p.platform, p.verdict])).toEqual([
    ['linux/amd64', 'pass'],
    ['linux/arm64', 'fail'],
  ])
  const signature = image!.platforms![1]!.findings[0]!
  expect(signature).toMatchObject({ requirement: 'signature', status: 'fail' })
  expect(signature.expected).toContain(
    'a verified image signature signed by identity matching /https://github\\.com/VMAFx/vmafx/\\.github/workflows/docker-publish-production\\.yml@[^@]+/',
  )
  expect(signature.actual).toBe(
    'no verified image signature; present: verified: https://slsa.dev/provenance/v1',
  )
  expect(image!.findings).toContainEqual(
    expect.objectContaining({
      requirement: 'signature coverage',
      status: 'warn',
      actual: 'evidence covers the index but not linux/arm64',
    }),
  )
})

test('fails: an image pushed without the signing and attesting steps (the G3 threat)', async () => {
  const img = await buildCpu({ signed: 'none', attested: false })
  const result = await smokeTestGate(img.ref)
  expect(exitCode(result)).toBe(1)
  const [image] = result.images
  expect(image!.class).toBe('none')
  for (const platform of image!.platforms!) {
    expect(platform.verdict).toBe('fail')
    expect(platform.findings.map((f) => [f.requirement, f.status, f.actual])).toEqual([
      ['signature', 'fail', 'no signatures or attestations were found for this digest'],
      [
        'GitHub build provenance',
        'fail',
        'no signatures or attestations were found for this digest',
      ],
      [
        'CycloneDX SBOM (best effort)',
        'warn',
        'no signatures or attestations were found for this digest',
      ],
    ])
  }
})
