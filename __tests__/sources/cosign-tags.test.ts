// The cosign-tags source end to end: cosign v2 legacy `.sig` / `.att` tags written exactly as cosign
// writes them to a real registry (distribution 2.8), signed by the in-process mini Sigstore.
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { SerializedEnvelope } from '@sigstore/bundle'
import { exitCode } from '../../src/report/result.js'
import { cosignLayerBundle } from '../../src/sources/cosign-bundle.js'
import { gateFixture, runGate, writeTrustedRoot } from '../helpers/gate.js'
import {
  GITHUB_ISSUER,
  createMiniSigstore,
  githubIdentity,
  inTotoStatement,
  pemToDer,
  sha256,
  type MiniSigstore,
  type RekorEntry,
} from '../helpers/mini-sigstore.js'
import {
  COSIGN_ANN,
  cosignSign,
  legacyAttLayer,
  rekorBundleAnnotation,
  simpleSigningPayload,
  writeLegacyAtt,
  writeLegacySig,
  writeLegacyTag,
  type LegacyLayer,
} from '../helpers/publish.js'
import {
  MT,
  digestTag,
  putManifest,
  pushImage,
  uniqueRepo,
  uploadBlob,
} from '../helpers/registry.js'

const SLSA = 'https://slsa.dev/provenance/v1'
const TIMESTAMP_ANN = 'dev.sigstore.cosign/rfc3161timestamp'
const APP_SAN = 'https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v1.0.0'
const identity = githubIdentity()
const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'
const INTOTO_V001 =
  'the attestation is logged as a Rekor intoto/0.0.1 entry, which this version does not verify'

const { host, ss, root } = await gateFixture()

/** A fresh image in its own repository, with the names of its cosign tags. */
async function newImage(prefix: string) {
  const repo = uniqueRepo(prefix)
  const { digest } = await pushImage(host, repo, 'v1')
  const tag = digestTag(digest)
  return { repo, digest, ref: `${host}/${repo}:v1`, sig: `${tag}.sig`, att: `${tag}.att` }
}

const gate = (ref: string, values: Record<string, string> = {}) =>
  runGate(host, {
    image: ref,
    'trusted-root': root,
    'certificate-identity': APP_SAN,
    sources: 'cosign-tags',
    ...values,
  })

/** Logs any entry body in a mini Sigstore's Rekor; returns it as the Rekor v1 API gives it. */
async function logEntry(sigstore: MiniSigstore, body: object): Promise<RekorEntry> {
  const response = (await sigstore.tlog.log(body)) as unknown as Record<
    string,
    Omit<RekorEntry, 'uuid'>
  >
  const [uuid, entry] = Object.entries(response)[0]!
  return { uuid, ...entry }
}

/** Replaces the layers under a cosign tag with `layer` edited by `edit`. */
const rewrite = (repo: string, tag: string, layer: LegacyLayer, edit: Partial<LegacyLayer>) =>
  writeLegacyTag(host, repo, tag, [{ ...layer, ...edit }], { append: false })

