// Security catalog group G (T74–T82): identity policy. Every certificate here chains to the
// trusted (mini) Fulcio and is logged: what is tested is only whether the gate accepts the signer
// it names. Each case runs the whole gate on the shared registry and asserts exit 1, the reason,
// and that the requirement failed.
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { exitCode } from '../../src/report/result.js'
import { compilePattern, matches } from '../../src/verify/identity.js'
import { gateFixture } from '../helpers/gate.js'
import {
  GITHUB_ISSUER,
  githubIdentity,
  type ExtensionValue,
  type Identity,
} from '../helpers/mini-sigstore.js'
import { attachBundle } from '../helpers/publish.js'
import {
  APP_SAN,
  SLSA,
  cli,
  expectRefused,
  finding,
  gateRun,
  newImage,
  statementFor,
} from './abg-harness.js'

const FULCIO = '1.3.6.1.4.1.57264.1.'

const { host, ss, root } = await gateFixture()
let policyDir: string

beforeAll(async () => {
  policyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'scg-g-'))
})

/** An image carrying one SLSA attestation signed by `identity`. */
async function attestedBy(identity: Identity, prefix = 'g') {
  const img = await newImage(host, prefix)
  const { bundle } = await ss.attest(statementFor(img.digest), { identity })
  await attachBundle(host, img.repo, img.digest, bundle, SLSA)
  return img
}

/** The gate on `ref` requiring SLSA from the identity `values` give (flat inputs). */
const gate = (ref: string, values: Record<string, string>) =>
  gateRun(host, { image: ref, 'trusted-root': root, attestations: SLSA, ...values })

/** The gate on `ref` with a policy file whose one attestation accepts `identity` (YAML flow). */
function gateWithPolicy(ref: string, identity: string) {
  const file = path.join(policyDir, `${crypto.randomUUID()}.yml`)
  fs.writeFileSync(
    file,
    `version: 1\nattestations:\n  - type: slsaprovenance1\n    identities: [${identity}]\n`,
  )
  return gateRun(host, { image: ref, 'trusted-root': root, policy: file })
}

/** The identity refused by the requirement (its piece verified: the signer is the problem). */
function refusedSigner(result: Parameters<typeof expectRefused>[0], actual: RegExp | string) {
  const { image, findings } = expectRefused(result, { verified: () => true })
  expect(image.evidence.map((e) => e.verified)).toEqual([true])
  const f = findings[0]!
  if (typeof actual === 'string') expect(f.actual).toContain(actual)
  else expect(f.actual).toMatch(actual)
  return image
}

/** `identity` with every extension `oid` removed and `values` appended. */
function withExtension(identity: Identity, oid: string, ...values: ExtensionValue[]): Identity {
  return {
    ...identity,
    extensions: [...identity.extensions.filter((e) => e.oid !== oid), ...values],
  }
}

/** Raw extension bytes (the mock writes `legacy` values as they are). */
const rawExtension = (oid: string, bytes: Buffer): ExtensionValue => ({
  oid,
  value: bytes as unknown as string,
  legacy: true,
})

