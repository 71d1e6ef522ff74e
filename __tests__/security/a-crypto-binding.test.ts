// Security catalog group A (T01–T17): cryptographic binding. Every case builds hostile Sigstore
// material (bundles mutated as JSON, same-key re-signatures, spliced log entries, rogue CAs) on
// the in-process mini Sigstore, publishes it to the shared real registry the way actions/attest
// and cosign do, and runs the whole gate; where sigstore-conformance has a must-fail case for the
// same attack, it is replayed through `supply-chain-gate verify-bundle` too. Each test asserts the
// exit code, the reason, and that no piece verified and no requirement passed.
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { SerializedBundle } from '@sigstore/bundle'
import { exitCode } from '../../src/report/result.js'
import { BundleError, loadTrust, verifyBundle, type Trust } from '../../src/verify/index.js'
import { gateFixture, writeTrustedRoot } from '../helpers/gate.js'
import { createGithubSigstore } from '../helpers/github-sigstore.js'
import {
  MockRekorWitness,
  createMiniSigstore,
  githubIdentity,
  pemToDer,
  type MiniSigstore,
} from '../helpers/mini-sigstore.js'
import {
  COSIGN_ANN,
  attachBundle,
  legacySigLayer,
  simpleSigningPayload,
  writeLegacySig,
  writeLegacyTag,
} from '../helpers/publish.js'
import { digestTag } from '../helpers/registry.js'
import {
  APP_SAN,
  type AnyJson,
  SLSA,
  attachRaw,
  dsseBundle,
  expectRefused,
  expectReplayFails,
  flipBit,
  gateRun,
  keyedSigner,
  messageBundle,
  mutate,
  newImage,
  pae,
  replay,
  statementFor,
  without,
  type TestImage,
} from './abg-harness.js'

const { host, ss, root } = await gateFixture()

beforeAll(async () => {
  // A few entries first, so inclusion proofs have hashes to corrupt (tree size > 1).
  for (let i = 0; i < 3; i++) await ss.attest(statementFor(`sha256:${'0'.repeat(63)}${i}`))
})

const gate = (ref: string, values: Record<string, string> = {}) =>
  gateRun(host, { image: ref, 'trusted-root': root, 'certificate-identity': APP_SAN, ...values })

/** An image with `bundle` attached as an SLSA attestation, and the gate requiring one. */
async function gateOnAttestation(prefix: string, bundle: (img: TestImage) => Promise<unknown>) {
  const img = await newImage(host, prefix)
  await attachBundle(host, img.repo, img.digest, (await bundle(img)) as object, SLSA)
  return { img, ...(await gate(img.ref, { attestations: SLSA })) }
}

/** A genuine SLSA attestation of `img` from the allowed identity. */
const genuine = async (img: TestImage, sigstore = ss): Promise<SerializedBundle> =>
  (await sigstore.attest(statementFor(img.digest))).bundle

/** The legacy `.sig` layer cosign v2 writes for `img`, and the tag it lives under. */
async function legacySig(img: TestImage) {
  const written = await writeLegacySig(ss, host, img.repo, img.digest)
  return { ...written, tag: `${digestTag(img.digest)}.sig` }
}

const cosignTags = { sources: 'cosign-tags' }
const V99 = 'application/vnd.dev.sigstore.bundle+json;version=9.9'

