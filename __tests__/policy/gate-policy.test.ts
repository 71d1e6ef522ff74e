// A policy file end to end on a real registry: provenance signed by slsa-github-generator, the SBOM
// by the repository's own release workflow, each held to its own identity and content rules.
import { exitCode } from '../../src/report/result.js'
import { gateFixture, runGate } from '../helpers/gate.js'
import { githubIdentity } from '../helpers/mini-sigstore.js'
import { attestImage } from '../helpers/publish.js'
import { pushImage, uniqueRepo } from '../helpers/registry.js'
import { writePolicy } from './fixtures.js'

const COMMIT = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678'
const GENERATOR_SAN =
  'https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_container_slsa3.yml@refs/tags/v2.1.0'
const RELEASE_SAN = 'https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v1.0.0'

// The generator is a reusable workflow: its certificate's SAN names the generator, while the
// source repository extensions name acme/app, whose release workflow called it.
const generator = githubIdentity({
  repo: 'slsa-framework/slsa-github-generator',
  workflowPath: '.github/workflows/generator_container_slsa3.yml',
  ref: 'refs/tags/v2.1.0',
  sourceRepo: 'acme/app',
  sourceRef: 'refs/tags/v1.0.0',
  callerWorkflowPath: '.github/workflows/release.yml',
  sha: COMMIT,
})
const release = githubIdentity({
  repo: 'acme/app',
  workflowPath: '.github/workflows/release.yml',
  ref: 'refs/tags/v1.0.0',
  sha: COMMIT,
})

const provenance = {
  builder: { id: GENERATOR_SAN },
  buildType: 'https://github.com/slsa-framework/slsa-github-generator/container@v1',
  invocation: {
    configSource: {
      uri: 'git+https://github.com/acme/app@refs/tags/v1.0.0',
      digest: { sha1: COMMIT },
      entryPoint: '.github/workflows/release.yml',
    },
  },
  materials: [
    { uri: 'git+https://github.com/acme/app@refs/tags/v1.0.0', digest: { sha1: COMMIT } },
  ],
}
const sbom = {
  bomFormat: 'CycloneDX',
  specVersion: '1.5',
  components: [{ type: 'library', name: 'musl', version: '1.2.4' }],
}

function policy(releaseWorkflow: string): string {
  return writePolicy(`version: 1
identities:
  release:
    - preset: github-workflow
      repository: acme/app
      workflow: ${releaseWorkflow}
      ref: refs/tags/v*
      runnerEnvironment: github-hosted
  generator:
    - preset: slsa-github-generator
      generator: container
      sourceRepository: acme/app
attestations:
  - type: slsaprovenance
    identities: [generator]
    rules:
      slsa:
        builderId: ${GENERATOR_SAN}
        sourceRepository: acme/app
        ref: refs/tags/v*
        commit: ${COMMIT}
  - type: cyclonedx
    identities: [release]
    rules: { sbom: { minComponents: 1 } }
`)
}

const { host, ss, root } = await gateFixture()
let image: string

beforeAll(async () => {
  const repo = uniqueRepo('policy')
  const pushed = await pushImage(host, repo, 'v1')
  await attestImage(ss, host, repo, pushed.digest, 'https://slsa.dev/provenance/v0.2', provenance, {
    identity: generator,
  })
  await attestImage(ss, host, repo, pushed.digest, 'https://cyclonedx.org/bom', sbom, {
    identity: release,
  })
  image = `${host}/${repo}:v1`
})

describe('a policy file with two identities', () => {
  test('passes: provenance from the generator, SBOM from the release workflow, rules met', async () => {
    const result = await runGate(host, {
      image,
      'trusted-root': root,
      policy: policy('.github/workflows/release.yml'),
    })
    expect(exitCode(result)).toBe(0)
    const findings = result.images[0]!.findings
    expect(findings.map((f) => [f.requirement, f.status])).toEqual([
      ['slsaprovenance', 'pass'],
      ['cyclonedx', 'pass'],
    ])
    expect(findings[0]!.actual).toContain(`signed by "${GENERATOR_SAN}"`)
    expect(findings[0]!.actual).toContain('which passes slsa')
    expect(findings[1]!.actual).toContain(`signed by "${RELEASE_SAN}"`)
  })

  test('fails for a wrong workflow, naming the signer that was found', async () => {
    const result = await runGate(host, {
      image,
      'trusted-root': root,
      policy: policy('.github/workflows/build.yml'),
    })
    expect(exitCode(result)).toBe(1)
    const [provenanceFinding, sbomFinding] = result.images[0]!.findings
    expect(provenanceFinding!.status).toBe('pass')
    expect(sbomFinding!.status).toBe('fail')
    expect(sbomFinding!.expected).toContain(
      'acme/app/\\.github/workflows/build\\.yml@refs/tags/v[^@]*',
    )
    expect(sbomFinding!.actual).toContain(
      `https://cyclonedx.org/bom attestation signed by "${RELEASE_SAN}"`,
    )
    expect(sbomFinding!.actual).toContain(`identity "${RELEASE_SAN}" is not matching`)
  })
})
