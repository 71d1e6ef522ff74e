// BuildKit attestation manifests in an image index, built on the real registry in both forms
// (legacy: dummy image config; OCI artifact: empty config and `subject`), read by the source and
// by the whole gate.
import { RegistryClient } from '../../src/registry/client.js'
import { buildkitSource } from '../../src/sources/buildkit.js'
import { renderConsole } from '../../src/report/console-reporter.js'
import { exitCode, toResultJson } from '../../src/report/result.js'
import { renderSummary } from '../../src/report/summary.js'
import { runGate, writeTrustedRoot } from '../helpers/gate.js'
import { createMiniSigstore, inTotoStatement } from '../helpers/mini-sigstore.js'
import {
  MT,
  digestOf,
  pushImage,
  putManifest,
  sharedRegistry,
  uniqueRepo,
  uploadBlob,
  type Descriptor,
  type Platform,
} from '../helpers/registry.js'
import { nodeTransport } from '../../src/registry/transport.js'

const SLSA_02 = 'https://slsa.dev/provenance/v0.2'
const SPDX = 'https://spdx.dev/Document'
const INTOTO = 'application/vnd.in-toto+json'
const ATTESTATION_ARTIFACT = 'application/vnd.docker.attestation.manifest.v1+json'
const UNKNOWN: Platform = { architecture: 'unknown', os: 'unknown' }
const AMD64: Platform = { architecture: 'amd64', os: 'linux' }
const ARM64: Platform = { architecture: 'arm64', os: 'linux' }

let host: string
beforeAll(() => {
  host = sharedRegistry()
})

/** One layer of an attestation manifest: raw bytes, annotated with a predicate type. */
interface Layer {
  data: Buffer
  predicateType?: string
  mediaType?: string
}

/** A statement layer the way BuildKit writes it (subject = the platform manifest). */
const statementLayer = (about: Descriptor, predicateType: string, predicate: unknown): Layer => ({
  data: Buffer.from(
    JSON.stringify(
      inTotoStatement({
        name: 'pkg:docker/acme/app@v1',
        digest: about.digest,
        predicateType,
        predicate,
        type: 'https://in-toto.io/Statement/v0.1',
      }),
    ),
  ),
  predicateType,
})

const provenance = (about: Descriptor): Layer =>
  statementLayer(about, SLSA_02, {
    builder: { id: '' },
    buildType: 'https://mobyproject.org/buildkit@v1',
  })

const sbom = (about: Descriptor): Layer =>
  statementLayer(about, SPDX, { spdxVersion: 'SPDX-2.3', name: 'sbom' })

/** Pushes an attestation manifest by digest; returns its index entry (annotations, platform). */
async function attestationManifest(
  repo: string,
  form: 'legacy' | 'artifact',
  about: Descriptor,
  layers: Layer[],
  options: { upload?: boolean; describes?: string } = {},
): Promise<Descriptor> {
  const descriptors = await Promise.all(
    layers.map(async (layer) => {
      const mediaType = layer.mediaType ?? INTOTO
      const annotations = layer.predicateType
        ? { 'in-toto.io/predicate-type': layer.predicateType }
        : undefined
      const base = { mediaType, digest: digestOf(layer.data), size: layer.data.length }
      if (options.upload !== false) await uploadBlob(host, repo, layer.data, mediaType)
      return { ...base, ...(annotations && { annotations }) }
    }),
  )
  const manifest =
    form === 'legacy'
      ? {
          schemaVersion: 2,
          mediaType: MT.OCI_MANIFEST,
          config: await uploadBlob(
            host,
            repo,
            Buffer.from(
              JSON.stringify({ architecture: 'unknown', os: 'unknown', config: {}, rootfs: {} }),
            ),
            MT.OCI_CONFIG,
          ),
          layers: descriptors,
        }
      : {
          schemaVersion: 2,
          mediaType: MT.OCI_MANIFEST,
          artifactType: ATTESTATION_ARTIFACT,
          config: await uploadBlob(host, repo, Buffer.from('{}'), MT.OCI_EMPTY),
          layers: descriptors,
          subject: { mediaType: about.mediaType, digest: about.digest, size: about.size },
        }
  const raw = JSON.stringify(manifest)
  const pushed = await putManifest(host, repo, digestOf(raw), raw, MT.OCI_MANIFEST)
  return {
    ...pushed,
    platform: UNKNOWN,
    annotations: {
      'vnd.docker.reference.type': 'attestation-manifest',
      'vnd.docker.reference.digest': options.describes ?? about.digest,
    },
  }
}

