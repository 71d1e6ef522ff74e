// One measurement in a fresh process, so peak RSS is the gate's own: bundled on its own
// (.bench/child/index.js) with only src/ and the sigstore libraries, none of the test harness.
//   node .bench/child/index.js gate SPEC.json  → runs the product's run() once
//   node .bench/child/index.js cpu SPEC.json   → CPU of checkEvidence vs bare @sigstore/verify
//   node .bench/child/index.js cold SPEC.json  → CPU of one side's first verification in this process
//   node .bench/child/index.js bare-rss SPEC.json → peak RSS of fetch + bare @sigstore/verify
//   node .bench/child/index.js replay SPEC.json → the gate's requests again, with nothing else
// Prints one JSON line on stdout.
import fs from 'node:fs'
import { performance } from 'node:perf_hooks'
import { bundleFromJSON } from '@sigstore/bundle'
import { TrustedRoot } from '@sigstore/protobuf-specs'
import { Verifier, toSignedEntity, toTrustMaterial } from '@sigstore/verify'
import { parseInputs } from '../src/inputs.js'
import { run, type Deps } from '../src/main.js'
import { MANIFEST_ACCEPT } from '../src/registry/media-types.js'
import { nodeTransport, type Transport } from '../src/registry/transport.js'
import type { Evidence } from '../src/types.js'
import { mapLimit } from '../src/util/concurrency.js'
import { checkEvidence, checkedWithTrust, loadTrust } from '../src/verify/index.js'

export interface GateSpec {
  inputs: Record<string, string>
  githubApiUrl?: string
  /** The scenario needs the `platforms` input: report it unavailable rather than run without it. */
  needsPlatforms?: boolean
}

export interface GateReport {
  wallMs: number
  /** KiB, the process's peak resident set after the run (peakRssKiB). */
  maxRssKiB: number
  /** KiB, RSS before parsing inputs (Node and the bundle loaded). */
  startRssKiB: number
  /** Epoch ms (sub-ms precision) when the timed part began and ended, to line up with the proxy log. */
  startedAt: number
  endedAt: number
  /** ms of this process's CPU (user + system, all threads) during the timed part. */
  cpuMs: number
  verdict?: string
  images?: {
    reference: string
    verdict: string
    evidence: number
    verified: number
    platforms?: number
    platformEvidence?: number
    platformVerified?: number
  }[]
  unavailable?: string
}

/**
 * The requests a gate run made, per image in the order they depended on each other: each step's
 * requests are sent at once, the next step when they are all answered, images `concurrency` (the
 * gate's input) at a time. No parsing, no verification: the chain's own cost on this machine.
 */
export interface ReplaySpec {
  inputs: Record<string, string>
  /** `http://127.0.0.1:<port>` of the proxy. */
  base: string
  images: { method: 'GET' | 'HEAD'; path: string }[][][]
}

export interface ReplayReport {
  wallMs: number
}

/** The one-image bundles and the root they verify against. */
export interface BundlesSpec {
  trustedRootPath: string
  bundles: unknown[]
  digest: string
}

export interface CpuSpec extends BundlesSpec {
  warmupRounds: number
  rounds: number
}

/**
 * One side's first pass over the bundles in a fresh process (trust material already built): what
 * a run pays when its last blobs arrive, before V8 has compiled or optimised the verification code.
 */
export interface ColdSpec extends BundlesSpec {
  side: 'ours' | 'bare'
}

export interface ColdReport {
  /** µs of process CPU (user + system) of that one pass. */
  us: number
}

/** Reference for big-sbom: the same bundle fetched and verified by @sigstore/verify alone. */
export interface BareRssSpec {
  trustedRootPath: string
  /** The bundle blob's URL on the registry (loopback). */
  blobUrl: string
}

export interface BareRssReport {
  maxRssKiB: number
  startRssKiB: number
}

export interface CpuReport {
  bundles: number
  rounds: number
  /** µs of process CPU (user + system), summed over every round. */
  oursUs: number
  /**
   * The same through the product's per-image path (examine.ts checkWith: checkedWithTrust +
   * checkEvidence), with the trust a run without `trusted-root` has (GitHub's root loadable).
   */
  oursPathUs: number
  bareUs: number
}

// Only loopback: the bench must never reach anything else.
const loopbackTransport: Transport = (url, init) => {
  if (url.hostname !== '127.0.0.1') {
    return Promise.reject(new Error(`bench: refused a request to ${url.host}`))
  }
  return nodeTransport(url, init)
}