describe('T74 Unanchored SAN regex → cross-repo bypass', () => {
  const EVIL_SAN =
    'https://github.com/evil/x/.github/workflows/a.yml@refs/heads/github.com/acme/app/.github/workflows/release.yml'
  const evil = githubIdentity({
    repo: 'evil/x',
    workflowPath: '.github/workflows/a.yml',
    ref: 'refs/heads/github.com/acme/app/.github/workflows/release.yml',
  })

  // The pattern a user might write without a scheme names no owner where a SAN starts: refused
  // before anything is read, since `.*github\.com/acme/app/.*` would be met by evil/x's branch.
  test.each(['github.com/acme/app/.github/workflows/release.yml', '.*github\\.com/acme/app/.*'])(
    'the unanchored pattern %s is refused before anything is read',
    async (pattern) => {
      await expect(
        gate('127.0.0.1:9/acme/app:v1', { 'certificate-identity-regexp': pattern }),
      ).rejects.toThrow(/matches the workflows of every GitHub repository, or of any owner’s/)
    },
  )

  test('the pattern is matched against the whole value, so a SAN that merely contains it fails', async () => {
    const pattern = 'https://github\\.com/acme/app/\\.github/workflows/release\\.yml'
    const bad = await attestedBy(evil, 't74')
    refusedSigner(
      (await gate(bad.ref, { 'certificate-identity-regexp': pattern })).result,
      EVIL_SAN,
    )
    const img = await attestedBy(githubIdentity(), 't74-real')
    const { result } = await gate(img.ref, { 'certificate-identity-regexp': pattern })
    refusedSigner(result, `identity "${APP_SAN}" is not matching`)
  })

  test('an anchored pattern refuses the evil SAN and accepts the real one', async () => {
    const pattern = 'https://github\\.com/acme/app/\\.github/workflows/release\\.yml@.+'
    const bad = await attestedBy(evil, 't74-anchored-evil')
    refusedSigner(
      (await gate(bad.ref, { 'certificate-identity-regexp': pattern })).result,
      EVIL_SAN,
    )
    const good = await attestedBy(githubIdentity(), 't74-anchored-good')
    const { result } = await gate(good.ref, { 'certificate-identity-regexp': pattern })
    expect(exitCode(result)).toBe(0)
  })
})

describe('T75 Owner prefix without a delimiter', () => {
  const sibling = githubIdentity({ repo: 'acme-evil/app' })
  const suffixed = githubIdentity({ repo: 'acme/app-evil' })

  test('^https://github\\.com/acme does not match acme-evil (nor anything longer)', async () => {
    const img = await attestedBy(sibling, 't75')
    const { result } = await gate(img.ref, {
      'certificate-identity-regexp': '^https://github\\.com/acme',
    })
    refusedSigner(
      result,
      'identity "https://github.com/acme-evil/app/.github/workflows/release.yml@refs/tags/v1.0.0" is not matching',
    )
  })

  test('the github-workflow preset for acme/app refuses acme/app-evil', async () => {
    const img = await attestedBy(suffixed, 't75-preset')
    const { result } = await gateWithPolicy(
      img.ref,
      '{ preset: github-workflow, repository: acme/app }',
    )
    refusedSigner(
      result,
      'identity "https://github.com/acme/app-evil/.github/workflows/release.yml@refs/tags/v1.0.0" is not matching',
    )
  })

  test('the preset refuses acme/app-evil even when its SAN names acme/app (source repository)', async () => {
    // A reusable workflow of acme/app called from acme/app-evil: the SAN is acme/app's workflow.
    const called = githubIdentity({ repo: 'acme/app', sourceRepo: 'acme/app-evil' })
    const img = await attestedBy(called, 't75-source')
    const { result } = await gateWithPolicy(
      img.ref,
      '{ preset: github-workflow, repository: acme/app }',
    )
    refusedSigner(
      result,
      'sourceRepositoryUri "https://github.com/acme/app-evil" is not "https://github.com/acme/app"',
    )
  })
})

describe('T76 Issuer exact-match', () => {
  const EVILCORP = 'https://token.actions.githubusercontent.com/evilcorp'
  const evilcorp = githubIdentity({ issuer: EVILCORP })

  test('a GHE unique issuer under the GitHub issuer prefix is not the GitHub issuer', async () => {
    const img = await attestedBy(evilcorp, 't76')
    const { result } = await gate(img.ref, { 'certificate-identity': APP_SAN })
    refusedSigner(result, `issuer "${EVILCORP}" is not "${GITHUB_ISSUER}"`)
  })

  test('nor does an issuer pattern without a tail match it (whole-value match)', async () => {
    const img = await attestedBy(evilcorp, 't76-regexp')
    const { result } = await gate(img.ref, {
      'certificate-identity': APP_SAN,
      'certificate-oidc-issuer-regexp': 'https://token\\.actions\\.githubusercontent\\.com',
    })
    refusedSigner(result, `issuer "${EVILCORP}" is not matching`)
  })
})