describe('keyless .sig and .att layers', () => {
  test('a keyless .sig passes a gate requiring a signature from the right identity', async () => {
    const img = await newImage('legacy-sig')
    await writeLegacySig(ss, host, img.repo, img.digest, { identity })
    const result = await gate(img.ref)
    expect(result.verdict).toBe('pass')
    expect(result.images[0]!.findings.map((f) => [f.requirement, f.status])).toEqual([
      ['signature', 'pass'],
    ])
    const [evidence, ...rest] = result.images[0]!.evidence
    expect(rest).toEqual([])
    expect(evidence).toMatchObject({
      source: 'cosign-tags',
      location: `tag ${img.sig} layer 0`,
      mediaType: MT.SIMPLESIGNING,
      kind: 'signature',
      verified: true,
      signer: { subjectAlternativeName: APP_SAN, issuer: GITHUB_ISSUER },
    })
    expect(evidence!.tlog[0]!.logIndex).toMatch(/^\d+$/)
  })

  test.each(['intoto', 'dsse'] as const)(
    'a keyless .att logged as %s satisfies attestations: slsaprovenance1',
    async (entryType) => {
      const img = await newImage(`legacy-att-${entryType}`)
      await writeLegacyAtt(
        ss,
        host,
        img.repo,
        img.digest,
        SLSA,
        { buildDefinition: {} },
        {
          identity,
          entryType,
        },
      )
      const result = await gate(img.ref, { attestations: 'slsaprovenance1' })
      expect(result.verdict).toBe('pass')
      // No `.sig` tag: nothing there, and no error for it.
      expect(result.images[0]!.evidence).toEqual([
        expect.objectContaining({
          location: `tag ${img.att} layer 0`,
          mediaType: MT.DSSE,
          claimedPredicateType: SLSA,
          kind: 'attestation',
          predicateType: SLSA,
          verified: true,
        }),
      ])
    },
  )

  test('a wrong identity fails, naming the signer found', async () => {
    const img = await newImage('legacy-wrong')
    await writeLegacySig(ss, host, img.repo, img.digest, { identity })
    const wrong = 'https://github.com/acme/other/.github/workflows/release.yml@refs/tags/v1.0.0'
    const result = await gate(img.ref, { 'certificate-identity': wrong })
    expect(exitCode(result)).toBe(1)
    expect(result.images[0]!.evidence[0]!.verified).toBe(true)
    expect(result.images[0]!.findings[0]!.actual).toContain(`identity "${APP_SAN}" is not`)
  })

  test('a .sig whose payload names another digest fails with that reason', async () => {
    const img = await newImage('legacy-other')
    const other = await pushImage(host, img.repo, 'other', { text: 'another image\n' })
    await writeLegacySig(ss, host, img.repo, img.digest, {
      identity,
      payload: simpleSigningPayload(`${host}/${img.repo}`, other.digest),
    })
    const result = await gate(img.ref)
    expect(exitCode(result)).toBe(1)
    expect(result.images[0]!.evidence[0]).toMatchObject({
      verified: false,
      error: `the signature is for "${other.digest}", not ${img.digest}`,
    })
  })

  test('a .sig from another Sigstore is not trusted', async () => {
    const rogue = await createMiniSigstore()
    const img = await newImage('legacy-rogue')
    await writeLegacySig(rogue, host, img.repo, img.digest, { identity })
    const result = await gate(img.ref)
    expect(exitCode(result)).toBe(1)
    expect(result.images[0]!.evidence[0]!.error).toMatch(/CERTIFICATE_ERROR|TLOG/)
  })

  test('an image carrying referrers and legacy tags lists both, each with its location', async () => {
    const img = await newImage('legacy-both')
    await cosignSign(ss, host, img.repo, img.digest, identity)
    await writeLegacySig(ss, host, img.repo, img.digest, { identity })
    await writeLegacyAtt(ss, host, img.repo, img.digest, SLSA, {}, { identity })
    const result = await gate(img.ref, {
      sources: 'referrers,cosign-tags',
      'require-signature': 'true',
      attestations: 'slsaprovenance1',
    })
    expect(result.verdict).toBe('pass')
    const evidence = result.images[0]!.evidence
    expect(evidence.map((e) => [e.source, e.verified])).toEqual([
      ['referrers', true],
      ['cosign-tags', true],
      ['cosign-tags', true],
    ])
    expect(evidence[0]!.location).toContain(`(fallback tag ${digestTag(img.digest)})`)
    expect(evidence.slice(1).map((e) => e.location)).toEqual([
      `tag ${img.sig} layer 0`,
      `tag ${img.att} layer 0`,
    ])
  })
})

