// Multi-platform images: the `platforms` input decides which manifests of an index must meet the
// requirements, on the real registry with cosign v3 signatures on the index and on its children.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { InputError } from '../src/errors.js'
import {
  NO_PLATFORM,
  normalizePlatform,
  parsePlatforms,
  selectPlatforms,
} from '../src/platforms.js'
import { exitCode } from '../src/report/result.js'
import { renderConsole } from '../src/report/console-reporter.js'
import { renderSummary } from '../src/report/summary.js'
import { startFakeRegistry } from './helpers/fake-registry.js'
import { gateFixture, runGate } from './helpers/gate.js'
import { githubIdentity } from './helpers/mini-sigstore.js'
import { attestImage, cosignSign } from './helpers/publish.js'
import { MT, pushImage, pushIndex, putManifest, uniqueRepo } from './helpers/registry.js'

const SAN = 'https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v1.0.0'
const SLSA = 'https://slsa.dev/provenance/v1'
const identity = githubIdentity({
  repo: 'acme/app',
  workflowPath: '.github/workflows/release.yml',
  ref: 'refs/tags/v1.0.0',
})
const d = (n: number) => ({
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  digest: `sha256:${String(n).repeat(64)}`,
  size: 1,
})

describe('platform selection', () => {
  test('parsePlatforms: index by default, all, or names', () => {
    expect(parsePlatforms([])).toBe('index')
    expect(parsePlatforms(['index'])).toBe('index')
    expect(parsePlatforms(['all'])).toBe('all')
    expect(parsePlatforms(['linux/amd64', 'linux/arm64/v8'])).toEqual([
      'linux/amd64',
      'linux/arm64/v8',
    ])
    expect(() => parsePlatforms(['linux'])).toThrow(InputError)
    expect(() => parsePlatforms(['all', 'linux/amd64'])).toThrow(/`platforms` input/)
  })

  test('selectPlatforms skips only BuildKit attestation entries, and reports named platforms that are missing', () => {
    const manifests = [
      { ...d(1), platform: { os: 'linux', architecture: 'amd64' } },
      { ...d(2), platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
      { ...d(3), platform: { os: 'unknown', architecture: 'unknown' } },
      d(4),
      { ...d(5), platform: { os: 'unknown', architecture: 'amd64' } },
    ]
    // An entry without a platform may still be pulled (containerd matches it by its config).
    expect(selectPlatforms(manifests, 'all').selected.map((p) => p.name)).toEqual([
      'linux/amd64',
      'linux/arm64/v8',
      NO_PLATFORM,
      'unknown/amd64',
    ])
    const named = selectPlatforms(manifests, ['linux/arm64', 'linux/s390x'])
    expect(named.selected.map((p) => p.name)).toEqual(['linux/arm64/v8', NO_PLATFORM])
    expect(named.missing).toEqual(['linux/s390x'])
  })

  test('named platforms match the entries a runtime would pull for them, however the index spells them', () => {
    const entry = (n: number, system: string, architecture: string, variant?: string) => ({
      ...d(n),
      platform: { os: system, architecture, ...(variant !== undefined && { variant }) },
    })
    const manifests = [
      entry(1, 'Linux', 'x86_64'),
      entry(2, 'linux', 'aarch64'),
      entry(3, 'linux', 'arm', '6'),
      entry(4, 'linux', 'armhf'),
      entry(5, 'linux', 'amd64', 'v2'),
    ]
    const names = (selection: string[]) =>
      selectPlatforms(manifests, selection).selected.map((p) => p.descriptor.digest[7])
    expect(names(['linux/amd64'])).toEqual(['1', '5'])
    expect(names(['linux/amd64/v2'])).toEqual(['5'])
    expect(names(['linux/arm64/v8'])).toEqual(['2'])
    expect(names(['linux/arm'])).toEqual(['3', '4'])
    expect(names(['linux/arm/v7'])).toEqual(['4'])
    expect(names(['linux/arm/v6'])).toEqual(['3'])
    expect(selectPlatforms(manifests, ['linux/arm64']).missing).toEqual([])
    expect(normalizePlatform('Linux/X86_64/v1')).toBe('linux/amd64')
    expect(normalizePlatform('linux/arm64/9.0')).toBe('linux/arm64/v9')
    expect(normalizePlatform('linux/i386')).toBe('linux/386')
    expect(normalizePlatform('linux/armel')).toBe('linux/arm/v6')
    expect(normalizePlatform('linux/s390x')).toBe('linux/s390x')
  })
})

const { host, ss, root } = await gateFixture()

describe('the gate on a multi-platform index', () => {
  /** An index of linux/amd64 and linux/arm64; `sign` names what carries a cosign signature. */
  async function index(sign: { index?: boolean; amd64?: boolean; arm64?: boolean }) {
    const repo = uniqueRepo('multiarch')
    const amd64 = await pushImage(host, repo, 'amd64', {
      text: 'amd64\n',
      platform: { os: 'linux', architecture: 'amd64' },
    })
    const arm64 = await pushImage(host, repo, 'arm64', {
      text: 'arm64\n',
      platform: { os: 'linux', architecture: 'arm64' },
    })
    const idx = await pushIndex(host, repo, 'v1', [
      { ...amd64, platform: { os: 'linux', architecture: 'amd64' } },
      { ...arm64, platform: { os: 'linux', architecture: 'arm64' } },
    ])
    if (sign.index) await cosignSign(ss, host, repo, idx.digest, identity)
    if (sign.amd64) await cosignSign(ss, host, repo, amd64.digest, identity)
    if (sign.arm64) await cosignSign(ss, host, repo, arm64.digest, identity)
    return {
      ref: `${host}/${repo}:v1`,
      repo,
      index: idx.digest,
      indexSize: idx.size,
      amd64: amd64.digest,
      arm64: arm64.digest,
    }
  }
  const gate = (ref: string, platforms?: string) =>
    runGate(host, {
      image: ref,
      'trusted-root': root,
      'certificate-identity': SAN,
      sources: 'referrers',
      ...(platforms && { platforms }),
    })

  test('platforms: index (the default) verifies the index digest only', async () => {
    const img = await index({ index: true })
    const result = await gate(img.ref)
    expect(result.verdict).toBe('pass')
    expect(result.images[0]!.digest).toBe(img.index)
    expect(result.images[0]!.platforms).toBeUndefined()
  })

  test('platforms: all fails when only the index is signed, per platform, with a coverage warning', async () => {
    const img = await index({ index: true })
    const result = await gate(img.ref, 'all')
    expect(exitCode(result)).toBe(1)
    const image = result.images[0]!
    expect(image.platforms!.map((p) => [p.platform, p.digest, p.verdict])).toEqual([
      ['linux/amd64', img.amd64, 'fail'],
      ['linux/arm64', img.arm64, 'fail'],
    ])
    expect(image.findings).toContainEqual(
      expect.objectContaining({
        requirement: 'signature coverage',
        status: 'warn',
        actual: 'evidence covers the index but not linux/amd64, linux/arm64',
      }),
    )
    expect(renderSummary(result)).toContain('| Platform | Digest | Class | Problems |')
  })

  test('platforms: all passes when every platform manifest is signed, and warns that the index is not', async () => {
    const img = await index({ amd64: true, arm64: true })
    const result = await gate(img.ref, 'all')
    expect(result.verdict).toBe('pass')
    const image = result.images[0]!
    expect(image.platforms!.every((p) => p.verdict === 'pass')).toBe(true)
    expect(image.findings).toContainEqual(
      expect.objectContaining({ requirement: 'signature (index)', status: 'warn' }),
    )
    expect(image.findings).toContainEqual(
      expect.objectContaining({
        requirement: 'signature coverage',
        actual: 'evidence covers the platform manifests but not the index',
      }),
    )
  })

  test('one unsigned platform fails the image and is named', async () => {
    const img = await index({ index: true, amd64: true })
    const result = await gate(img.ref, 'all')
    expect(exitCode(result)).toBe(1)
    const arm = result.images[0]!.platforms!.find((p) => p.platform === 'linux/arm64')!
    expect(arm.verdict).toBe('fail')
    expect(arm.findings[0]!.actual).toBe('no signatures or attestations were found for this digest')
  })

  test('named platforms: only those are checked, and one the index lacks fails', async () => {
    const img = await index({ amd64: true })
    expect((await gate(img.ref, 'linux/amd64')).verdict).toBe('pass')
    const missing = await gate(img.ref, 'linux/amd64,linux/s390x')
    expect(exitCode(missing)).toBe(1)
    expect(missing.images[0]!.findings[0]).toMatchObject({
      requirement: 'platform linux/s390x',
      status: 'fail',
      actual: 'the index has linux/amd64',
    })
  })

  describe('an unsigned entry a runtime could pull beside a signed linux/amd64', () => {
    /** The signed amd64 entry, and an unsigned image listed with `platform` (none: no field). */
    async function withUnsigned(platform: object | undefined, first: boolean) {
      const repo = uniqueRepo('multiarch-extra')
      const amd64 = await pushImage(host, repo, 'amd64', {
        text: 'amd64\n',
        platform: { os: 'linux', architecture: 'amd64' },
      })
      await cosignSign(ss, host, repo, amd64.digest, identity)
      const other = await pushImage(host, repo, 'other', {
        text: 'other\n',
        platform: { os: 'linux', architecture: 'arm64' },
      })
      const entries = [
        { ...amd64, platform: { os: 'linux', architecture: 'amd64' } },
        { ...other, ...(platform !== undefined && { platform }) },
      ]
      const manifests = first ? entries.reverse() : entries
      await putManifest(
        host,
        repo,
        'v1',
        { schemaVersion: 2, mediaType: MT.OCI_INDEX, manifests },
        MT.OCI_INDEX,
      )
      return { ref: `${host}/${repo}:v1`, unsigned: other.digest }
    }

    test.each([
      ['without a platform field, under all', undefined, 'all', NO_PLATFORM],
      ['without a platform field, under a name', undefined, 'linux/amd64', NO_PLATFORM],
      [
        'as Linux/x86_64, listed first, under linux/amd64',
        { os: 'Linux', architecture: 'x86_64' },
        'linux/amd64',
        'Linux/x86_64',
      ],
      [
        'as unknown/amd64, under all',
        { os: 'unknown', architecture: 'amd64' },
        'all',
        'unknown/amd64',
      ],
    ])('%s: it is checked and fails the image', async (_name, platform, platforms, shown) => {
      const img = await withUnsigned(platform, true)
      const result = await gate(img.ref, platforms)
      expect(exitCode(result)).toBe(1)
      const unsigned = result.images[0]!.platforms!.find((p) => p.digest === img.unsigned)
      expect(unsigned).toMatchObject({ platform: shown, verdict: 'fail' })
    })
  })

  // A runtime pulls from inside a nested index: its own signature would stand in for platforms
  // nobody read (an index signed without --recursive, wrapped once more).
  test.each(['all', 'linux/amd64,linux/arm64'])(
    'platforms: %s: an entry that is itself an index is an error, its own signature no pass',
    async (platforms) => {
      const inner = await index({ index: true })
      const entry = (architecture: string) => ({
        mediaType: MT.OCI_INDEX,
        digest: inner.index,
        size: inner.indexSize,
        platform: { os: 'linux', architecture },
      })
      await putManifest(
        host,
        inner.repo,
        'outer',
        { schemaVersion: 2, mediaType: MT.OCI_INDEX, manifests: [entry('amd64'), entry('arm64')] },
        MT.OCI_INDEX,
      )
      const result = await gate(`${host}/${inner.repo}:outer`, platforms)
      expect(exitCode(result)).toBe(2)
      expect(result.images[0]!.platforms!.map((p) => [p.platform, p.verdict])).toEqual([
        ['linux/amd64', 'error'],
        ['linux/arm64', 'error'],
      ])
      expect(result.images[0]!.platforms![0]!.error!.message).toContain(
        'it is itself an index, whose platforms are not examined',
      )
    },
  )

  test('an entry whose digest is not a string is an error shown as written, and reports render', async () => {
    // The real registry refuses such an index: a registry of the test's own serves it.
    const reg = await startFakeRegistry({ referrers: 404 })
    try {
      reg.putManifest(
        {
          schemaVersion: 2,
          mediaType: MT.OCI_INDEX,
          manifests: [
            {
              mediaType: MT.OCI_MANIFEST,
              digest: 12345,
              size: 2,
              platform: { os: 'linux', architecture: 'amd64' },
            },
          ],
        },
        'v1',
        MT.OCI_INDEX,
      )
      const result = await runGate(reg.host, {
        image: `${reg.host}/acme/app:v1`,
        'trusted-root': root,
        'certificate-identity': SAN,
        sources: 'referrers',
        platforms: 'all',
      })
      expect(exitCode(result)).toBe(2)
      expect(result.images[0]!.platforms!.map((p) => [p.platform, p.digest, p.verdict])).toEqual([
        ['linux/amd64', '12345', 'error'],
      ])
      expect(renderSummary(result)).toContain('12345')
      expect(renderConsole(result)).toContain('12345')
    } finally {
      await reg.close()
    }
  })

  test('a policy file can set platforms; the input may not set them as well', async () => {
    const img = await index({ index: true })
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scg-platforms-'))
    const policy = path.join(dir, 'policy.yml')
    fs.writeFileSync(
      policy,
      ['version: 1', 'platforms: all', 'signature:', '  identities:', `    - san: ${SAN}`].join(
        '\n',
      ),
    )
    const values = { image: img.ref, 'trusted-root': root, policy, sources: 'referrers' }
    const result = await runGate(host, values)
    expect(exitCode(result)).toBe(1)
    expect(result.images[0]!.platforms!.map((p) => p.verdict)).toEqual(['fail', 'fail'])
    await expect(runGate(host, { ...values, platforms: 'index' })).rejects.toThrow(
      /`platforms` input cannot be combined/,
    )
  })

  describe('a requirement placed with `on`', () => {
    /** Each platform signed, provenance attested on `provenanceOn` only. */
    async function provenanceOn(subject: 'index' | 'amd64') {
      const img = await index({ amd64: true, arm64: true })
      const repo = img.ref.slice(host.length + 1, -':v1'.length)
      const digest = subject === 'index' ? img.index : img.amd64
      await attestImage(ss, host, repo, digest, SLSA, { buildDefinition: {} }, { identity })
      return img
    }
    const policyGate = (ref: string, on?: string) => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scg-on-'))
      const policy = path.join(dir, 'policy.yml')
      fs.writeFileSync(
        policy,
        [
          'version: 1',
          'platforms: all',
          'signature:',
          `  identities: [{ san: "${SAN}" }]`,
          'attestations:',
          '  - type: slsaprovenance1',
          ...(on === undefined ? [] : [`    on: ${on}`]),
          `    identities: [{ san: "${SAN}" }]`,
        ].join('\n'),
      )
      return runGate(host, { image: ref, 'trusted-root': root, policy, sources: 'referrers' })
    }
    const verdicts = (result: Awaited<ReturnType<typeof policyGate>>) =>
      result.images[0]!.platforms!.map((p) => [p.platform, p.verdict])

    test('on: index: a signature on each platform and provenance on the index pass', async () => {
      const img = await provenanceOn('index')
      const result = await policyGate(img.ref, 'index')
      expect(result.verdict).toBe('pass')
      const image = result.images[0]!
      expect(verdicts(result)).toEqual([
        ['linux/amd64', 'pass'],
        ['linux/arm64', 'pass'],
      ])
      // The platforms are not asked for provenance, so no coverage warning says they lack it.
      for (const p of image.platforms!) {
        expect(p.findings.map((f) => f.requirement)).toEqual(['signature'])
      }
      expect(image.findings).toContainEqual(
        expect.objectContaining({ requirement: 'slsaprovenance1 (index)', status: 'pass' }),
      )
      expect(image.findings.map((f) => f.requirement)).not.toContain('slsaprovenance1 coverage')
    })

    test.each<[string, 'index' | 'amd64', string | undefined, string[], object]>([
      [
        'without `on`, the same image fails: each platform must carry the provenance',
        'index',
        undefined,
        ['fail', 'fail'],
        { requirement: 'slsaprovenance1 coverage', status: 'warn' },
      ],
      [
        'on: index fails when only a platform carries it, naming the index',
        'amd64',
        'index',
        ['pass', 'pass'],
        { requirement: 'slsaprovenance1 (index)', status: 'fail' },
      ],
      [
        'on: both asks the index and each platform',
        'index',
        'both',
        ['fail', 'fail'],
        { requirement: 'slsaprovenance1 (index)', status: 'pass' },
      ],
    ])('%s', async (_title, subject, on, platformVerdicts, finding) => {
      const img = await provenanceOn(subject)
      const result = await policyGate(img.ref, on)
      expect(exitCode(result)).toBe(1)
      expect(verdicts(result)).toEqual([
        ['linux/amd64', platformVerdicts[0]],
        ['linux/arm64', platformVerdicts[1]],
      ])
      expect(result.images[0]!.findings).toContainEqual(expect.objectContaining(finding))
    })
  })

  test('platforms on a single-platform image changes nothing', async () => {
    const repo = uniqueRepo('single')
    const image = await pushImage(host, repo, 'v1')
    await cosignSign(ss, host, repo, image.digest, identity)
    const result = await gate(`${host}/${repo}:v1`, 'all')
    expect(result.verdict).toBe('pass')
    expect(result.images[0]!.platforms).toBeUndefined()
  })
})