describe('T77 Cross-provider SAN with an unpinned issuer', () => {
  const GITLAB_SAN =
    'https://gitlab.com/attacker/github.com/acme/app//.gitlab-ci.yml@refs/heads/main'
  const gitlab: Identity = {
    san: GITLAB_SAN,
    sanType: 'uri',
    extensions: [
      { oid: `${FULCIO}1`, value: 'https://gitlab.com', legacy: true },
      { oid: `${FULCIO}8`, value: 'https://gitlab.com' },
    ],
  }

  test('the unanchored patterns a user might write are refused under GitHub’s default issuer', async () => {
    for (const pattern of ['github.com/acme/app/', '.*github\\.com/acme/app/.*']) {
      await expect(
        gate('127.0.0.1:9/acme/app:v1', { 'certificate-identity-regexp': pattern }),
      ).rejects.toThrow(/matches the workflows of every GitHub repository, or of any owner’s/)
    }
  })

  test('a pattern that does match the SAN is still refused: the issuer is compared exactly', async () => {
    const img = await attestedBy(gitlab, 't77-issuer')
    const { result } = await gate(img.ref, {
      'certificate-identity-regexp': '.*github\\.com/acme/app/.*',
      'certificate-oidc-issuer': GITHUB_ISSUER.replace('token', 'tokens'),
    })
    refusedSigner(
      result,
      `issuer "https://gitlab.com" is not "${GITHUB_ISSUER.replace('token', 'tokens')}"`,
    )
  })
})

describe('T78 Literal identity treated as a regex', () => {
  const RELEASE = 'https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main'

  test('an exact identity with dots does not match another workflow file of the repository', async () => {
    const img = await attestedBy(
      githubIdentity({ workflowPath: '.github/workflows/releaseXyml', ref: 'refs/heads/main' }),
      't78',
    )
    const { result } = await gate(img.ref, { 'certificate-identity': RELEASE })
    refusedSigner(
      result,
      `identity "https://github.com/acme/app/.github/workflows/releaseXyml@refs/heads/main" is not "${RELEASE}"`,
    )
  })

  test('control: the exact identity matches its own workflow', async () => {
    const img = await attestedBy(githubIdentity({ ref: 'refs/heads/main' }), 't78-ok')
    expect(exitCode((await gate(img.ref, { 'certificate-identity': RELEASE })).result)).toBe(0)
  })
})

describe('T79 ReDoS', () => {
  const branch = `${'a'.repeat(255)}!`
  const hostile = githubIdentity({ ref: `refs/heads/${branch}` })
  const SAN = `https://github.com/acme/app/.github/workflows/release.yml@refs/heads/${branch}`
  const CATASTROPHIC = [
    'https://github\\.com/acme/app/\\.github/workflows/release\\.yml@refs/heads/(a+)+',
    'https://github\\.com/acme/app/\\.github/workflows/release\\.yml@refs/heads/(.*a){20}',
    '(a|aa)+!?x',
  ]

  test.each(CATASTROPHIC)(
    '%s against a 255-a branch + "!" runs in linear time (< 50 ms)',
    (pattern) => {
      compilePattern(pattern, 'certificate-identity-regexp') // compiled once, at input time
      const started = performance.now()
      expect(matches({ regexp: pattern }, SAN)).toBe(false)
      expect(performance.now() - started).toBeLessThan(50)
    },
  )

  test('through the gate: refused, in well under a second of matching', async () => {
    const img = await attestedBy(hostile, 't79')
    const started = performance.now()
    const { result } = await gate(img.ref, { 'certificate-identity-regexp': CATASTROPHIC[0]! })
    expect(performance.now() - started).toBeLessThan(5000)
    refusedSigner(result, `identity "${SAN}" is not matching`)
  })

  test('a SAN longer than 4096 characters never matches, whatever the pattern', async () => {
    const long = githubIdentity({ ref: `refs/heads/${'b'.repeat(5000)}` })
    const img = await attestedBy(long, 't79-long')
    const { result } = await gate(img.ref, {
      'certificate-identity-regexp': 'https://github\\.com/acme/app/.*',
    })
    refusedSigner(result, /identity "https:\/\/github\.com\/acme\/app\/.*b{100}.*" is not matching/)
  })

  test('a pattern longer than 4096 characters is refused before anything is read (exit 2)', async () => {
    const img = await newImage(host, 't79-pattern')
    const out = await cli([
      'verify',
      img.ref,
      '--trusted-root',
      root,
      '--certificate-identity-regexp',
      `${'a?'.repeat(2100)}${'a'.repeat(10)}`,
      '--insecure-registries',
      host,
    ])
    expect(out).toMatchObject({ code: 2, stdout: '' })
    expect(out.stderr).toMatch(/`certificate-identity-regexp` input is longer than 4096 characters/)
  })
})