describe('attestations logged as Rekor intoto/0.0.1', () => {
  test('are refused with a sentence saying so', async () => {
    const img = await newImage('legacy-intoto001')
    const statement = inTotoStatement({
      name: `${host}/${img.repo}`,
      digest: img.digest,
      predicateType: SLSA,
      type: 'https://in-toto.io/Statement/v0.1',
    })
    const signed = await ss.attest(statement, { identity })
    const envelope = (signed.bundle as { dsseEnvelope: SerializedEnvelope }).dsseEnvelope
    const layer = legacyAttLayer({
      envelope,
      predicateType: SLSA,
      certPEM: signed.certPEM,
      chainPEM: ss.rootPEM,
    })
    // What cosign v1 logged: the envelope's and payload's hashes plus the certificate.
    const rekor = await logEntry(ss, {
      apiVersion: '0.0.1',
      kind: 'intoto',
      spec: {
        content: {
          hash: { algorithm: 'sha256', value: sha256(layer.data).toString('hex') },
          payloadHash: {
            algorithm: 'sha256',
            value: sha256(Buffer.from(envelope.payload, 'base64')).toString('hex'),
          },
        },
        publicKey: Buffer.from(signed.certPEM).toString('base64'),
      },
    })
    const annotations = { ...layer.annotations, [COSIGN_ANN.BUNDLE]: rekorBundleAnnotation(rekor) }
    await writeLegacyTag(host, img.repo, img.att, [{ ...layer, annotations }])
    const result = await gate(img.ref, { attestations: 'slsaprovenance1' })
    expect(exitCode(result)).toBe(1)
    expect(result.images[0]!.evidence[0]).toMatchObject({
      claimedPredicateType: SLSA,
      verified: false,
      error: INTOTO_V001,
    })
  })
})

describe('bad input is a failed piece with a reason, never a crash or a pass', () => {
  test.each<[string, (layer: LegacyLayer) => Partial<LegacyLayer>, string]>([
    [
      'a bundle annotation that is not JSON',
      (l) => ({
        annotations: { ...l.annotations, [COSIGN_ANN.BUNDLE]: '{"SignedEntryTimestamp":' },
      }),
      'the Rekor bundle annotation is not JSON',
    ],
    [
      'a bundle annotation of the wrong shape',
      (l) => ({ annotations: { ...l.annotations, [COSIGN_ANN.BUNDLE]: '{"Payload":7}' } }),
      'the Rekor bundle annotation is malformed',
    ],
    [
      'a certificate annotation that is not PEM',
      (l) => ({ annotations: { ...l.annotations, [COSIGN_ANN.CERT]: 'MIIC3jCCAmOgAwIBAgIU' } }),
      'the certificate annotation is not one PEM certificate',
    ],
    [
      'a layer without a signature annotation',
      (l) => ({ annotations: { ...l.annotations, [COSIGN_ANN.SIG]: '' } }),
      'the layer has no signature annotation',
    ],
    [
      'an RFC 3161 annotation that is not JSON',
      (l) => ({ annotations: { ...l.annotations, [TIMESTAMP_ANN]: 'MIIB' } }),
      'the RFC 3161 timestamp annotation is not JSON',
    ],
    [
      'a layer of another media type',
      () => ({ mediaType: 'application/octet-stream' }),
      `the layer's media type is not ${MT.SIMPLESIGNING}`,
    ],
  ])('%s', async (_name, edit, reason) => {
    const img = await newImage('legacy-bad')
    const { layer } = await writeLegacySig(ss, host, img.repo, img.digest, { identity })
    await rewrite(img.repo, img.sig, layer, edit(layer))
    const result = await gate(img.ref)
    expect(exitCode(result)).toBe(1)
    expect(result.images[0]!.evidence).toEqual([
      expect.objectContaining({
        location: `tag ${img.sig} layer 0`,
        verified: false,
        error: reason,
      }),
    ])
    expect(result.images[0]!.findings[0]!.actual).toContain('no verified image signature')
  })

  test('a layer whose blob is missing', async () => {
    const img = await newImage('legacy-missing')
    const { manifest } = await writeLegacySig(ss, host, img.repo, img.digest, { identity })
    const digest = manifest.layers[0]!.digest
    const res = await fetch(`http://${host}/v2/${img.repo}/blobs/${digest}`, { method: 'DELETE' })
    expect(res.status).toBe(202)
    const result = await gate(img.ref)
    expect(exitCode(result)).toBe(1)
    expect(result.images[0]!.evidence[0]!.error).toBe(`reading blob ${digest} failed with HTTP 404`)
  })

  test('a layer larger than max-blob-size is not fetched', async () => {
    const img = await newImage('legacy-big')
    const payload = Buffer.from(
      JSON.stringify({
        critical: {
          identity: { 'docker-reference': `${host}/${img.repo}` },
          image: { 'docker-manifest-digest': img.digest },
          type: 'cosign container image signature',
        },
        optional: { padding: 'x'.repeat(2000) },
      }),
    )
    await writeLegacySig(ss, host, img.repo, img.digest, { identity, payload })
    const result = await gate(img.ref, { 'max-blob-size': '1KiB' })
    expect(exitCode(result)).toBe(1)
    expect(result.images[0]!.evidence[0]!.error).toMatch(/declares \d+ bytes; the limit is 1024$/)
    // The same signature passes under the default cap.
    expect((await gate(img.ref)).verdict).toBe('pass')
  })

  test('a tag that is not an image manifest', async () => {
    const img = await newImage('legacy-index')
    await putManifest(host, img.repo, img.sig, { schemaVersion: 2, manifests: [] }, MT.OCI_INDEX)
    const result = await gate(img.ref)
    expect(result.images[0]!.evidence).toEqual([
      expect.objectContaining({ location: `tag ${img.sig}`, error: 'it is not an image manifest' }),
    ])
  })

  test("more than cosign's 1000 layers fails closed: the image cannot be checked (exit 2)", async () => {
    const img = await newImage('legacy-many')
    const layer = await uploadBlob(host, img.repo, Buffer.from('{}'), MT.SIMPLESIGNING)
    const config = await uploadBlob(host, img.repo, Buffer.from('{}'), MT.OCI_CONFIG)
    const manifest = {
      schemaVersion: 2,
      mediaType: MT.OCI_MANIFEST,
      config,
      layers: Array.from({ length: 1001 }, () => layer),
    }
    await putManifest(host, img.repo, img.sig, manifest, MT.OCI_MANIFEST)
    const result = await gate(img.ref)
    expect(exitCode(result)).toBe(2)
    expect(result.images[0]!.error).toMatchObject({ code: 'LIMIT_EXCEEDED' })
    expect(result.images[0]!.error!.message).toContain(`tag ${img.sig} has more than 1000 layers`)
  })

  test('an image with neither tag has no evidence', async () => {
    const img = await newImage('legacy-none')
    const result = await gate(img.ref)
    expect(result.images[0]!.evidence).toEqual([])
    expect(result.images[0]!.findings[0]!.actual).toBe(
      'no signatures or attestations were found for this digest',
    )
  })
})

