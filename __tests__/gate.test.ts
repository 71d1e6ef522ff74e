// The gate end to end: a real registry (CNCF distribution 2.8, so the referrers fallback tag),
// evidence pushed exactly as actions/attest and cosign v3 push it, signed by an in-process Sigstore.
import { Writable } from 'node:stream'
import { main } from '../src/cli.js'
import { exitCode } from '../src/report/result.js'
import { gateFixture, runGate } from './helpers/gate.js'
import {
  COSIGN_SIGN_PREDICATE,
  createMiniSigstore,
  githubIdentity,
} from './helpers/mini-sigstore.js'
import { attachBundle, attestImage, cosignSign } from './helpers/publish.js'
import { pushImage, uniqueRepo } from './helpers/registry.js'

const SLSA = 'https://slsa.dev/provenance/v1'
const CYCLONEDX = 'https://cyclonedx.org/bom'
const APP_SAN = 'https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v1.0.0'
const identity = githubIdentity({
  repo: 'acme/app',
  workflowPath: '.github/workflows/release.yml',
  ref: 'refs/tags/v1.0.0',
})

const { host, ss, root } = await gateFixture()

/** A fresh image with a cosign v3 signature and an SLSA provenance attestation from acme/app. */
async function signedImage(options: { sign?: boolean; attest?: boolean } = {}) {
  const repo = uniqueRepo('gate')
  const image = await pushImage(host, repo, 'v1')
  if (options.sign !== false) await cosignSign(ss, host, repo, image.digest, identity)
  if (options.attest !== false)
    await attestImage(ss, host, repo, image.digest, SLSA, { buildDefinition: {} }, { identity })
  return { repo, ref: `${host}/${repo}:v1`, digest: image.digest }
}

const gate = (ref: string, values: Record<string, string> = {}) =>
  runGate(host, { image: ref, 'trusted-root': root, 'certificate-identity': APP_SAN, ...values })

