// Security catalog group B (T18–T30): attestation semantics. Each case signs exactly what an
// attacker (or a careless publisher) can get signed with a real, allowed identity, publishes it
// the way actions/attest and cosign do, and runs the whole gate: a valid signature over the wrong
// thing must never satisfy a requirement.
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { SerializedBundle, SerializedEnvelope } from '@sigstore/bundle'
import { exitCode } from '../../src/report/result.js'
import { gateFixture } from '../helpers/gate.js'
import { githubIdentity } from '../helpers/mini-sigstore.js'
import {
  COSIGN_ANN,
  attachBundle,
  cosignSign,
  writeLegacyAtt,
  writeLegacySig,
  writeLegacyTag,
} from '../helpers/publish.js'
import { digestTag } from '../helpers/registry.js'
import {
  APP_SAN,
  CYCLONEDX,
  GHA_ISSUER,
  SLSA,
  VULN,
  cli,
  dsseBundle,
  expectRefused,
  finding,
  gateRun,
  keyedSigner,
  mutate,
  newImage,
  onlyImage,
  pae,
  statementFor,
  type TestImage,
} from './abg-harness.js'

const OTHER_TYPE = 'https://example.com/other-predicate/v1'
const EVIL = githubIdentity({ repo: 'evil/x', workflowPath: '.github/workflows/a.yml' })
const EVIL_SAN = 'https://github.com/evil/x/.github/workflows/a.yml@refs/tags/v1.0.0'

const { host, ss, root } = await gateFixture()

const gate = (ref: string, values: Record<string, string> = {}) =>
  gateRun(host, { image: ref, 'trusted-root': root, 'certificate-identity': APP_SAN, ...values })

/** Signs `payload` (a statement object, or exact bytes) with the allowed identity. */
const signed = async (payload: object | Buffer, payloadType?: string): Promise<SerializedBundle> =>
  (await ss.attest(payload, payloadType === undefined ? {} : { payloadType })).bundle

/** An image whose only evidence is `bundle` as an SLSA referrer; the gate requiring SLSA. */
async function gateOn(prefix: string, bundle: (img: TestImage) => Promise<unknown>) {
  const img = await newImage(host, prefix)
  await attachBundle(host, img.repo, img.digest, (await bundle(img)) as object, SLSA)
  return { img, ...(await gate(img.ref, { attestations: SLSA })) }
}

const cosignTags = { sources: 'cosign-tags' }

describe('T18 Valid attestation for image A attached to image B', () => {
  test('the same bundle pushed as a referrer of B: its subject is A', async () => {
    const a = await newImage(host, 't18-a', 'image A\n')
    const b = await newImage(host, 't18-b', 'image B\n')
    const bundle = await signed(statementFor(a.digest))
    await attachBundle(host, a.repo, a.digest, bundle, SLSA)
    await attachBundle(host, b.repo, b.digest, bundle, SLSA)
    expect((await gate(a.ref, { attestations: SLSA })).result.verdict).toBe('pass')
    const { result } = await gate(b.ref, { attestations: SLSA })
    expectRefused(result, {
      reason: new RegExp(`^the statement is about ${a.digest}, not ${b.digest}$`),
    })
  })

  test("a cosign .att layer of A copied under B's .att tag", async () => {
    const a = await newImage(host, 't18-att-a', 'image A\n')
    const b = await newImage(host, 't18-att-b', 'image B\n')
    const { layer } = await writeLegacyAtt(
      ss,
      host,
      a.repo,
      a.digest,
      SLSA,
      {},
      { entryType: 'dsse' },
    )
    await writeLegacyTag(host, b.repo, `${digestTag(b.digest)}.att`, [layer])
    const { result } = await gate(b.ref, { attestations: SLSA, ...cosignTags })
    expectRefused(result, {
      reason: new RegExp(`^the statement is about ${a.digest}, not ${b.digest}$`),
    })
  })
})

