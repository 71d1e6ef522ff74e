// Aleph Alpha (PhariaAI), examples/aleph-alpha: a cosign v3 signature and six attestation types as
// OCI referrers (new bundle format), signed by two reusable shared workflows called from an
// Aleph-Alpha repository; and the legacy ORAS flow, unsigned `application/aa.trivy.*` referrers.
import { exitCode } from '../../src/report/result.js'
import { renderConsole } from '../../src/report/console-reporter.js'
import { gateFixture } from '../helpers/gate.js'
import { githubIdentity } from '../helpers/mini-sigstore.js'
import { attestImage, cosignSign, orasAttach } from '../helpers/publish.js'
import { pushImage, uniqueRepo } from '../helpers/registry.js'
import {
  cyclonedxDocument,
  loadWorkflow,
  runExample,
  spdxDocument,
  upstreamJobs,
} from './example.js'

const SHARED = 'Aleph-Alpha/shared-workflows'
// The product repository that calls the shared workflows; the seed does not name it.
const CALLER = 'Aleph-Alpha/pharia-studio-backend'
const sharedWorkflow = (file: string, sourceRepo = CALLER) =>
  githubIdentity({
    repo: SHARED,
    workflowPath: `.github/workflows/${file}`,
    ref: 'refs/heads/main',
    sourceRepo,
    sourceRef: 'refs/tags/v0.1.25',
    callerWorkflowPath: '.github/workflows/release.yaml',
  })
const BUILD = sharedWorkflow('build-and-push.yaml')
const SCAN = sharedWorkflow('scan-and-attest.yaml')
const BUILD_SAN = `https://github.com/${SHARED}/.github/workflows/build-and-push.yaml@refs/heads/main`

const T = {
  slsa: 'https://slsa.dev/provenance/v1',
  cyclonedx: 'https://cyclonedx.org/bom',
  spdx: 'https://spdx.dev/Document',
  vuln: 'https://cosign.sigstore.dev/attestation/vuln/v1',
  triage: 'https://aleph-alpha.com/attestations/triage/v1',
  license: 'https://aleph-alpha.com/attestations/license/v1',
}
const XZ = { id: 'CVE-2024-3094', severity: 'CRITICAL', pkg: 'xz-utils' }

const provenance = {
  buildDefinition: {
    buildType: 'https://actions.github.io/buildtypes/workflow/v1',
    externalParameters: {
      workflow: {
        ref: 'refs/tags/v0.1.25',
        repository: `https://github.com/${CALLER}`,
        path: '.github/workflows/release.yaml',
      },
    },
  },
  runDetails: { builder: { id: 'https://github.com/actions/runner/github-hosted' } },
}

/** `trivy image --format cosign-vuln`: cosign's vuln predicate around a Trivy JSON report. */
function trivyReport(findings: { id: string; severity: string; pkg: string }[]) {
  const now = new Date().toISOString()
  return {
    invocation: { parameters: null, uri: '', event_id: '', 'builder.id': '' },
    scanner: {
      uri: 'pkg:github/aquasecurity/trivy@0.67.2',
      version: '0.67.2',
      db: { uri: '', version: '' },
      result: {
        SchemaVersion: 2,
        CreatedAt: now,
        ArtifactName: 'alephalpha.jfrog.io/pharia-studio-images/studio-backend:v0.1.25',
        ArtifactType: 'container_image',
        Results: [
          {
            Target: 'studio-backend (debian 12.11)',
            Class: 'os-pkgs',
            ...(findings.length > 0 && {
              Vulnerabilities: findings.map((f) => ({
                VulnerabilityID: f.id,
                PkgName: f.pkg,
                InstalledVersion: '5.6.0-0.2',
                Severity: f.severity,
              })),
            }),
          },
        ],
      },
    },
    metadata: { scanStartedOn: now, scanFinishedOn: now },
  }
}

const { host, ss, root } = await gateFixture()

interface Options {
  signer?: ReturnType<typeof githubIdentity>
  findings?: { id: string; severity: string; pkg: string }[]
  optional?: boolean
}

/** An image published the cosign v3 way: build-and-push signs and attests, scan-and-attest scans. */
async function phariaImage(options: Options = {}) {
  const repo = uniqueRepo('aleph-alpha')
  const image = await pushImage(host, repo, 'v0.1.25')
  const build = options.signer ?? BUILD
  const scan = options.signer ?? SCAN
  const attest = (type: string, predicate: unknown, identity = build) =>
    attestImage(ss, host, repo, image.digest, type, predicate, { identity })
  await cosignSign(ss, host, repo, image.digest, build)
  await attest(T.slsa, provenance)
  await attest(T.cyclonedx, cyclonedxDocument(['fastapi@0.115.0', 'pydantic@2.9.2']))
  await attest(T.spdx, spdxDocument('studio-backend', ['fastapi@0.115.0', 'pydantic@2.9.2']))
  await attest(T.vuln, trivyReport(options.findings ?? []), scan)
  if (options.optional !== false) {
    await attest(T.triage, { Data: 'CVE-2023-45853 # zlib: minizip only, not shipped\n' }, scan)
    await attest(T.license, { licenses: { MIT: 41, 'Apache-2.0': 17, 'BSD-3-Clause': 6 } })
  }
  return { ref: `${host}/${repo}:v0.1.25`, digest: image.digest }
}

const gate = (image: string) =>
  runExample('aleph-alpha', { image, 'trusted-root': root, 'insecure-registries': host })

