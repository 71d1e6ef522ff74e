// The `dockerfile` input end to end: Dockerfiles on disk, their base images in a real registry
// (CNCF distribution), signed or not by the in-process Sigstore, gated like `image` inputs.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Writable } from 'node:stream'
import { main } from '../../src/cli.js'
import { parseInputs } from '../../src/inputs.js'
import { acceptedIdentities } from '../../src/main.js'
import { renderConsole } from '../../src/report/console-reporter.js'
import { exitCode } from '../../src/report/result.js'
import { renderSummary } from '../../src/report/summary.js'
import type { GateResult, ImageResult } from '../../src/types.js'
import { gateFixture, runGate } from '../helpers/gate.js'
import { githubIdentity } from '../helpers/mini-sigstore.js'
import { cosignSign } from '../helpers/publish.js'
import { pushImage, pushIndex, uniqueRepo } from '../helpers/registry.js'

const ACME = githubIdentity({
  repo: 'acme/base-images',
  workflowPath: '.github/workflows/release.yml',
})
const ACME_SAN = ACME.san
const LIBRARY = githubIdentity({
  repo: 'docker-library/official',
  workflowPath: '.github/workflows/build.yml',
})
const LIBRARY_SAN = LIBRARY.san

const { host, ss, root } = await gateFixture()
let dir: string
// Repositories (unique per run) standing in for ghcr.io/acme/*, docker.io/library/* and an
// unsigned third party.
let acmeRepo: string
let libraryRepo: string
let unsignedRepo: string
let multiRepo: string
let acme: { digest: string }
let library: { digest: string }
let unsigned: { digest: string }
let multi: { digest: string; arm64: string }

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scg-dockerfile-'))
  acmeRepo = uniqueRepo('acme-base')
  libraryRepo = uniqueRepo('library-alpine')
  unsignedRepo = uniqueRepo('thirdparty-tool')
  multiRepo = uniqueRepo('acme-multi')
  acme = await pushImage(host, acmeRepo, '1.0', { text: 'acme base\n' })
  await cosignSign(ss, host, acmeRepo, acme.digest, ACME)
  library = await pushImage(host, libraryRepo, '3.20', { text: 'alpine\n' })
  await cosignSign(ss, host, libraryRepo, library.digest, LIBRARY)
  unsigned = await pushImage(host, unsignedRepo, 'latest', { text: 'tool\n' })
  const amd64 = await pushImage(host, multiRepo, 'amd64', { text: 'amd64\n' })
  const arm64 = await pushImage(host, multiRepo, 'arm64', {
    text: 'arm64\n',
    platform: { architecture: 'arm64', os: 'linux' },
  })
  const index = await pushIndex(host, multiRepo, '2', [
    { ...amd64, platform: { architecture: 'amd64', os: 'linux' } },
    { ...arm64, platform: { architecture: 'arm64', os: 'linux' } },
  ])
  // Signed as `cosign sign --recursive` does: the index and each platform manifest.
  for (const digest of [index.digest, amd64.digest, arm64.digest]) {
    await cosignSign(ss, host, multiRepo, digest, ACME)
  }
  multi = { digest: index.digest, arm64: arm64.digest }
})

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

function dockerfile(name: string, text: string): string {
  const file = path.join(dir, name)
  fs.mkdirSync(path.dirname(file), { recursive: true })
  fs.writeFileSync(file, text)
  return file
}

const gate = (values: Record<string, string>) => runGate(host, { 'trusted-root': root, ...values })

const byRef = (result: GateResult, repo: string): ImageResult => {
  const found = result.images.find((i) => i.reference.includes(`/${repo}`))
  if (found === undefined) throw new Error(`no result for ${repo}`)
  return found
}

