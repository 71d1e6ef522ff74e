// Shared by the publisher examples' tests: reads examples/<publisher>/{policy,workflow}.yml, runs
// the gate with the inputs the example workflow gives it (replacing only where the image is, the
// trust material, the loopback hosts and the token), and builds images the way BuildKit stores
// them (platform manifests plus unsigned attestation manifests in one index).
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse, stringify } from 'yaml'
import { parseInputs } from '../../src/inputs.js'
import { run, type Deps } from '../../src/main.js'
import type { GateResult } from '../../src/types.js'
import { testDeps } from '../helpers/gate.js'
import { inTotoStatement } from '../helpers/mini-sigstore.js'
import {
  MT,
  digestOf,
  pushImage,
  putManifest,
  uploadBlob,
  type Descriptor,
  type Platform,
} from '../helpers/registry.js'

export const GATE_ACTION = 'supply-chain-gate/supply-chain-gate@v0'
export const PUBLISHERS = ['aleph-alpha', 'aotanami', 'aikit', 'pmg-exporter', 'vmafx'] as const
export type Publisher = (typeof PUBLISHERS)[number]

export const EXAMPLES_DIR = fileURLToPath(new URL('../../examples/', import.meta.url))
export const examplePath = (publisher: Publisher, file: string): string =>
  path.join(EXAMPLES_DIR, publisher, file)

export interface WorkflowStep {
  name?: string
  id?: string
  uses?: string
  run?: string
  with?: Record<string, unknown>
}
export interface WorkflowJob {
  name?: string
  needs?: string | string[]
  permissions?: Record<string, string> | string
  'runs-on'?: unknown
  uses?: string
  steps?: WorkflowStep[]
}
export interface Workflow {
  name?: string
  permissions?: Record<string, string> | string
  jobs: Record<string, WorkflowJob>
}

export function loadWorkflow(publisher: Publisher): Workflow {
  return parse(fs.readFileSync(examplePath(publisher, 'workflow.yml'), 'utf8')) as Workflow
}

/** Every step of the workflow that runs the gate, with its job and position. */
export function gateSteps(
  workflow: Workflow,
): { job: string; index: number; step: WorkflowStep }[] {
  return Object.entries(workflow.jobs).flatMap(([job, { steps = [] }]) =>
    steps.flatMap((step, index) =>
      step.uses?.startsWith('supply-chain-gate/supply-chain-gate@') ? [{ job, index, step }] : [],
    ),
  )
}

/** The one step of the workflow that runs the gate. */
export function theGateStep(workflow: Workflow): {
  job: string
  index: number
  step: WorkflowStep
} {
  const steps = gateSteps(workflow)
  if (steps.length !== 1) throw new Error(`expected one gate step, found ${steps.length}`)
  return steps[0]!
}

/** The jobs `job` waits for, directly or not. */
export function upstreamJobs(workflow: Workflow, job: string): Set<string> {
  const seen = new Set<string>()
  const visit = (name: string): void => {
    const needs = workflow.jobs[name]?.needs
    for (const need of needs === undefined ? [] : [needs].flat()) {
      if (!seen.has(need)) {
        seen.add(need)
        visit(need)
      }
    }
  }
  visit(job)
  return seen
}

/**
 * What a test may replace in the example's `with:`: where the image is (a loopback registry), which
 * copy of the policy is read (the one in examples/), the trust material (the test Sigstore), the
 * hosts allowed over plain HTTP, and the token (the runner's `github.token`). Every other input is
 * taken from the example workflow as written.
 */
const REPLACEABLE = new Set([
  'image',
  'policy',
  'trusted-root',
  'insecure-registries',
  'github-token',
])

/** The gate's inputs as the example workflow gives them, with the test's replacements. */
export function exampleInputs(
  publisher: Publisher,
  replace: Record<string, string>,
): Record<string, string> {
  const { step } = theGateStep(loadWorkflow(publisher))
  const given: Record<string, string> = {}
  for (const [name, value] of Object.entries(step.with ?? {})) {
    const text = String(value)
    if (!REPLACEABLE.has(name) && text.includes('${{')) {
      throw new Error(
        `${publisher}: the \`${name}\` input is an expression the test cannot replace`,
      )
    }
    given[name] = text
  }
  for (const name of Object.keys(replace)) {
    if (!REPLACEABLE.has(name)) throw new Error(`tests do not replace the \`${name}\` input`)
  }
  return { ...given, policy: examplePath(publisher, 'policy.yml'), ...replace }
}

/** Runs the gate as the example workflow's step would, with the test's replacements. */
export async function runExample(
  publisher: Publisher,
  replace: Record<string, string>,
  deps: Partial<Deps> = {},
): Promise<GateResult> {
  const values = exampleInputs(publisher, replace)
  return run(await parseInputs((name) => values[name] ?? ''), { ...testDeps(), ...deps })
}

/** The example policy with `edit` applied, written to a temporary file beside copies of its files. */
export function editedPolicy(
  publisher: Publisher,
  edit: (policy: Record<string, unknown>) => void,
) {
  const policy = parse(fs.readFileSync(examplePath(publisher, 'policy.yml'), 'utf8')) as Record<
    string,
    unknown
  >
  edit(policy)
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `scg-example-${publisher}-`))
  for (const file of fs.readdirSync(path.join(EXAMPLES_DIR, publisher))) {
    fs.copyFileSync(examplePath(publisher, file), path.join(dir, file))
  }
  const file = path.join(dir, 'policy.yml')
  fs.writeFileSync(file, stringify(policy))
  return file
}

// ---------------------------------------------------------------------------------------------
// Images

