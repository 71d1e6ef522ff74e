// Security catalog group F (T66–T73): whatever a registry, a bundle, a certificate or a predicate
// contains, the only workflow commands the runner sees are the ones the action means to emit
// (error and warning annotations, add-mask), outputs go to $GITHUB_OUTPUT as exactly the names
// the action declares, and the job summary renders every untrusted value as text.
//
// The action runs in-process (helpers/action.ts) against a fake registry full of hostile text in
// every field that reaches a message: a certificate SAN, a signed predicateType, predicate content
// (through a policy rule), referrer artifactTypes and annotations, BuildKit statements, registry
// error bodies and a platform digest. Its stdout is parsed by a port of the runner's own parsers
// (helpers/runner-commands.ts). The CLI's console output is checked the same way.
import path from 'node:path'
import { Writable } from 'node:stream'
import { main } from '../../src/cli.js'
import { plain } from '../../src/report/escape.js'
import { renderSummary } from '../../src/report/summary.js'
import type { GateResult } from '../../src/types.js'
import { runActionInProcess, type ActionRun } from '../helpers/action.js'
import {
  BUNDLE_V03,
  OCI_INDEX,
  OCI_MANIFEST,
  startFakeRegistry,
  type FakeRegistry,
} from '../helpers/fake-registry.js'
import { gateFixture } from '../helpers/gate.js'
import { COSIGN_SIGN_PREDICATE, githubIdentity } from '../helpers/mini-sigstore.js'
import { parseRunnerLog, parseV2, RUNNER_COMMANDS } from '../helpers/runner-commands.js'
import {
  APP_SAN,
  SLSA,
  attestationBundle,
  putImage,
  signatureBundle,
  tempFile,
} from './cdef-harness.js'

// Payloads from the catalog: V2 commands at a line start (T66), legacy ones anywhere (T67),
// stop-commands (T68), output forgeries (T69, T70), markup, bidi and zero-width text (T71).
const LINE_START = [
  'ok\n::set-output name=verified::true',
  '\r::add-mask::FAIL',
  ' \t::error::fake',
  '\u2028::warning::x',
  '\n::stop-commands::pwned',
  '\n::notice title=t::fake notice',
  '\r\n::add-path::/tmp/evil',
  '\n::set-env name=NODE_OPTIONS::--require=/tmp/x',
]
const ANYWHERE = [
  'signer: repo ##[stop-commands]tok',
  'x ##[add-mask]Verification failed',
  'y ##[set-output name=verified;]true',
  '##[error]fake',
]
const OUTPUT_FORGERY = ['\nverified=true', '\nverified<<EOF\ntrue\nEOF', '\nghadelimiter_00000000']
const MARKUP = [
  '<img src=http://127.0.0.2/x>',
  '</table><h1>✅ VERIFIED</h1>',
  '| fake | row |',
  '[click](javascript:alert(1))',
  '<details open>',
  '<!-- hide -->',
  '`code` **bold** @octocat',
]
const INVISIBLE = ['\u202E', '\u200B', '\u2066', '\u00AD', '\uFEFF', '\u{E0041}']
/** Everything, for fields that hold any JSON string. */
const HOSTILE = [...LINE_START, ...ANYWHERE, ...OUTPUT_FORGERY, ...MARKUP, ...INVISIBLE].join(' ')
/** What fits an X.509 URI SAN (IA5String: ASCII, controls included). */
const HOSTILE_ASCII = [...LINE_START, ...ANYWHERE, ...OUTPUT_FORGERY, ...MARKUP]
  .join(' ')
  .replace(/[^\p{ASCII}]/gu, '')
/** A 10 KB single-line string. */
const LONG = `long-${'<x>'.repeat(3400)}`

const EVIL_SAN = `https://github.com/evil/x/.github/workflows/a.yml@refs/heads/${HOSTILE_ASCII}`
const ALLOWED = new Set(['error', 'warning', 'add-mask'])
const INVISIBLE_RE = /[\p{Cc}\p{Cf}\u2028\u2029]/u