describe('T01 Signature bit-flip', () => {
  test('one bit of a logged DSSE signature flipped: the log entry no longer matches', async () => {
    const { result } = await gateOnAttestation('t01-dsse', async (img) =>
      mutate(await genuine(img), (b) => {
        b.dsseEnvelope.signatures[0].sig = flipBit(b.dsseEnvelope.signatures[0].sig)
      }),
    )
    expectRefused(result, { reason: /^TLOG_BODY_ERROR: tlog entry signature mismatch$/ })
  })

  test('a signature that does not verify with the certificate key (logged as is): SIGNATURE_ERROR', async () => {
    // The signer signs other bytes than the DSSE encoding: a well-formed signature, wrong message.
    const signer = await keyedSigner(ss, githubIdentity(), (_sig, data) =>
      crypto.sign('sha256', Buffer.concat([data, Buffer.from('!')]), signer.privateKey),
    )
    const { result } = await gateOnAttestation('t01-sig', (img) =>
      dsseBundle(ss, signer, statementFor(img.digest)),
    )
    expectRefused(result, { reason: /^SIGNATURE_ERROR: signature verification failed$/ })
  })

  test('a legacy .sig whose signature annotation has one bit flipped', async () => {
    const img = await newImage(host, 't01-legacy')
    const { layer, tag } = await legacySig(img)
    const sig = layer.annotations[COSIGN_ANN.SIG]!
    const bad = { ...layer, annotations: { ...layer.annotations, [COSIGN_ANN.SIG]: flipBit(sig) } }
    await writeLegacyTag(host, img.repo, tag, [bad], { append: false })
    const { result } = await gate(img.ref, cosignTags)
    expectRefused(result, { reason: /^TLOG_BODY_ERROR: signature mismatch$/ })
  })

  test('each bad candidate is listed with its reason in the finding', async () => {
    const img = await newImage(host, 't01-many')
    for (let i = 0; i < 2; i++) {
      const bad = mutate(await genuine(img), (b) => {
        b.dsseEnvelope.signatures[0].sig = flipBit(b.dsseEnvelope.signatures[0].sig)
      })
      await attachBundle(host, img.repo, img.digest, bad, SLSA)
    }
    const { result } = await gate(img.ref, { attestations: SLSA })
    const { findings, evidence } = expectRefused(result, {
      reason: /tlog entry signature mismatch/,
    })
    expect(evidence).toHaveLength(2)
    expect(findings[0]!.actual.match(/not verified \(TLOG_BODY_ERROR/g)).toHaveLength(2)
  })

  test.each([
    ['signature-mismatch_fail', /TLOG_BODY_ERROR: signature mismatch/],
    ['dsse-invalid-sig_fail', /TLOG_BODY_ERROR: tlog entry signature mismatch/],
  ])('conformance %s fails with exit 1', async (name, reason) => {
    await expectReplayFails(name, reason)
  })
})

describe('T02 DSSE envelope swap', () => {
  test('envelope B (same certificate, never logged) in the bundle that logged A', async () => {
    const { result } = await gateOnAttestation('t02', async (img) => {
      const signer = await keyedSigner(ss)
      const logged = await dsseBundle(ss, signer, statementFor(img.digest, SLSA, { a: 1 }))
      const other = Buffer.from(JSON.stringify(statementFor(img.digest, SLSA, { b: 2 })))
      const sig = signer.raw(pae('application/vnd.in-toto+json', other)).toString('base64')
      return mutate(logged, (b) => {
        b.dsseEnvelope.payload = other.toString('base64')
        b.dsseEnvelope.signatures = [{ sig, keyid: '' }]
      })
    })
    expectRefused(result, { reason: /^TLOG_BODY_ERROR: tlog entry signature mismatch$/ })
  })

  test('only the payload swapped (signature of A kept): the payload hash is not the logged one', async () => {
    const { result } = await gateOnAttestation('t02-payload', async (img) =>
      mutate(await genuine(img), (b) => {
        b.dsseEnvelope.payload = Buffer.from(
          JSON.stringify(statementFor(img.digest, SLSA, { evil: true })),
        ).toString('base64')
      }),
    )
    expectRefused(result, { reason: /^TLOG_BODY_ERROR: DSSE payload hash mismatch$/ })
  })

  test.each([
    ['dsse-mismatch-envelope_fail', /TLOG_BODY_ERROR: tlog entry signature mismatch/],
    ['rekor2-dsse-mismatch-envelope_fail', /TLOG_BODY_ERROR: signature mismatch/],
  ])('conformance %s fails with exit 1', async (name, reason) => {
    await expectReplayFails(name, reason)
  })
})

describe('T03 ECDSA re-signature of the same payload', () => {
  test('a second valid signature over statement A in place of the logged one', async () => {
    const { result } = await gateOnAttestation('t03', async (img) => {
      const signer = await keyedSigner(ss)
      const statement = statementFor(img.digest)
      const logged = await dsseBundle(ss, signer, statement)
      const body = Buffer.from(JSON.stringify(statement))
      const again = signer.raw(pae('application/vnd.in-toto+json', body))
      // ECDSA is randomised: same key, same message, a different (and valid) signature.
      expect(again.toString('base64')).not.toBe(logged.dsseEnvelope!.signatures[0]!.sig)
      expect(
        crypto.verify(
          'sha256',
          pae('application/vnd.in-toto+json', body),
          signer.privateKey,
          again,
        ),
      ).toBe(true)
      return mutate(logged, (b) => {
        b.dsseEnvelope.signatures[0].sig = again.toString('base64')
      })
    })
    expectRefused(result, { reason: /^TLOG_BODY_ERROR: tlog entry signature mismatch$/ })
  })

  test('a legacy .sig re-signed with the same key: the hashedrekord entry logs the other signature', async () => {
    const img = await newImage(host, 't03-legacy')
    const signer = await keyedSigner(ss)
    const payload = simpleSigningPayload(`${host}/${img.repo}`, img.digest)
    const { rekor } = await messageBundle(ss, signer, payload)
    const layer = legacySigLayer({
      payload,
      signatureB64: signer.raw(payload).toString('base64'),
      certPEM: signer.certPEM,
      chainPEM: ss.rootPEM,
      rekor,
    })
    await writeLegacyTag(host, img.repo, `${digestTag(img.digest)}.sig`, [layer])
    const { result } = await gate(img.ref, cosignTags)
    expectRefused(result, { reason: /^TLOG_BODY_ERROR: signature mismatch$/ })
  })

  test.each([
    ['dsse-mismatch-sig_fail', /TLOG_BODY_ERROR: tlog entry signature mismatch/],
    ['rekor2-dsse-mismatch-sig_fail', /TLOG_BODY_ERROR: signature mismatch/],
  ])('conformance %s fails with exit 1', async (name, reason) => {
    await expectReplayFails(name, reason)
  })
})

describe('T04 hashedrekord bound elsewhere', () => {
  test('a legacy .sig carrying another signature’s certificate (incorrect public key)', async () => {
    const img = await newImage(host, 't04-key')
    // Issued first, so it is valid at the signature's log time and the chain check passes.
    const other = await ss.signBlob(Buffer.from('something else'))
    const { layer, tag } = await legacySig(img)
    const bad = {
      ...layer,
      annotations: { ...layer.annotations, [COSIGN_ANN.CERT]: other.certPEM },
    }
    await writeLegacyTag(host, img.repo, tag, [bad], { append: false })
    const { result } = await gate(img.ref, cosignTags)
    expectRefused(result, { reason: /^SIGNATURE_ERROR: signature verification failed$/ })
  })

  test('a legacy .sig whose payload is not the logged artifact', async () => {
    const img = await newImage(host, 't04-artifact')
    const { layer, tag } = await legacySig(img)
    const payload = Buffer.from(layer.data.toString().replace('"optional":null', '"optional":{}'))
    await writeLegacyTag(host, img.repo, tag, [{ ...layer, data: payload }], { append: false })
    const { result } = await gate(img.ref, cosignTags)
    expectRefused(result, { reason: /^TLOG_BODY_ERROR: digest mismatch$/ })
  })

  test.each([
    ['wrong-hashedrekord-artifact_fail', /TLOG_BODY_ERROR: signature mismatch/],
    ['wrong-hashedrekord-cert-and-sig_fail', /TLOG_BODY_ERROR: signature mismatch/],
    ['wrong-hashedrekord-entry_fail', /TLOG_BODY_ERROR: signature mismatch/],
    ['incorrect-public-key_fail', /TLOG_INCLUSION_PROMISE_ERROR/],
    // Their messageDigest is not the artifact's: refused before the library is asked.
    ['message-digest-mismatch_fail', /the message signature logs the digest of other bytes/],
    ['wrong-material_fail', /the message signature logs the digest of other bytes/],
  ])('conformance %s fails with exit 1', async (name, reason) => {
    await expectReplayFails(name, reason)
  })
})

describe('T05 Splice a foreign Rekor entry', () => {
  test("image 2's log entry, SET and inclusion proof in image 1's bundle", async () => {
    const two = await newImage(host, 't05-two', 'image two\n')
    const { result } = await gateOnAttestation('t05', async (img) => {
      const own = await genuine(img)
      // Image 2 is signed after image 1, so its log time lies within image 1's certificate
      // validity and only the entry itself can be refused (signed first, a second boundary
      // between the two made it a certificate error under load).
      const foreign = (await genuine(two)).verificationMaterial.tlogEntries
      return mutate(own, (b) => {
        b.verificationMaterial.tlogEntries = structuredClone(foreign)
      })
    })
    expectRefused(result, { reason: /^TLOG_BODY_ERROR: tlog entry signature mismatch$/ })
  })

  test("legacy .sig: image 2's dev.sigstore.cosign/bundle annotation on image 1's signature", async () => {
    const one = await newImage(host, 't05-legacy-one')
    const two = await newImage(host, 't05-legacy-two', 'image two\n')
    const first = await legacySig(one)
    const second = await legacySig(two)
    const spliced = {
      ...first.layer,
      annotations: {
        ...first.layer.annotations,
        [COSIGN_ANN.BUNDLE]: second.layer.annotations[COSIGN_ANN.BUNDLE]!,
      },
    }
    await writeLegacyTag(host, one.repo, first.tag, [spliced], { append: false })
    const { result } = await gate(one.ref, cosignTags)
    expectRefused(result, { reason: /^TLOG_BODY_ERROR: signature mismatch$/ })
  })

  test('conformance intoto-log-entry-mismatch_fail fails with exit 1', async () => {
    await expectReplayFails('intoto-log-entry-mismatch_fail', /TLOG_BODY_ERROR/)
  })
})

describe('T06 Invalid SET or invalid inclusion proof must not fall back to success', () => {
  test('a corrupted SET, with a valid inclusion proof beside it', async () => {
    const { result, urls } = await gateOnAttestation('t06-set', async (img) =>
      mutate(await genuine(img), (b) => {
        const promise = b.verificationMaterial.tlogEntries[0].inclusionPromise
        promise.signedEntryTimestamp = flipBit(promise.signedEntryTimestamp)
      }),
    )
    expectRefused(result, {
      reason: /^TLOG_INCLUSION_PROMISE_ERROR: inclusion promise could not be verified$/,
    })
    // No online lookup: every request went to the registry (gateRun checks hosts too).
    expect(urls.every((u) => new URL(u).host === host)).toBe(true)
  })

  test('a corrupted inclusion-proof root hash, with a valid SET beside it', async () => {
    const { result } = await gateOnAttestation('t06-root', async (img) =>
      mutate(await genuine(img), (b) => {
        const proof = b.verificationMaterial.tlogEntries[0].inclusionProof
        proof.rootHash = flipBit(proof.rootHash)
      }),
    )
    // sigstore-js proves inclusion against the checkpoint alone; the gate also refuses a proof
    // that disagrees with it, as cosign does.
    expectRefused(result, {
      reason: /^the inclusion proof's root hash or tree size is not the signed checkpoint's$/,
    })
  })

  test('an inclusion proof claiming another tree size than its checkpoint', async () => {
    const { result } = await gateOnAttestation('t06-size', async (img) =>
      mutate(await genuine(img), (b) => {
        b.verificationMaterial.tlogEntries[0].inclusionProof.treeSize = '2'
      }),
    )
    expectRefused(result, {
      reason: /^the inclusion proof's root hash or tree size is not the signed checkpoint's$/,
    })
  })

  test('an inclusion proof with a forged extra hash, with a valid SET beside it', async () => {
    const { result } = await gateOnAttestation('t06-hash', async (img) =>
      mutate(await genuine(img), (b) => {
        const proof = b.verificationMaterial.tlogEntries[0].inclusionProof
        proof.hashes = [crypto.randomBytes(32).toString('base64')]
      }),
    )
    expectRefused(result, { reason: /^TLOG_INCLUSION_PROOF_ERROR: / })
  })

  test('a stale proof (another entry’s), with the valid SET kept', async () => {
    const earlier = await ss.attest(statementFor(`sha256:${'e'.repeat(64)}`))
    const { result } = await gateOnAttestation('t06-stale', async (img) =>
      mutate(await genuine(img), (b) => {
        const entry = b.verificationMaterial.tlogEntries[0]
        entry.inclusionProof = earlier.bundle.verificationMaterial.tlogEntries[0]!.inclusionProof
      }),
    )
    expectRefused(result, { reason: /^TLOG_INCLUSION_PROOF_ERROR: / })
  })

  test('the same stale proof with the SET removed: nothing authenticates a time', async () => {
    const earlier = await ss.attest(statementFor(`sha256:${'f'.repeat(64)}`))
    const { result } = await gateOnAttestation('t06-stale-noset', async (img) =>
      mutate(await genuine(img), (b) => {
        const entry = b.verificationMaterial.tlogEntries[0]
        entry.inclusionProof = earlier.bundle.verificationMaterial.tlogEntries[0]!.inclusionProof
        delete entry.inclusionPromise
      }),
    )
    expectRefused(result, { reason: /^TIMESTAMP_ERROR: expected 1 timestamps, got 0$/ })
  })

  test.each([
    ['set-invalid-signature_fail', /TLOG_INCLUSION_PROMISE_ERROR/],
    ['inclusion-proof-corrupted-hash_fail', /TLOG_INCLUSION_PROOF_ERROR: calculated root hash/],
    ['invalid-inclusion-proof_fail', /the bundle is malformed: invalid v0\.2 bundle/],
  ])('conformance %s fails with exit 1', async (name, reason) => {
    await expectReplayFails(name, reason)
  })
})

describe('T07 Missing inclusion proof / missing tlog entry', () => {
  test('a v0.3 bundle whose log entry has no inclusion proof (SET only)', async () => {
    const { result } = await gateOnAttestation('t07-proof', async (img) =>
      mutate(await genuine(img), (b) => {
        delete b.verificationMaterial.tlogEntries[0].inclusionProof
      }),
    )
    expectRefused(result, { reason: /^the bundle is malformed: invalid bundle .*inclusionProof/ })
  })

  test('a bundle with no log entries at all', async () => {
    const { result, urls } = await gateOnAttestation('t07-none', async (img) =>
      mutate(await genuine(img), (b) => {
        b.verificationMaterial.tlogEntries = []
      }),
    )
    expectRefused(result, { reason: /^TIMESTAMP_ERROR: expected 1 timestamps, got 0$/ })
    expect(urls.some((u) => /rekor/i.test(u))).toBe(false)
  })

  test('a keyless legacy .sig without the Rekor bundle annotation', async () => {
    const img = await newImage(host, 't07-legacy')
    const { layer, tag } = await legacySig(img)
    const annotations = without(layer.annotations, COSIGN_ANN.BUNDLE)
    await writeLegacyTag(host, img.repo, tag, [{ ...layer, annotations }], { append: false })
    const { result } = await gate(img.ref, cosignTags)
    expectRefused(result, { reason: /^TIMESTAMP_ERROR: expected 1 timestamps, got 0$/ })
  })

  test.each([
    ['intoto-missing-inclusion-proof_fail', /invalid v0\.2 bundle \(.*inclusionProof/],
    ['rekor2-no-inclusion-proof_fail', /invalid bundle .*inclusionProof/],
  ])('conformance %s fails with exit 1', async (name, reason) => {
    await expectReplayFails(name, reason)
  })
})

describe('T08 Checkpoint forgery', () => {
  /** The checkpoint note of the bundle's first entry, edited line by line. */
  const editCheckpoint = (edit: (lines: string[]) => void) => (b: AnyJson) => {
    const checkpoint = b.verificationMaterial.tlogEntries[0].inclusionProof.checkpoint
    const lines = (checkpoint.envelope as string).split('\n')
    edit(lines)
    checkpoint.envelope = lines.join('\n')
  }

  test('a checkpoint for another root hash (its signature then fails)', async () => {
    const { result } = await gateOnAttestation('t08-root', async (img) =>
      mutate(
        await genuine(img),
        editCheckpoint((lines) => {
          lines[2] = crypto.randomBytes(32).toString('base64')
        }),
      ),
    )
    expectRefused(result, { reason: /^TLOG_INCLUSION_PROOF_ERROR: / })
  })

  test('a checkpoint whose signature line is corrupted', async () => {
    const { result } = await gateOnAttestation('t08-sig', async (img) =>
      mutate(
        await genuine(img),
        editCheckpoint((lines) => {
          const i = lines.findIndex((l) => l.startsWith('\u2014 '))
          const [dash, origin, sig] = lines[i]!.split(' ')
          lines[i] = `${dash} ${origin} ${flipBit(sig!)}`
        }),
      ),
    )
    expectRefused(result, { reason: /^TLOG_INCLUSION_PROOF_ERROR: invalid checkpoint signature$/ })
  })

  test.each([
    ['checkpoint-wrong-roothash_fail', /TLOG_INCLUSION_PROOF_ERROR/],
    ['invalid-checkpoint-signature_fail', /invalid checkpoint signature/],
    ['checkpoint-bad-keyhint_fail', /invalid checkpoint signature/],
    ['rekor2-checkpoint-missing-log-signature_fail', /no signatures found in checkpoint/],
    ['rekor2-checkpoint-missing-origin_fail', /too few lines in checkpoint header/],
    ['rekor2-checkpoint-missing-root-hash_fail', /too few lines in checkpoint header/],
    ['rekor2-checkpoint-missing-size_fail', /too few lines in checkpoint header/],
    ['rekor2-checkpoint-no-matching-signature_fail', /invalid checkpoint signature/],
  ])('conformance %s fails with exit 1', async (name, reason) => {
    await expectReplayFails(name, reason)
  })

  test('conformance rekor2-checkpoint-origin-not-first still passes (no over-strictness)', async () => {
    const out = await replay('rekor2-checkpoint-origin-not-first')
    expect(out).toMatchObject({ code: 0, stdout: 'OK: the bundle verified\n' })
  })
})

describe('T09 Unauthenticated time', () => {
  // The verifier has no notion of "now": a certificate is judged at the verified time only. The
  // mock CA's root is issued at the real clock, so certificates live in [now, now + 10 min] and
  // the log clock is moved instead.
  const minute = 60_000
  const logAt = (offset: number) =>
    createMiniSigstore({
      tlogClock: new Date(Date.now() + offset),
      validFrom: new Date(Date.now() - 3 * 3600_000),
    })
  const gateWith = async (sigstore: MiniSigstore, edit: (b: AnyJson) => void = () => undefined) => {
    const img = await newImage(host, 't09')
    await attachBundle(host, img.repo, img.digest, mutate(await genuine(img, sigstore), edit), SLSA)
    return gate(img.ref, { attestations: SLSA, 'trusted-root': writeTrustedRoot(sigstore) })
  }

  test('control: a SET time inside the certificate window passes', async () => {
    const { result } = await gateWith(await logAt(5 * minute))
    expect(exitCode(result)).toBe(0)
  })

  test('no inclusion promise and no TSA: integratedTime alone is not a verified time', async () => {
    const { result } = await gateWith(await logAt(5 * minute), (b) => {
      delete b.verificationMaterial.tlogEntries[0].inclusionPromise
    })
    expectRefused(result, { reason: /^TIMESTAMP_ERROR: expected 1 timestamps, got 0$/ })
  })

  test('integratedTime moved into the certificate window without a new SET', async () => {
    const { result } = await gateWith(await logAt(30 * minute), (b) => {
      b.verificationMaterial.tlogEntries[0].integratedTime = String(
        Math.floor((Date.now() + 5 * minute) / 1000),
      )
    })
    expectRefused(result, {
      reason: /^TLOG_INCLUSION_PROMISE_ERROR: inclusion promise could not be verified$/,
    })
  })

  test.each([
    ['a SET time after the certificate expired (integrated time in the future)', 30 * minute],
    ['a SET time before the certificate was issued', -30 * minute],
  ])('%s', async (_name, offset) => {
    const { result } = await gateWith(await logAt(offset))
    expectRefused(result, { reason: /^CERTIFICATE_ERROR: / })
  })

  test.each([
    ['integrated-time-in-future_fail', /CERTIFICATE_ERROR/],
    ['intoto-set-outside-signing-cert-validity_fail', /CERTIFICATE_ERROR/],
    ['intoto-expired-certificate_fail', /CERTIFICATE_ERROR/],
    ['intoto-tsa-timestamp-outside-cert-validity_fail', /CERTIFICATE_ERROR/],
  ])('conformance %s fails with exit 1', async (name, reason) => {
    await expectReplayFails(name, reason)
  })
})

describe('T10 Missing certificate in keyless mode', () => {
  test('verification material with neither certificate nor key', async () => {
    const { result } = await gateOnAttestation('t10-none', async (img) =>
      mutate(await genuine(img), (b) => {
        delete b.verificationMaterial.certificate
      }),
    )
    expectRefused(result, { reason: /^the bundle is malformed: .*verificationMaterial\.content/ })
  })

  test('an empty certificate chain (v0.2)', async () => {
    const { result } = await gateOnAttestation('t10-empty', async (img) =>
      mutate(await genuine(img), (b) => {
        b.mediaType = 'application/vnd.dev.sigstore.bundle+json;version=0.2'
        delete b.verificationMaterial.certificate
        b.verificationMaterial.x509CertificateChain = { certificates: [] }
      }),
    )
    expectRefused(result, { reason: /^the bundle is malformed: .*x509CertificateChain/ })
  })

  test('a key hint in place of the certificate, with a valid SET: no key was configured', async () => {
    const { result } = await gateOnAttestation('t10-hint', async (img) =>
      mutate(await genuine(img), (b) => {
        delete b.verificationMaterial.certificate
        b.verificationMaterial.publicKey = { hint: 'attacker' }
      }),
    )
    expectRefused(result, { reason: /^it is signed with a key, but no public-key was given$/ })
  })

  test('a legacy .sig with the certificate annotation removed but its SET kept', async () => {
    const img = await newImage(host, 't10-legacy')
    const { layer, tag } = await legacySig(img)
    const annotations = without(layer.annotations, COSIGN_ANN.CERT, COSIGN_ANN.CHAIN)
    await writeLegacyTag(host, img.repo, tag, [{ ...layer, annotations }], { append: false })
    const { result } = await gate(img.ref, cosignTags)
    expectRefused(result, { reason: /^it is signed with a key, but no public-key was given$/ })
  })

  test('conformance bundle-empty-certificate-chain_fail fails with exit 1', async () => {
    await expectReplayFails('bundle-empty-certificate-chain_fail', /malformed/)
  })
})

describe('T11 Public key smuggled as a certificate', () => {
  const attackerKey = () => crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' })

  /** A `.sig` layer signed and logged with the attacker's key, `cert` holding what it likes. */
  async function smuggled(img: TestImage, cert: (pem: string) => string) {
    const { publicKey, privateKey } = attackerKey()
    const pem = publicKey.export({ format: 'pem', type: 'spki' }).toString()
    const signer = {
      sign: async (data: Buffer) => ({
        signature: crypto.sign('sha256', data, privateKey),
        key: { $case: 'publicKey' as const, publicKey: pem },
      }),
    }
    const payload = simpleSigningPayload(`${host}/${img.repo}`, img.digest)
    const { rekor } = await messageBundle(ss, signer, payload)
    const layer = legacySigLayer({
      payload,
      signatureB64: crypto.sign('sha256', payload, privateKey).toString('base64'),
      certPEM: cert(pem),
      chainPEM: ss.rootPEM,
      rekor,
    })
    await writeLegacyTag(host, img.repo, `${digestTag(img.digest)}.sig`, [layer])
  }

  test('a PEM PUBLIC KEY in the certificate annotation is a parse error, never a verifier', async () => {
    const img = await newImage(host, 't11-pem')
    await smuggled(img, (pem) => pem)
    const { result } = await gate(img.ref, cosignTags)
    expectRefused(result, { reason: /^the certificate annotation is not one PEM certificate$/ })
  })

  test('the key’s DER relabelled as a CERTIFICATE never becomes the verifier', async () => {
    const img = await newImage(host, 't11-der')
    await smuggled(img, (pem) =>
      pem
        .replace('BEGIN PUBLIC KEY', 'BEGIN CERTIFICATE')
        .replace('END PUBLIC KEY', 'END CERTIFICATE'),
    )
    const { result } = await gate(img.ref, cosignTags)
    expectRefused(result, { reason: /^CERTIFICATE_ERROR: Failed to verify certificate chain$/ })
  })

  describe('with a configured public key', () => {
    let user: crypto.KeyPairKeyObjectResult
    let keyFile: string
    beforeAll(() => {
      user = attackerKey()
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scg-t11-'))
      keyFile = path.join(dir, 'cosign.pub')
      fs.writeFileSync(keyFile, user.publicKey.export({ format: 'pem', type: 'spki' }))
    })
    const keyed = (ref: string) =>
      gateRun(host, { image: ref, 'trusted-root': root, 'public-key': keyFile, attestations: SLSA })
    const keySigner = (key: crypto.KeyObject, pub: crypto.KeyObject, hint: string) => ({
      sign: async (data: Buffer) => ({
        signature: crypto.sign('sha256', data, key),
        key: {
          $case: 'publicKey' as const,
          publicKey: pub.export({ format: 'pem', type: 'spki' }).toString(),
          hint,
        },
      }),
    })

    test('control: the user’s own key-signed bundle passes', async () => {
      const img = await newImage(host, 't11-user')
      const bundle = await dsseBundle(
        ss,
        keySigner(user.privateKey, user.publicKey, 'user'),
        statementFor(img.digest),
        { witnesses: [] },
      )
      await attachBundle(host, img.repo, img.digest, bundle, SLSA)
      expect((await keyed(img.ref)).result.verdict).toBe('pass')
    })

    test('a bundle signed by the attacker’s key, naming it as its hint, does not outrank the configured key', async () => {
      const img = await newImage(host, 't11-hint')
      const attacker = attackerKey()
      const bundle = await dsseBundle(
        ss,
        keySigner(attacker.privateKey, attacker.publicKey, 'attacker'),
        statementFor(img.digest),
        { witnesses: [] },
      )
      await attachBundle(host, img.repo, img.digest, bundle, SLSA)
      const { result } = await keyed(img.ref)
      expectRefused(result, { reason: /^SIGNATURE_ERROR: signature verification failed$/ })
    })

    test('a certificate-signed bundle (even from the trusted CA) is refused when a key is configured', async () => {
      const img = await newImage(host, 't11-cert')
      await attachBundle(host, img.repo, img.digest, await genuine(img), SLSA)
      const { result } = await keyed(img.ref)
      expectRefused(result, {
        reason: /^it is signed with a certificate, but a public key was required$/,
      })
    })
  })
})

describe('T12 Chain to an untrusted CA', () => {
  test('a rogue CA issues the exact expected SAN and issuer', async () => {
    const rogue = await createMiniSigstore()
    const { result } = await gateOnAttestation('t12-rogue', (img) => genuine(img, rogue))
    expectRefused(result, { reason: /^CERTIFICATE_ERROR: Failed to verify certificate chain$/ })
  })

  test('the root certificate included in the bundle chain', async () => {
    const { result } = await gateOnAttestation('t12-root', async (img) =>
      mutate(await genuine(img), (b) => {
        b.mediaType = 'application/vnd.dev.sigstore.bundle+json;version=0.2'
        const leaf = b.verificationMaterial.certificate.rawBytes
        delete b.verificationMaterial.certificate
        b.verificationMaterial.x509CertificateChain = {
          certificates: [{ rawBytes: leaf }, { rawBytes: pemToDer(ss.rootPEM).toString('base64') }],
        }
      }),
    )
    expectRefused(result, { reason: /^the bundle certificate chain contains a root certificate$/ })
  })

  test('a GitHub-instance (private repository) bundle against a public-good trusted root', async () => {
    const github = await createGithubSigstore()
    const { result } = await gateOnAttestation('t12-github', (img) =>
      github.attest(statementFor(img.digest), githubIdentity()),
    )
    // Its timestamp authority is not in that root either, and that is checked first.
    expectRefused(result, { reason: /^TIMESTAMP_ERROR: timestamp could not be verified$/ })
  })

  test("a GitHub-instance bundle when only the public-good root is loaded: GitHub's root is never substituted", async () => {
    const github = await createGithubSigstore()
    const img = await newImage(host, 't12-github-tuf')
    await attachBundle(
      host,
      img.repo,
      img.digest,
      await github.attest(statementFor(img.digest), githubIdentity()),
      SLSA,
    )
    const { result } = await gateRun(
      host,
      { image: img.ref, 'certificate-identity': APP_SAN, attestations: SLSA },
      { loadPublicGood: async () => ss.trustedRoot },
    )
    expectRefused(result, {
      reason:
        /^it was signed by GitHub's Sigstore instance, whose trusted root is not available here$/,
    })
  })

  test.each([
    ['bundle-with-root-cert_fail', /the bundle certificate chain contains a root certificate/],
    ['bundle-from-wrong-instance_fail', /CERTIFICATE_ERROR: Failed to verify certificate chain/],
  ])('conformance %s fails with exit 1', async (name, reason) => {
    await expectReplayFails(name, reason)
  })
})

describe('T13 SCT / CT', () => {
  test('a certificate without an SCT (CA with no CT log, trusted root with one)', async () => {
    const noCT = await createMiniSigstore({ withCTLog: false })
    const img = await newImage(host, 't13')
    await attachBundle(host, img.repo, img.digest, await genuine(img, noCT), SLSA)
    const { result } = await gate(img.ref, {
      attestations: SLSA,
      'trusted-root': writeTrustedRoot(noCT),
    })
    expectRefused(result, { reason: /^CERTIFICATE_ERROR: expected 1 SCTs, got 0$/ })
  })

  test('conformance invalid-ct-key_fail fails with exit 1', async () => {
    await expectReplayFails('invalid-ct-key_fail', /CERTIFICATE_ERROR: SCT verification failed/)
  })
})

describe('T14 Endless data inside one bundle', () => {
  let trust: Trust
  beforeAll(async () => {
    trust = await loadTrust({
      trustedRootPath: root,
      loadPublicGood: () => Promise.reject(new Error('offline')),
    })
  })

  /** Refused with `reason` by the structural checks, before any cryptography (< 100 ms). */
  function refusedFast(bundle: unknown, reason: RegExp): void {
    const started = performance.now()
    expect(() => verifyBundle(bundle, trust)).toThrow(BundleError)
    expect(() => verifyBundle(bundle, trust)).toThrow(reason)
    expect((performance.now() - started) / 2).toBeLessThan(100)
  }

  test('33 transparency-log entries', async () => {
    const { result, img } = await gateOnAttestation('t14-tlog', async (i) =>
      mutate(await genuine(i), (b) => {
        b.verificationMaterial.tlogEntries = Array(33).fill(b.verificationMaterial.tlogEntries[0])
      }),
    )
    expectRefused(result, { reason: /^the bundle has more than 32 log entries$/ })
    const again = mutate(await genuine(img), (b) => {
      b.verificationMaterial.tlogEntries = Array(33).fill(b.verificationMaterial.tlogEntries[0])
    })
    refusedFast(again, /more than 32 log entries/)
  })

  test('33 RFC 3161 timestamps', async () => {
    const stamp = { signedTimestamp: Buffer.from('not a token').toString('base64') }
    const { result, img } = await gateOnAttestation('t14-tsa', async (i) =>
      mutate(await genuine(i), (b) => {
        b.verificationMaterial.timestampVerificationData = {
          rfc3161Timestamps: Array(33).fill(stamp),
        }
      }),
    )
    expectRefused(result, { reason: /^the bundle has more than 32 timestamps$/ })
    const again = mutate(await genuine(img), (b) => {
      b.verificationMaterial.timestampVerificationData = {
        rfc3161Timestamps: Array(33).fill(stamp),
      }
    })
    refusedFast(again, /more than 32 timestamps/)
  })

  test('a validly signed statement with 1025 subjects', async () => {
    const { result } = await gateOnAttestation('t14-subjects', async (img) => {
      const statement = statementFor(img.digest)
      const filler = Array.from({ length: 1024 }, (_, i) => ({
        name: `filler-${i}`,
        digest: { sha256: crypto.createHash('sha256').update(String(i)).digest('hex') },
      }))
      return genuineOf({ ...statement, subject: [...statement.subject, ...filler] })
    })
    expectRefused(result, { reason: /^the statement has more than 1024 subjects$/ })
  })

  test('one subject with 33 digest algorithms', async () => {
    const { result } = await gateOnAttestation('t14-digests', async (img) => {
      const digest: Record<string, string> = { sha256: img.digest.slice(7) }
      for (let i = 0; i < 32; i++) digest[`alg${i}`] = 'ab'.repeat(32)
      return genuineOf({ ...statementFor(img.digest), subject: [{ name: 'x', digest }] })
    })
    expectRefused(result, { reason: /^a statement subject has more than 32 digests$/ })
  })

  const genuineOf = async (statement: object) => (await ss.attest(statement)).bundle
})

describe('T15 Threshold counted per log', () => {
  test('the same log entry twice is refused, not counted twice', async () => {
    const { result } = await gateOnAttestation('t15-dup', async (img) =>
      mutate(await genuine(img), (b) => {
        b.verificationMaterial.tlogEntries.push(
          structuredClone(b.verificationMaterial.tlogEntries[0]),
        )
      }),
    )
    expectRefused(result, {
      reason: /^(TIMESTAMP_ERROR: duplicate timestamp|TLOG_ERROR: duplicate tlog entry)$/,
    })
  })

  test('the same signature logged twice in one log (two indices, two valid SETs)', async () => {
    const { result } = await gateOnAttestation('t15-twice', async (img) => {
      const signer = await keyedSigner(ss)
      const bundle = await dsseBundle(ss, signer, statementFor(img.digest), {
        witnesses: [new MockRekorWitness(ss.tlog), new MockRekorWitness(ss.tlog)],
      })
      const [a, b] = bundle.verificationMaterial.tlogEntries
      expect(a!.logIndex).not.toBe(b!.logIndex)
      return bundle
    })
    expectRefused(result, {
      reason: /^(TIMESTAMP_ERROR: duplicate timestamp|TLOG_ERROR: duplicate tlog entry)$/,
    })
  })
})

describe('T16 Malformed bundles and fuzz', () => {
  /** An image whose only referrer holds `bytes` as its bundle layer; the gate must refuse it. */
  async function refusedLayer(
    prefix: string,
    bytes: (img: TestImage) => Promise<Buffer>,
    reason: RegExp,
  ) {
    const img = await newImage(host, prefix)
    await attachRaw(host, img, await bytes(img))
    const { result } = await gate(img.ref, { attestations: SLSA })
    expectRefused(result, { reason })
  }
  const json = (value: unknown) => Buffer.from(JSON.stringify(value))

  test('truncated JSON', async () => {
    await refusedLayer(
      't16-truncated',
      async (img) => json(await genuine(img)).subarray(0, 700),
      /^the bundle layer is not JSON$/,
    )
  })

  test('a truncated DER certificate', async () => {
    await refusedLayer(
      't16-der',
      async (img) =>
        json(
          mutate(await genuine(img), (b) => {
            const der = Buffer.from(b.verificationMaterial.certificate.rawBytes, 'base64')
            b.verificationMaterial.certificate.rawBytes = der.subarray(0, 200).toString('base64')
          }),
        ),
      /^the bundle holds a certificate that cannot be parsed$/,
    )
  })

  test('ASN.1 nested deeper than 100 in the certificate', async () => {
    let der = Buffer.from([0x05, 0x00])
    for (let i = 0; i < 200; i++) {
      const n = der.length
      const length = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff]
      der = Buffer.concat([Buffer.from([0x30, ...length]), der])
    }
    await refusedLayer(
      't16-asn1',
      async (img) =>
        json(
          mutate(await genuine(img), (b) => {
            b.verificationMaterial.certificate.rawBytes = der.toString('base64')
          }),
        ),
      /^the bundle holds a certificate that cannot be parsed$/,
    )
  })

  test('JSON nested 100 000 deep', async () => {
    await refusedLayer(
      't16-deep',
      async () =>
        Buffer.from(
          `{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json","verificationMaterial":${'['.repeat(100_000)}${']'.repeat(100_000)}}`,
        ),
      /^(the bundle layer is not JSON|the bundle is malformed: .*)$/,
    )
  })

  test('NaN-like and huge numbers', async () => {
    await refusedLayer(
      't16-numbers',
      async (img) => {
        const text = JSON.stringify(await genuine(img))
        return Buffer.from(
          text
            .replace(/"logIndex":"\d+"/, '"logIndex":1e400')
            .replace(/"integratedTime":"\d+"/, '"integratedTime":-1'),
        )
      },
      /./,
    )
  })

  // One bundle, one reading: JSON.parse keeps the last of two keys, other parsers the first.
  test.each([
    ['last', (text: string) => text.replace(/}$/, `,"mediaType":"${V99}"}`)],
    ['first', (text: string) => `{"mediaType":"${V99}",${text.slice(1)}`],
  ])(
    'a duplicate mediaType key (the unsupported one %s) is refused as a repeated key',
    async (at, edit) => {
      await refusedLayer(
        `t16-dupkey-${at}`,
        async (img) => Buffer.from(edit(JSON.stringify(await genuine(img)))),
        /^the bundle layer repeats the key "mediaType"$/,
      )
    },
  )

  test('conformance bundle-malformed-json_fail: the CLI refuses the file (exit 2), no crash', async () => {
    const out = await replay('bundle-malformed-json_fail')
    expect(out.code).toBe(2)
    expect(out.stdout).toBe('')
    expect(out.stderr).toMatch(/cannot be read as JSON: not JSON: a string is not closed/)
  })

  test.each([
    ['bundle-unknown-version_fail', /unsupported bundle media type/],
    ['bundle-invalid-base64-signature_fail', /TLOG_INCLUSION_PROMISE_ERROR/],
    ['bundle-negative-log-index_fail', /TLOG_INCLUSION_PROMISE_ERROR/],
  ])('conformance %s fails with exit 1', async (name, reason) => {
    await expectReplayFails(name, reason)
  })
})