describe('key-signed layers', () => {
  const keys = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const keyFile = (key: crypto.KeyObject): string => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'scg-key-')), 'cosign.pub')
    fs.writeFileSync(file, key.export({ type: 'spki', format: 'pem' }))
    return file
  }

  /** cosign sign --key: the signature annotation, and a Rekor bundle from `log` if given. */
  async function keySigned(log?: MiniSigstore) {
    const img = await newImage('legacy-key')
    const payload = simpleSigningPayload(`${host}/${img.repo}`, img.digest)
    const signature = crypto.sign('sha256', payload, keys.privateKey).toString('base64')
    const annotations: Record<string, string> = { [COSIGN_ANN.SIG]: signature }
    if (log) {
      const pem = keys.publicKey.export({ type: 'spki', format: 'pem' }).toString()
      const rekor = await logEntry(log, {
        apiVersion: '0.0.1',
        kind: 'hashedrekord',
        spec: {
          data: { hash: { algorithm: 'sha256', value: sha256(payload).toString('hex') } },
          signature: {
            content: signature,
            publicKey: { content: Buffer.from(pem).toString('base64') },
          },
        },
      })
      annotations[COSIGN_ANN.BUNDLE] = rekorBundleAnnotation(rekor)
    }
    await writeLegacyTag(host, img.repo, img.sig, [
      { data: payload, mediaType: MT.SIMPLESIGNING, annotations },
    ])
    return img
  }

  const keyed = (ref: string, key: crypto.KeyObject) =>
    gate(ref, { 'certificate-identity': '', 'public-key': keyFile(key) })

  test('without a Rekor bundle: verify only with the configured key', async () => {
    const img = await keySigned()
    const result = await keyed(img.ref, keys.publicKey)
    expect(result.verdict).toBe('pass')
    expect(result.images[0]!.evidence[0]).toMatchObject({
      verified: true,
      signer: { publicKey: true },
      tlog: [],
    })
    const other = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey
    const wrong = await keyed(img.ref, other)
    expect(exitCode(wrong)).toBe(1)
    expect(wrong.images[0]!.evidence[0]!.error).toMatch(/SIGNATURE_ERROR/)
    // Without `public-key` a key-signed layer never verifies.
    const unkeyed = await gate(img.ref)
    expect(exitCode(unkeyed)).toBe(1)
    expect(unkeyed.images[0]!.evidence[0]!.error).toBe(
      'it is signed with a key, but no public-key was given',
    )
  })

  test('with a Rekor bundle: the SET is checked against the trusted root', async () => {
    const img = await keySigned(ss)
    const result = await keyed(img.ref, keys.publicKey)
    expect(result.verdict).toBe('pass')
    expect(result.images[0]!.evidence[0]!.tlog[0]!.logIndex).toMatch(/^\d+$/)
    const rogue = await keySigned(await createMiniSigstore())
    const refused = await keyed(rogue.ref, keys.publicKey)
    expect(exitCode(refused)).toBe(1)
    expect(refused.images[0]!.evidence[0]!.error).toMatch(/TLOG_INCLUSION_PROMISE_ERROR/)
  })

  test('a keyless layer does not pass when a public key is required', async () => {
    const img = await newImage('legacy-keyless-keyed')
    await writeLegacySig(ss, host, img.repo, img.digest, { identity })
    const result = await keyed(img.ref, keys.publicKey)
    expect(exitCode(result)).toBe(1)
    expect(result.images[0]!.evidence[0]!.error).toBe(
      'it is signed with a certificate, but a public key was required',
    )
  })
})