const { ss, root } = await gateFixture()
let r: FakeRegistry
let hostile: ActionRun
let broken: ActionRun

beforeAll(async () => {
  r = await startFakeRegistry()
  await publishHostileEvidence()
  hostile = await runActionInProcess(
    {
      image: [`${r.host}/acme/app:v1`, `${r.host}/acme/app:idx`].join('\n'),
      'trusted-root': root,
      policy: policyFile(),
      'insecure-registries': r.host,
    },
    { env: { RUNNER_DEBUG: '1' } },
  )
  broken = await runActionInProcess(
    {
      image: `${r.host}/acme/broken:v1\n${r.host}/acme/plat:v1`,
      'trusted-root': root,
      'certificate-identity': APP_SAN,
      'insecure-registries': r.host,
      platforms: 'all',
    },
    { env: { RUNNER_DEBUG: '1' } },
  )
}, 60_000)

const extraRegistries: FakeRegistry[] = []
afterAll(async () => {
  await Promise.all([r, ...extraRegistries].map((registry) => registry.close()))
})

/**
 * acme/app:v1 carries, in referrers order: a signature from a certificate whose SAN is hostile
 * (the policy allows evil/x's workflows, so it is *verified and accepted*: its SAN reaches the
 * signer-identity output); an SLSA attestation from acme/app whose builder id is hostile (a
 * policy rule reads it); an attestation whose signed predicateType is hostile; a bundle referrer
 * with a hostile predicateType annotation and an unreadable layer; an unrelated referrer whose
 * artifactType is hostile and 10 KB long. acme/app:idx is a BuildKit index whose statement
 * contradicts its annotation, both hostile. acme/broken answers 500 with a hostile body, and
 * acme/plat is an index whose platform entry has a hostile digest.
 */
async function publishHostileEvidence(): Promise<void> {
  const image = putImage(r)
  const evil = { ...githubIdentity({ repo: 'evil/x' }), san: EVIL_SAN }
  r.putReferrer(image, await signatureBundle(ss, image.digest, evil), {
    predicateType: COSIGN_SIGN_PREDICATE,
  })
  const provenance = {
    buildDefinition: { buildType: 'https://example/build', externalParameters: {} },
    runDetails: { builder: { id: HOSTILE } },
  }
  r.putReferrer(image, await attestationBundle(ss, image.digest, SLSA, provenance), {
    predicateType: SLSA,
  })
  r.putReferrer(image, await attestationBundle(ss, image.digest, `https://x/${HOSTILE}`), {
    predicateType: HOSTILE,
  })
  const junk = r.putBlob('not json', BUNDLE_V03)
  const config = r.putBlob('{}', 'application/vnd.oci.empty.v1+json')
  r.putManifest({
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    artifactType: BUNDLE_V03,
    config,
    layers: [junk],
    subject: image,
    annotations: { 'dev.sigstore.bundle.predicateType': HOSTILE },
  })
  r.putReferrer(image, {}, { artifactType: `application/${LONG}${HOSTILE}` })

  // BuildKit: an index with one platform and an attestation manifest for it.
  const platform = putImage(r, 'platform', 'platform')
  const statement = r.putBlob(
    JSON.stringify({
      _type: 'https://in-toto.io/Statement/v1',
      subject: [{ name: 'x', digest: { sha256: platform.digest.slice(7) } }],
      predicateType: `stated ${HOSTILE}`,
      predicate: {},
    }),
    'application/vnd.in-toto+json',
  )
  const attestation = r.putManifest({
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config,
    layers: [
      { ...statement, annotations: { 'in-toto.io/predicate-type': `annotated ${HOSTILE}` } },
    ],
  })
  r.putManifest(
    {
      schemaVersion: 2,
      mediaType: OCI_INDEX,
      manifests: [
        { ...platform, platform: { os: 'linux', architecture: 'amd64' } },
        {
          ...attestation,
          platform: { os: 'unknown', architecture: 'unknown' },
          annotations: {
            'vnd.docker.reference.type': 'attestation-manifest',
            'vnd.docker.reference.digest': platform.digest,
          },
        },
      ],
    },
    'idx',
  )

  // Registry errors and a hostile platform digest.
  r.override((req, res) => {
    if (!req.url?.startsWith('/v2/acme/broken/')) return false
    res.writeHead(500, {
      'content-type': 'text/plain',
      'x-error': HOSTILE_ASCII.replace(/[\r\n]/g, ' '),
    })
    res.end(HOSTILE)
    return true
  })
  const armPlatform = putImage(r, 'arm', 'arm')
  const plat = {
    schemaVersion: 2,
    mediaType: OCI_INDEX,
    manifests: [
      {
        ...armPlatform,
        digest: `sha256:${HOSTILE_ASCII}`,
        platform: { os: 'linux', architecture: 'arm64' },
      },
    ],
  }
  const platBytes = Buffer.from(JSON.stringify(plat))
  r.override((req, res) => {
    if (!req.url?.startsWith('/v2/acme/plat/manifests/')) return false
    res.writeHead(200, { 'content-type': OCI_INDEX })
    res.end(platBytes)
    return true
  })
}