describe('T19 Legacy .sig copied across images', () => {
  test("A's .sig manifest under B's tag: docker-manifest-digest still names A", async () => {
    const a = await newImage(host, 't19-a', 'image A\n')
    const b = await newImage(host, 't19-b', 'image B\n')
    const { layer } = await writeLegacySig(ss, host, a.repo, a.digest)
    await writeLegacyTag(host, b.repo, `${digestTag(b.digest)}.sig`, [layer])
    const { result } = await gate(b.ref, cosignTags)
    expectRefused(result, {
      reason: new RegExp(`^the signature is for "${a.digest}", not ${b.digest}$`),
    })
  })

  test.each([
    [
      'another critical.type',
      { type: 'evil container image signature' },
      /^the simple-signing type is "evil container image signature", not "cosign container image signature"$/,
    ],
    ['no critical.type', { type: undefined }, /^the simple-signing type is "undefined"/],
  ])('%s is refused', async (_name, override, reason) => {
    const img = await newImage(host, 't19-type')
    const payload = Buffer.from(
      JSON.stringify({
        critical: {
          identity: { 'docker-reference': `${host}/${img.repo}` },
          image: { 'docker-manifest-digest': img.digest },
          ...override,
        },
        optional: null,
      }),
    )
    await writeLegacySig(ss, host, img.repo, img.digest, { payload })
    const { result } = await gate(img.ref, cosignTags)
    expectRefused(result, { reason })
  })

  test('a signed payload naming two docker-manifest-digest values is refused outright', async () => {
    const a = await newImage(host, 't19-dup-a', 'image A\n')
    const b = await newImage(host, 't19-dup-b', 'image B\n')
    // JSON.parse keeps the last value (B); a first-wins parser would read A.
    const payload = Buffer.from(
      `{"critical":{"identity":{"docker-reference":"${host}/${b.repo}"},"image":{"docker-manifest-digest":"${a.digest}","docker-manifest-digest":"${b.digest}"},"type":"cosign container image signature"},"optional":null}`,
    )
    await writeLegacySig(ss, host, b.repo, b.digest, { payload })
    const { result } = await gate(b.ref, cosignTags)
    expectRefused(result, {
      reason: /^the simple-signing payload repeats the key "docker-manifest-digest"$/,
    })
  })
})

describe('T20 Required predicate type absent while other attestations verify', () => {
  test('valid vuln and CycloneDX attestations do not satisfy slsaprovenance1', async () => {
    const img = await newImage(host, 't20')
    for (const type of [VULN, CYCLONEDX]) {
      await attachBundle(
        host,
        img.repo,
        img.digest,
        await signed(statementFor(img.digest, type)),
        type,
      )
    }
    const { result } = await gate(img.ref, { attestations: 'slsaprovenance1' })
    const { image } = expectRefused(result, { verified: (e) => e.predicateType !== SLSA })
    expect(image.evidence.map((e) => [e.predicateType, e.verified]).sort()).toEqual([
      [VULN, true],
      [CYCLONEDX, true],
    ])
    const f = finding(image, 'slsaprovenance1')
    expect(f.expected).toContain(`a verified attestation of type ${SLSA}`)
    expect(f.actual).toMatch(/^no verified attestation of that type; present: verified: /)
    expect(f.actual).toContain(VULN)
    expect(f.actual).toContain(CYCLONEDX)
  })
})

describe('T21 Predicate type taken from an unauthenticated hint', () => {
  test('a referrer annotated slsa/v1 whose signed statement says another type', async () => {
    const img = await newImage(host, 't21')
    const bundle = await signed(statementFor(img.digest, OTHER_TYPE))
    await attachBundle(host, img.repo, img.digest, bundle, SLSA)
    const { result } = await gate(img.ref, { attestations: SLSA })
    const { image } = expectRefused(result, { verified: (e) => e.predicateType === OTHER_TYPE })
    expect(image.evidence).toHaveLength(1)
    expect(image.evidence[0]).toMatchObject({
      claimedPredicateType: SLSA,
      predicateType: OTHER_TYPE,
      kind: 'attestation',
    })
    expect(finding(image, SLSA).actual).toMatch(
      /^no verified attestation of that type; present: verified: https:\/\/example\.com\/other-predicate\/v1/,
    )
  })

  test('a cosign .att layer whose predicateType annotation is not the signed type', async () => {
    const img = await newImage(host, 't21-att')
    const { layer, tag } = await writeLegacyAtt(
      ss,
      host,
      img.repo,
      img.digest,
      OTHER_TYPE,
      {},
      {
        entryType: 'dsse',
      },
    )
    const lying = { ...layer, annotations: { ...layer.annotations, [COSIGN_ANN.PREDICATE]: SLSA } }
    await writeLegacyTag(host, img.repo, tag, [lying], { append: false })
    const { result } = await gate(img.ref, { attestations: SLSA, ...cosignTags })
    const { image } = expectRefused(result, { verified: (e) => e.predicateType === OTHER_TYPE })
    expect(image.evidence[0]).toMatchObject({
      claimedPredicateType: SLSA,
      predicateType: OTHER_TYPE,
    })
  })
})