describe('RFC 3161 timestamp annotations', () => {
  let tss: MiniSigstore
  let tsaRoot: string

  beforeAll(async () => {
    // Whole seconds: the mock TSA drops trailing zeros from milliseconds, which @sigstore/core
    // refuses. Certificates and stamps at `at`, log entries 5 s later, after the CA is created.
    const at = Math.ceil(Date.now() / 1000) * 1000 + 1000
    tss = await createMiniSigstore({
      withTSA: true,
      caClock: new Date(at),
      tlogClock: new Date(at + 5000),
    })
    tsaRoot = writeTrustedRoot(tss)
  })

  const stamp = async (data: Buffer): Promise<string> => {
    const token = await tss.tsa!.timestamp({
      artifactHash: sha256(data),
      hashAlgorithmOID: '2.16.840.1.101.3.4.2.1',
      nonce: crypto.randomInt(2 ** 31),
      policyOID: '1.3.6.1.4.1.57264.2',
      certReq: true,
    })
    return JSON.stringify({
      SignedRFC3161Timestamp: Buffer.from(
        token.buffer,
        token.byteOffset,
        token.byteLength,
      ).toString('base64'),
    })
  }

  test('on a .sig, a stamp over the signature verifies and any other stamp fails', async () => {
    const img = await newImage('legacy-tsa')
    const { layer } = await writeLegacySig(tss, host, img.repo, img.digest, { identity })
    const signature = Buffer.from(layer.annotations[COSIGN_ANN.SIG]!, 'base64')
    const run = () => gate(img.ref, { 'trusted-root': tsaRoot })

    await rewrite(img.repo, img.sig, layer, {
      annotations: { ...layer.annotations, [TIMESTAMP_ANN]: await stamp(signature) },
    })
    const passed = await run()
    expect(passed.images[0]!.evidence[0]!.error).toBeUndefined()
    expect(passed.verdict).toBe('pass')

    await rewrite(img.repo, img.sig, layer, {
      annotations: { ...layer.annotations, [TIMESTAMP_ANN]: await stamp(Buffer.from('other')) },
    })
    const result = await run()
    expect(exitCode(result)).toBe(1)
    expect(result.images[0]!.evidence[0]!.error).toMatch(/TIMESTAMP_ERROR/)
  })

  test('on an .att, the stamp (over the whole envelope in cosign) is not used', async () => {
    const img = await newImage('legacy-tsa-att')
    const { layer } = await writeLegacyAtt(tss, host, img.repo, img.digest, SLSA, {}, { identity })
    await rewrite(img.repo, img.att, layer, {
      annotations: { ...layer.annotations, [TIMESTAMP_ANN]: await stamp(layer.data) },
    })
    const result = await gate(img.ref, { 'trusted-root': tsaRoot, attestations: SLSA })
    expect(result.verdict).toBe('pass')
  })
})