export const AMD64: Platform = { os: 'linux', architecture: 'amd64' }
export const ARM64: Platform = { os: 'linux', architecture: 'arm64' }
export type PlatformManifest = Descriptor & { platform: Platform }

/** Pushes one small image per platform (distinct content), tagged `<tag>-<arch>`. */
export async function pushPlatforms(
  host: string,
  repo: string,
  tag: string,
  platforms: Platform[] = [AMD64, ARM64],
): Promise<PlatformManifest[]> {
  const pushed: PlatformManifest[] = []
  for (const platform of platforms) {
    const text = `${repo} ${tag} ${platform.os}/${platform.architecture}\n`
    const image = await pushImage(host, repo, `${tag}-${platform.architecture}`, { text, platform })
    pushed.push({ ...image, platform })
  }
  return pushed
}

export interface BuildkitStatement {
  predicateType: string
  predicate: unknown
}

/**
 * Pushes the index `docker buildx build --push` (or build-push-action) writes with provenance or
 * SBOM enabled: the platform manifests, then one attestation manifest per platform (platform
 * unknown/unknown, `vnd.docker.reference.*` annotations) whose layers are unsigned in-toto
 * statements about that platform manifest. Returns the index and the attestation manifests.
 */
export async function pushBuildkitIndex(
  host: string,
  repo: string,
  tag: string,
  platforms: PlatformManifest[],
  statements: (platform: PlatformManifest) => BuildkitStatement[],
  subjectName: string,
): Promise<{ index: Descriptor; attestations: Descriptor[] }> {
  const attestations: Descriptor[] = []
  for (const about of platforms) {
    const layers: Descriptor[] = []
    for (const { predicateType, predicate } of statements(about)) {
      const arch = `${about.platform.os}%2F${about.platform.architecture}`
      const statement = inTotoStatement({
        name: `${subjectName}?platform=${arch}`,
        digest: about.digest,
        predicateType,
        predicate,
        type: 'https://in-toto.io/Statement/v0.1',
      })
      const data = Buffer.from(JSON.stringify(statement))
      const layer = await uploadBlob(host, repo, data, 'application/vnd.in-toto+json')
      layers.push({ ...layer, annotations: { 'in-toto.io/predicate-type': predicateType } })
    }
    const config = await uploadBlob(
      host,
      repo,
      Buffer.from(
        JSON.stringify({ architecture: 'unknown', os: 'unknown', config: {}, rootfs: {} }),
      ),
      MT.OCI_CONFIG,
    )
    const raw = JSON.stringify({ schemaVersion: 2, mediaType: MT.OCI_MANIFEST, config, layers })
    const manifest = await putManifest(host, repo, digestOf(raw), raw, MT.OCI_MANIFEST)
    attestations.push({
      ...manifest,
      platform: { os: 'unknown', architecture: 'unknown' },
      annotations: {
        'vnd.docker.reference.type': 'attestation-manifest',
        'vnd.docker.reference.digest': about.digest,
      },
    })
  }
  const entries = [
    ...platforms.map(({ mediaType, digest, size, platform }) => ({
      mediaType,
      digest,
      size,
      platform,
    })),
    ...attestations,
  ]
  const index = await putManifest(
    host,
    repo,
    tag,
    { schemaVersion: 2, mediaType: MT.OCI_INDEX, manifests: entries },
    MT.OCI_INDEX,
  )
  return { index, attestations }
}

/** BuildKit's own SLSA v0.2 provenance (`provenance: true`, or `mode=max`) for one platform. */
export function buildkitProvenance(source: string, commit: string): BuildkitStatement {
  return {
    predicateType: 'https://slsa.dev/provenance/v0.2',
    predicate: {
      builder: { id: '' },
      buildType: 'https://mobyproject.org/buildkit@v1',
      materials: [{ uri: `https://github.com/${source}.git#${commit}`, digest: { sha1: commit } }],
      invocation: { configSource: { entryPoint: 'Dockerfile' } },
      metadata: { 'https://mobyproject.org/buildkit@v1#metadata': {} },
    },
  }
}

/** BuildKit's SBOM (`sbom: true`): an SPDX 2.3 JSON document from its syft scanner. */
export function buildkitSbom(packages: string[]): BuildkitStatement {
  return { predicateType: 'https://spdx.dev/Document', predicate: spdxDocument('sbom', packages) }
}

/** A small SPDX 2.3 JSON document, as syft writes it. */
export function spdxDocument(name: string, packages: string[]) {
  return {
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: 'SPDXRef-DOCUMENT',
    name,
    documentNamespace: `https://anchore.com/syft/image/${name}`,
    creationInfo: { created: '2026-05-30T12:00:00Z', creators: ['Tool: syft-1.20.0'] },
    packages: packages.map((p, i) => {
      const [pkg, version] = p.split('@')
      return { name: pkg, SPDXID: `SPDXRef-Package-${i}`, versionInfo: version ?? '' }
    }),
  }
}

/** A small CycloneDX 1.6 JSON document, as syft writes it. */
export function cyclonedxDocument(components: string[], rootRef?: string) {
  return {
    bomFormat: 'CycloneDX',
    specVersion: '1.6',
    version: 1,
    metadata: {
      timestamp: '2026-05-30T12:00:00Z',
      tools: { components: [{ type: 'application', author: 'anchore', name: 'syft' }] },
      ...(rootRef !== undefined && {
        component: { 'bom-ref': rootRef, type: 'container', name: rootRef.split('@')[0] },
      }),
    },
    components: components.map((c) => {
      const [name, version] = c.split('@')
      return { type: 'library', name, version: version ?? '' }
    }),
  }
}