function policyFile(): string {
  return tempFile(
    'policy.yml',
    [
      'version: 1',
      'signature:',
      '  identities:',
      "    - san: { regexp: '(?s)https://github\\.com/evil/x/.*' }",
      'attestations:',
      `  - type: ${SLSA}`,
      '    identities:',
      `      - san: ${APP_SAN}`,
      '    rules:',
      '      slsa: { builderId: https://github.com/acme/builder }',
    ].join('\n'),
  )
}

/** Asserts that stdout, parsed as the runner parses it, holds only the action's own commands. */
function expectOnlyOwnCommands(run: ActionRun): void {
  const foreign = run.log.commands.filter((c) => !ALLOWED.has(c.command) || c.form !== 'v2')
  expect(foreign).toEqual([])
  // Nothing but commands is printed: untrusted text never starts a line of its own.
  expect(run.log.text.filter((line) => line !== '')).toEqual([])
}

const annotationsOf = (run: ActionRun) =>
  run.log.commands.filter((c) => c.command === 'error' || c.command === 'warning')

describe('the hostile run (baseline: the hostile text did reach the log and the summary)', () => {
  test('every untrusted field was shown, escaped', () => {
    const log = annotationsOf(hostile)
      .map((c) => c.data)
      .join('\n')
    // The SLSA rule finding carries the builder id; the signature finding the SAN's owner.
    expect(log).toContain('rule slsa.builderId: expected')
    expect(log).toContain('set-output name=verified')
    const md = decode(hostile.summary)
    for (const text of ['evil/x', 'stated ', 'annotated ', 'application/long-', '<img src=']) {
      expect(md).toContain(text)
    }
    expect(hostile.exitCode).toBe(1)
  })
})

describe('T66 V2 commands at the start of a line', () => {
  test('the runner sees no command but the action’s own annotations and masks', () => {
    expectOnlyOwnCommands(hostile)
    expectOnlyOwnCommands(broken)
  })

  test('every annotation is one line: CR, LF, U+2028 never reach it raw', () => {
    for (const run of [hostile, broken]) {
      for (const c of annotationsOf(run)) {
        expect(c.data).not.toMatch(/[\r\n\u2028\u2029]/)
        expect(c.line).not.toMatch(/[\r\n\u2028\u2029]/)
      }
    }
  })

  test('the CLI’s console output holds no command at all, platform digests included', async () => {
    let out = ''
    let err = ''
    const sink = (append: (s: string) => void) =>
      new Writable({
        write(chunk, _enc, done) {
          append(String(chunk))
          done()
        },
      })
    const code = await main(
      [
        'verify',
        `${r.host}/acme/app:v1`,
        `${r.host}/acme/app:idx`,
        `${r.host}/acme/plat:v1`,
        '--trusted-root',
        root,
        '--certificate-identity',
        APP_SAN,
        '--insecure-registries',
        r.host,
        '--platforms',
        'all',
      ],
      { env: {}, stdout: sink((s) => (out += s)), stderr: sink((s) => (err += s)) },
    )
    expect(code).toBe(2)
    expect(out).toContain('platform linux/arm64')
    expect(parseRunnerLog(out).commands).toEqual([])
    expect(parseRunnerLog(err).commands).toEqual([])
    // Untrusted text never starts a line: every line is ours (a mark, or indentation).
    for (const line of out.split('\n').filter((l) => l !== '')) {
      expect(line).toMatch(/^(?:[✔✘!-] | {2})/)
    }
  })

  test('plain() is what stands between a payload and the log', () => {
    for (const payload of [...LINE_START, ...ANYWHERE]) {
      const registered = new Set<string>(RUNNER_COMMANDS)
      expect(parseRunnerLog(plain(payload)).commands).toEqual([])
      expect(parseV2(`::error::${plain(payload)}`, registered)?.data).not.toMatch(/[\r\n]/)
    }
  })
})

