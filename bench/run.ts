// `npm run bench`: how many round trips the gate needs, how long it waits on them, and what it
// costs in memory and CPU. Starts the real registry (docker-registry) on loopback, puts a proxy in
// front that delays and logs every request, builds the evidence with the test harness directly
// in the registry, then runs each scenario in a fresh child process (.bench/child/index.js, the
// product's run() from src/) against the proxy. Writes bench/results.json and the generated part
// of bench/RESULTS.md. Everything is on 127.0.0.1, bounded, and stops by itself.
//
//   node .bench/build/index.js <project root> [--delay MS] [--startup-runs N] [--only a,b]
//     [--profile] [--child other/child/index.js] [--concurrency N]
//   (--only, --child and --concurrency print the figures but do not write bench/results.json or
//   RESULTS.md)
//   (delay also from BENCH_DELAY_MS; default 50)
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { parseArgs } from 'node:util'
import { createMiniSigstore } from '../__tests__/helpers/mini-sigstore.js'
import { digestOf, startRegistry } from '../__tests__/helpers/registry.js'
import type {
  BareRssReport,
  BareRssSpec,
  ColdReport,
  ColdSpec,
  CpuReport,
  CpuSpec,
  GateReport,
  GateSpec,
  ReplayReport,
  ReplaySpec,
} from './child.js'
import {
  API_TOKEN,
  ATTESTATIONS,
  SAN,
  allSources,
  bigSbom,
  multiArch,
  oneImage,
  type BuiltImage,
} from './evidence.js'
import { startFakeApi } from './github-api.js'
import { kindOf, startProxy, waves, type DelayProxy, type Phase } from './proxy.js'
import { measureTuf, renderTuf } from './tuf.js'

const SCENARIOS = ['one-image', 'all-sources', 'twenty-images', 'multi-arch', 'big-sbom'] as const
type ScenarioName = (typeof SCENARIOS)[number]

const OVERALL_LIMIT_MS = 20 * 60_000
const CHILD_LIMIT_MS = 5 * 60_000
const STARTUP_LIMIT_MS = 60_000
const CPU_WARMUP_ROUNDS = 10
const CPU_ROUNDS = 50
/** Fresh processes per side for the first (cold) verification. */
const COLD_RUNS = 5
const MiB = 1024 * 1024

const { values, positionals } = parseArgs({
  options: {
    delay: { type: 'string' },
    'startup-runs': { type: 'string' },
    only: { type: 'string' },
    profile: { type: 'boolean' },
    child: { type: 'string' },
    concurrency: { type: 'string' },
  },
  allowPositionals: true,
})
// The bundler rewrites process.cwd() and literal paths: the root comes from the command line.
const root = path.resolve(positionals[0] ?? '.')
const delayMs = wholeNumber(values.delay ?? process.env['BENCH_DELAY_MS'] ?? '50', 'delay', 1, 2000)
const startupRuns = wholeNumber(values['startup-runs'] ?? '5', 'startup-runs', 1, 20)
const only = new Set(values.only?.split(',').map((s) => s.trim()) ?? SCENARIOS)
const work = path.join(root, '.bench', 'run')
const logs = path.join(root, '.bench', 'logs')
const childJs = path.join(root, '.bench', 'child', 'index.js')
// --child: another build of bench/child.ts (e.g. from a branch) to run the gate scenarios with.
const gateChildJs = path.resolve(values.child ?? childJs)
const actionJs = path.join(root, 'dist', 'index.js')
// --profile: every child writes a V8 CPU profile to .bench/prof (open in Chrome DevTools).
const profile =
  values.profile === true
    ? ['--cpu-prof', `--cpu-prof-dir=${path.join(root, '.bench', 'prof')}`]
    : []

function wholeNumber(text: string, name: string, min: number, max: number): number {
  const n = Number(text)
  if (!/^\d+$/.test(text) || n < min || n > max) throw new Error(`--${name} must be ${min}..${max}`)
  return n
}