describe('T22 Malformed payload inside a validly signed envelope', () => {
  const statement = (img: TestImage, over: Record<string, unknown>) => ({
    ...statementFor(img.digest),
    ...over,
  })

  test.each<[string, (img: TestImage) => object | Buffer, RegExp]>([
    ['payload not JSON', () => Buffer.from('this is not JSON'), /^the DSSE payload is not JSON$/],
    [
      'JSON that is not a statement',
      () => ({ hello: 'world' }),
      /^the DSSE payload is not an in-toto statement$/,
    ],
    [
      'a JSON array',
      (img) => [statementFor(img.digest)],
      /^the DSSE payload is not an in-toto statement$/,
    ],
    [
      'predicateType missing',
      (img) => statement(img, { predicateType: undefined }),
      /^the statement has no predicate type$/,
    ],
    [
      'predicateType not a string',
      (img) => statement(img, { predicateType: { a: SLSA } }),
      /^the statement has no predicate type$/,
    ],
    [
      '_type unknown',
      (img) => statement(img, { _type: 'https://in-toto.io/Statement/v2' }),
      /^the DSSE payload is not an in-toto statement$/,
    ],
    [
      '_type missing',
      (img) => statement(img, { _type: undefined }),
      /^the DSSE payload is not an in-toto statement$/,
    ],
    [
      'a null subject entry beside a valid one',
      (img) => statement(img, { subject: [null, ...statementFor(img.digest).subject] }),
      /^a statement subject is not an object$/,
    ],
    [
      'a subject entry without a digest beside a valid one',
      (img) => statement(img, { subject: [{ name: 'x' }, ...statementFor(img.digest).subject] }),
      /^a statement subject has no digest$/,
    ],
    [
      'subject not an array',
      (img) => statement(img, { subject: statementFor(img.digest).subject[0] }),
      /^the statement has no subject$/,
    ],
    [
      'a digest value that is not a string',
      (img) => statement(img, { subject: [{ digest: { sha256: [img.digest.slice(7)] } }] }),
      /^a statement subject has a digest that is not a string$/,
    ],
  ])('%s', async (_name, payload, reason) => {
    const { result } = await gateOn('t22', async (img) => signed(payload(img)))
    expectRefused(result, { reason })
  })

  test('payload text that is not base64 (decoding to signed bytes that are not JSON)', async () => {
    const text = '!!not*base64!!'
    const bytes = Buffer.from(text, 'base64')
    const { result } = await gateOn('t22-b64', async () =>
      mutate(await signed(bytes), (b) => {
        b.dsseEnvelope.payload = text
      }),
    )
    expectRefused(result, { reason: /^the DSSE payload is not JSON$/ })
  })
})