async function gate(spec: GateSpec): Promise<GateReport> {
  const startRssKiB = Math.round(process.memoryUsage().rss / 1024)
  const t0 = performance.now()
  const startedAt = performance.timeOrigin + t0
  const cpu0 = process.cpuUsage()
  const inputs = await parseInputs((name) => spec.inputs[name] ?? '')
  const unavailable = (why: string): GateReport => ({
    wallMs: 0,
    maxRssKiB: peakRssKiB(),
    startRssKiB,
    startedAt,
    endedAt: startedAt,
    cpuMs: 0,
    unavailable: why,
  })
  // Feature detection for a product that does not have `platforms` yet.
  if (spec.needsPlatforms && (inputs as { platforms?: unknown }).platforms !== 'all') {
    return unavailable('the `platforms` input is not available in src/ yet')
  }
  const deps: Deps = {
    transport: loopbackTransport,
    loadPublicGood: () =>
      Promise.reject(new Error('bench: the trusted-root input is used, not TUF')),
    runCredentialHelper: () => Promise.reject(new Error('bench: no credential helpers')),
    maskSecret: () => undefined,
    ...(spec.githubApiUrl !== undefined && { githubApiUrl: spec.githubApiUrl }),
  }
  const result = await run(inputs, deps)
  const t1 = performance.now()
  const wallMs = t1 - t0
  const maxRssKiB = peakRssKiB()
  if (spec.needsPlatforms && result.images.some((i) => i.platforms === undefined)) {
    return unavailable('`platforms: all` gave no per-platform results: not implemented in src/ yet')
  }
  return {
    wallMs,
    maxRssKiB,
    startRssKiB,
    startedAt,
    endedAt: performance.timeOrigin + t1,
    cpuMs: (() => {
      const { user, system } = process.cpuUsage(cpu0)
      return (user + system) / 1000
    })(),
    verdict: result.verdict,
    images: result.images.map((i) => ({
      reference: i.reference,
      verdict: i.verdict,
      evidence: i.evidence.length,
      verified: i.evidence.filter((e) => e.verified).length,
      ...(i.platforms !== undefined && {
        platforms: i.platforms.length,
        platformEvidence: i.platforms.reduce((n, p) => n + p.evidence.length, 0),
        platformVerified: i.platforms.reduce(
          (n, p) => n + p.evidence.filter((e) => e.verified).length,
          0,
        ),
      }),
      ...(i.error !== undefined && { error: i.error.message }),
    })),
  }
}

async function replay(spec: ReplaySpec): Promise<ReplayReport> {
  const { concurrency } = await parseInputs((name) => spec.inputs[name] ?? '')
  const t0 = performance.now()
  const send = async ({ method, path }: { method: 'GET' | 'HEAD'; path: string }) => {
    const res = await loopbackTransport(new URL(path, spec.base), {
      method,
      headers: { accept: MANIFEST_ACCEPT },
      signal: AbortSignal.timeout(60_000),
    })
    for await (const chunk of res.body) void chunk
  }
  await mapLimit(spec.images, concurrency, async (steps) => {
    for (const step of steps) await Promise.all(step.map(send))
  })
  return { wallMs: performance.now() - t0 }
}

/**
 * KiB, this process's peak resident set. Linux keeps getrusage's maxRSS across execve, so a child
 * reports its parent's peak when that was higher (the bench's, after building 64 MiB of evidence);
 * /proc's VmHWM belongs to the new address space alone.
 */
function peakRssKiB(): number {
  const status = fs.existsSync('/proc/self/status')
    ? fs.readFileSync('/proc/self/status', 'utf8')
    : ''
  const hwm = /^VmHWM:\s*(\d+) kB$/m.exec(status)?.[1]
  return hwm !== undefined ? Number(hwm) : process.resourceUsage().maxRSS
}

const cpuNow = (): number => {
  const { user, system } = process.cpuUsage()
  return user + system
}

