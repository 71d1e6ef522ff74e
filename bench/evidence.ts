// Builds the bench's images and their evidence with the test harness, writing DIRECTLY to the
// registry (never through the delaying proxy): signatures and attestations as OCI referrers
// (cosign v3 / actions/attest), cosign v2 legacy tags, and the GitHub attestations API listing.
import crypto from 'node:crypto'
import type { SerializedBundle } from '@sigstore/bundle'
import { snappyLiterals } from '../__tests__/helpers/github-api.js'
import { githubIdentity, type MiniSigstore } from '../__tests__/helpers/mini-sigstore.js'
import {
  attestImage,
  cosignSign,
  writeLegacyAtt,
  writeLegacySig,
} from '../__tests__/helpers/publish.js'
import {
  pushImage,
  pushIndex,
  type Descriptor,
  type Platform,
} from '../__tests__/helpers/registry.js'
import type { FakeApi } from './github-api.js'

export const SAN = 'https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v1.0.0'
export const IDENTITY = githubIdentity({
  repo: 'acme/app',
  workflowPath: '.github/workflows/release.yml',
  ref: 'refs/tags/v1.0.0',
})
/** The `attestations` input every scenario requires (with `require-signature: true`). */
export const ATTESTATIONS = 'slsaprovenance1,cyclonedx,spdx'
/** Token the gate sends to the fake GitHub API (scenario all-sources only). */
export const API_TOKEN = 'ghs_bench-token'
/** Where the `github` source asks, as derived from SAN (repos/<owner>/<repo>). */
const API_SCOPE = '/repos/acme/app'

const SLSA = 'https://slsa.dev/provenance/v1'
const CYCLONEDX = 'https://cyclonedx.org/bom'
const SPDX = 'https://spdx.dev/Document'
const MiB = 1024 * 1024

const hex = (seed: string): string => crypto.createHash('sha256').update(seed).digest('hex')

const slsaPredicate = (repo: string): object => ({
  buildDefinition: {
    buildType: 'https://actions.github.io/buildtypes/workflow/v1',
    externalParameters: {
      workflow: {
        ref: 'refs/tags/v1.0.0',
        repository: 'https://github.com/acme/app',
        path: '.github/workflows/release.yml',
      },
    },
    internalParameters: {
      github: { event_name: 'push', repository_id: '1', repository_owner_id: '2' },
    },
    resolvedDependencies: [
      {
        uri: 'git+https://github.com/acme/app@refs/tags/v1.0.0',
        digest: { gitCommit: hex(repo).slice(0, 40) },
      },
    ],
  },
  runDetails: {
    builder: { id: 'https://github.com/actions/runner/github-hosted' },
    metadata: { invocationId: `https://github.com/acme/app/actions/runs/4242/attempts/1` },
  },
})

const component = (i: number): object => {
  const version = `1.${i % 50}.${i % 7}`
  const purl = `pkg:npm/%40bench/pkg-${i}@${version}`
  return {
    type: 'library',
    'bom-ref': purl,
    group: '@bench',
    name: `pkg-${i}`,
    version,
    purl,
    licenses: [{ license: { id: 'MIT' } }],
    hashes: [{ alg: 'SHA-256', content: hex(`pkg-${i}`) }],
  }
}

/** A CycloneDX 1.5 BOM; `components` entries, or as many as fit in `bytes` of JSON. */
export function cyclonedx(opts: { components?: number; bytes?: number }): object {
  const components: object[] = []
  let size = 0
  for (let i = 0; i < 10_000_000; i++) {
    if (opts.components !== undefined && i >= opts.components) break
    const c = component(i)
    const length = JSON.stringify(c).length + 1
    if (opts.bytes !== undefined && size + length > opts.bytes) break
    size += length
    components.push(c)
  }
  return {
    bomFormat: 'CycloneDX',
    specVersion: '1.5',
    serialNumber: `urn:uuid:${crypto.randomUUID()}`,
    version: 1,
    metadata: { timestamp: new Date().toISOString(), tools: [{ vendor: 'bench', name: 'bench' }] },
    components,
  }
}

const spdxPredicate = (repo: string, packages: number): object => ({
  spdxVersion: 'SPDX-2.3',
  dataLicense: 'CC0-1.0',
  SPDXID: 'SPDXRef-DOCUMENT',
  name: repo,
  documentNamespace: `https://bench.example/spdx/${hex(repo).slice(0, 16)}`,
  creationInfo: { created: new Date().toISOString(), creators: ['Tool: bench'] },
  packages: Array.from({ length: packages }, (_, i) => ({
    SPDXID: `SPDXRef-Package-${i}`,
    name: `pkg-${i}`,
    versionInfo: `1.${i % 50}.${i % 7}`,
    downloadLocation: 'NOASSERTION',
    licenseConcluded: 'MIT',
    externalRefs: [
      {
        referenceCategory: 'PACKAGE-MANAGER',
        referenceType: 'purl',
        referenceLocator: `pkg:npm/%40bench/pkg-${i}@1.0.0`,
      },
    ],
  })),
})