describe('T23 DSSE signature count', () => {
  /** A genuine bundle whose envelope signatures are replaced by `signatures(valid)`. */
  const withSignatures = (signatures: (valid: string, again: string) => string[]) =>
    gateOn('t23', async (img) => {
      const signer = await keyedSigner(ss)
      const body = Buffer.from(JSON.stringify(statementFor(img.digest)))
      const bundle = await dsseBundle(ss, signer, body)
      const valid = bundle.dsseEnvelope!.signatures[0]!.sig
      const again = signer.raw(pae('application/vnd.in-toto+json', body)).toString('base64')
      return mutate(bundle, (b) => {
        b.dsseEnvelope.signatures = signatures(valid, again).map((sig) => ({ sig, keyid: '' }))
      })
    })
  const garbage = crypto.randomBytes(70).toString('base64')

  test.each<[string, (valid: string, again: string) => string[], number]>([
    ['no signature', () => [], 0],
    ['valid + garbage', (valid) => [valid, garbage], 2],
    ['garbage + valid', (valid) => [garbage, valid], 2],
    ['two valid signatures from the same key', (valid, again) => [valid, again], 2],
  ])('%s', async (_name, signatures, n) => {
    const { result } = await withSignatures(signatures)
    expectRefused(result, {
      reason: new RegExp(`^the DSSE envelope has ${n} signatures; exactly one is required$`),
    })
  })

  test('a cosign .att envelope with two signatures', async () => {
    const img = await newImage(host, 't23-att')
    const { layer, tag } = await writeLegacyAtt(
      ss,
      host,
      img.repo,
      img.digest,
      SLSA,
      {},
      {
        entryType: 'dsse',
      },
    )
    const envelope = JSON.parse(layer.data.toString()) as SerializedEnvelope
    envelope.signatures.push({ keyid: '', sig: garbage })
    await writeLegacyTag(
      host,
      img.repo,
      tag,
      [{ ...layer, data: Buffer.from(JSON.stringify(envelope)) }],
      {
        append: false,
      },
    )
    const { result } = await gate(img.ref, { attestations: SLSA, ...cosignTags })
    expectRefused(result, { reason: /^the DSSE envelope must hold exactly one signature$/ })
  })
})

describe('T24 payloadType confusion', () => {
  test.each([
    'application/json',
    'application/vnd.dev.cosign.simplesigning.v1+json',
    'application/vnd.in-toto+json; charset=utf-8',
  ])('a statement validly signed as %s', async (payloadType) => {
    const { result } = await gateOn('t24', async (img) =>
      signed(statementFor(img.digest), payloadType),
    )
    expectRefused(result, {
      reason: new RegExp(
        `^the DSSE payload type is "${payloadType.replace(/[.+]/g, '\\$&')}", not application/vnd\\.in-toto\\+json$`,
      ),
    })
  })

  test('payloadType changed after signing: the encoding signed no longer matches', async () => {
    const { result } = await gateOn('t24-changed', async (img) =>
      mutate(await signed(statementFor(img.digest), 'application/json'), (b) => {
        b.dsseEnvelope.payloadType = 'application/vnd.in-toto+json'
      }),
    )
    expectRefused(result, { reason: /^SIGNATURE_ERROR: signature verification failed$/ })
  })
})

describe('T25 Signature over raw payload instead of PAE', () => {
  test('the certificate key signed the statement bytes themselves (logged as such)', async () => {
    const { result } = await gateOn('t25', async (img) => {
      const body = Buffer.from(JSON.stringify(statementFor(img.digest)))
      const signer = await keyedSigner(ss, githubIdentity(), () => signer.raw(body))
      return dsseBundle(ss, signer, body)
    })
    expectRefused(result, { reason: /^SIGNATURE_ERROR: signature verification failed$/ })
  })
})