describe('cosignLayerBundle', () => {
  test('builds a v0.1 bundle: the leaf alone, the SET as inclusion promise, the payload digest', async () => {
    const payload = simpleSigningPayload('example.test/app', `sha256:${'a'.repeat(64)}`)
    const signed = await ss.signBlob(payload, { identity })
    const rekor = signed.rekor!
    const signature = (signed.bundle as { messageSignature: { signature: string } })
      .messageSignature.signature
    const annotations = {
      [COSIGN_ANN.SIG]: signature,
      [COSIGN_ANN.CERT]: signed.certPEM,
      [COSIGN_ANN.CHAIN]: ss.rootPEM,
      [COSIGN_ANN.BUNDLE]: rekorBundleAnnotation(rekor),
    }
    const converted = cosignLayerBundle('sig', annotations, payload)
    expect(converted.signedPayload).toBe(payload)
    expect(converted.bundle).toEqual({
      mediaType: 'application/vnd.dev.sigstore.bundle+json;version=0.1',
      verificationMaterial: {
        x509CertificateChain: {
          certificates: [{ rawBytes: pemToDer(signed.certPEM).toString('base64') }],
        },
        tlogEntries: [
          {
            logIndex: String(rekor.logIndex),
            logId: { keyId: Buffer.from(rekor.logID, 'hex').toString('base64') },
            kindVersion: { kind: 'hashedrekord', version: '0.0.1' },
            integratedTime: String(rekor.integratedTime),
            inclusionPromise: { signedEntryTimestamp: rekor.verification.signedEntryTimestamp },
            canonicalizedBody: rekor.body,
          },
        ],
        timestampVerificationData: { rfc3161Timestamps: [] },
      },
      messageSignature: {
        messageDigest: { algorithm: 'SHA2_256', digest: sha256(payload).toString('base64') },
        signature,
      },
    })
  })

  test('no certificate means key-signed; a .sig maps its RFC 3161 stamp, an .att does not', () => {
    const stampAnn = JSON.stringify({ SignedRFC3161Timestamp: 'MIIB' })
    const sig = cosignLayerBundle(
      'sig',
      { [COSIGN_ANN.SIG]: 'MEUC', [TIMESTAMP_ANN]: stampAnn },
      Buffer.from('{}'),
    )
    expect(sig.bundle).toMatchObject({
      verificationMaterial: {
        publicKey: { hint: '' },
        tlogEntries: [],
        timestampVerificationData: { rfc3161Timestamps: [{ signedTimestamp: 'MIIB' }] },
      },
    })
    const envelope = { payloadType: 'application/vnd.in-toto+json', payload: 'e30=' }
    const att = cosignLayerBundle(
      'att',
      { [TIMESTAMP_ANN]: stampAnn },
      Buffer.from(JSON.stringify({ ...envelope, signatures: [{ sig: 'MEUC' }] })),
    )
    expect(att.bundle).toMatchObject({
      verificationMaterial: { timestampVerificationData: { rfc3161Timestamps: [] } },
      dsseEnvelope: { ...envelope, signatures: [{ sig: 'MEUC', keyid: '' }] },
    })
    expect(att.signedPayload).toBeUndefined()
  })

  test.each<[string, unknown, Buffer, string]>([
    ['a non-string signature', { [COSIGN_ANN.SIG]: 42 }, Buffer.from('{}'), 'no signature'],
    ['no annotations at all', null, Buffer.from('{}'), 'no signature'],
    [
      'a PEM holding two certificates',
      { [COSIGN_ANN.SIG]: 'MEUC', [COSIGN_ANN.CERT]: PEM + PEM },
      Buffer.from('{}'),
      'not one PEM',
    ],
    ['an .att that is not JSON', {}, Buffer.from('{'), 'not JSON'],
    ['an .att that is not an envelope', {}, Buffer.from('{"payload":1}'), 'not a DSSE envelope'],
    [
      'an .att with two signatures',
      {},
      Buffer.from('{"payloadType":"t","payload":"e30=","signatures":[{"sig":"a"},{"sig":"b"}]}'),
      'exactly one signature',
    ],
  ])('%s is refused with a reason', (name, annotations, blob, reason) => {
    const kind = name.includes('.att') ? 'att' : 'sig'
    const converted = cosignLayerBundle(kind, annotations, blob)
    expect(converted.bundle).toBeUndefined()
    expect(converted.error).toContain(reason)
  })
})