/** The three attestations every bench image carries (cyclonedx may be given, e.g. 64 MiB). */
function attestations(repo: string, bom?: object): { type: string; predicate: object }[] {
  return [
    { type: SLSA, predicate: slsaPredicate(repo) },
    { type: CYCLONEDX, predicate: bom ?? cyclonedx({ components: 200 }) },
    { type: SPDX, predicate: spdxPredicate(repo, 200) },
  ]
}

/**
 * A cosign v3 signature and three actions/attest attestations as referrers of `digest` (on
 * distribution 2.8: the sha256-<hex> fallback tag index). Returns the bundles, signature first.
 */
async function referrerEvidence(
  ss: MiniSigstore,
  host: string,
  repo: string,
  digest: string,
  bom?: object,
): Promise<SerializedBundle[]> {
  const bundles = [await cosignSign(ss, host, repo, digest, IDENTITY)]
  for (const { type, predicate } of attestations(repo, bom)) {
    bundles.push(await attestImage(ss, host, repo, digest, type, predicate, { identity: IDENTITY }))
  }
  return bundles
}

export interface BuiltImage {
  /** `repo:tag`, to be prefixed with the proxy host. */
  ref: string
  repo: string
  digest: string
  bundles: SerializedBundle[]
}

/** Scenario one-image: a signature and three attestations in referrers. */
export async function oneImage(
  ss: MiniSigstore,
  host: string,
  repo: string,
  text: string,
): Promise<BuiltImage> {
  const { digest } = await pushImage(host, repo, 'v1', { text })
  return {
    ref: `${repo}:v1`,
    repo,
    digest,
    bundles: await referrerEvidence(ss, host, repo, digest),
  }
}

/**
 * Scenario all-sources: the referrers of one-image, plus a legacy `.sig` and three `.att` layers,
 * plus the three attestations listed by the GitHub API as GitHub lists them today (`bundle: null`
 * and a snappy `bundle_url`), served through the proxy.
 */
export async function allSources(
  ss: MiniSigstore,
  host: string,
  repo: string,
  api: FakeApi,
  proxyUrl: string,
  proxyHost: string,
): Promise<BuiltImage> {
  const image = await oneImage(ss, host, repo, 'all sources\n')
  const { digest } = image
  await writeLegacySig(ss, host, repo, digest, {
    identity: IDENTITY,
    dockerReference: `${proxyHost}/${repo}`,
  })
  for (const { type, predicate } of attestations(repo)) {
    await writeLegacyAtt(ss, host, repo, digest, type, predicate, { identity: IDENTITY })
  }
  const listed = image.bundles.slice(1).map((bundle, i) => {
    const path = `/bundles/${digest.slice(7, 19)}-${i + 1}.json.sn`
    api.route(path, {
      headers: { 'content-type': 'application/x-snappy' },
      body: snappyLiterals(Buffer.from(JSON.stringify(bundle))),
    })
    return { bundle: null, bundle_url: `${proxyUrl}${path}?sv=presigned`, repository_id: 1 }
  })
  api.route(`${API_SCOPE}/attestations/${digest}`, {
    body: JSON.stringify({ attestations: listed }),
  })
  return image
}

const PLATFORMS: Platform[] = [
  { os: 'linux', architecture: 'amd64' },
  { os: 'linux', architecture: 'arm64' },
  { os: 'linux', architecture: 'arm', variant: 'v7' },
  { os: 'linux', architecture: 'ppc64le' },
]

/** Scenario multi-arch: an index of 4 platforms; the index and each platform signed and attested. */
export async function multiArch(ss: MiniSigstore, host: string, repo: string): Promise<BuiltImage> {
  const manifests: (Descriptor & { platform: Platform })[] = []
  for (const platform of PLATFORMS) {
    const tag = [platform.os, platform.architecture, platform.variant].filter(Boolean).join('-')
    const pushed = await pushImage(host, repo, tag, { text: `multi ${tag}\n`, platform })
    manifests.push({ ...pushed, platform })
  }
  const index = await pushIndex(host, repo, 'v1', manifests)
  const bundles = await referrerEvidence(ss, host, repo, index.digest)
  for (const m of manifests) await referrerEvidence(ss, host, repo, m.digest)
  return { ref: `${repo}:v1`, repo, digest: index.digest, bundles }
}

/**
 * Scenario big-sbom: one-image, but the CycloneDX attestation's bundle (the referrer's layer) is
 * just under `bundleBytes`. Returns the image and that bundle's exact size.
 */
export async function bigSbom(
  ss: MiniSigstore,
  host: string,
  repo: string,
  bundleBytes = 64 * MiB,
): Promise<BuiltImage & { sbomBundleBytes: number }> {
  const { digest } = await pushImage(host, repo, 'v1', { text: 'big sbom\n' })
  // The DSSE payload is base64 (4/3) inside the bundle JSON, next to ~6 KiB of certificate and log entry.
  const bom = cyclonedx({ bytes: Math.floor(((bundleBytes - 16 * 1024) * 3) / 4) })
  const bundles = await referrerEvidence(ss, host, repo, digest, bom)
  const sbomBundleBytes = Buffer.byteLength(JSON.stringify(bundles[2]))
  return { ref: `${repo}:v1`, repo, digest, bundles, sbomBundleBytes }
}