describe('T26 Empty or degenerate digests', () => {
  test.each<[string, (hex: string) => Record<string, unknown>[], (d: string) => RegExp]>([
    [
      'an empty sha256',
      () => [{ digest: { sha256: '' } }],
      (d) => new RegExp(`^the statement is about sha256:, not ${d}$`),
    ],
    [
      'only a sha512',
      (hex) => [{ digest: { sha512: hex + hex } }],
      () => /^the statement is about sha512:[0-9a-f]{128}, not sha256:/,
    ],
    [
      'the sha256: prefix inside the value',
      (hex) => [{ digest: { sha256: `sha256:${hex}` } }],
      () => /^the statement is about sha256:sha256:[0-9a-f]{64}, not sha256:/,
    ],
    [
      'uppercase hex',
      (hex) => [{ digest: { sha256: hex.toUpperCase() } }],
      () => /^the statement is about sha256:[0-9A-F]{64}, not sha256:/,
    ],
    [
      '63 hex digits',
      (hex) => [{ digest: { sha256: hex.slice(0, 63) } }],
      () => /^the statement is about sha256:[0-9a-f]{63}, not sha256:/,
    ],
    [
      'an empty digest set',
      () => [{ name: 'x', digest: {} }],
      () => /^a statement subject has no digest$/,
    ],
    ['zero subjects', () => [], () => /^the statement has no subject$/],
  ])('subject with %s', async (_name, subject, reason) => {
    const { result, img } = await gateOn('t26', async (i) =>
      signed({ ...statementFor(i.digest), subject: subject(i.digest.slice(7)) }),
    )
    expectRefused(result, { reason: reason(img.digest) })
  })

  test.each([
    ['an empty digest', '@sha256:'],
    ['a bare @', '@'],
    ['an uppercase digest', `@sha256:${'AB'.repeat(32)}`],
    ['a 63-digit digest', `@sha256:${'a'.repeat(63)}`],
    ['another algorithm', `@sha512:${'a'.repeat(128)}`],
  ])(
    'an image reference with %s is refused before anything is read (exit 2)',
    async (_name, suffix) => {
      const img = await newImage(host, 't26-ref')
      const out = await cli([
        'verify',
        `${host}/${img.repo}${suffix}`,
        '--trusted-root',
        root,
        '--certificate-identity',
        APP_SAN,
        '--insecure-registries',
        host,
      ])
      expect(out.code).toBe(2)
      expect(out.stdout).toBe('')
      expect(out.stderr).toMatch(
        /is not a valid image reference: the digest must be sha256: followed by 64 lowercase hex digits\.$/m,
      )
    },
  )
})

describe('T27 Conflicting digests in one subject', () => {
  test('an image subject whose sha256 matches but which also names a sha512', async () => {
    const { result, img } = await gateOn('t27', async (i) =>
      signed({
        ...statementFor(i.digest),
        subject: [{ name: 'x', digest: { sha256: i.digest.slice(7), sha512: 'ab'.repeat(64) } }],
      }),
    )
    expectRefused(result, {
      reason: new RegExp(
        `^the statement subject naming ${img.digest} also names a "sha512" digest that does not match or cannot be checked \\(inconsistent subject digests\\)$`,
      ),
    })
  })

  describe('files (verify-bundle knows both sha256 and sha512)', () => {
    let dir: string
    let artifact: string
    let sha256: string
    let sha512: string
    beforeAll(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scg-t27-'))
      artifact = path.join(dir, 'artifact.bin')
      fs.writeFileSync(artifact, 'the artifact\n')
      const bytes = fs.readFileSync(artifact)
      sha256 = crypto.createHash('sha256').update(bytes).digest('hex')
      sha512 = crypto.createHash('sha512').update(bytes).digest('hex')
    })
    const verifyFile = async (digest: Record<string, string>) => {
      const bundle = await signed({
        ...statementFor(`sha256:${sha256}`),
        subject: [{ name: 'a', digest }],
      })
      const file = path.join(dir, `${crypto.randomUUID()}.json`)
      fs.writeFileSync(file, JSON.stringify(bundle))
      return cli([
        'verify-bundle',
        '--bundle',
        file,
        '--certificate-identity',
        APP_SAN,
        '--certificate-oidc-issuer',
        GHA_ISSUER,
        '--trusted-root',
        root,
        artifact,
      ])
    }

    test('control: sha256 and sha512 both right', async () => {
      expect(await verifyFile({ sha256, sha512 })).toMatchObject({ code: 0 })
    })

    test('sha256 right, sha512 wrong: refused', async () => {
      const out = await verifyFile({ sha256, sha512: 'ab'.repeat(64) })
      expect(out.code).toBe(1)
      expect(out.stderr).toMatch(/inconsistent subject digests/)
    })

    test('sha512 right, an unknown algorithm beside it: refused', async () => {
      const out = await verifyFile({ sha512, md5: 'ab'.repeat(16) })
      expect(out.code).toBe(1)
      expect(out.stderr).toMatch(/also names a "md5" digest .*inconsistent subject digests/)
    })
  })
})