const say = (text: string): void => void process.stderr.write(`${text}\n`)
const load = (): string =>
  os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join('/')
const loadAtStart = load()

interface Scenario {
  name: ScenarioName
  /** What it is, for the results. */
  about: string
  images: BuiltImage[]
  inputs: Record<string, string>
  github?: boolean
  needsPlatforms?: boolean
}

interface Measured {
  name: ScenarioName
  about: string
  report: GateReport
  floor?: GateReport
  floorPhase?: Phase
  phase: Phase
  /** The same requests again with nothing else (registry-only scenarios). */
  replay?: ReplayReport
}

/** Runs `node .bench/child/index.js <mode> <spec>`; its last stdout line is the report. */
async function child<T>(
  mode: 'gate' | 'cpu' | 'cold' | 'bare-rss' | 'replay',
  name: string,
  spec: GateSpec | CpuSpec | ColdSpec | BareRssSpec | ReplaySpec,
): Promise<T> {
  const file = path.join(work, `${name}.${mode}.json`)
  fs.writeFileSync(file, JSON.stringify(spec))
  const js = mode === 'gate' ? gateChildJs : childJs
  const proc = spawn(process.execPath, [...profile, js, mode, file], {
    stdio: ['ignore', 'pipe', 'inherit'],
    timeout: CHILD_LIMIT_MS,
    killSignal: 'SIGKILL',
  })
  let out = ''
  proc.stdout.on('data', (d: Buffer) => (out += d.toString()))
  const code = await new Promise<number | null>((resolve) => proc.on('close', resolve))
  if (code !== 0) throw new Error(`the ${name} ${mode} child exited with ${code}`)
  return JSON.parse(out.trim().split('\n').pop() ?? '') as T
}

async function measure(proxy: DelayProxy, scenario: Scenario, rootPath: string): Promise<Measured> {
  const spec: GateSpec = {
    inputs: {
      image: scenario.images.map((i) => `${proxy.host}/${i.ref}`).join('\n'),
      'insecure-registries': proxy.host,
      'trusted-root': rootPath,
      'certificate-identity': SAN,
      attestations: ATTESTATIONS,
      'require-signature': 'true',
      // --concurrency: the gate's `concurrency` input for every scenario (default: the input's own).
      ...(values.concurrency !== undefined && { concurrency: values.concurrency }),
      ...scenario.inputs,
    },
    ...(scenario.github && { githubApiUrl: proxy.url }),
    ...(scenario.needsPlatforms && { needsPlatforms: true }),
  }
  const once = async (delay: number): Promise<{ report: GateReport; phase: Phase }> => {
    proxy.begin(scenario.name, delay)
    const report = await child<GateReport>('gate', `${scenario.name}-${delay}ms`, spec)
    const phase = proxy.end()
    if (report.unavailable === undefined && report.verdict !== 'pass') {
      throw new Error(
        `${scenario.name}: the gate did not pass, so there is nothing to time: ${JSON.stringify(report.images)}`,
      )
    }
    return { report, phase }
  }
  // The zero-delay run first: the floor (CPU and local I/O), and a warm registry for the real one.
  const floor = await once(0)
  if (floor.report.unavailable !== undefined) {
    return { name: scenario.name, about: scenario.about, ...floor }
  }
  const real = await once(delayMs)
  const steps = replaySteps(real.phase)
  let replay: ReplayReport | undefined
  if (steps !== undefined) {
    proxy.begin(`${scenario.name}-replay`, delayMs)
    replay = await child<ReplayReport>('replay', `${scenario.name}-${delayMs}ms`, {
      inputs: spec.inputs,
      base: proxy.url,
      images: steps,
    })
    const seen = proxy.end().requests.length
    if (seen !== real.phase.requests.length) {
      throw new Error(
        `${scenario.name}: the replay sent ${seen} requests, the gate ${real.phase.requests.length}`,
      )
    }
  }
  return {
    name: scenario.name,
    about: scenario.about,
    ...real,
    floor: floor.report,
    floorPhase: floor.phase,
    ...(replay !== undefined && { replay }),
  }
}

