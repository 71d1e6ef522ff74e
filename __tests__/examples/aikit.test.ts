// AIKit, examples/aikit: a multi-arch index built by BuildKit with `sbom: true` and `provenance:
// true` (unsigned attestation manifests inside the index), and a cosign signature on the index
// digest made by update-models.yaml (cosign v2: the legacy `.sig` tag). Only the signature can be
// verified; requiring the provenance fails, with class buildkit-unsigned when nothing is signed.
import { parseInputs } from '../../src/inputs.js'
import { run } from '../../src/main.js'
import { exitCode } from '../../src/report/result.js'
import { renderSummary } from '../../src/report/summary.js'
import { gateFixture, testDeps } from '../helpers/gate.js'
import { githubIdentity } from '../helpers/mini-sigstore.js'
import { writeLegacySig } from '../helpers/publish.js'
import { uniqueRepo } from '../helpers/registry.js'
import {
  buildkitProvenance,
  buildkitSbom,
  editedPolicy,
  exampleInputs,
  loadWorkflow,
  pushBuildkitIndex,
  pushPlatforms,
  runExample,
  upstreamJobs,
} from './example.js'

const MODELS_SAN =
  'https://github.com/sozercan/aikit/.github/workflows/update-models.yaml@refs/heads/main'
const COMMIT = '000d64de0a94b031db7a48248164fe8e0fb25178'
const updateModels = githubIdentity({
  repo: 'sozercan/aikit',
  workflowPath: '.github/workflows/update-models.yaml',
  ref: 'refs/heads/main',
  trigger: 'workflow_dispatch',
  sha: COMMIT,
})

const { host, ss, root } = await gateFixture()

/** `docker buildx build --push` of a model, then (unless `sign: false`) `cosign sign ${DIGEST}`. */
async function model(options: { sign?: boolean } = {}) {
  const repo = uniqueRepo('aikit-llama3.1')
  const platforms = await pushPlatforms(host, repo, '8b')
  const { index, attestations } = await pushBuildkitIndex(
    host,
    repo,
    '8b',
    platforms,
    () => [
      buildkitProvenance('sozercan/aikit', COMMIT),
      buildkitSbom(['llama.cpp@b4000', 'libc6@2.36']),
    ],
    'pkg:docker/ghcr.io/sozercan/llama3.1@8b',
  )
  if (options.sign !== false)
    await writeLegacySig(ss, host, repo, index.digest, { identity: updateModels })
  return { ref: `${host}/${repo}:8b`, index, platforms, attestations }
}

const gate = (image: string, policy?: string) =>
  runExample('aikit', {
    image,
    'trusted-root': root,
    'insecure-registries': host,
    ...(policy !== undefined && { policy }),
  })

/** The example policy plus what a user might want, but AIKit cannot give: signed provenance. */
const requiringProvenance = () =>
  editedPolicy('aikit', (policy) => {
    policy.attestations = [{ type: 'slsaprovenance', identities: ['aikit'] }]
  })

test('the workflow deploys only after the gate, checking the index AIKit signs', () => {
  const workflow = loadWorkflow('aikit')
  expect(upstreamJobs(workflow, 'deploy')).toContain('verify')
  expect(workflow.jobs.verify!.steps!.at(-1)!.with!.platforms).toBe('index')
})

test('passes: the cosign signature on the index; the BuildKit statements are listed, unsigned', async () => {
  const img = await model()
  const result = await gate(img.ref)
  expect(exitCode(result)).toBe(0)
  const [image] = result.images
  expect(image!.digest).toBe(img.index.digest)
  expect(image!.class).toBe('signed')
  expect(image!.findings).toHaveLength(1)
  expect(image!.findings[0]!.status).toBe('pass')
  expect(image!.findings[0]!.actual).toContain(`signature signed by "${MODELS_SAN}"`)
  expect(image!.findings[0]!.actual).toContain('.sig layer 0')
  const buildkit = image!.evidence.filter((e) => e.source === 'buildkit')
  expect(buildkit.map((e) => e.claimedPredicateType)).toEqual([
    'https://slsa.dev/provenance/v0.2',
    'https://spdx.dev/Document',
    'https://slsa.dev/provenance/v0.2',
    'https://spdx.dev/Document',
  ])
  expect(buildkit.every((e) => e.kind === 'unsigned' && !e.verified)).toBe(true)
})

test('fails: requiring provenance of a signed AIKit image, since BuildKit did not sign it', async () => {
  const img = await model()
  const result = await gate(img.ref, requiringProvenance())
  expect(exitCode(result)).toBe(1)
  const [image] = result.images
  expect(image!.class).toBe('signed')
  const [signature, provenance] = image!.findings
  expect(signature!.status).toBe('pass')
  expect(provenance!.requirement).toBe('slsaprovenance')
  expect(provenance!.status).toBe('fail')
  expect(provenance!.expected).toContain(
    'a verified attestation of type https://slsa.dev/provenance/v0.2 or https://slsa.dev/provenance/v1 signed by identity matching /https://github\\.com/sozercan/aikit/\\.github/workflows/[^@]+@[^@]+/',
  )
  const [amd64Attestation] = img.attestations
  expect(provenance!.actual).toContain(
    'no verified attestation of that type; present: verified: signature;',
  )
  expect(provenance!.actual).toContain(
    `https://slsa.dev/provenance/v0.2 found at index entry ${amd64Attestation!.digest} (attestation for ${img.platforms[0]!.digest}) layer 0 but not signed`,
  )
})

test('fails: requiring provenance of an image with only BuildKit attestations: class buildkit-unsigned', async () => {
  const img = await model({ sign: false })
  const result = await gate(img.ref, requiringProvenance())
  expect(exitCode(result)).toBe(1)
  const [image] = result.images
  expect(image!.class).toBe('buildkit-unsigned')
  expect(image!.findings.map((f) => [f.requirement, f.status])).toEqual([
    ['signature', 'fail'],
    ['slsaprovenance', 'fail'],
  ])
  expect(image!.findings[0]!.actual).toBe(
    'no verified image signature; present: 4 unsigned or unreadable piece(s)',
  )
  expect(image!.findings[1]!.actual).toContain('layer 0 but not signed')
  expect(renderSummary(result)).toContain('Evidence class **buildkit-unsigned**: unsigned BuildKit')

  // The example policy itself fails the same image the same way: nothing is signed.
  const plain = await gate(img.ref)
  expect(exitCode(plain)).toBe(1)
  expect(plain.images[0]!.class).toBe('buildkit-unsigned')
})

test('fails: platforms all, since AIKit signs the index and not each platform manifest', async () => {
  const img = await model()
  // The workflow's `platforms: index` is deliberate: this is what `all` would do.
  const values = {
    ...exampleInputs('aikit', {
      image: img.ref,
      'trusted-root': root,
      'insecure-registries': host,
    }),
    platforms: 'all',
  }
  const result = await run(
    await parseInputs((name) => values[name as keyof typeof values] ?? ''),
    testDeps(),
  )
  expect(exitCode(result)).toBe(1)
  const [image] = result.images
  expect(image!.platforms!.map((p) => [p.platform, p.verdict])).toEqual([
    ['linux/amd64', 'fail'],
    ['linux/arm64', 'fail'],
  ])
  expect(image!.platforms![0]!.findings[0]!.actual).toBe(
    'no signatures or attestations were found for this digest',
  )
  expect(image!.findings).toContainEqual(
    expect.objectContaining({
      requirement: 'signature coverage',
      status: 'warn',
      actual: 'evidence covers the index but not linux/amd64, linux/arm64',
    }),
  )
})
