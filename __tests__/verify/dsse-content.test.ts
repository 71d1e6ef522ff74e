// DsseContent replaces the library's DSSE signature content only to avoid copying the payload:
// every answer it gives must be the library's, for every key type and every tampering.
import crypto from 'node:crypto'
import type { Bundle, Envelope } from '@sigstore/bundle'
import { toSignedEntity } from '@sigstore/verify'
import fc from 'fast-check'
import { DsseContent } from '../../src/verify/dsse-content.js'

// The library's own content for an envelope (DSSESignatureContent is not exported on its own).
function libraryContent(envelope: Envelope): ReturnType<typeof toSignedEntity>['signature'] {
  const bundle = {
    mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
    verificationMaterial: {
      content: { $case: 'publicKey', publicKey: { hint: '' } },
      tlogEntries: [],
      timestampVerificationData: undefined,
    },
    content: { $case: 'dsseEnvelope', dsseEnvelope: envelope },
  } as unknown as Bundle
  return toSignedEntity(bundle).signature
}

function pae(payloadType: string, payload: Buffer): Buffer {
  const type = Buffer.from(payloadType, 'utf8')
  return Buffer.concat([
    Buffer.from(`DSSEv1 ${type.length} `),
    type,
    Buffer.from(` ${payload.length} `),
    payload,
  ])
}

const KEYS = {
  'ECDSA P-256': crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }),
  'ECDSA P-384': crypto.generateKeyPairSync('ec', { namedCurve: 'P-384' }),
  'RSA 2048': crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }),
  Ed25519: crypto.generateKeyPairSync('ed25519'),
}
type KeyName = keyof typeof KEYS
const OTHER = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' })

const envelope = (payloadType: string, payload: Buffer, sig: Buffer): Envelope => ({
  payloadType,
  payload,
  signatures: [{ keyid: '', sig }],
})

// Signatures a signer might produce: the library's default, another digest, over other bytes.
function signatures(name: KeyName, payloadType: string, payload: Buffer): Buffer[] {
  const { privateKey } = KEYS[name]
  const signed = pae(payloadType, payload)
  const sigs = [crypto.sign(undefined, signed, privateKey), Buffer.alloc(0), Buffer.from('x')]
  sigs.push(
    crypto.sign(
      undefined,
      pae(payloadType, Buffer.concat([payload, Buffer.from(' ')])),
      privateKey,
    ),
  )
  if (name !== 'Ed25519') sigs.push(crypto.sign('sha384', signed, privateKey))
  return sigs
}

function expectSameAnswers(env: Envelope): void {
  const ours = new DsseContent(env)
  const theirs = libraryContent(env)
  for (const { publicKey } of [...Object.values(KEYS), OTHER]) {
    expect(ours.verifySignature(publicKey)).toBe(theirs.verifySignature(publicKey))
  }
  const signedDigest = crypto
    .createHash('sha256')
    .update(pae(env.payloadType, env.payload))
    .digest()
  const payloadDigest = crypto.createHash('sha256').update(env.payload).digest()
  for (const digest of [signedDigest, payloadDigest, Buffer.alloc(32), Buffer.alloc(0)]) {
    expect(ours.compareSignedDigest(digest)).toBe(theirs.compareSignedDigest(digest))
    expect(ours.compareDigest(digest)).toBe(theirs.compareDigest(digest))
  }
  for (const sig of [theirs.signature, Buffer.alloc(0), Buffer.from('other')]) {
    expect(ours.compareSignature(sig)).toBe(theirs.compareSignature(sig))
  }
  expect(ours.signature.equals(theirs.signature)).toBe(true)
}

describe('DsseContent', () => {
  it.each(Object.keys(KEYS) as KeyName[])(
    'verifies a %s signature exactly when the library does',
    (name) => {
      const payloadType = 'application/vnd.in-toto+json'
      const payload = Buffer.from('{"_type":"https://in-toto.io/Statement/v1"}')
      const [genuine, ...others] = signatures(name, payloadType, payload)
      const ours = new DsseContent(envelope(payloadType, payload, genuine!))
      expect(ours.verifySignature(KEYS[name].publicKey)).toBe(true)
      expect(ours.verifySignature(OTHER.publicKey)).toBe(false)
      for (const sig of [genuine!, ...others])
        expectSameAnswers(envelope(payloadType, payload, sig))
    },
  )

  it('hashes a payload over 1 MiB in pieces with the same result', () => {
    const payload = crypto.randomBytes(1536 * 1024)
    const payloadType = 'application/vnd.in-toto+json'
    for (const sig of signatures('ECDSA P-256', payloadType, payload)) {
      expectSameAnswers(envelope(payloadType, payload, sig))
    }
    const genuine = signatures('ECDSA P-256', payloadType, payload)[0]!
    const flipped = Buffer.from(payload)
    flipped[flipped.length - 1]! ^= 1
    expect(
      new DsseContent(envelope(payloadType, flipped, genuine)).verifySignature(
        KEYS['ECDSA P-256'].publicKey,
      ),
    ).toBe(false)
  })

  it('gives the library’s answers for any payload type, payload and signature', () => {
    const names = Object.keys(KEYS) as KeyName[]
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 40 }),
        fc.uint8Array({ maxLength: 300 }),
        fc.constantFrom(...names),
        fc.nat(),
        (payloadType, bytes, name, pick) => {
          const payload = Buffer.from(bytes)
          const sigs = signatures(name, payloadType, payload)
          expectSameAnswers(envelope(payloadType, payload, sigs[pick % sigs.length]!))
        },
      ),
      { numRuns: 60 },
    )
  })
})