/** Where each kind of registry request sits in an image's chain: what it must wait for. */
const REPLAY_STEP: Record<string, number> = {
  'resolve-tag': 0,
  referrers: 1,
  'fallback-tag': 1,
  'cosign-sig-tag': 1,
  'cosign-att-tag': 1,
  manifest: 2,
  blob: 3,
}

/**
 * A run's registry requests per image (repository), in the steps of the chain they belong to:
 * what the replay child sends again. Undefined when anything else (the GitHub API, a legacy tag's
 * layers, read one step earlier than a referrer's) was asked, since the steps would not hold.
 */
function replaySteps(phase: Phase): ReplaySpec['images'] | undefined {
  type Step = { method: 'GET' | 'HEAD'; path: string }[]
  const images = new Map<string, Step[]>()
  const order = [...phase.requests].sort((a, b) => a.start - b.start)
  for (const r of order) {
    const repo = /^\/v2\/(.+)\/(?:manifests|blobs|referrers)\/[^/]+$/.exec(r.path)?.[1]
    const kind = kindOf(r)
    const step = REPLAY_STEP[kind]
    // A legacy tag that exists leads straight to its layers: blobs one step earlier.
    const legacyFound = kind.startsWith('cosign-') && r.status === 200
    const method = r.method === 'GET' || r.method === 'HEAD' ? r.method : undefined
    if (repo === undefined || step === undefined || legacyFound || method === undefined) {
      return undefined
    }
    const steps = images.get(repo) ?? [[], [], [], []]
    steps[step]!.push({ method, path: r.path })
    images.set(repo, steps)
  }
  return [...images.values()].map((steps) => steps.filter((s) => s.length > 0))
}

interface Startup {
  samplesMs: number[]
  medianMs: number
  exitCodes: (number | null)[]
  baselineSamplesMs: number[]
  baselineMedianMs: number
  distBuilt: string
  srcNewest: string
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2
}

const coldMs = (us: number[]): string => (median(us) / 1000).toFixed(1)

/** Spawns `args`; returns ms from spawn to the first request the proxy saw, and the exit code. */
async function firstRequest(
  proxy: DelayProxy,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ ms: number; code: number | null }> {
  proxy.begin('startup', delayMs)
  const t = performance.now()
  const proc = spawn(process.execPath, args, {
    stdio: ['ignore', 'ignore', 'ignore'],
    env,
    timeout: STARTUP_LIMIT_MS,
    killSignal: 'SIGKILL',
  })
  const code = await new Promise<number | null>((resolve) => proc.on('close', resolve))
  const phase = proxy.end()
  if (phase.firstAt === undefined)
    throw new Error(`${args.join(' ')} made no request (exit ${code})`)
  return { ms: phase.firstAt - t, code }
}