/** Pushes the index BuildKit writes: platform manifests first, then the attestation manifests. */
async function pushBuildkitIndex(repo: string, entries: Descriptor[]): Promise<Descriptor> {
  const index = { schemaVersion: 2, mediaType: MT.OCI_INDEX, manifests: entries }
  return putManifest(host, repo, 'v1', index, MT.OCI_INDEX)
}

async function platforms(repo: string) {
  const amd64 = { ...(await pushImage(host, repo, 'amd64', { platform: AMD64 })), platform: AMD64 }
  const arm64 = {
    ...(await pushImage(host, repo, 'arm64', { text: 'arm\n', platform: ARM64 })),
    platform: ARM64,
  }
  return { amd64, arm64 }
}

/** An index with both attestation forms: legacy (provenance + SBOM) and artifact (provenance). */
async function buildkitImage(repo: string) {
  const { amd64, arm64 } = await platforms(repo)
  const legacy = await attestationManifest(repo, 'legacy', amd64, [provenance(amd64), sbom(amd64)])
  const artifact = await attestationManifest(repo, 'artifact', arm64, [provenance(arm64)])
  const index = await pushBuildkitIndex(repo, [amd64, arm64, legacy, artifact])
  return { amd64, arm64, legacy, artifact, index }
}

function collect(repo: string, index: Descriptor) {
  const registry = new RegistryClient({
    http: {
      transport: nodeTransport,
      deadline: AbortSignal.timeout(20_000),
      insecureHosts: new Set([host]),
    },
    credentials: async () => undefined,
    maxBlobBytes: 1024 * 1024,
    onSecret: () => {},
  })
  return buildkitSource.collect(
    { repository: { registry: host, repository: repo }, ...index },
    { registry, concurrency: 4 },
  )
}