test('the workflow deploys only after the gate, and the digest it verified', () => {
  const workflow = loadWorkflow('aleph-alpha')
  expect(upstreamJobs(workflow, 'deploy')).toContain('verify')
  expect(workflow.jobs.deploy!.steps![0]!.run).toContain('$IMAGE')
  expect(JSON.stringify(workflow.jobs.deploy)).toContain('needs.verify.outputs.digest')
})

test('passes: the signature and all six attestations, from the two shared workflows', async () => {
  const img = await phariaImage()
  const result = await gate(img.ref)
  expect(exitCode(result)).toBe(0)
  const [image] = result.images
  expect(image!.class).toBe('fully-attested')
  expect(image!.findings.map((f) => [f.requirement, f.status])).toEqual([
    ['signature', 'pass'],
    ['SLSA provenance', 'pass'],
    ['CycloneDX SBOM', 'pass'],
    ['SPDX document', 'pass'],
    ['Trivy vulnerability report', 'pass'],
    ['triage whitelist', 'pass'],
    ['license disclosure', 'pass'],
  ])
  expect(image!.findings[0]!.actual).toContain(`signed by "${BUILD_SAN}"`)
  expect(image!.findings[4]!.actual).toContain('scan-and-attest.yaml@refs/heads/main')
  expect(image!.findings[4]!.actual).toContain('which passes vulnerabilities')
})

test('the triage and license attestations are optional: missing, they warn', async () => {
  const img = await phariaImage({ optional: false })
  const result = await gate(img.ref)
  expect(exitCode(result)).toBe(0)
  const warned = result.images[0]!.findings.filter((f) => f.status === 'warn')
  expect(warned.map((f) => f.requirement)).toEqual(['triage whitelist', 'license disclosure'])
})

test('fails: signed by a shared workflow outside the alternation, naming both', async () => {
  const other = 'docker-build.yaml'
  const img = await phariaImage({ signer: sharedWorkflow(other) })
  const result = await gate(img.ref)
  expect(exitCode(result)).toBe(1)
  const signature = result.images[0]!.findings[0]!
  expect(signature).toMatchObject({ requirement: 'signature', status: 'fail' })
  expect(signature.expected).toContain(
    'identity matching /https://github\\.com/Aleph-Alpha/shared-workflows/\\.github/workflows/(build-and-push|scan-and-attest)\\.yaml@[^@]+/',
  )
  const san = `https://github.com/${SHARED}/.github/workflows/${other}@refs/heads/main`
  expect(signature.actual).toContain(`signature signed by "${san}"`)
  expect(signature.actual).toContain(`identity "${san}" is not matching /`)
  // Every attestation was signed by the same workflow, and fails the same way.
  expect(result.images[0]!.findings.filter((f) => f.status === 'fail')).toHaveLength(5)
})

test('fails: the right shared workflow, called from a repository outside Aleph-Alpha', async () => {
  const img = await phariaImage({ signer: sharedWorkflow('build-and-push.yaml', 'mallory/fork') })
  const result = await gate(img.ref)
  expect(exitCode(result)).toBe(1)
  const signature = result.images[0]!.findings[0]!
  expect(signature.status).toBe('fail')
  expect(signature.expected).toContain('sourceRepositoryOwnerUri "https://github.com/Aleph-Alpha"')
  expect(signature.actual).toContain(
    'sourceRepositoryOwnerUri "https://github.com/mallory" is not "https://github.com/Aleph-Alpha"',
  )
})

test('fails: the Trivy report has a critical CVE, naming it', async () => {
  const img = await phariaImage({
    findings: [{ id: 'CVE-2024-6345', severity: 'HIGH', pkg: 'setuptools' }, XZ],
  })
  const result = await gate(img.ref)
  expect(exitCode(result)).toBe(1)
  const failed = result.images[0]!.findings.filter((f) => f.status === 'fail')
  expect(failed).toHaveLength(1)
  expect(failed[0]!.requirement).toBe('Trivy vulnerability report')
  expect(failed[0]!.expected).toContain('whose predicate passes vulnerabilities')
  expect(failed[0]!.actual).toContain(
    'but rule vulnerabilities.maxSeverity: expected nothing above high, found CVE-2024-3094 (CRITICAL in xz-utils)',
  )
  expect(failed[0]!.actual).not.toContain('CVE-2024-6345')
})

test('fails: a legacy ORAS image, class unsigned-attachments, pointing to the cosign flow', async () => {
  const repo = uniqueRepo('aleph-alpha-oras')
  const image = await pushImage(host, repo, 'v0.1.3')
  await orasAttach(host, repo, image, 'application/aa.trivy.sbom', '{"bomFormat":"CycloneDX"}')
  await orasAttach(host, repo, image, 'application/aa.trivy.report', '{"SchemaVersion":2}')
  const result = await gate(`${host}/${repo}:v0.1.3`)
  expect(exitCode(result)).toBe(1)
  const [checked] = result.images
  expect(checked!.class).toBe('unsigned-attachments')
  expect(checked!.evidence.map((e) => [e.mediaType, e.signed])).toEqual([
    ['application/aa.trivy.sbom', false],
    ['application/aa.trivy.report', false],
  ])
  expect(checked!.findings[0]).toMatchObject({
    requirement: 'signature',
    status: 'fail',
    actual: 'no verified image signature; present: 2 unsigned or unreadable piece(s)',
  })
  expect(checked!.findings[0]!.expected).toContain('a verified image signature signed by identity')
  expect(renderConsole(result)).toContain(
    'evidence class unsigned-attachments: only unsigned attachments such as ORAS `application/aa.trivy.sbom` (the legacy `oras attach` flow): nothing is signed; use the cosign flow instead',
  )
})