describe('T67 legacy ##[ commands anywhere in a line', () => {
  test('no legacy command is parsed from any line the action writes', () => {
    for (const run of [hostile, broken]) {
      expect(run.log.commands.filter((c) => c.form === 'legacy')).toEqual([])
      // Checked without the V2 parse too: the legacy parser alone finds nothing either.
      const legacyOnly = run.stdout.split(/\r?\n/).filter((line) => line.includes('##['))
      expect(legacyOnly).toEqual([])
    }
  })

  test.each(['verify', 'inspect'])(
    'the CLI’s %s --json holds no command and no raw invisible character, and parses to the hostile text itself',
    async (command) => {
      let out = ''
      const stdout = new Writable({
        write(chunk, _enc, done) {
          out += String(chunk)
          done()
        },
      })
      const args = [command, `${r.host}/acme/app:v1`, '--trusted-root', root, '--json']
      const flags = ['--certificate-identity', APP_SAN, '--insecure-registries', r.host]
      await main([...args, ...flags], { env: {}, stdout, stderr: stdout })
      expect(parseRunnerLog(out).commands).toEqual([])
      expect(out).not.toContain('##[')
      expect(out.replace(/\n/g, '')).not.toMatch(INVISIBLE_RE)
      // Escapes only: the JSON still says exactly what the registry sent.
      const values = JSON.stringify(JSON.parse(out))
      for (const payload of [...ANYWHERE, ...INVISIBLE])
        expect(values).toContain(JSON.stringify(payload).slice(1, -1))
    },
  )
})

describe('T68 stop-commands cannot suppress the action’s masks and errors', () => {
  test('no stop-commands is parsed; the action’s own failure annotation comes last and is processed', () => {
    for (const run of [hostile, broken]) {
      expect(run.log.commands.filter((c) => c.command === 'stop-commands')).toEqual([])
      const last = run.log.commands.at(-1)
      expect(last?.command).toBe('error')
      expect(last?.data).toMatch(
        /^The supply-chain (policy is not met|evidence could not be checked)\.$/,
      )
    }
  })

  test('failure comes from the exit code, whatever the log says', () => {
    expect(hostile.exitCode).toBe(1)
    expect(broken.exitCode).toBe(2)
  })
})