describe('the buildkit source', () => {
  test('lists the statements of both forms as unsigned, with their predicate types and locations', async () => {
    const repo = uniqueRepo('buildkit')
    const { amd64, arm64, legacy, artifact, index } = await buildkitImage(repo)
    const found = await collect(repo, index)
    expect(found.map((e) => [e.location, e.claimedPredicateType])).toEqual([
      [`index entry ${legacy.digest} (attestation for ${amd64.digest}) layer 0`, SLSA_02],
      [`index entry ${legacy.digest} (attestation for ${amd64.digest}) layer 1`, SPDX],
      [`index entry ${artifact.digest} (attestation for ${arm64.digest}) layer 0`, SLSA_02],
    ])
    for (const e of found) {
      expect(e).toMatchObject({ source: 'buildkit', mediaType: INTOTO })
      expect(e.bundle).toBeUndefined()
      expect(e.error).toBeUndefined()
    }
    expect(found[0]!.unsignedStatement).toMatchObject({
      predicateType: SLSA_02,
      subject: [{ digest: { sha256: amd64.digest.slice(7) } }],
      predicate: { buildType: 'https://mobyproject.org/buildkit@v1' },
    })
  })

  test('a single manifest has no index entries: nothing to read', async () => {
    const repo = uniqueRepo('buildkit-single')
    const image = await pushImage(host, repo, 'v1')
    expect(await collect(repo, image)).toEqual([])
  })

  test('an index without attestation manifests gives nothing', async () => {
    const repo = uniqueRepo('buildkit-plain')
    const { amd64, arm64 } = await platforms(repo)
    expect(await collect(repo, await pushBuildkitIndex(repo, [amd64, arm64]))).toEqual([])
  })

  test('a layer whose blob is missing and a layer that is not JSON become failed pieces', async () => {
    const repo = uniqueRepo('buildkit-broken')
    const { amd64, arm64 } = await platforms(repo)
    const missing = provenance(amd64)
    const garbage: Layer = { data: Buffer.from('not json {'), predicateType: SPDX }
    const broken = await attestationManifest(repo, 'legacy', amd64, [missing, garbage])
    await deleteBlob(repo, digestOf(missing.data))
    const index = await pushBuildkitIndex(repo, [amd64, arm64, broken])
    const found = await collect(repo, index)
    expect(found).toHaveLength(2)
    expect(found[0]).toMatchObject({
      location: `index entry ${broken.digest} (attestation for ${amd64.digest}) layer 0`,
      claimedPredicateType: SLSA_02,
      error: expect.stringContaining('HTTP 404'),
    })
    expect(found[1]).toMatchObject({
      location: `index entry ${broken.digest} (attestation for ${amd64.digest}) layer 1`,
      claimedPredicateType: SPDX,
      error: 'the layer is not a JSON in-toto statement',
    })
    expect(found.every((e) => e.unsignedStatement === undefined)).toBe(true)
  })

  test('an attestation manifest that is missing, or describes another manifest, fails', async () => {
    const repo = uniqueRepo('buildkit-lies')
    const { amd64, arm64 } = await platforms(repo)
    const elsewhere = await attestationManifest(repo, 'legacy', amd64, [provenance(amd64)], {
      describes: `sha256:${'e'.repeat(64)}`,
    })
    const mismatched = await attestationManifest(repo, 'artifact', amd64, [provenance(amd64)], {
      describes: arm64.digest,
    })
    const gone = await attestationManifest(repo, 'legacy', arm64, [sbom(arm64)])
    const index = await pushBuildkitIndex(repo, [amd64, arm64, elsewhere, mismatched, gone])
    await fetch(`http://${host}/v2/${repo}/manifests/${gone.digest}`, { method: 'DELETE' })
    const found = await collect(repo, index)
    expect(found.map((e) => e.error)).toEqual([
      'vnd.docker.reference.digest does not name a manifest of this index',
      `the attestation manifest's subject ${amd64.digest} is not ${arm64.digest}`,
      expect.stringContaining(`manifest ${gone.digest} was not found`),
    ])
    expect(found.every((e) => e.source === 'buildkit' && e.bundle === undefined)).toBe(true)
  })

  test('a statement whose predicateType contradicts its annotation, or is missing, fails', async () => {
    const repo = uniqueRepo('buildkit-mislabelled')
    const { amd64, arm64 } = await platforms(repo)
    const mislabelled: Layer = { ...provenance(amd64), predicateType: SPDX }
    const typeless: Layer = { data: Buffer.from('{"_type":"https://in-toto.io/Statement/v0.1"}') }
    const att = await attestationManifest(repo, 'legacy', amd64, [mislabelled, typeless])
    const found = await collect(repo, await pushBuildkitIndex(repo, [amd64, arm64, att]))
    expect(found.map((e) => [e.claimedPredicateType, e.error])).toEqual([
      [SPDX, `the layer is annotated ${SPDX} but the statement says ${SLSA_02}`],
      [undefined, 'the statement has no predicateType'],
    ])
  })

  test('statements beyond the cap are not read, and one failed piece says so', async () => {
    const repo = uniqueRepo('buildkit-many')
    const { amd64, arm64 } = await platforms(repo)
    const many = await attestationManifest(
      repo,
      'legacy',
      amd64,
      Array.from({ length: 70 }, () => provenance(amd64)),
    )
    const found = await collect(repo, await pushBuildkitIndex(repo, [amd64, arm64, many]))
    expect(found).toHaveLength(65)
    expect(found.slice(0, 64).every((e) => e.error === undefined)).toBe(true)
    expect(found[64]!.error).toBe('6 statement(s) beyond the first 64 were not read')
  })

  test('attestation manifests beyond the cap are not read, and one failed piece says so', async () => {
    const repo = uniqueRepo('buildkit-manifests')
    const { amd64, arm64 } = await platforms(repo)
    const att = await attestationManifest(repo, 'legacy', amd64, [sbom(amd64)])
    const index = await pushBuildkitIndex(repo, [amd64, arm64, ...Array(40).fill(att)])
    const found = await collect(repo, index)
    expect(found).toHaveLength(33)
    expect(found[32]).toMatchObject({
      location: `index ${index.digest}`,
      error: 'the index lists 40 attestation manifests; only the first 32 were read',
    })
  })

  test('unknown layer types are skipped; a manifest with no in-toto layer is a failed piece', async () => {
    const repo = uniqueRepo('buildkit-odd')
    const { amd64, arm64 } = await platforms(repo)
    const odd: Layer = { data: Buffer.from('{}'), mediaType: 'application/octet-stream' }
    const mixed = await attestationManifest(repo, 'legacy', amd64, [odd, sbom(amd64)])
    const empty = await attestationManifest(repo, 'artifact', arm64, [odd])
    const found = await collect(repo, await pushBuildkitIndex(repo, [amd64, arm64, mixed, empty]))
    expect(found.map((e) => [e.location, e.error])).toEqual([
      [`index entry ${mixed.digest} (attestation for ${amd64.digest}) layer 1`, undefined],
      [
        `index entry ${empty.digest} (attestation for ${arm64.digest})`,
        'the attestation manifest has no in-toto layers',
      ],
    ])
  })
})