async function startup(proxy: DelayProxy, image: BuiltImage, rootPath: string): Promise<Startup> {
  const dir = fs.mkdtempSync(path.join(work, 'startup-'))
  fs.writeFileSync(path.join(dir, 'output.txt'), '')
  fs.writeFileSync(path.join(dir, 'summary.md'), '')
  fs.mkdirSync(path.join(dir, 'docker'))
  const env: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'],
    HOME: dir,
    DOCKER_CONFIG: path.join(dir, 'docker'),
    RUNNER_TEMP: dir,
    GITHUB_OUTPUT: path.join(dir, 'output.txt'),
    GITHUB_STEP_SUMMARY: path.join(dir, 'summary.md'),
    GITHUB_API_URL: proxy.url,
    INPUT_IMAGE: `${proxy.host}/${image.ref}`,
    'INPUT_INSECURE-REGISTRIES': proxy.host,
    'INPUT_TRUSTED-ROOT': rootPath,
    'INPUT_CERTIFICATE-IDENTITY': SAN,
    INPUT_ATTESTATIONS: ATTESTATIONS,
    'INPUT_REQUIRE-SIGNATURE': 'true',
    INPUT_SUMMARY: 'false',
    'INPUT_OUTPUT-DIR': dir,
  }
  const samples: number[] = []
  const codes: (number | null)[] = []
  const baseline: number[] = []
  // An empty Node process that fetches once: the part of start-up that is not ours.
  const bare = `fetch('${proxy.url}/v2/').then((r) => r.arrayBuffer())`
  for (let i = 0; i < startupRuns; i++) {
    const run = await firstRequest(proxy, [actionJs], env)
    samples.push(run.ms)
    codes.push(run.code)
    baseline.push((await firstRequest(proxy, ['-e', bare], { PATH: process.env['PATH'] })).ms)
  }
  const newest = (dir2: string): number =>
    Math.max(
      ...fs
        .readdirSync(dir2, { recursive: true, withFileTypes: true })
        .filter((d) => d.isFile())
        .map((d) => fs.statSync(path.join(d.parentPath, d.name)).mtimeMs),
    )
  return {
    samplesMs: samples,
    medianMs: median(samples),
    exitCodes: codes,
    baselineSamplesMs: baseline,
    baselineMedianMs: median(baseline),
    distBuilt: new Date(fs.statSync(actionJs).mtimeMs).toISOString(),
    srcNewest: new Date(newest(path.join(root, 'src'))).toISOString(),
  }
}

/** Wall time split: before the first request, between first arrival and last answer, after it. */
function split(m: Measured): { before: number; network: number; after: number } {
  const { requests, epoch0 } = m.phase
  if (requests.length === 0) return { before: m.report.wallMs, network: 0, after: 0 }
  const first = epoch0 + Math.min(...requests.map((r) => r.start))
  const last = epoch0 + Math.max(...requests.map((r) => r.end))
  return {
    before: first - m.report.startedAt,
    network: last - first,
    after: m.report.endedAt - last,
  }
}

/** Upstream (registry / fake API) time on the chain: the slowest upstream answer of each wave. */
function upstreamOnChain(phase: Phase): number {
  const level = waves(phase.requests)
  const worst = new Map<number, number>()
  phase.requests.forEach((r, i) => {
    const w = level[i]!
    worst.set(w, Math.max(worst.get(w) ?? 0, Number.isNaN(r.upstreamMs) ? 0 : r.upstreamMs))
  })
  return [...worst.values()].reduce((a, b) => a + b, 0)
}

/** How much evidence the gate read and verified: proof the scenario exercised what it says. */
function pieces(report: GateReport): string {
  const images = report.images ?? []
  const sum = (f: (i: (typeof images)[number]) => number | undefined): number =>
    images.reduce((n, i) => n + (f(i) ?? 0), 0)
  const platforms = sum((i) => i.platforms)
  const own = `${sum((i) => i.verified)}/${sum((i) => i.evidence)} pieces verified`
  return platforms > 0
    ? `${own} on the index, ${sum((i) => i.platformVerified)}/${sum((i) => i.platformEvidence)} on ${platforms} platforms`
    : own
}

/** Requests per wave and kind: the chain that sets the depth. */
function chain(phase: Phase): string[] {
  const level = waves(phase.requests)
  const byWave = new Map<number, Map<string, number>>()
  phase.requests.forEach((r, i) => {
    const kinds = byWave.get(level[i]!) ?? new Map<string, number>()
    const kind = kindOf(r) + (r.status === 404 ? ' (404)' : '')
    kinds.set(kind, (kinds.get(kind) ?? 0) + 1)
    byWave.set(level[i]!, kinds)
  })
  return [...byWave.keys()]
    .sort((a, b) => a - b)
    .map((w) => {
      const kinds = [...byWave.get(w)!].map(([k, n]) => (n > 1 ? `${k} ×${n}` : k)).join(', ')
      return `${w}. ${kinds}`
    })
}