/** The three ways of verifying the bundles the cpu and cold modes time, each set up once. */
async function verifiers(
  spec: BundlesSpec,
): Promise<Record<'ours' | 'oursPath' | 'bare', () => Promise<void>>> {
  const rootJson = JSON.parse(fs.readFileSync(spec.trustedRootPath, 'utf8')) as unknown
  const trust = await loadTrust({
    trustedRootPath: spec.trustedRootPath,
    loadPublicGood: () => Promise.reject(new Error('unused')),
  })
  // Trust material is built once on both sides, as the product builds it once per run.
  const material = toTrustMaterial(TrustedRoot.fromJSON(rootJson))
  const evidence: Evidence[] = spec.bundles.map((bundle, i) => ({
    source: 'referrers',
    location: `bench bundle ${i}`,
    bundle,
  }))
  // As a run through TUF has it: GitHub's root may still be loaded (these bundles never need it).
  const runTrust = await loadTrust({
    loadPublicGood: async () => TrustedRoot.fromJSON(rootJson),
    loadGithubRoot: () => Promise.reject(new Error('bench: no bundle here is GitHub’s')),
  })
  return {
    ours: async () => {
      for (const e of evidence) {
        if (!checkEvidence(e, spec.digest, trust).verified)
          throw new Error('bench: a bundle failed')
      }
    },
    oursPath: async () => {
      const checked = await checkedWithTrust(runTrust, (ready) =>
        evidence.map((e) => checkEvidence(e, spec.digest, ready)),
      )
      if (!checked.every((e) => e.verified)) throw new Error('bench: a bundle failed')
    },
    bare: async () => {
      for (const b of spec.bundles) {
        new Verifier(material).verify(toSignedEntity(bundleFromJSON(b)))
      }
    },
  }
}

async function cold(spec: ColdSpec): Promise<ColdReport> {
  const verify = (await verifiers(spec))[spec.side]
  const t = cpuNow()
  await verify()
  return { us: cpuNow() - t }
}

async function cpu(spec: CpuSpec): Promise<CpuReport> {
  const { ours, oursPath, bare } = await verifiers(spec)
  for (let i = 0; i < spec.warmupRounds; i++) {
    await ours()
    await oursPath()
    await bare()
  }
  let oursUs = 0
  let oursPathUs = 0
  let bareUs = 0
  for (let i = 0; i < spec.rounds; i++) {
    // Alternate the order so neither side always runs right after a GC the other caused.
    const sides: (() => Promise<void>)[] = [
      async () => {
        const t = cpuNow()
        await ours()
        oursUs += cpuNow() - t
      },
      async () => {
        const t = cpuNow()
        await oursPath()
        oursPathUs += cpuNow() - t
      },
      async () => {
        const t = cpuNow()
        await bare()
        bareUs += cpuNow() - t
      },
    ]
    if (i % 2 === 1) sides.reverse()
    for (const side of sides) await side()
  }
  return { bundles: spec.bundles.length, rounds: spec.rounds, oursUs, oursPathUs, bareUs }
}

// The plainest way to do it with the library: fetch, JSON.parse, verify. No caps, no checks.
async function bareRss(spec: BareRssSpec): Promise<BareRssReport> {
  const startRssKiB = Math.round(process.memoryUsage().rss / 1024)
  const material = toTrustMaterial(
    TrustedRoot.fromJSON(JSON.parse(fs.readFileSync(spec.trustedRootPath, 'utf8'))),
  )
  const res = await fetch(spec.blobUrl)
  if (res.status !== 200) throw new Error(`bench: ${spec.blobUrl} answered ${res.status}`)
  const json = JSON.parse(Buffer.from(await res.arrayBuffer()).toString('utf8')) as unknown
  new Verifier(material).verify(toSignedEntity(bundleFromJSON(json)))
  return { maxRssKiB: peakRssKiB(), startRssKiB }
}

async function main(): Promise<void> {
  const [mode, file] = process.argv.slice(2)
  const modes = ['gate', 'cpu', 'cold', 'bare-rss', 'replay']
  if (file === undefined || mode === undefined || !modes.includes(mode)) {
    throw new Error(`usage: child.js ${modes.join('|')} SPEC.json`)
  }
  const spec = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown
  const report =
    mode === 'gate'
      ? await gate(spec as GateSpec)
      : mode === 'cpu'
        ? await cpu(spec as CpuSpec)
        : mode === 'cold'
          ? await cold(spec as ColdSpec)
          : mode === 'replay'
            ? await replay(spec as ReplaySpec)
            : await bareRss(spec as BareRssSpec)
  process.stdout.write(`${JSON.stringify(report)}\n`, () => process.exit(0))
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench child: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  )
  process.exit(1)
})
