// Release files (`subject-path`, `bundle`) end to end: real Sigstore bundles over real files
// (sigstore-conformance's a.txt, sigstore-python's test assets, with their trusted roots), and
// `.intoto.jsonl` files, cosign blob bundles and bare DSSE envelopes built here with the mini
// Sigstore. Everything is checked by the file's own sha256/sha512 and the policy's identity.
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseInputs } from '../../src/inputs.js'
import { run } from '../../src/main.js'
import { renderConsole } from '../../src/report/console-reporter.js'
import { exitCode } from '../../src/report/result.js'
import { renderSummary } from '../../src/report/summary.js'
import type { GateResult, ImageResult } from '../../src/types.js'
import { BUNDLES, CONFORMANCE, PRODUCTION_ROOT, STAGING_ROOT } from '../conformance/harness.js'
import { gateFixture, testDeps } from '../helpers/gate.js'
import { startFakeGithub, type FakeGithub } from '../helpers/github-api.js'
import { githubIdentity, inTotoStatement } from '../helpers/mini-sigstore.js'
import { rekorBundleAnnotation } from '../helpers/publish.js'

const GHA = 'https://token.actions.githubusercontent.com'
const GITHUB_OAUTH = 'https://github.com/login/oauth'
const BEACON =
  'https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main'
const SLSA02 = 'https://slsa.dev/provenance/v0.2'
const GENERATOR = githubIdentity({
  repo: 'slsa-framework/slsa-github-generator',
  workflowPath: '.github/workflows/generator_generic_slsa3.yml',
  ref: 'refs/tags/v2.1.0',
  sourceRepo: 'acme/app',
  sourceRef: 'refs/tags/v1.0.0',
  callerWorkflowPath: '.github/workflows/release.yml',
})
const RELEASE = githubIdentity({ repo: 'acme/app', workflowPath: '.github/workflows/release.yml' })
const GENERATOR_POLICY = `version: 1
attestations:
  - type: slsaprovenance
    identities:
      - { preset: slsa-github-generator, generator: generic, sourceRepository: acme/app }
`

const { ss, root } = await gateFixture()
let work: string

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'scg-files-'))
})
afterAll(() => fs.rmSync(work, { recursive: true, force: true }))

/** A fresh directory holding `files` (name → content). */
function release(files: Record<string, string | Buffer>): string {
  const dir = fs.mkdtempSync(path.join(work, 'release-'))
  for (const [name, content] of Object.entries(files))
    fs.writeFileSync(path.join(dir, name), content)
  return dir
}

const sha = (alg: 'sha256' | 'sha512', data: Buffer | string): string =>
  `${alg}:${crypto.createHash(alg).update(data).digest('hex')}`

async function gate(values: Record<string, string>, deps = testDeps()): Promise<GateResult> {
  return run(await parseInputs((name) => values[name] ?? ''), deps)
}

const only = (result: GateResult): ImageResult => {
  expect(result.images).toHaveLength(1)
  return result.images[0]!
}

/** slsa-github-generator's generic generator: one SLSA v0.2 statement naming every artifact. */
async function provenance(subjects: Record<string, string | Buffer>, identity = GENERATOR) {
  const statement = {
    _type: 'https://in-toto.io/Statement/v0.1',
    subject: Object.entries(subjects).map(([name, data]) => ({
      name,
      digest: { sha256: sha('sha256', data).slice(7) },
    })),
    predicateType: SLSA02,
    predicate: {
      builder: { id: GENERATOR.san },
      invocation: { configSource: { uri: 'git+https://github.com/acme/app@refs/tags/v1.0.0' } },
    },
  }
  return (await ss.attest(statement, { identity })).bundle
}