/** A multi-stage Dockerfile: ARG-built references, --platform, a stage base, scratch. */
function multiStage(name: string, options: { pinLibrary?: boolean } = {}): string {
  const pin = options.pinLibrary ? `@${library.digest}` : ''
  return dockerfile(
    name,
    `# syntax=docker/dockerfile:1
ARG REG=${host}
ARG ACME_TAG=1.0

FROM --platform=$BUILDPLATFORM \${REG}/${acmeRepo}:\${ACME_TAG} AS build
RUN <<EOF
echo ${host}/${unsignedRepo}:latest
EOF

from build as test
RUN make test

FROM ${host}/${libraryRepo}:3.20${pin} AS runtime
COPY --from=build /out /app

FROM scratch AS export
`,
  )
}

const identityRegexp =
  'https://github\\.com/(acme/base-images|docker-library/official)/\\.github/workflows/.*'

describe('Dockerfile base images', () => {
  test('a multi-stage build: each distinct base is gated once, scratch and stages are skipped', async () => {
    const file = multiStage('multi/Dockerfile')
    const result = await gate({ dockerfile: file, 'certificate-identity-regexp': identityRegexp })
    expect(result.verdict).toBe('pass')
    expect(exitCode(result)).toBe(0)
    // An image named in a here-document is not a base image; the stage and scratch are not images.
    expect(result.images.map((i) => i.reference)).toEqual([
      `${host}/${acmeRepo}:1.0`,
      `${host}/${libraryRepo}:3.20`,
    ])
    const base = byRef(result, acmeRepo)
    expect(base.digest).toBe(acme.digest)
    expect(base.sources).toEqual([
      {
        dockerfile: file,
        line: 5,
        stage: 'build',
        index: 0,
        platform: expect.stringMatching(/^linux\//),
      },
    ])
    expect(base.findings.map((f) => [f.requirement, f.status])).toEqual([
      ['digest pinning', 'warn'],
      ['signature', 'pass'],
    ])
    // Unpinned tags are reported with the digest they resolved to and the line to write.
    expect(base.findings[0]!.actual).toContain(
      `FROM --platform=$BUILDPLATFORM ${host}/${acmeRepo}:1.0@${acme.digest} AS build`,
    )
    expect(result.dockerfiles).toEqual([
      {
        path: file,
        stages: [
          expect.objectContaining({
            line: 5,
            index: 0,
            stage: 'build',
            from: '${REG}/' + acmeRepo + ':${ACME_TAG}',
            base: 'image',
            reference: `${host}/${acmeRepo}:1.0`,
            digest: acme.digest,
            verdict: 'pass',
            pinned: false,
            suggestion: `FROM --platform=$BUILDPLATFORM ${host}/${acmeRepo}:1.0@${acme.digest} AS build`,
          }),
          { line: 10, index: 1, stage: 'test', from: 'build', base: 'stage', detail: 'build' },
          expect.objectContaining({ line: 13, stage: 'runtime', base: 'image', verdict: 'pass' }),
          { line: 16, index: 3, stage: 'export', from: 'scratch', base: 'scratch' },
        ],
      },
    ])
  })

  test('an unsigned base fails the gate and names its Dockerfile line', async () => {
    const file = dockerfile(
      'unsigned/Dockerfile',
      `FROM ${host}/${acmeRepo}:1.0 AS build\nFROM ${host}/${unsignedRepo}:latest\n`,
    )
    const result = await gate({ dockerfile: file, 'certificate-identity': ACME_SAN })
    expect(exitCode(result)).toBe(1)
    expect(byRef(result, acmeRepo).verdict).toBe('pass')
    const tool = byRef(result, unsignedRepo)
    expect(tool.verdict).toBe('fail')
    expect(tool.digest).toBe(unsigned.digest)
    expect(tool.sources).toEqual([{ dockerfile: file, line: 2, index: 1 }])
    expect(tool.findings.find((f) => f.requirement === 'signature')!.actual).toMatch(
      /no signatures or attestations were found/,
    )
    const summary = renderSummary(result)
    expect(summary).toContain('### Dockerfiles')
    // Grouped by Dockerfile, one row per FROM with its line number.
    const table = summary.slice(summary.indexOf('### Dockerfiles'))
    expect(table).toMatch(/\| ✅ \| 1 \| build \|/)
    expect(table).toMatch(/\| ❌ \| 2 \| #1 \|/)
    expect(summary).toContain(`Base image of: `)
    expect(renderConsole(result)).toMatch(/✘ line 2: .*not pinned/)
  })

  test('require-digest-pinning fails unpinned bases and passes pinned ones', async () => {
    const file = multiStage('pinning/Dockerfile', { pinLibrary: true })
    const result = await gate({
      dockerfile: file,
      'certificate-identity-regexp': identityRegexp,
      'require-digest-pinning': 'true',
    })
    expect(exitCode(result)).toBe(1)
    const acmeResult = byRef(result, acmeRepo)
    expect(acmeResult.verdict).toBe('fail')
    expect(acmeResult.findings[0]).toMatchObject({ requirement: 'digest pinning', status: 'fail' })
    // The signature itself verified: only pinning failed.
    expect(acmeResult.findings[1]).toMatchObject({ requirement: 'signature', status: 'pass' })
    const pinned = byRef(result, libraryRepo)
    expect(pinned.reference).toBe(`${host}/${libraryRepo}:3.20@${library.digest}`)
    expect(pinned.verdict).toBe('pass')
    expect(pinned.findings.map((f) => f.requirement)).toEqual(['signature'])
    expect(result.dockerfiles![0]!.stages[2]).toMatchObject({ pinned: true })
  })

  test('build-args replace ARG defaults, so another base is gated', async () => {
    const file = dockerfile('args/Dockerfile', `ARG IMAGE=${host}/${acmeRepo}:1.0\nFROM $IMAGE\n`)
    const result = await gate({
      dockerfile: file,
      'build-args': `IMAGE=${host}/${unsignedRepo}:latest`,
      'certificate-identity': ACME_SAN,
    })
    expect(result.images.map((i) => i.reference)).toEqual([`${host}/${unsignedRepo}:latest`])
    expect(exitCode(result)).toBe(1)
  })

  test('the same base in two Dockerfiles and as an image input is checked once', async () => {
    const a = dockerfile('twice/a.Dockerfile', `FROM ${host}/${acmeRepo}:1.0\n`)
    const b = dockerfile('twice/b.Dockerfile', `FROM ${host}/${acmeRepo}:1.0 AS x\n`)
    const result = await gate({
      image: `${host}/${acmeRepo}:1.0`,
      dockerfile: path.join(dir, 'twice', '*.Dockerfile'),
      'certificate-identity': ACME_SAN,
    })
    expect(result.images).toHaveLength(1)
    expect(result.images[0]!.sources!.map((s) => [s.dockerfile, s.line])).toEqual([
      [a, 1],
      [b, 1],
    ])
    expect(result.dockerfiles!.map((d) => d.path)).toEqual([a, b])
  })

  test('--platform and a multi-arch base: the index is verified, and platforms: all checks each', async () => {
    const file = dockerfile(
      'platform/Dockerfile',
      `FROM --platform=linux/arm64 ${host}/${multiRepo}:2 AS arm\n`,
    )
    const indexOnly = await gate({ dockerfile: file, 'certificate-identity': ACME_SAN })
    expect(indexOnly.verdict).toBe('pass')
    expect(indexOnly.images[0]!.digest).toBe(multi.digest)
    expect(indexOnly.images[0]!.sources![0]!.platform).toBe('linux/arm64')
    expect(indexOnly.dockerfiles![0]!.stages[0]).toMatchObject({ platform: 'linux/arm64' })
    const all = await gate({ dockerfile: file, 'certificate-identity': ACME_SAN, platforms: 'all' })
    expect(all.verdict).toBe('pass')
    expect(all.images[0]!.platforms!.map((p) => [p.platform, p.verdict])).toEqual([
      ['linux/amd64', 'pass'],
      ['linux/arm64', 'pass'],
    ])
    expect(all.images[0]!.platforms![1]!.digest).toBe(multi.arm64)
  })

  test('under a list of platforms, the platform a FROM line names is checked too', async () => {
    /** An index of linux/amd64 and linux/arm64 whose `signed` platform alone carries a signature. */
    async function twoPlatforms(name: string, signed: 'amd64' | 'arm64') {
      const repo = uniqueRepo(name)
      const digests = { repo, amd64: '', arm64: '' }
      const entries = []
      for (const arch of ['amd64', 'arm64'] as const) {
        const platform = { architecture: arch, os: 'linux' }
        const image = await pushImage(host, repo, arch, { text: `${arch}\n`, platform })
        if (arch === signed) await cosignSign(ss, host, repo, image.digest, ACME)
        digests[arch] = image.digest
        entries.push({ ...image, platform })
      }
      await pushIndex(host, repo, '1', entries)
      return digests
    }
    const amdSigned = await twoPlatforms('from-platform', 'amd64')
    const arm = dockerfile(
      'from-platform/arm/Dockerfile',
      `FROM --platform=linux/arm64 ${host}/${amdSigned.repo}:1\n`,
    )
    const result = await gate({
      dockerfile: arm,
      'certificate-identity': ACME_SAN,
      platforms: 'linux/amd64',
    })
    expect(result.verdict).toBe('fail')
    expect(result.images[0]!.platforms!.map((p) => [p.platform, p.digest, p.verdict])).toEqual([
      ['linux/amd64', amdSigned.amd64, 'pass'],
      ['linux/arm64', amdSigned.arm64, 'fail'],
    ])
    // A line without --platform, or with the target's, pulls the build's target platform: the
    // list's. TARGETPLATFORM is known here only as a guess (the runner's), which is not checked.
    const armSigned = await twoPlatforms('from-target', 'arm64')
    const target = dockerfile(
      'from-platform/target/Dockerfile',
      `FROM --platform=$TARGETPLATFORM ${host}/${armSigned.repo}:1\n`,
    )
    const targeted = await gate({
      dockerfile: target,
      'certificate-identity': ACME_SAN,
      platforms: 'linux/arm64',
    })
    expect(targeted.images[0]!.platforms!.map((p) => [p.platform, p.verdict])).toEqual([
      ['linux/arm64', 'pass'],
    ])
    const plain = dockerfile('from-platform/plain/Dockerfile', `FROM ${host}/${amdSigned.repo}:1\n`)
    const listed = await gate({
      dockerfile: plain,
      'certificate-identity': ACME_SAN,
      platforms: 'linux/amd64',
    })
    expect(listed.verdict).toBe('pass')
  })

  test('a FROM that cannot be used stops the gate (exit 2), naming file and line', async () => {
    const file = dockerfile(
      'bad/Dockerfile',
      `ARG TAG\nFROM ${host}/${acmeRepo}:1.0 AS ok\nFROM ${host}/${acmeRepo}:$TAG\n`,
    )
    const result = await gate({ dockerfile: file, 'certificate-identity': ACME_SAN })
    expect(result.verdict).toBe('error')
    expect(exitCode(result)).toBe(2)
    const bad = result.images.find((i) => i.verdict === 'error')!
    expect(bad.error!.message).toContain(`${file} line 3: FROM ${host}/${acmeRepo}:$TAG`)
    expect(bad.error!.message).toMatch(/TAG is not set/)
    expect(result.dockerfiles![0]!.stages[1]).toMatchObject({ base: 'invalid', verdict: 'error' })
  })

  test('a Dockerfile whose every FROM is scratch or a stage has nothing to trust: pass', async () => {
    const file = dockerfile('scratch/Dockerfile', 'FROM scratch AS a\nFROM a\n')
    const result = await gate({ dockerfile: file, 'certificate-identity': ACME_SAN })
    expect(result.images).toEqual([])
    expect(result.verdict).toBe('pass')
  })

  test('the inputs: a glob that matches nothing, a missing file, bad build-args, a directory', async () => {
    const get = (values: Record<string, string>) => (name: string) =>
      ({ 'certificate-identity': ACME_SAN, ...values })[name] ?? ''
    await expect(
      parseInputs(get({ dockerfile: path.join(dir, 'none', '*.Dockerfile') })),
    ).rejects.toThrow(/`dockerfile` input's pattern .* matches no file/)
    await expect(parseInputs(get({ dockerfile: path.join(dir, 'missing') }))).rejects.toThrow(
      /`dockerfile` input names .* which is not a file/,
    )
    const file = dockerfile('dir/Dockerfile', 'FROM alpine:3.20\n')
    expect((await parseInputs(get({ dockerfile: path.dirname(file) }))).dockerfiles![0]!.path).toBe(
      file,
    )
    await expect(
      parseInputs(get({ dockerfile: file, 'build-args': 'not an assignment' })),
    ).rejects.toThrow(/`build-args` input takes one NAME=value per line/)
    const many = dockerfile('many/Dockerfile', 'FROM alpine:3.20\n'.repeat(257))
    await expect(parseInputs(get({ dockerfile: many }))).rejects.toThrow(
      /257 FROM lines and --from images; at most 256/,
    )
    const empty = dockerfile('empty/Dockerfile', '# no instructions\n')
    await expect(parseInputs(get({ dockerfile: empty }))).rejects.toThrow(/has no FROM instruction/)
    await expect(parseInputs(get({}))).rejects.toThrow(
      /`image` input is required unless `dockerfile`/,
    )
  })
})

describe('policies keyed by image pattern', () => {
  const policy = (text: string) => {
    const file = path.join(dir, `policy-${Math.random().toString(36).slice(2)}.yaml`)
    fs.writeFileSync(file, text)
    return file
  }
  const patterns = () => `version: 1
identities:
  acme: [{ san: '${ACME_SAN}' }]
  library: [{ san: '${LIBRARY_SAN}' }]
images:
  - match: ${host}/scg/acme-*
    signature: { identities: [acme] }
  - match: [${host}/scg/library-*]
    signature: { identities: [library] }
`

  test('each pattern applies its own identities: both bases pass', async () => {
    const result = await gate({
      dockerfile: multiStage('policy/Dockerfile'),
      policy: policy(patterns()),
    })
    expect(result.verdict).toBe('pass')
    expect(byRef(result, acmeRepo).matched).toEqual([`${host}/scg/acme-*`])
    expect(byRef(result, libraryRepo).matched).toEqual([`${host}/scg/library-*`])
    // `signer-identity` for an image may name only a signer its own pattern accepts.
    const values = { image: 'ghcr.io/acme/app:v1', policy: policy(patterns()) }
    const inputs = await parseInputs((name) => (values as Record<string, string>)[name] ?? '')
    const sans = (i: ImageResult) =>
      acceptedIdentities(inputs, i).map((p) =>
        'publicKey' in p ? 'key' : p.subjectAlternativeName,
      )
    expect(sans(byRef(result, acmeRepo))).toEqual([{ exact: ACME_SAN }])
    expect(sans(byRef(result, libraryRepo))).toEqual([{ exact: LIBRARY_SAN }])
  })

  test("a pattern's identity that did not sign fails, naming the pattern's expectation", async () => {
    const swapped = patterns().replace(
      `match: [${host}/scg/library-*]\n    signature: { identities: [library] }`,
      `match: [${host}/scg/library-*]\n    signature: { identities: [acme] }`,
    )
    const result = await gate({
      dockerfile: multiStage('swap/Dockerfile'),
      policy: policy(swapped),
    })
    expect(exitCode(result)).toBe(1)
    const lib = byRef(result, libraryRepo)
    expect(lib.verdict).toBe('fail')
    const signature = lib.findings.find((f) => f.requirement === 'signature')!
    expect(signature.expected).toContain(ACME_SAN)
    expect(signature.actual).toContain(LIBRARY_SAN)
  })

  test('an image no pattern matches fails, unless the policy has a default', async () => {
    const file = dockerfile(
      'nomatch/Dockerfile',
      `FROM ${host}/${unsignedRepo}:latest\nFROM ${host}/${acmeRepo}:1.0\n`,
    )
    const strict = await gate({ dockerfile: file, policy: policy(patterns()) })
    expect(exitCode(strict)).toBe(1)
    const tool = byRef(strict, unsignedRepo)
    expect(tool.findings[0]).toMatchObject({ requirement: 'policy', status: 'fail' })
    expect(tool.findings[0]!.actual).toMatch(
      /no pattern matches .* and the policy has no `default`/,
    )
    expect(byRef(strict, acmeRepo).verdict).toBe('pass')
    // A default that the unsigned image cannot meet still fails it, for its own reason...
    const withDefault = await gate({
      dockerfile: file,
      policy: policy(`${patterns()}default:\n  signature: { identities: [acme] }\n`),
    })
    const judged = byRef(withDefault, unsignedRepo)
    expect(judged.findings.map((f) => f.requirement)).toEqual(['digest pinning', 'signature'])
    expect(judged.matched).toBeUndefined()
    expect(judged.verdict).toBe('fail')
    // ...and one that an image meets lets it through.
    const lenient = `version: 1
images:
  - match: ${host}/scg/library-*
    signature: { identities: [{ san: '${LIBRARY_SAN}' }] }
default:
  signature: { identities: [{ san: '${ACME_SAN}' }] }
`
    const multiArch = dockerfile('default/Dockerfile', `FROM ${host}/${multiRepo}:2\n`)
    const viaDefault = await gate({ dockerfile: multiArch, policy: policy(lenient) })
    expect(viaDefault.verdict).toBe('pass')
    expect(viaDefault.images[0]!.matched).toBeUndefined()
  })

  test('an image two patterns match must meet both, each requirement named by its pattern', async () => {
    const both = `version: 1
images:
  - match: ${host}/scg/*
    signature: { identities: [{ san: '${ACME_SAN}' }] }
  - match: ${host}/scg/library-*
    signature: { identities: [{ san: '${LIBRARY_SAN}' }] }
`
    const file = dockerfile('both/Dockerfile', `FROM ${host}/${libraryRepo}:3.20\n`)
    const result = await gate({ dockerfile: file, policy: policy(both) })
    expect(exitCode(result)).toBe(1)
    expect(result.images[0]!.findings.map((f) => [f.requirement, f.status])).toEqual([
      ['digest pinning', 'warn'],
      [`signature (${host}/scg/*)`, 'fail'],
      [`signature (${host}/scg/library-*)`, 'pass'],
    ])
  })
})

describe('the CLI with --dockerfile', () => {
  let out: string
  const sink = (append: (s: string) => void) =>
    new Writable({ write: (chunk, _enc, done) => (append(String(chunk)), done()) })

  test('verify --dockerfile gates the bases with the usual exit codes and JSON', async () => {
    const file = multiStage('cli/Dockerfile')
    out = ''
    const code = await main(
      [
        'verify',
        '--dockerfile',
        file,
        '--certificate-identity-regexp',
        identityRegexp,
        '--trusted-root',
        root,
        '--insecure-registries',
        host,
        '--json',
      ],
      { env: {}, stdout: sink((s) => (out += s)), stderr: sink(() => undefined) },
    )
    expect(code).toBe(0)
    const json = JSON.parse(out) as GateResult
    expect(json.dockerfiles![0]!.stages.map((s) => s.line)).toEqual([5, 10, 13, 16])
    expect(json.images.every((i) => i.sources !== undefined)).toBe(true)
  })
})