describe('the gate on an image with only BuildKit attestations', () => {
  test('requiring provenance fails with exit 1: found, but not signed; class buildkit-unsigned', async () => {
    const ss = await createMiniSigstore()
    const repo = uniqueRepo('buildkit-gate')
    const { legacy, amd64, index } = await buildkitImage(repo)
    const result = await runGate(host, {
      image: `${host}/${repo}:v1`,
      'trusted-root': writeTrustedRoot(ss),
      'certificate-identity':
        'https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main',
      attestations: 'slsaprovenance',
    })
    expect(exitCode(result)).toBe(1)
    const [image] = result.images
    expect(image!.digest).toBe(index.digest)
    expect(image!.class).toBe('buildkit-unsigned')
    expect(image!.evidence.filter((e) => e.source === 'buildkit')).toHaveLength(3)
    expect(image!.evidence.every((e) => !e.signed && !e.verified && e.kind === 'unsigned')).toBe(
      true,
    )
    const [finding] = image!.findings
    expect(finding).toMatchObject({ requirement: 'slsaprovenance', status: 'fail' })
    expect(finding!.actual).toContain(
      `${SLSA_02} found at index entry ${legacy.digest} (attestation for ${amd64.digest}) layer 0 but not signed`,
    )
    // A failed image names its class wherever it is reported.
    expect(renderSummary(result)).toContain(
      'Evidence class **buildkit-unsigned**: unsigned BuildKit',
    )
    expect(renderConsole(result)).toContain('evidence class buildkit-unsigned: unsigned BuildKit')
    expect(JSON.parse(toResultJson(result)).images[0].class).toBe('buildkit-unsigned')
  })
})

async function deleteBlob(repo: string, digest: string): Promise<void> {
  const res = await fetch(`http://${host}/v2/${repo}/blobs/${digest}`, { method: 'DELETE' })
  await res.arrayBuffer()
  if (res.status !== 202) throw new Error(`deleting blob ${digest}: HTTP ${res.status}`)
}