describe('real bundles over real files', () => {
  test('sigstore-conformance a.txt with a v0.3 message-signature bundle beside it passes', async () => {
    const a = fs.readFileSync(path.join(CONFORMANCE, 'a.txt'))
    const bundle = fs.readFileSync(path.join(CONFORMANCE, 'happy-path-v0.3/bundle.sigstore.json'))
    const dir = release({ 'a.txt': a, 'a.txt.sigstore.json': bundle })
    const result = await gate({
      'subject-path': path.join(dir, 'a.txt'),
      'trusted-root': PRODUCTION_ROOT,
      'certificate-identity': BEACON,
    })
    expect(exitCode(result)).toBe(0)
    const file = only(result)
    expect(file.reference).toBe(path.join(dir, 'a.txt'))
    expect(file.digest).toBe(sha('sha256', a))
    expect(file.file).toEqual({
      path: path.join(dir, 'a.txt'),
      size: a.length,
      sha256: sha('sha256', a),
      sha512: sha('sha512', a),
    })
    expect(file.findings).toEqual([
      expect.objectContaining({
        requirement: 'signature',
        status: 'pass',
        expected: expect.stringMatching(/^a verified file signature signed by /),
      }),
    ])
    expect(file.evidence[0]).toMatchObject({
      source: 'file',
      location: path.join(dir, 'a.txt.sigstore.json'),
      kind: 'signature',
      verified: true,
      signer: { subjectAlternativeName: BEACON, issuer: GHA },
    })
    expect(renderSummary(result)).toMatch(/Supply Chain Gate: 1 file verified/)
    expect(renderConsole(result)).toContain(`file ${path.join(dir, 'a.txt')}: ${a.length} bytes`)
  })

  test('the same bundle over other bytes, or another signer, fails', async () => {
    const bundle = fs.readFileSync(path.join(CONFORMANCE, 'happy-path-v0.3/bundle.sigstore.json'))
    const tampered = release({ 'a.txt': 'not the signed bytes\n', 'a.txt.sigstore.json': bundle })
    const wrongBytes = await gate({
      'subject-path': path.join(tampered, 'a.txt'),
      'trusted-root': PRODUCTION_ROOT,
      'certificate-identity': BEACON,
    })
    expect(exitCode(wrongBytes)).toBe(1)
    expect(only(wrongBytes).evidence[0]).toMatchObject({ signed: true, verified: false })
    const a = fs.readFileSync(path.join(CONFORMANCE, 'a.txt'))
    const dir = release({ 'a.txt': a, 'a.txt.sigstore.json': bundle })
    const wrongSigner = await gate({
      'subject-path': path.join(dir, 'a.txt'),
      'trusted-root': PRODUCTION_ROOT,
      'certificate-identity':
        'https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v1.0.0',
    })
    expect(exitCode(wrongSigner)).toBe(1)
    expect(only(wrongSigner).findings[0]!.actual).toContain(BEACON)
  })

  test('a DSSE bundle binds by the statement subject (conformance in-toto happy path, `bundle` input)', async () => {
    const a = fs.readFileSync(path.join(CONFORMANCE, 'a.txt'))
    const dir = release({ 'a.txt': a })
    const result = await gate({
      'subject-path': path.join(dir, 'a.txt'),
      bundle: path.join(CONFORMANCE, 'happy-path-intoto-in-dsse-v3/bundle.sigstore.json'),
      'trusted-root': PRODUCTION_ROOT,
      'certificate-identity': BEACON,
      attestations: 'https://slsa.dev/provenance/v1',
    })
    const file = only(result)
    expect(file.evidence[0]).toMatchObject({ kind: 'attestation', verified: true })
    expect(exitCode(result)).toBe(0)
  })

  test('sigstore-python bundle_v3.txt with its `.sigstore` bundle (staging root) passes', async () => {
    const assets = path.join(BUNDLES, 'sigstore-python/test/assets')
    const dir = release({
      'bundle_v3.txt': fs.readFileSync(path.join(assets, 'bundle_v3.txt')),
      'bundle_v3.txt.sigstore': fs.readFileSync(path.join(assets, 'bundle_v3.txt.sigstore')),
    })
    const values = {
      'subject-path': path.join(dir, '*'),
      'trusted-root': STAGING_ROOT,
      'certificate-identity': 'william@yossarian.net',
      'certificate-oidc-issuer': GITHUB_OAUTH,
    }
    const result = await gate(values)
    // The glob matched the bundle too: it is evidence, not a second subject.
    expect(only(result).reference).toBe(path.join(dir, 'bundle_v3.txt'))
    expect(exitCode(result)).toBe(0)
    expect(exitCode(await gate({ ...values, 'certificate-oidc-issuer': GHA }))).toBe(1)
  })
})