describe('T80 GitHub certificate extensions: legacy vs V2, conflicts', () => {
  const base = githubIdentity()

  /** The gate refuses the certificate itself: the piece does not verify. */
  async function refusedCertificate(identity: Identity, reason: RegExp) {
    const img = await attestedBy(identity, 't80')
    const { result } = await gate(img.ref, { 'certificate-identity': APP_SAN })
    expectRefused(result, { reason })
  }

  test('(1) legacy repository acme/app but SourceRepositoryURI evil/x', async () => {
    await refusedCertificate(
      withExtension(base, `${FULCIO}12`, {
        oid: `${FULCIO}12`,
        value: 'https://github.com/evil/x',
      }),
      /^the certificate has conflicting extensions 1\.3\.6\.1\.4\.1\.57264\.1\.5 and 1\.3\.6\.1\.4\.1\.57264\.1\.12$/,
    )
  })

  test('(1) legacy repository evil/x but SourceRepositoryURI acme/app', async () => {
    await refusedCertificate(
      withExtension(base, `${FULCIO}5`, { oid: `${FULCIO}5`, value: 'evil/x', legacy: true }),
      /^the certificate has conflicting extensions 1\.3\.6\.1\.4\.1\.57264\.1\.5 and 1\.3\.6\.1\.4\.1\.57264\.1\.12$/,
    )
  })

  test('(1) legacy ref and SourceRepositoryRef disagree', async () => {
    await refusedCertificate(
      withExtension(base, `${FULCIO}6`, {
        oid: `${FULCIO}6`,
        value: 'refs/heads/evil',
        legacy: true,
      }),
      /^the certificate has conflicting extensions 1\.3\.6\.1\.4\.1\.57264\.1\.6 and 1\.3\.6\.1\.4\.1\.57264\.1\.14$/,
    )
  })

  // Number("12.0") is 12: an extension one arc longer must not pass for SourceRepositoryURI.
  test('(1) an extension one arc longer (….1.12.0, ….1.5.0) is another OID, never read as 12', async () => {
    const aliased: Identity = {
      ...base,
      extensions: [
        ...base.extensions,
        { oid: `${FULCIO}12.0`, value: 'https://github.com/evil/x' },
        { oid: `${FULCIO}5.0`, value: 'evil/x', legacy: true },
      ],
    }
    const img = await attestedBy(aliased, 't80-arc')
    const { result } = await gateWithPolicy(
      img.ref,
      `{ san: "${APP_SAN}", sourceRepositoryUri: "https://github.com/evil/x" }`,
    )
    refusedSigner(
      result,
      'sourceRepositoryUri "https://github.com/acme/app" is not "https://github.com/evil/x"',
    )
  })

  test('(2) only the legacy extensions: a policy on SourceRepositoryURI finds it missing', async () => {
    const legacyOnly: Identity = {
      ...base,
      extensions: base.extensions.filter((e) => Number(e.oid.slice(FULCIO.length)) <= 6),
    }
    const img = await attestedBy(legacyOnly, 't80-legacy')
    // The certificate itself is fine: a SAN-only policy accepts it.
    expect(exitCode((await gate(img.ref, { 'certificate-identity': APP_SAN })).result)).toBe(0)
    const { result } = await gateWithPolicy(
      img.ref,
      '{ preset: github-workflow, repository: acme/app }',
    )
    refusedSigner(result, 'sourceRepositoryUri (none) is not "https://github.com/acme/app"')
  })

  test('(3) issuer 1.1 and 1.8 with different values', async () => {
    await refusedCertificate(
      withExtension(base, `${FULCIO}1`, {
        oid: `${FULCIO}1`,
        value: 'https://accounts.google.com',
        legacy: true,
      }),
      /^the certificate has conflicting extensions 1\.3\.6\.1\.4\.1\.57264\.1\.1 and 1\.3\.6\.1\.4\.1\.57264\.1\.8$/,
    )
  })

  const uri = Buffer.from('https://github.com/acme/app')
  test.each<[string, string, Buffer]>([
    [
      'SourceRepositoryURI as a PrintableString',
      '12',
      Buffer.concat([Buffer.from([0x13, uri.length]), uri]),
    ],
    [
      'SourceRepositoryURI as an OCTET STRING',
      '12',
      Buffer.concat([Buffer.from([0x04, uri.length]), uri]),
    ],
    ['SourceRepositoryURI as raw text', '12', uri],
    [
      'SourceRepositoryURI with trailing bytes',
      '12',
      Buffer.concat([Buffer.from([0x0c, uri.length]), uri, Buffer.from([0])]),
    ],
    [
      'the V2 issuer as a PrintableString',
      '8',
      Buffer.concat([Buffer.from([0x13, GITHUB_ISSUER.length]), Buffer.from(GITHUB_ISSUER)]),
    ],
  ])('(4) %s is malformed', async (_name, n, bytes) => {
    await refusedCertificate(
      withExtension(base, `${FULCIO}${n}`, rawExtension(`${FULCIO}${n}`, bytes)),
      new RegExp(
        `^the certificate has a malformed extension 1\\.3\\.6\\.1\\.4\\.1\\.57264\\.1\\.${n}$`,
      ),
    )
  })

  test('the same extension twice (the good value, then an evil one)', async () => {
    await refusedCertificate(
      {
        ...base,
        extensions: [
          ...base.extensions,
          { oid: `${FULCIO}12`, value: 'https://github.com/evil/x' },
        ],
      },
      /^the certificate repeats the extension 1\.3\.6\.1\.4\.1\.57264\.1\.12$/,
    )
  })
})