describe('T69 output injection', () => {
  test('outputs are exactly the declared names; verified starts false and stays false', () => {
    for (const run of [hostile, broken]) {
      const names = run.outputEntries.map((e) => e.name)
      // `verified` first (false), and again only after everything else, the summary included.
      expect(names).toEqual([
        'verified',
        'digest',
        'images',
        'results-path',
        'signer-identity',
        'verified',
      ])
      expect(run.outputEntries.filter((e) => e.name === 'verified').map((e) => e.value)).toEqual([
        'false',
        'false',
      ])
      expect(run.log.commands.filter((c) => c.command === 'set-output')).toEqual([])
    }
  })

  test('an accepted signer’s hostile SAN reaches signer-identity verbatim, inside its own heredoc', () => {
    expect(hostile.outputs['signer-identity']).toBe(EVIL_SAN)
    // Each forged line is inside the value, not an entry of its own.
    expect(hostile.outputEntries.filter((e) => e.name === 'verified')).toHaveLength(2)
  })

  test('signer-identity names only a signer the policy allows, never a stranger’s valid signature listed first', async () => {
    const own = await startFakeRegistry()
    try {
      const image = putImage(own)
      const stranger = githubIdentity({ repo: 'stranger/repo' })
      own.putReferrer(image, await signatureBundle(ss, image.digest, stranger))
      const inputs = {
        image: `${own.host}/acme/app:v1`,
        'trusted-root': root,
        'certificate-identity': APP_SAN,
        'insecure-registries': own.host,
      }
      const strangerOnly = await runActionInProcess(inputs)
      expect(strangerOnly.exitCode).toBe(1)
      expect(strangerOnly.outputs['signer-identity']).toBe('')
      own.putReferrer(image, await signatureBundle(ss, image.digest))
      const both = await runActionInProcess(inputs)
      expect(both.exitCode).toBe(0)
      expect(both.outputs).toMatchObject({ verified: 'true', 'signer-identity': APP_SAN })
    } finally {
      await own.close()
    }
  })

  test('under a policy by image pattern, signer-identity names a signer of the pattern that applied, not of default', async () => {
    const own = await startFakeRegistry()
    try {
      const image = putImage(own)
      const stranger = githubIdentity({ repo: 'stranger/repo' })
      own.putReferrer(image, await signatureBundle(ss, image.digest, stranger))
      own.putReferrer(image, await signatureBundle(ss, image.digest))
      const policy = tempFile(
        'images-policy.yml',
        [
          'version: 1',
          'images:',
          `  - match: ${own.host}/acme/*`,
          '    signature:',
          `      identities: [{ san: ${APP_SAN} }]`,
          'default:',
          '  signature:',
          `    identities: [{ san: ${stranger.san} }]`,
        ].join('\n'),
      )
      const run = await runActionInProcess({
        image: `${own.host}/acme/app:v1`,
        'trusted-root': root,
        policy,
        'insecure-registries': own.host,
      })
      expect(run.exitCode).toBe(0)
      expect(run.outputs['signer-identity']).toBe(APP_SAN)
    } finally {
      await own.close()
    }
  })

  test('a crash before the outputs are written leaves verified=false and no forged output', async () => {
    const crash = await runActionInProcess({
      image: `${r.host}/acme/app:v1`,
      'trusted-root': root,
      policy: policyFile(),
      'insecure-registries': r.host,
      'output-dir': tempFile('not-a-directory', ''),
    })
    expect(crash.exitCode).toBe(2)
    expect(crash.outputEntries).toEqual([
      { name: 'verified', value: 'false' },
      { name: 'verified', value: 'false' },
    ])
    expectOnlyOwnCommands(crash)
  })

  /** A registry of its own with acme/app:v1 signed by APP_SAN; closed after the test. */
  async function signedRegistry(): Promise<{
    own: FakeRegistry
    image: ReturnType<typeof putImage>
  }> {
    const own = await startFakeRegistry()
    extraRegistries.push(own)
    const image = putImage(own)
    own.putReferrer(image, await signatureBundle(ss, image.digest))
    return { own, image }
  }
  const inputsFor = (own: FakeRegistry) => ({
    image: `${own.host}/acme/app:v1`,
    'trusted-root': root,
    'certificate-identity': APP_SAN,
    'insecure-registries': own.host,
  })

  test('a passing run whose summary cannot be written ends with exit 2 and verified=false', async () => {
    const { own } = await signedRegistry()
    const passing = await runActionInProcess(inputsFor(own))
    expect(passing.outputs['verified']).toBe('true')
    // A directory where the summary file should be: the write fails after every other output.
    const run = await runActionInProcess(inputsFor(own), {
      env: { GITHUB_STEP_SUMMARY: path.dirname(tempFile('summary-dir', '')) },
    })
    expect(run.exitCode).toBe(2)
    expect(run.outputEntries.filter((e) => e.name === 'verified').map((e) => e.value)).toEqual([
      'false',
      'false',
    ])
  })

  test('a referrer with a number as artifactType and objects as annotations: the run passes and its summary is written', async () => {
    const { own, image } = await signedRegistry()
    own.putManifest({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      artifactType: 1,
      config: own.putBlob('{}', 'application/vnd.oci.empty.v1+json'),
      layers: [own.putBlob('x', 'application/octet-stream')],
      subject: image,
      annotations: { note: { nested: true }, kept: 'text' },
    })
    const run = await runActionInProcess(inputsFor(own))
    expect(run.exitCode).toBe(0)
    expect(run.outputs['verified']).toBe('true')
    expect(run.summary).toContain('1 image verified')
  })

  test('without GITHUB_OUTPUT the action fails rather than print ::set-output', async () => {
    const run = await runActionInProcess(
      {
        image: `${r.host}/acme/app:v1`,
        'trusted-root': root,
        policy: policyFile(),
        'insecure-registries': r.host,
      },
      { withoutOutputFile: true },
    )
    expect(run.exitCode).toBe(2)
    expect(run.log.commands.map((c) => c.command)).toEqual(['error'])
    expect(run.log.commands[0]!.data).toMatch(/GITHUB_OUTPUT is not set/)
    expect(run.stdout).not.toContain('set-output')
  })

  test('outputs stay far below the 1 MB per job limit', () => {
    expect(Buffer.byteLength(hostile.outputFile)).toBeLessThan(64 * 1024)
  })
})