describe('.intoto.jsonl files built with the mini Sigstore', () => {
  test('one provenance for several artifacts (slsa-github-generator generic) passes each file', async () => {
    const files = { 'app-linux-amd64.tar.gz': crypto.randomBytes(300), 'app.sbom.json': '{}\n' }
    const bundle = await provenance(files)
    const dir = release({ ...files, 'multiple.intoto.jsonl': `${JSON.stringify(bundle)}\n` })
    const result = await gate({
      'subject-path': path.join(dir, '*'),
      'trusted-root': root,
      policy: writePolicy(GENERATOR_POLICY),
    })
    expect(result.images.map((i) => path.basename(i.reference))).toEqual([
      'app-linux-amd64.tar.gz',
      'app.sbom.json',
    ])
    expect(exitCode(result)).toBe(0)
    for (const file of result.images) {
      expect(file.evidence).toEqual([
        expect.objectContaining({
          location: `${path.join(dir, 'multiple.intoto.jsonl')} line 1`,
          predicateType: SLSA02,
          verified: true,
        }),
      ])
    }
  })

  test('a wrong identity fails, naming who signed', async () => {
    const files = { 'app.tar.gz': crypto.randomBytes(100) }
    const bundle = await provenance(files, RELEASE)
    const dir = release({ ...files, 'app.intoto.jsonl': `${JSON.stringify(bundle)}\n` })
    const result = await gate({
      'subject-path': path.join(dir, 'app.tar.gz'),
      'trusted-root': root,
      policy: writePolicy(GENERATOR_POLICY),
    })
    expect(exitCode(result)).toBe(1)
    const finding = only(result).findings[0]!
    expect(finding.status).toBe('fail')
    expect(finding.actual).toContain(RELEASE.san)
    expect(finding.expected).toContain('slsa-github-generator')
  })

  test('a wrong digest fails: the statement is about other bytes', async () => {
    const bundle = await provenance({ 'app.tar.gz': 'the bytes that were built\n' })
    const dir = release({
      'app.tar.gz': 'other bytes\n',
      'provenance.intoto.jsonl': `${JSON.stringify(bundle)}\n`,
    })
    const result = await gate({
      'subject-path': path.join(dir, 'app.tar.gz'),
      'trusted-root': root,
      policy: writePolicy(GENERATOR_POLICY),
    })
    expect(exitCode(result)).toBe(1)
    const file = only(result)
    expect(file.evidence[0]).toMatchObject({ signed: true, verified: false })
    expect(file.evidence[0]!.error).toMatch(
      new RegExp(
        `the statement is about ${sha('sha256', 'the bytes that were built\n')}, not ${file.digest}`,
      ),
    )
  })

  test('missing evidence fails: nothing beside the file, nothing given', async () => {
    const dir = release({ 'lonely.bin': 'x' })
    const result = await gate({
      'subject-path': path.join(dir, 'lonely.bin'),
      'trusted-root': root,
      policy: writePolicy(GENERATOR_POLICY),
    })
    expect(exitCode(result)).toBe(1)
    expect(only(result).findings[0]!.actual).toMatch(/no signatures or attestations were found/)
  })

  test('several lines: each counts for the files it names; a sha512-only subject binds too', async () => {
    const data = { 'a.bin': 'aaa\n', 'b.bin': 'bbb\n' }
    const forA = await provenance({ 'a.bin': data['a.bin'] })
    const statement = inTotoStatement({
      name: 'b.bin',
      digest: sha('sha512', data['b.bin']),
      predicateType: SLSA02,
      predicate: { builder: { id: 'x' } },
    })
    const forB = (await ss.attest(statement, { identity: GENERATOR })).bundle
    const dir = release({
      ...data,
      'all.intoto.jsonl': `${JSON.stringify(forA)}\n\n${JSON.stringify(forB)}\n`,
    })
    const result = await gate({
      'subject-path': `${path.join(dir, 'a.bin')}\n${path.join(dir, 'b.bin')}`,
      'trusted-root': root,
      policy: writePolicy(GENERATOR_POLICY),
    })
    expect(exitCode(result)).toBe(0)
    expect(
      result.images.map((i) => i.evidence.map((e) => e.location.replace(`${dir}/`, ''))),
    ).toEqual([['all.intoto.jsonl line 1'], ['all.intoto.jsonl line 3']])
  })

  test('a line that is not JSON is a failed piece; a valid line still passes', async () => {
    const files = { 'app.bin': 'app\n' }
    const bundle = await provenance(files)
    const dir = release({
      ...files,
      'app.bin.intoto.jsonl': `not json\n${JSON.stringify(bundle)}\n`,
    })
    const result = await gate({
      'subject-path': path.join(dir, 'app.bin'),
      'trusted-root': root,
      policy: writePolicy(GENERATOR_POLICY),
    })
    expect(exitCode(result)).toBe(0)
    expect(only(result).evidence.map((e) => [e.verified, e.error])).toEqual([
      [false, 'it is not JSON'],
      [true, undefined],
    ])
  })
})