describe('T17 Rekor v2 / TSA requirements', () => {
  let githubRoot: string
  let github: Awaited<ReturnType<typeof createGithubSigstore>>
  beforeAll(async () => {
    github = await createGithubSigstore()
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scg-t17-'))
    githubRoot = path.join(dir, 'trusted_root.json')
    fs.writeFileSync(githubRoot, JSON.stringify(github.trustedRootJSON))
  })
  const tsaGate = (ref: string) => gate(ref, { attestations: SLSA, 'trusted-root': githubRoot })
  const tsaBundle = (img: TestImage) => github.attest(statementFor(img.digest), githubIdentity())

  test('control: a GitHub-instance bundle with its one signed timestamp passes', async () => {
    const img = await newImage(host, 't17-ok')
    await attachBundle(host, img.repo, img.digest, await tsaBundle(img), SLSA)
    expect(exitCode((await tsaGate(img.ref)).result)).toBe(0)
  })

  test('no log entry and the timestamp removed: no verified time', async () => {
    const img = await newImage(host, 't17-none')
    const bundle = mutate(await tsaBundle(img), (b) => {
      b.verificationMaterial.timestampVerificationData = { rfc3161Timestamps: [] }
    })
    await attachBundle(host, img.repo, img.digest, bundle, SLSA)
    expectRefused((await tsaGate(img.ref)).result, {
      reason: /^TIMESTAMP_ERROR: expected 1 timestamps, got 0$/,
    })
  })

  test('a timestamp over another signature (payload mismatch)', async () => {
    const img = await newImage(host, 't17-other')
    const other = await github.attest(statementFor(`sha256:${'1'.repeat(64)}`), githubIdentity())
    const bundle = mutate(await tsaBundle(img), (b) => {
      b.verificationMaterial.timestampVerificationData =
        other.verificationMaterial.timestampVerificationData
    })
    await attachBundle(host, img.repo, img.digest, bundle, SLSA)
    expectRefused((await tsaGate(img.ref)).result, {
      reason: /^TIMESTAMP_ERROR: timestamp could not be verified$/,
    })
  })

  test('a log entry without its promise, timed by the TSA: verified, and the integratedTime nobody signed is not reported', async () => {
    const withTsa = await createMiniSigstore({ withTSA: true })
    const img = await newImage(host, 't09-tsa-no-set')
    const logged = await withTsa.attest(statementFor(img.digest), { witnesses: 'both' })
    const bundle = mutate(logged.bundle, (b) => {
      delete b.verificationMaterial.tlogEntries[0].inclusionPromise
      b.verificationMaterial.tlogEntries[0].integratedTime = '9'.repeat(17)
    })
    await attachBundle(host, img.repo, img.digest, bundle, SLSA)
    const { result } = await gate(img.ref, {
      attestations: SLSA,
      'trusted-root': writeTrustedRoot(withTsa),
    })
    expect(exitCode(result)).toBe(0)
    const [entry] = result.images[0]!.evidence.find((e) => e.verified)!.tlog
    expect(entry).toEqual({ logIndex: expect.any(String) })
  })

  test('a public-good certificate with only a timestamp and no log entry', async () => {
    const withTsa = await createMiniSigstore({ withTSA: true })
    const img = await newImage(host, 't17-tsa-only')
    const { bundle } = await withTsa.attest(statementFor(img.digest), { witnesses: 'tsa' })
    await attachBundle(host, img.repo, img.digest, bundle, SLSA)
    const { result } = await gate(img.ref, {
      attestations: SLSA,
      'trusted-root': writeTrustedRoot(withTsa),
    })
    expectRefused(result, { reason: /^TLOG_ERROR: expected 1 tlog entries, got 0$/ })
  })

  test.each([
    ['rekor2-no-timestamp_fail', /TIMESTAMP_ERROR: expected 1 timestamps, got 0/],
    ['rekor2-timestamp-untrusted-tsa-with-embedded-cert_fail', /TIMESTAMP_ERROR/],
    ['rekor2-timestamp-untrusted-tsa-without-embedded-cert_fail', /TIMESTAMP_ERROR/],
    ['rekor2-timestamp-payload-mismatch_fail', /TIMESTAMP_ERROR/],
    ['rekor2-timestamp-outside-trust-root-tsa-validity_fail', /TIMESTAMP_ERROR/],
    ['rekor2-timestamp-outside-tsa-cert-validity_fail', /TIMESTAMP_ERROR/],
    ['rekor2-timestamp-with-incorrect-time_fail', /CERTIFICATE_ERROR/],
  ])('conformance %s fails with exit 1', async (name, reason) => {
    await expectReplayFails(name, reason)
  })
})