function writeLog(name: string, phase: Phase): void {
  const level = waves(phase.requests)
  const lines = phase.requests.map((r, i) =>
    [
      r.start.toFixed(1),
      r.end.toFixed(1),
      r.upstreamMs.toFixed(1),
      level[i],
      r.method,
      r.status,
      r.bytes,
      r.repeated ? 'REPEATED' : '',
      kindOf(r),
      r.path,
    ].join('\t'),
  )
  const header = 'start_ms\tend_ms\tupstream_ms\twave\tmethod\tstatus\tbytes\trepeated\tkind\tpath'
  fs.writeFileSync(path.join(logs, `${name}.tsv`), [header, ...lines].join('\n') + '\n')
}

const round = (x: number, digits: number): number => Number(x.toFixed(digits))

async function bench(): Promise<number> {
  fs.rmSync(work, { recursive: true, force: true })
  fs.mkdirSync(work, { recursive: true })
  fs.mkdirSync(logs, { recursive: true })
  if (!fs.existsSync(childJs)) throw new Error(`${childJs} is missing: run \`npm run bench\``)
  say(`bench: delay ${delayMs} ms per request; starting docker-registry, proxy and fake GitHub API`)
  const registry = await startRegistry()
  const api = await startFakeApi()
  const proxy = await startProxy({ registry: registry.host, api: api.host })
  try {
    const ss = await createMiniSigstore()
    const rootPath = path.join(work, 'trusted_root.json')
    fs.writeFileSync(rootPath, JSON.stringify(ss.trustedRootJSON))
    const host = registry.host
    const t = performance.now()
    say('bench: building evidence directly in the registry')
    const one = await oneImage(ss, host, 'bench/one', 'one image\n')
    const scenarios: Scenario[] = [
      {
        name: 'one-image',
        about: 'signature + 3 attestations as referrers',
        images: [one],
        inputs: {},
      },
    ]
    if (only.has('all-sources')) {
      const all = await allSources(ss, host, 'bench/all', api, proxy.url, proxy.host)
      scenarios.push({
        name: 'all-sources',
        about: 'one-image + legacy .sig/.att (1 + 3 layers) + GitHub API (3, bundle_url)',
        images: [all],
        inputs: { 'github-token': API_TOKEN },
        github: true,
      })
    }
    if (only.has('twenty-images')) {
      const many: BuiltImage[] = []
      for (let i = 0; i < 20; i += 4) {
        many.push(
          ...(await Promise.all(
            [0, 1, 2, 3].map((j) => {
              const n = String(i + j).padStart(2, '0')
              return oneImage(ss, host, `bench/img-${n}`, `image ${n}\n`)
            }),
          )),
        )
      }
      scenarios.push({
        name: 'twenty-images',
        about: '20 one-image images in one run (concurrency input: default)',
        images: many,
        inputs: {},
      })
    }
    if (only.has('multi-arch')) {
      scenarios.push({
        name: 'multi-arch',
        about:
          'index of 4 platforms, `platforms: all`; index and each platform signed + 3 attestations',
        images: [await multiArch(ss, host, 'bench/multi')],
        inputs: { platforms: 'all' },
        needsPlatforms: true,
      })
    }
    let sbomBundleBytes = 0
    let bareRss: BareRssReport | undefined
    if (only.has('big-sbom')) {
      const big = await bigSbom(ss, host, 'bench/big')
      sbomBundleBytes = big.sbomBundleBytes
      const blob = digestOf(Buffer.from(JSON.stringify(big.bundles[2])))
      bareRss = await child<BareRssReport>('bare-rss', 'big-sbom', {
        trustedRootPath: rootPath,
        blobUrl: `http://${host}/v2/${big.repo}/blobs/${blob}`,
      })
      scenarios.push({
        name: 'big-sbom',
        about: `one-image with a ${(sbomBundleBytes / MiB).toFixed(2)} MiB CycloneDX attestation bundle`,
        images: [big],
        inputs: { 'max-blob-size': '128MiB' },
      })
    }
    say(`bench: evidence built in ${((performance.now() - t) / 1000).toFixed(1)} s`)

    say('bench: verification CPU, ours vs bare @sigstore/verify')
    const cpu = await child<CpuReport>('cpu', 'verify', {
      trustedRootPath: rootPath,
      bundles: one.bundles,
      digest: one.digest,
      warmupRounds: CPU_WARMUP_ROUNDS,
      rounds: CPU_ROUNDS,
    })
    const coldUs = { ours: [] as number[], bare: [] as number[] }
    for (let i = 0; i < COLD_RUNS; i++) {
      for (const side of ['ours', 'bare'] as const) {
        const { us } = await child<ColdReport>('cold', `verify-${side}`, {
          trustedRootPath: rootPath,
          bundles: one.bundles,
          digest: one.digest,
          side,
        })
        coldUs[side].push(us)
      }
    }

    const measured: Measured[] = []
    for (const scenario of scenarios.filter((s) => only.has(s.name))) {
      say(`bench: ${scenario.name}`)
      const m = await measure(proxy, scenario, rootPath)
      if (m.report.unavailable !== undefined)
        say(`bench: ${scenario.name}: not available yet: ${m.report.unavailable}`)
      else {
        writeLog(m.name, m.phase)
        if (m.floorPhase) writeLog(`${m.name}.floor`, m.floorPhase)
      }
      measured.push(m)
    }

    say('bench: start-up of node dist/index.js')
    const up = await startup(proxy, one, rootPath)
    say('bench: trusted root through TUF, cold then warm')
    const tuf = await measureTuf(ss.trustedRootJSON, work)
    if (proxy.stray() > 0)
      say(`bench: warning: ${proxy.stray()} request(s) reached the proxy outside a phase`)

    const results = {
      delayMs,
      scenarios: Object.fromEntries(
        measured.map((m) => [
          m.name,
          m.report.unavailable !== undefined
            ? null
            : {
                wallMs: round(m.report.wallMs, 1),
                depth: round(m.report.wallMs / delayMs, 2),
                requests: m.phase.requests.length,
                repeatedRequests: m.phase.requests.filter((r) => r.repeated).length,
                peakRssMiB: round(m.report.maxRssKiB / 1024, 1),
              },
        ]),
      ),
      verifyCpuRatio: round(cpu.oursUs / cpu.bareUs, 3),
      startupMs: round(up.medianMs, 1),
    }
    const report = render(measured, cpu, coldUs, up, tuf, sbomBundleBytes, bareRss)
    process.stdout.write(`${report}\n`)
    // Only a full run of this tree's own child is recorded.
    if (
      values.child === undefined &&
      values.only === undefined &&
      values.concurrency === undefined
    ) {
      fs.writeFileSync(
        path.join(root, 'bench', 'results.json'),
        `${JSON.stringify(results, null, 2)}\n`,
      )
      writeResultsMd(report)
      say('bench: wrote bench/results.json and the generated part of bench/RESULTS.md')
    } else {
      say(
        'bench: --child, --only or --concurrency given: bench/results.json and bench/RESULTS.md left as they were',
      )
    }
    return 0
  } finally {
    await proxy.close()
    await api.close()
    await registry.stop()
  }
}