describe('other local forms', () => {
  test('cosign sign-blob: a new-format bundle and a cosign v2 `--bundle` file both verify', async () => {
    const data = crypto.randomBytes(64)
    const signed = await ss.signBlob(data, { identity: RELEASE })
    const legacy = {
      base64Signature: (signed.bundle as { messageSignature: { signature: string } })
        .messageSignature.signature,
      cert: Buffer.from(signed.certPEM).toString('base64'),
      rekorBundle: JSON.parse(rekorBundleAnnotation(signed.rekor!)) as unknown,
    }
    const dir = release({
      'new.bin': data,
      'new.bin.sigstore.json': JSON.stringify(signed.bundle),
      'old.bin': data,
      'old.bin.bundle': JSON.stringify(legacy),
    })
    const result = await gate({
      'subject-path': path.join(dir, '*.bin'),
      'trusted-root': root,
      'certificate-identity': RELEASE.san,
    })
    expect(result.images.map((i) => [path.basename(i.reference), i.verdict])).toEqual([
      ['new.bin', 'pass'],
      ['old.bin', 'pass'],
    ])
    // The same cosign bundle over other bytes does not verify.
    const other = release({ 'old.bin': 'tampered', 'old.bin.bundle': JSON.stringify(legacy) })
    const tampered = await gate({
      'subject-path': path.join(other, 'old.bin'),
      'trusted-root': root,
      'certificate-identity': RELEASE.san,
    })
    expect(exitCode(tampered)).toBe(1)
  })

  test('a bare DSSE envelope verifies with a configured key, and never with a certificate alone', async () => {
    const data = 'artifact\n'
    const { publicKey, privateKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
    const payload = Buffer.from(
      JSON.stringify(
        inTotoStatement({
          name: 'artifact',
          digest: sha('sha256', data),
          predicateType: SLSA02,
          predicate: {},
        }),
      ),
    )
    const type = 'application/vnd.in-toto+json'
    const pae = Buffer.concat([
      Buffer.from(`DSSEv1 ${type.length} ${type} ${payload.length} `),
      payload,
    ])
    const envelope = {
      payloadType: type,
      payload: payload.toString('base64'),
      signatures: [{ keyid: '', sig: crypto.sign('sha256', pae, privateKey).toString('base64') }],
    }
    const dir = release({
      artifact: data,
      'artifact.intoto.jsonl': `${JSON.stringify(envelope)}\n`,
      'key.pem': publicKey.export({ type: 'spki', format: 'pem' }) as string,
    })
    const keyed = await gate({
      'subject-path': path.join(dir, 'artifact'),
      'trusted-root': root,
      'public-key': path.join(dir, 'key.pem'),
      attestations: 'slsaprovenance02',
    })
    expect(exitCode(keyed)).toBe(0)
    // With a certificate and no log entry (older slsa-github-generator envelopes): refused.
    const withCert = {
      ...envelope,
      signatures: [
        { ...envelope.signatures[0], cert: (await ss.signBlob(Buffer.from('x'))).certPEM },
      ],
    }
    const certDir = release({
      artifact: data,
      'artifact.intoto.jsonl': `${JSON.stringify(withCert)}\n`,
    })
    const unlogged = await gate({
      'subject-path': path.join(certDir, 'artifact'),
      'trusted-root': root,
      'certificate-identity-regexp': 'https://github\\.com/acme/app/.*',
      attestations: 'slsaprovenance02',
    })
    expect(exitCode(unlogged)).toBe(1)
    expect(only(unlogged).evidence[0]).toMatchObject({ signed: true, verified: false })
    expect(only(unlogged).evidence[0]!.error).toEqual(expect.any(String))
  })

  test('the inputs: bundle needs subject-path; a glob matching nothing is an error', async () => {
    const get = (values: Record<string, string>) => (name: string) =>
      ({ 'certificate-identity': RELEASE.san, ...values })[name] ?? ''
    await expect(parseInputs(get({ bundle: 'x.sigstore.json', image: 'a/b:1' }))).rejects.toThrow(
      /`bundle` input needs `subject-path`/,
    )
    await expect(
      parseInputs(get({ 'subject-path': path.join(work, 'nothing-*') })),
    ).rejects.toThrow(/matches no file/)
    // Each glob must match: a release missing one of its kinds of file is not checked in part.
    const dir = release({ 'app.tar.gz': 'app' })
    await expect(
      parseInputs(get({ 'subject-path': `${dir}/*.tar.gz\n${dir}/*.deb` })),
    ).rejects.toThrow(/input's pattern ".*\/\*\.deb" matches no file/)
  })

  test('a glob leaves out only what is read as evidence: sidecars of a file beside them and *.intoto.jsonl', async () => {
    const dir = release({
      'app.tar.gz': 'app',
      'app.tar.gz.sigstore.json': '{}',
      'app.tar.gz.bundle': '{}',
      'provenance.intoto.jsonl': '{}\n',
      // Named like evidence, but no file beside them is theirs: release files to check.
      'plugin.bundle': 'plugin',
      'events.jsonl': '{}\n',
      'installer.sigstore': 'installer',
    })
    const inputs = await parseInputs(
      (name) =>
        ({ 'subject-path': path.join(dir, '*'), 'certificate-identity': RELEASE.san })[name] ?? '',
    )
    expect((inputs.files ?? []).map((f) => path.basename(f))).toEqual([
      'app.tar.gz',
      'events.jsonl',
      'installer.sigstore',
      'plugin.bundle',
    ])
  })
})

describe('the GitHub attestations API, by the file sha256', () => {
  let api: FakeGithub
  beforeEach(async () => {
    api = await startFakeGithub()
  })
  afterEach(async () => api.close())

  test('an attestation listed for the file digest passes; the policy without default fails files', async () => {
    const data = crypto.randomBytes(32)
    const dir = release({ 'tool.bin': data })
    const bundle = (
      await ss.attest(
        inTotoStatement({
          name: 'tool.bin',
          digest: sha('sha256', data),
          predicateType: SLSA02,
          predicate: {},
        }),
        { identity: RELEASE },
      )
    ).bundle
    api.attestations(`/repos/acme/app/attestations/${sha('sha256', data)}`, [[{ bundle }]])
    const values = {
      'subject-path': path.join(dir, 'tool.bin'),
      'trusted-root': root,
      'certificate-identity': RELEASE.san,
      attestations: 'slsaprovenance',
      'github-token': 'ghs_test',
      'insecure-registries': api.host,
    }
    const deps = { ...testDeps(), githubApiUrl: api.url }
    const result = await gate(values, deps)
    expect(exitCode(result)).toBe(0)
    expect(only(result).evidence[0]!.location).toMatch(
      /GitHub attestations API \(repos\/acme\/app\)/,
    )
    // `sources` without github: the API is not asked.
    expect(exitCode(await gate({ ...values, sources: 'referrers' }, deps))).toBe(1)
    // A policy with only image patterns and no default has nothing for files.
    const patterns = writePolicy(
      `version: 1\nimages:\n  - match: ghcr.io/acme/*\n    signature: { identities: [{ san: '${RELEASE.san}' }] }\n`,
    )
    const rest = Object.fromEntries(
      Object.entries(values).filter(([k]) => k !== 'attestations' && k !== 'certificate-identity'),
    )
    const noDefault = await gate({ ...rest, policy: patterns }, deps)
    expect(exitCode(noDefault)).toBe(1)
    expect(only(noDefault).findings[0]).toMatchObject({ requirement: 'policy', status: 'fail' })
  })
})

function writePolicy(text: string): string {
  const file = path.join(fs.mkdtempSync(path.join(work, 'policy-')), 'policy.yaml')
  fs.writeFileSync(file, text)
  return file
}