describe('the gate on OCI referrers (fallback tag)', () => {
  test('the right identity passes: signature and attestation verified and bound to the digest', async () => {
    const img = await signedImage()
    const result = await gate(img.ref, {
      attestations: 'slsaprovenance',
      'require-signature': 'true',
    })
    expect(result.verdict).toBe('pass')
    expect(exitCode(result)).toBe(0)
    const [image] = result.images
    expect(image!.digest).toBe(img.digest)
    expect(image!.findings.map((f) => [f.requirement, f.status])).toEqual([
      ['signature', 'pass'],
      ['slsaprovenance', 'pass'],
    ])
    const verified = image!.evidence.filter((e) => e.verified)
    expect(verified.map((e) => e.predicateType).sort()).toEqual(
      [COSIGN_SIGN_PREDICATE, SLSA].sort(),
    )
    expect(
      verified.every((e) => e.location.includes(`fallback tag ${img.digest.replace(':', '-')}`)),
    ).toBe(true)
    expect(verified[0]!.signer).toMatchObject({
      subjectAlternativeName: APP_SAN,
      issuer: 'https://token.actions.githubusercontent.com',
      github: {
        sourceRepositoryUri: 'https://github.com/acme/app',
        runnerEnvironment: 'github-hosted',
      },
    })
    expect(verified[0]!.tlog[0]!.logIndex).toMatch(/^\d+$/)
  })

  test('a digest reference is used as given; the tag is never read', async () => {
    const img = await signedImage({ attest: false })
    const result = await gate(`${host}/${img.repo}@${img.digest}`)
    expect(result.verdict).toBe('pass')
  })

  test('a wrong identity fails with exit 1, naming expected and actual', async () => {
    const img = await signedImage()
    const wrong = 'https://github.com/acme/other/.github/workflows/release.yml@refs/tags/v1.0.0'
    const result = await gate(img.ref, { 'certificate-identity': wrong })
    expect(exitCode(result)).toBe(1)
    const [finding] = result.images[0]!.findings
    expect(finding!.status).toBe('fail')
    expect(finding!.expected).toContain(wrong)
    expect(finding!.actual).toContain(APP_SAN)
  })

  test('a SAN that only an unanchored match would accept fails', async () => {
    const repo = uniqueRepo('evil')
    const image = await pushImage(host, repo, 'v1')
    const evil = githubIdentity({
      repo: 'acme/app-evil',
      workflowPath: '.github/workflows/release.yml',
      ref: 'refs/tags/v1.0.0',
    })
    await cosignSign(ss, host, repo, image.digest, evil)
    const result = await gate(`${host}/${repo}:v1`, {
      'certificate-identity': '',
      'certificate-identity-regexp': 'https://github\\.com/acme/app/.*',
    })
    expect(exitCode(result)).toBe(1)
    expect(result.images[0]!.findings[0]!.actual).toContain('acme/app-evil')
    // The same pattern accepts the real repository's signature.
    const good = await signedImage({ attest: false })
    expect(
      (
        await gate(good.ref, {
          'certificate-identity': '',
          'certificate-identity-regexp': 'https://github\\.com/acme/app/.*',
        })
      ).verdict,
    ).toBe('pass')
  })

  test('a wrong issuer fails', async () => {
    const img = await signedImage()
    const result = await gate(img.ref, { 'certificate-oidc-issuer': 'https://accounts.google.com' })
    expect(exitCode(result)).toBe(1)
    expect(result.images[0]!.findings[0]!.actual).toMatch(
      /issuer "https:\/\/token\.actions\.githubusercontent\.com" is not "https:\/\/accounts\.google\.com"/,
    )
  })

  test('a required attestation that is missing fails, listing what was present', async () => {
    const img = await signedImage()
    const result = await gate(img.ref, { attestations: 'cyclonedx' })
    expect(exitCode(result)).toBe(1)
    const [finding] = result.images[0]!.findings
    expect(finding!.requirement).toBe('cyclonedx')
    expect(finding!.expected).toContain(CYCLONEDX)
    expect(finding!.actual).toContain(SLSA)
  })

  test('an attestation whose subject is another digest is not bound and fails', async () => {
    const repo = uniqueRepo('subject')
    const image = await pushImage(host, repo, 'v1')
    const other = await pushImage(host, repo, 'other', { text: 'another image\n' })
    await attestImage(
      ss,
      host,
      repo,
      image.digest,
      SLSA,
      {},
      { identity, subjectDigest: other.digest },
    )
    const result = await gate(`${host}/${repo}:v1`, { attestations: 'slsaprovenance1' })
    expect(exitCode(result)).toBe(1)
    const [evidence] = result.images[0]!.evidence
    expect(evidence!.verified).toBe(false)
    expect(evidence!.error).toContain(`not ${image.digest}`)
    expect(result.images[0]!.findings[0]!.actual).toContain('not verified')
  })

  test('a tampered payload fails verification and the gate', async () => {
    const repo = uniqueRepo('tamper')
    const image = await pushImage(host, repo, 'v1')
    const { bundle } = await ss.attest(
      {
        _type: 'https://in-toto.io/Statement/v1',
        subject: [{ name: `${host}/${repo}`, digest: { sha256: image.digest.slice(7) } }],
        predicateType: SLSA,
        predicate: { builder: 'honest' },
      },
      { identity },
    )
    const envelope = (bundle as { dsseEnvelope: { payload: string } }).dsseEnvelope
    const statement = JSON.parse(Buffer.from(envelope.payload, 'base64').toString())
    statement.predicate.builder = 'evil'
    envelope.payload = Buffer.from(JSON.stringify(statement)).toString('base64')
    await attachBundle(host, repo, image.digest, bundle, SLSA)
    const result = await gate(`${host}/${repo}:v1`, { attestations: SLSA })
    expect(exitCode(result)).toBe(1)
    expect(result.images[0]!.evidence[0]!.verified).toBe(false)
    expect(result.images[0]!.evidence[0]!.error).toMatch(/TLOG_BODY_ERROR|SIGNATURE_ERROR/)
  })

  test('an image with no evidence at all fails and says none was found', async () => {
    const repo = uniqueRepo('bare')
    await pushImage(host, repo, 'v1')
    const result = await gate(`${host}/${repo}:v1`)
    expect(exitCode(result)).toBe(1)
    expect(result.images[0]!.findings[0]!.actual).toBe(
      'no signatures or attestations were found for this digest',
    )
  })

  test('a bundle from another Sigstore (rogue CA and log) is not trusted', async () => {
    const rogue = await createMiniSigstore()
    const repo = uniqueRepo('rogue')
    const image = await pushImage(host, repo, 'v1')
    await cosignSign(rogue, host, repo, image.digest, identity)
    const result = await gate(`${host}/${repo}:v1`)
    expect(exitCode(result)).toBe(1)
    expect(result.images[0]!.evidence[0]!.error).toMatch(/CERTIFICATE_ERROR|TLOG/)
  })

  test('a registry that is down is exit 2, never a pass', async () => {
    const result = await runGate('127.0.0.1:9', {
      image: '127.0.0.1:9/acme/app:v1',
      'trusted-root': root,
      'certificate-identity': APP_SAN,
    })
    expect(result.verdict).toBe('error')
    expect(exitCode(result)).toBe(2)
    expect(result.images[0]!.error!.message).toContain('127.0.0.1:9/acme/app:v1')
  })

  test('audit mode reports the failure but exits 0', async () => {
    const repo = uniqueRepo('audit')
    await pushImage(host, repo, 'v1')
    const result = await gate(`${host}/${repo}:v1`, { mode: 'audit' })
    expect(result.verdict).toBe('fail')
    expect(exitCode(result)).toBe(0)
  })

  test('several images are each resolved and judged', async () => {
    const good = await signedImage({ attest: false })
    const repo = uniqueRepo('bare')
    await pushImage(host, repo, 'v1')
    const result = await gate(`${good.ref}\n${host}/${repo}:v1`)
    expect(result.images.map((i) => i.verdict)).toEqual(['pass', 'fail'])
    expect(result.verdict).toBe('fail')
  })
})