describe('T28 Requirements satisfied by one attestation, not a mixture', () => {
  test('right predicate from the wrong signer + right signer with the wrong predicate', async () => {
    const img = await newImage(host, 't28')
    const x = (await ss.attest(statementFor(img.digest, SLSA), { identity: EVIL })).bundle
    const y = await signed(statementFor(img.digest, CYCLONEDX))
    await attachBundle(host, img.repo, img.digest, x, SLSA)
    await attachBundle(host, img.repo, img.digest, y, CYCLONEDX)
    const { result } = await gate(img.ref, { attestations: SLSA })
    const { image } = expectRefused(result, { verified: () => true })
    expect(image.evidence.every((e) => e.verified)).toBe(true)
    const f = finding(image, SLSA)
    expect(f.actual).toContain(`${SLSA} attestation signed by "${EVIL_SAN}"`)
    expect(f.actual).toContain(`but identity "${EVIL_SAN}" is not "${APP_SAN}"`)
    expect(f.actual).not.toContain(CYCLONEDX)
  })
})

describe('T29 Predicate-content policy robustness', () => {
  let policyDir: string
  beforeAll(() => {
    policyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'scg-t29-'))
  })
  const policy = (rules: string): string => {
    const file = path.join(policyDir, `${crypto.randomUUID()}.yml`)
    fs.writeFileSync(
      file,
      [
        'version: 1',
        'attestations:',
        '  - type: slsaprovenance1',
        `    identities: [{ san: '${APP_SAN}' }]`,
        `    rules: ${rules}`,
        '',
      ].join('\n'),
    )
    return file
  }
  const BUILDER = 'https://github.com/actions/runner/github-hosted'
  const provenance = (runDetails: unknown, buildDefinition: unknown = { buildType: 'x' }) => ({
    buildDefinition,
    runDetails,
  })
  async function judged(payload: (img: TestImage) => object | Buffer, rules: string) {
    const img = await newImage(host, 't29')
    await attachBundle(host, img.repo, img.digest, await signed(payload(img)), SLSA)
    const { result } = await gateRun(host, {
      image: img.ref,
      'trusted-root': root,
      policy: policy(rules),
    })
    return result
  }
  const builderRule = `{ slsa: { builderId: '${BUILDER}' } }`

  test('control: the checked field holds the wanted value', async () => {
    const result = await judged(
      (img) => statementFor(img.digest, SLSA, provenance({ builder: { id: BUILDER } })),
      builderRule,
    )
    expect(exitCode(result)).toBe(0)
  })

  test.each<[string, unknown, RegExp]>([
    [
      'missing',
      { builder: {} },
      /rule slsa\.builderId: cannot be evaluated: the provenance has no runDetails\.builder\.id/,
    ],
    [
      'of the wrong JSON type',
      { builder: { id: 42 } },
      /rule slsa\.builderId: cannot be evaluated: the provenance has no runDetails\.builder\.id/,
    ],
    [
      'a list holding the value',
      { builder: { id: [BUILDER] } },
      /rule slsa\.builderId: cannot be evaluated: the provenance has no runDetails\.builder\.id/,
    ],
    [
      '1 MiB long',
      { builder: { id: `${BUILDER}${'a'.repeat(1024 * 1024)}` } },
      /rule slsa\.builderId: expected "https:\/\/github\.com\/actions\/runner\/github-hosted", found "https:\/\/github\.com\/actions\/runner\/github-hosteda+…" in runDetails\.builder\.id/,
    ],
  ])('the checked field %s fails the rule, naming its path', async (_name, runDetails, reason) => {
    const result = await judged(
      (img) => statementFor(img.digest, SLSA, provenance(runDetails)),
      builderRule,
    )
    const { image } = expectRefused(result, { verified: () => true })
    const f = image.findings[0]!
    expect(f.actual).toMatch(reason)
    expect(f.actual.length).toBeLessThan(2000)
  })

  test('the checked key twice in the signed payload: refused before any rule reads it', async () => {
    const result = await judged(
      (img) =>
        Buffer.from(
          JSON.stringify(
            statementFor(img.digest, SLSA, provenance({ builder: { id: 'x' } })),
          ).replace(
            '"runDetails":{"builder":{"id":"x"}}',
            `"runDetails":{"builder":{"id":"https://evil.example/builder"},"builder":{"id":"${BUILDER}"}}`,
          ),
        ),
      builderRule,
    )
    expectRefused(result, { reason: /^the DSSE payload repeats the key "builder"$/ })
  })

  test('a duplicated key spelled with an escape is the same key', async () => {
    const result = await judged(
      (img) =>
        Buffer.from(
          JSON.stringify(
            statementFor(img.digest, SLSA, provenance({ builder: { id: BUILDER } })),
          ).replace(
            '"predicateType"',
            '"predicateType":"https://evil.example/x","predicate\\u0054ype"',
          ),
        ),
      builderRule,
    )
    expectRefused(result, { reason: /^the DSSE payload repeats the key "predicateType"$/ })
  })

  test.each([
    [
      'a ../ path in the workflow repository',
      {
        externalParameters: {
          workflow: {
            repository: 'https://github.com/evil/x/../../acme/app',
            ref: 'refs/heads/main',
          },
        },
      },
    ],
    [
      'a ../ path in the first git dependency',
      {
        resolvedDependencies: [
          { uri: 'git+https://github.com/acme/app/../../evil/x@refs/heads/main' },
        ],
      },
    ],
    [
      'a look-alike with a suffix',
      {
        externalParameters: {
          workflow: { repository: 'https://github.com/acme/app-evil', ref: 'refs/heads/main' },
        },
      },
    ],
  ])('%s does not satisfy sourceRepository: acme/app', async (_name, buildDefinition) => {
    const result = await judged(
      (img) =>
        statementFor(img.digest, SLSA, provenance({ builder: { id: BUILDER } }, buildDefinition)),
      '{ slsa: { sourceRepository: acme/app } }',
    )
    const { image } = expectRefused(result, { verified: () => true })
    expect(image.findings[0]!.actual).toMatch(
      /rule slsa\.sourceRepository: expected "acme\/app", found "[^"]+" in buildDefinition\./,
    )
  })
})