describe('T70 env-file delimiters', () => {
  test('the action exports no environment, state or path: attacker text has nowhere to go', () => {
    for (const run of [hostile, broken]) {
      expect([run.envFile, run.stateFile, run.pathFile]).toEqual(['', '', ''])
    }
  })

  test('values holding newlines, name=value lines and a guessed delimiter stay one value each', () => {
    const value = hostile.outputs['signer-identity']!
    for (const forgery of OUTPUT_FORGERY) expect(value).toContain(forgery)
    const delimiters = hostile.outputFile.match(/<<(ghadelimiter_[0-9a-f-]{36})$/gm) ?? []
    expect(delimiters).toHaveLength(hostile.outputEntries.length)
  })
})

describe('T71 the summary escapes markdown and HTML in every untrusted field', () => {
  const OWN_TAGS = new Set(['<details>', '</details>', '<summary>', '</summary>', '<br>'])

  test('the only HTML is the summary’s own; no link, image or raw invisible character survives', () => {
    for (const md of [hostile.summary, broken.summary]) {
      const tags = md.match(/<[^>]*>/g) ?? []
      expect(tags.filter((t) => !OWN_TAGS.has(t))).toEqual([])
      // Tags are checked above; here links: no `](`, and no scheme a link could use.
      expect(md).not.toMatch(/\]\(|javascript:/i)
      // Newlines are the summary's own; nothing else invisible or bidi is there raw.
      expect(md.replace(/\n/g, '')).not.toMatch(INVISIBLE_RE)
    }
  })

  test('every table row has exactly its header’s cells: no | from a value splits one', () => {
    for (const md of [hostile.summary, broken.summary]) {
      let columns = 0
      for (const line of md.split('\n')) {
        if (!line.startsWith('|')) {
          columns = 0
          continue
        }
        const cells = line.split('|').length
        if (columns === 0) columns = cells
        expect(cells).toBe(columns)
      }
    }
  })

  test('the verdict heading is the state machine’s; hostile text is shown as text, bidi as \\u202e', () => {
    expect(hostile.summary.split('\n')[0]).toBe(
      '## ❌ Supply Chain Gate: policy not met (2 images checked)',
    )
    expect(hostile.summary.match(/^#{1,6} /gm)).toEqual(['## ', '### ', '### '])
    const shown = decode(hostile.summary)
    expect(shown).toContain('</table><h1>✅ VERIFIED</h1>')
    expect(shown).toContain('[click](javascript:alert(1))')
    expect(shown).toContain('\\u202e')
    expect(shown).toContain('\\u{e0041}')
    expect(shown).not.toContain('\u202E')
  })

  test('a hostile platform digest is escaped like any other value', () => {
    const row = broken.summary.split('\n').find((l) => l.includes('linux/arm64'))
    expect(row).toBeDefined()
    expect(row).not.toContain('`sha256:ok')
    expect(decode(row!)).toContain('set-output name=verified')
  })
})

describe('T72 the summary is cut at its size limit', () => {
  test('1,000 referrers with 2 KB annotations: at most 512 KiB, cut with a note, the evidence block closed', async () => {
    const big = await startFakeRegistry()
    try {
      const image = putImage(big)
      for (let n = 0; n < 1000; n++) {
        big.putReferrer(
          image,
          {},
          {
            artifactType: 'application/vnd.example.sbom+json',
            predicateType: `https://example/${n}/${'<&>'.repeat(700)}`,
          },
        )
      }
      const run = await runActionInProcess({
        image: `${big.host}/acme/app:v1`,
        'trusted-root': root,
        'certificate-identity': APP_SAN,
        'insecure-registries': big.host,
      })
      expect(run.exitCode).toBe(1)
      expect(Buffer.byteLength(run.summary)).toBeLessThanOrEqual(512 * 1024)
      expect(run.summary).toMatch(/_Summary cut: \d+ more bytes are in the result JSON\._\n$/)
      const opened = run.summary.split('<details>').length
      expect(run.summary.split('</details>').length).toBe(opened)
      expect(run.summary.indexOf('Summary cut')).toBeGreaterThan(
        run.summary.lastIndexOf('</details>'),
      )
      expect(Buffer.byteLength(run.outputFile)).toBeLessThan(64 * 1024)
      expectOnlyOwnCommands(run)
      // The full list is in the result JSON.
      const result = JSON.parse(run.resultJson) as GateResult
      expect(result.images[0]!.evidence).toHaveLength(1000)
    } finally {
      await big.close()
    }
  }, 60_000)

  test('renderSummary alone: a result of any size renders under the limit', () => {
    const result: GateResult = {
      mediaType: 'application/vnd.supply-chain-gate.result.v1+json',
      verdict: 'fail',
      mode: 'enforce',
      images: Array.from({ length: 50 }, (_, i) => ({
        reference: `r/${i}`,
        verdict: 'fail' as const,
        findings: [],
        evidence: Array.from({ length: 100 }, () => ({
          source: 'referrers' as const,
          location: LONG,
          kind: 'unknown' as const,
          signed: false,
          verified: false,
          tlog: [],
        })),
      })),
    }
    expect(Buffer.byteLength(renderSummary(result))).toBeLessThanOrEqual(512 * 1024)
  })
})

describe('T73 annotation properties', () => {
  test('no annotation carries properties (title, file, line): untrusted text is only ever message data', () => {
    for (const run of [hostile, broken]) {
      const annotations = annotationsOf(run)
      expect(annotations.length).toBeGreaterThan(1)
      for (const c of annotations) {
        expect(c.properties).toEqual({})
        expect(c.line).toMatch(/^::(error|warning)::/)
      }
    }
  })

  test('annotation text holds no raw command marker and no invisible character', () => {
    for (const run of [hostile, broken]) {
      for (const c of annotationsOf(run)) {
        expect(c.data).not.toContain('::')
        expect(c.data).not.toContain('##[')
        expect(c.data.replace(/\u200b/g, '')).not.toMatch(INVISIBLE_RE)
      }
    }
  })
})

/** What a reader sees once the renderer has decoded the numeric entities. */
function decode(md: string): string {
  return md.replace(/&#(\d+);/g, (_m, n: string) => String.fromCodePoint(Number(n)))
}