describe('T81 Multiple SANs', () => {
  const EVIL_SAN = 'https://github.com/evil/x/.github/workflows/a.yml@refs/tags/v1.0.0'
  async function refusedSans(identity: Identity, reason: RegExp) {
    const img = await attestedBy(identity, 't81')
    const { result } = await gate(img.ref, { 'certificate-identity': APP_SAN })
    expectRefused(result, { reason })
  }

  test.each<[string, Identity['extraSans']]>([
    ['the expected URI first, an evil URI second', [{ type: 'uri', value: EVIL_SAN }]],
    ['the expected URI and an email address', [{ type: 'email', value: 'mallory@example.com' }]],
  ])('%s: ambiguous, refused', async (_name, extraSans) => {
    await refusedSans(
      { ...githubIdentity(), extraSans },
      /^the certificate has 2 subject alternative names; exactly one is accepted$/,
    )
  })

  test('an evil URI first, the expected URI second: refused the same way', async () => {
    await refusedSans(
      { ...githubIdentity(), san: EVIL_SAN, extraSans: [{ type: 'uri', value: APP_SAN }] },
      /^the certificate has 2 subject alternative names; exactly one is accepted$/,
    )
  })

  test('a second subjectAltName extension holding an evil URI', async () => {
    const evil = Buffer.from(EVIL_SAN)
    const names = Buffer.concat([Buffer.from([0x86, evil.length]), evil])
    const sequence = Buffer.concat([Buffer.from([0x30, names.length]), names])
    await refusedSans(
      {
        ...githubIdentity(),
        extensions: [...githubIdentity().extensions, rawExtension('2.5.29.17', sequence)],
      },
      /^the certificate repeats the extension 2\.5\.29\.17$/,
    )
  })

  test('control: one SAN, through the same certificate-building path, passes', async () => {
    const img = await attestedBy({ ...githubIdentity(), extraSans: [] }, 't81-one')
    expect(exitCode((await gate(img.ref, { 'certificate-identity': APP_SAN })).result)).toBe(0)
  })
})