function render(
  measured: Measured[],
  cpu: CpuReport,
  coldUs: Record<ColdSpec['side'], number[]>,
  up: Startup,
  tuf: Parameters<typeof renderTuf>[0],
  sbomBundleBytes: number,
  bareRss: BareRssReport | undefined,
): string {
  const one = measured.find((m) => m.name === 'one-image' && m.report.unavailable === undefined)
  const target = (m: Measured): string => {
    const r = m.report
    const rep = m.phase.requests.filter((q) => q.repeated).length
    const zero = rep === 0 ? '0 repeated: met' : `0 repeated: NOT met (${rep})`
    const ratio = (x: Measured): string =>
      one
        ? `${(x.report.wallMs / one.report.wallMs).toFixed(2)}× one-image`
        : 'one-image not measured'
    switch (m.name) {
      case 'one-image': {
        const d = r.wallMs / delayMs
        return `≤ 6 delays: ${d <= 6 ? 'met' : 'NOT met'}; ${zero}`
      }
      case 'twenty-images':
      case 'multi-arch': {
        const ok = one !== undefined && m.report.wallMs <= 2 * one.report.wallMs
        return `≤ 2× one-image (${ratio(m)}): ${ok ? 'met' : 'NOT met'}; ${zero}`
      }
      case 'big-sbom': {
        const limit = (3 * sbomBundleBytes) / MiB
        const rss = r.maxRssKiB / 1024
        return `RSS < 3× attestation (${limit.toFixed(0)} MiB): ${rss < limit ? 'met' : 'NOT met'}; ${zero}`
      }
      default:
        return zero
    }
  }
  const rows = measured.map((m) => {
    if (m.report.unavailable !== undefined) {
      return `| ${m.name} | not available yet: ${m.report.unavailable} | | | | | | | | | | | | |`
    }
    const r = m.report
    const level = waves(m.phase.requests)
    const { before, network, after } = split(m)
    return [
      '',
      m.name,
      r.wallMs.toFixed(0),
      (r.wallMs / delayMs).toFixed(2),
      m.replay ? `${m.replay.wallMs.toFixed(0)} (${(m.replay.wallMs / delayMs).toFixed(2)})` : '',
      `${before.toFixed(0)} / ${network.toFixed(0)} / ${after.toFixed(0)}`,
      upstreamOnChain(m.phase).toFixed(0),
      r.cpuMs.toFixed(0),
      m.floor?.wallMs.toFixed(0) ?? '',
      String(Math.max(0, ...level)),
      String(m.phase.requests.length),
      String(m.phase.requests.filter((q) => q.repeated).length),
      String(m.phase.maxInFlight),
      `${(r.maxRssKiB / 1024).toFixed(1)} (${(r.startRssKiB / 1024).toFixed(0)})`,
      target(m),
      '',
    ]
      .join(' | ')
      .trim()
  })
  const perBundle = (us: number): string => (us / (cpu.rounds * cpu.bundles) / 1000).toFixed(3)
  const cpuRatio = cpu.oursUs / cpu.bareUs
  const chains = measured
    .filter((m) => m.report.unavailable === undefined)
    .map((m) => {
      const repeated = m.phase.requests.filter((r) => r.repeated)
      const extra =
        repeated.length > 0
          ? [`   - repeated: ${repeated.map((r) => `${r.method} ${r.path}`).join('; ')}`]
          : []
      return [
        `- **${m.name}** (${m.about}; ${pieces(m.report)}):`,
        ...chain(m.phase).map((w) => `   ${w}`),
        ...extra,
      ].join('\n')
    })
  return [
    `Run: ${new Date().toISOString()} on ${os.cpus()[0]?.model.trim() ?? 'unknown CPU'} ×${os.cpus().length}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}; load average at start ${loadAtStart}, at end ${load()} (1/5/15 min: anything else running on the machine shows here and in the figures).`,
    `Injected delay: **${delayMs} ms** per request (every request, registry and GitHub API alike). Wall = the child's parseInputs + run(); floor = the same at 0 ms delay; waves = round trips observed in the proxy log; registry ms on chain = the slowest upstream (docker-registry or fake API) answer of each wave, summed: time the bench's own servers add to the chain; requests only = the same requests sent again by a child that does nothing else (per image, each step of its chain at once: the tag; the listings; the referrer manifests; the blobs; images \`concurrency\` at a time, through the gate's own transport): what the chain costs on this machine before the gate does any work; gate CPU = the child's CPU time (all threads) over the same span; peak RSS = the child's own peak (VmHWM: getrusage's maxRSS would carry over the bench's, since Linux keeps it across exec), with its RSS before parseInputs in brackets.`,
    '',
    '| scenario | wall ms | depth (wall/delay) | requests only ms (depth) | before 1st request / network / after last, ms | registry ms on chain | gate CPU ms | floor ms (0 delay) | waves | requests | repeated | max in flight | peak RSS MiB (at start) | target |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
    ...(bareRss
      ? [
          `big-sbom reference: fetching the same ${(sbomBundleBytes / MiB).toFixed(2)} MiB bundle blob straight from the registry and verifying it with bare @sigstore/verify (fetch → arrayBuffer → JSON.parse → bundleFromJSON → Verifier.verify, no caps, no statement parsing) peaks at ${(bareRss.maxRssKiB / 1024).toFixed(1)} MiB RSS (${(bareRss.startRssKiB / 1024).toFixed(0)} at start).`,
          '',
        ]
      : []),
    `Verification CPU per bundle (${cpu.bundles} one-image bundles × ${cpu.rounds} rounds after ${CPU_WARMUP_ROUNDS} warm-up rounds, process.cpuUsage): checkEvidence ${perBundle(cpu.oursUs)} ms, product path (checkedWithTrust + checkEvidence, GitHub's root loadable as in a run through TUF) ${perBundle(cpu.oursPathUs)} ms, bare @sigstore/verify ${perBundle(cpu.bareUs)} ms. **Ratio ${cpuRatio.toFixed(3)}** (path: ${(cpu.oursPathUs / cpu.bareUs).toFixed(3)}); target ≤ 1.3: ${cpuRatio <= 1.3 ? 'met' : 'NOT met'}.`,
    '',
    `First verification in a fresh process (the same ${cpu.bundles} bundles, trust material already built; what a run pays when its last blobs arrive, before V8 has compiled and optimised the code): checkEvidence median ${coldMs(coldUs.ours)} ms (${coldUs.ours.map((us) => (us / 1000).toFixed(0)).join(', ')}), bare @sigstore/verify median ${coldMs(coldUs.bare)} ms (${coldUs.bare.map((us) => (us / 1000).toFixed(0)).join(', ')}), each side in its own ${COLD_RUNS} processes; warm, the same ${cpu.bundles} bundles take ${(cpu.oursUs / cpu.rounds / 1000).toFixed(1)} ms (checkEvidence) and ${(cpu.bareUs / cpu.rounds / 1000).toFixed(1)} ms (bare).`,
    '',
    `Start-up, spawn of \`node dist/index.js\` to its first request at the proxy: **median ${up.medianMs.toFixed(0)} ms** (${up.samplesMs.map((x) => x.toFixed(0)).join(', ')}; exit codes ${up.exitCodes.join(', ')}); target < 300 ms: ${up.medianMs < 300 ? 'met' : 'NOT met'}. Bare \`node -e "fetch(…)"\` for comparison: median ${up.baselineMedianMs.toFixed(0)} ms (${up.baselineSamplesMs.map((x) => x.toFixed(0)).join(', ')}). dist/index.js built ${up.distBuilt}; newest file in src/ ${up.srcNewest}.`,
    '',
    renderTuf(tuf),
    '',
    'Request chains (wave. requests in it; `(404)` = answered 404):',
    '',
    ...chains,
  ].join('\n')
}

const BEGIN = '<!-- bench:begin (generated by npm run bench; edit outside these markers) -->'
const END = '<!-- bench:end -->'

function writeResultsMd(report: string): void {
  const file = path.join(root, 'bench', 'RESULTS.md')
  const old = fs.existsSync(file)
    ? fs.readFileSync(file, 'utf8')
    : `# Benchmark results\n\n${BEGIN}\n${END}\n`
  const start = old.indexOf(BEGIN)
  const end = old.indexOf(END)
  const generated = `${BEGIN}\n\n${report}\n\n${END}`
  const text =
    start >= 0 && end > start
      ? old.slice(0, start) + generated + old.slice(end + END.length)
      : `${old.trimEnd()}\n\n${generated}\n`
  fs.writeFileSync(file, text)
}

// Bounded: whatever happens, the bench ends within the overall limit.
const watchdog = setTimeout(() => {
  say(`bench: stopped after the overall limit of ${OVERALL_LIMIT_MS / 60_000} minutes`)
  process.exit(3)
}, OVERALL_LIMIT_MS)
watchdog.unref()

process.exitCode = await bench().catch((error: unknown) => {
  say(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`)
  return 1
})