describe('T30 Identity also enforced for attestations', () => {
  test('a right-workflow signature and an SLSA attestation from another repository', async () => {
    const img = await newImage(host, 't30')
    await cosignSign(ss, host, img.repo, img.digest, githubIdentity())
    const evil = (await ss.attest(statementFor(img.digest, SLSA), { identity: EVIL })).bundle
    await attachBundle(host, img.repo, img.digest, evil, SLSA)
    const { result } = await gate(img.ref, { attestations: SLSA, 'require-signature': 'true' })
    const { image } = expectRefused(result, { requirement: SLSA, verified: () => true })
    expect(image.findings.map((f) => [f.requirement, f.status])).toEqual([
      ['signature', 'pass'],
      [SLSA, 'fail'],
    ])
    expect(finding(image, SLSA).actual).toContain(`identity "${EVIL_SAN}" is not "${APP_SAN}"`)
    expect(onlyImage(result).class).toBe('fully-attested')
  })

  test('the same through a policy file: the attestation names its own identities', async () => {
    const img = await newImage(host, 't30-policy')
    await cosignSign(ss, host, img.repo, img.digest, githubIdentity())
    await attachBundle(
      host,
      img.repo,
      img.digest,
      (await ss.attest(statementFor(img.digest, SLSA), { identity: EVIL })).bundle,
      SLSA,
    )
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'scg-t30-')), 'policy.yml')
    fs.writeFileSync(
      file,
      [
        'version: 1',
        'identities:',
        '  release: [{ preset: github-workflow, repository: acme/app }]',
        'signature: { identities: [release] }',
        'attestations: [{ type: slsaprovenance1, identities: [release] }]',
        '',
      ].join('\n'),
    )
    const { result } = await gateRun(host, { image: img.ref, 'trusted-root': root, policy: file })
    const { image } = expectRefused(result, {
      requirement: 'slsaprovenance1',
      verified: () => true,
    })
    expect(finding(image, 'signature').status).toBe('pass')
    expect(finding(image, 'slsaprovenance1').actual).toContain(
      `identity "${EVIL_SAN}" is not matching`,
    )
  })
})