describe('T80/T81 names and issuers must be ASCII (sigstore-js reads them as ASCII)', () => {
  // Buffer 'ascii' drops each byte's high bit: 0xE8 reads as `h`. Fulcio writes no such bytes;
  // a CA in a custom trusted root could, and the policy would match bytes the certificate lacks.
  const highBit = (text: string): Buffer => {
    const bytes = Buffer.from(text, 'latin1')
    bytes[0] = bytes[0]! | 0x80
    return bytes
  }
  const issuerOnly = (oid: string, value: Buffer): Identity => ({
    ...githubIdentity(),
    extensions: [
      ...githubIdentity().extensions.filter(
        (e) => e.oid !== `${FULCIO}1` && e.oid !== `${FULCIO}8`,
      ),
      rawExtension(oid, value),
    ],
  })
  const utf8String = (bytes: Buffer) => Buffer.concat([Buffer.from([0x0c, bytes.length]), bytes])

  test.each<[string, Identity, RegExp]>([
    [
      'issuer 1.8 bytes 0xE8 "ttps://token.actions…"',
      issuerOnly(`${FULCIO}8`, utf8String(highBit(GITHUB_ISSUER))),
      /issuer \(1\.3\.6\.1\.4\.1\.57264\.1\.8\) that is not ASCII/,
    ],
    [
      'only the legacy issuer 1.1, with those bytes',
      issuerOnly(`${FULCIO}1`, highBit(GITHUB_ISSUER)),
      /issuer \(1\.3\.6\.1\.4\.1\.57264\.1\.1\) that is not ASCII/,
    ],
    // The mock writes U+00E8 in an IA5String as the byte 0xE8.
    [
      'a URI SAN whose first byte is 0xE8',
      { ...githubIdentity(), san: `\u00e8${APP_SAN.slice(1)}` },
      /subject alternative name that is not ASCII/,
    ],
  ])('%s: refused, not read as the expected value', async (_name, identity, reason) => {
    const img = await attestedBy(identity, 'ascii')
    const { result } = await gate(img.ref, {
      'certificate-identity': APP_SAN,
      'certificate-oidc-issuer': GITHUB_ISSUER,
    })
    expectRefused(result, { reason })
  })
})

describe('T82 Runner environment / reusable workflows', () => {
  test('a self-hosted runner when the policy requires github-hosted', async () => {
    const img = await attestedBy(githubIdentity({ runnerEnvironment: 'self-hosted' }), 't82-runner')
    const { result } = await gateWithPolicy(
      img.ref,
      `{ san: '${APP_SAN}', runnerEnvironment: github-hosted }`,
    )
    refusedSigner(result, 'runnerEnvironment "self-hosted" is not "github-hosted"')
  })

  const generator = githubIdentity({
    repo: 'slsa-framework/slsa-github-generator',
    workflowPath: '.github/workflows/generator_container_slsa3.yml',
    ref: 'refs/tags/v2.0.0',
    sourceRepo: 'acme/app',
    sourceRef: 'refs/heads/main',
  })

  test('a reusable-workflow certificate: "repo = acme/app" is checked on the source repository, and passes', async () => {
    const img = await attestedBy(generator, 't82-generator')
    const { result } = await gateWithPolicy(
      img.ref,
      '{ preset: slsa-github-generator, generator: container, sourceRepository: acme/app }',
    )
    expect(exitCode(result)).toBe(0)
    expect(finding(result.images[0]!, 'slsaprovenance1').status).toBe('pass')
  })

  test('the same certificate for a policy on another source repository is refused', async () => {
    const img = await attestedBy(generator, 't82-other')
    const { result } = await gateWithPolicy(
      img.ref,
      '{ preset: slsa-github-generator, generator: container, sourceRepository: evil/x }',
    )
    refusedSigner(
      result,
      'sourceRepositoryUri "https://github.com/acme/app" is not "https://github.com/evil/x"',
    )
  })

  test("a repository's own-workflow preset does not accept the generator's SAN", async () => {
    const img = await attestedBy(generator, 't82-own')
    const { result } = await gateWithPolicy(
      img.ref,
      '{ preset: github-workflow, repository: acme/app }',
    )
    refusedSigner(
      result,
      'identity "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_container_slsa3.yml@refs/tags/v2.0.0" is not matching',
    )
  })
})