describe('the CLI', () => {
  let out: string
  let err: string
  const sink = (append: (s: string) => void) =>
    new Writable({ write: (chunk, _enc, done) => (append(String(chunk)), done()) })
  const cli = (args: string[]) => {
    out = ''
    err = ''
    return main(args, { env: {}, stdout: sink((s) => (out += s)), stderr: sink((s) => (err += s)) })
  }

  test('verify passes with exit 0 and prints what it verified', async () => {
    const img = await signedImage()
    const code = await cli([
      'verify',
      img.ref,
      '--certificate-identity',
      APP_SAN,
      '--trusted-root',
      root,
      '--insecure-registries',
      host,
      '--attestations',
      'slsaprovenance',
    ])
    expect(code).toBe(0)
    expect(out).toContain(`(${img.digest}): verified`)
    expect(out).toContain('✔ slsaprovenance')
  })

  test('verify fails with exit 1 and prints expected versus actual; --json gives the result JSON', async () => {
    const img = await signedImage()
    const wrong = 'https://github.com/acme/app/.github/workflows/evil.yml@refs/heads/main'
    const code = await cli([
      'verify',
      img.ref,
      '--certificate-identity',
      wrong,
      '--trusted-root',
      root,
      '--insecure-registries',
      host,
      '--json',
    ])
    expect(code).toBe(1)
    const json = JSON.parse(out)
    expect(json.mediaType).toBe('application/vnd.supply-chain-gate.result.v1+json')
    expect(json.images[0].findings[0]).toMatchObject({
      status: 'fail',
      expected: expect.stringContaining(wrong),
      actual: expect.stringContaining(APP_SAN),
    })
  })

  test.each([
    [['verify', 'ghcr.io/a/b'], /signer identity is required/],
    [
      ['verify', 'ghcr.io/a/b', '--certificate-identity', 'x', '--attestations', 'nope'],
      /`attestations` input names "nope"/,
    ],
    [
      [
        'verify',
        'ghcr.io/a/b',
        '--certificate-identity',
        'x',
        '--trusted-root',
        '/nonexistent/root.json',
      ],
      /`trusted-root` input names a file that cannot be read/,
    ],
    [['verify', 'NOT/valid', '--certificate-identity', 'x'], /`image` input/],
    [['frobnicate'], /Usage/],
  ])('bad input %j is exit 2 with one sentence', async (args, message) => {
    expect(await cli(args)).toBe(2)
    expect(err).toMatch(message)
    expect(out).toBe('')
  })
})
