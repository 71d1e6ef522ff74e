// A GitHub-style Sigstore instance for tests, as GitHub runs for private repositories
// (fulcio.githubapp.com + timestamp.githubapp.com): a Fulcio CA whose name carries
// O=GitHub, Inc., and an RFC 3161 TSA; no Rekor and no CT log, so leaf certificates have no SCT
// and bundles hold one signed timestamp and no log entry.
//
// @sigstore/mock's CA always names itself CN=sigstore,O=sigstore.mock, so the CA and its leaf
// certificates are made here, with the libraries the mock itself uses (@peculiar/x509 and
// @peculiar/webcrypto, loaded from where @sigstore/mock resolves them). Signing and timestamping
// reuse mini-sigstore's signer and TSA witness.
import crypto from 'node:crypto'
import { createRequire } from 'node:module'
import { bundleToJSON, type SerializedBundle } from '@sigstore/bundle'
import { initializeTSA } from '@sigstore/mock/dist/timestamp/tsa.js'
import { TrustedRoot } from '@sigstore/protobuf-specs'
import { DSSEBundleBuilder } from '@sigstore/sign'
import {
  INTOTO_PAYLOAD_TYPE,
  MockFulcioSigner,
  MockTSAWitness,
  githubIdentity,
  type Identity,
} from './mini-sigstore.js'

export interface GithubSigstore {
  /** What GitHub's TUF repository would serve as trusted_root.json (TrustedRoot.toJSON output). */
  trustedRootJSON: Record<string, unknown>
  trustedRoot: TrustedRoot
  /** DSSE-signs an in-toto statement: leaf from the GitHub-named CA, one TSA timestamp. */
  attest(statement: object, identity?: Identity): Promise<SerializedBundle>
}

/** The CA name of GitHub's Fulcio intermediate (as in gh's github_provenance_demo fixture). */
const CA_NAME = [{ '2.5.4.10': ['GitHub, Inc.'] }, { '2.5.4.3': ['Fulcio Intermediate l2'] }]

export interface Peculiar {
  x509: any // eslint-disable-line @typescript-eslint/no-explicit-any -- untyped deep require
  webcrypto: Crypto
}

/** @peculiar/x509 and the WebCrypto it runs on, as the Sigstore mock loads them. */
export function peculiar(): Peculiar {
  const req = createRequire(
    createRequire(import.meta.url).resolve('@sigstore/mock/dist/fulcio/ca.js'),
  )
  req('reflect-metadata')
  const { Crypto } = req('@peculiar/webcrypto') as { Crypto: new () => Crypto }
  return { x509: req('@peculiar/x509'), webcrypto: new Crypto() }
}

const derUtf8 = (value: string): Buffer => {
  const bytes = Buffer.from(value)
  if (bytes.length > 255) throw new Error('extension value too long for this helper')
  return Buffer.concat([
    Buffer.from([0x0c, ...(bytes.length < 0x80 ? [] : [0x81]), bytes.length]),
    bytes,
  ])
}

/** Creates the instance (a few tens of ms). */
export async function createGithubSigstore(): Promise<GithubSigstore> {
  const { x509, webcrypto } = peculiar()
  const ecdsa = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' }
  const caKeys = (await webcrypto.subtle.generateKey(ecdsa, true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair
  const start = new Date(Date.now() - 3600_000)
  const caCert = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: '01',
      name: CA_NAME,
      notBefore: start,
      notAfter: new Date(Date.now() + 86_400_000),
      signingAlgorithm: ecdsa,
      keys: caKeys,
      extensions: [
        new x509.BasicConstraintsExtension(true, undefined, true),
        new x509.KeyUsagesExtension(
          x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
          true,
        ),
        await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey, false, webcrypto),
      ],
    },
    webcrypto,
  )

  // The mock TSA writes milliseconds that @sigstore/core rejects unless they have three digits
  // (see mini-sigstore): its clock is set to a whole second before each stamp.
  const tsaClock = new Date()
  const tick = (): void => void tsaClock.setTime(Math.floor(Date.now() / 1000) * 1000)
  const tsa = await initializeTSA(
    crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' }),
    tsaClock,
  )

  const issue = async (publicKeySPKI: Buffer, identity: Identity): Promise<Buffer> => {
    const key = await webcrypto.subtle.importKey(
      'spki',
      new Uint8Array(publicKeySPKI),
      ecdsa,
      true,
      ['verify'],
    )
    const now = new Date()
    const cert = await x509.X509CertificateGenerator.create(
      {
        serialNumber: crypto.randomBytes(8).toString('hex'),
        issuer: CA_NAME,
        subject: [],
        notBefore: now,
        notAfter: new Date(now.getTime() + 10 * 60_000),
        publicKey: key,
        signingKey: caKeys.privateKey,
        signingAlgorithm: ecdsa,
        extensions: [
          new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
          new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.codeSigning]),
          new x509.SubjectAlternativeNameExtension([{ type: 'url', value: identity.san }], true),
          await x509.SubjectKeyIdentifierExtension.create(key, false, webcrypto),
          await x509.AuthorityKeyIdentifierExtension.create(caKeys.publicKey, false, webcrypto),
          ...identity.extensions.map(
            (e) =>
              new x509.Extension(e.oid, false, e.legacy ? Buffer.from(e.value) : derUtf8(e.value)),
          ),
        ],
      },
      webcrypto,
    )
    return Buffer.from(cert.rawData)
  }

  const validFor = { start, end: undefined }
  const toBuf = (v: ArrayBufferView): Buffer => Buffer.from(v.buffer, v.byteOffset, v.byteLength)
  const trustedRoot: TrustedRoot = {
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: [],
    ctlogs: [],
    certificateAuthorities: [
      {
        subject: { organization: 'GitHub, Inc.', commonName: 'Fulcio Intermediate l2' },
        uri: 'https://fulcio.githubapp.test',
        certChain: { certificates: [{ rawBytes: Buffer.from(caCert.rawData) }] },
        validFor,
        operator: 'github-sigstore.test',
      },
    ],
    timestampAuthorities: [
      {
        subject: { organization: 'GitHub, Inc.', commonName: 'Internal Services Root' },
        uri: 'https://timestamp.githubapp.test',
        certChain: {
          certificates: [
            { rawBytes: toBuf(tsa.intCertificate) },
            { rawBytes: toBuf(tsa.rootCertificate) },
          ],
        },
        validFor,
        operator: 'github-sigstore.test',
      },
    ],
  }

  return {
    trustedRootJSON: TrustedRoot.toJSON(trustedRoot) as Record<string, unknown>,
    trustedRoot,
    async attest(statement, identity = githubIdentity({ visibility: 'private' })) {
      const bundle = await new DSSEBundleBuilder({
        signer: new MockFulcioSigner(issue, identity),
        witnesses: [new MockTSAWitness(tsa, tick)],
      }).create({ data: Buffer.from(JSON.stringify(statement)), type: INTOTO_PAYLOAD_TYPE })
      return bundleToJSON(bundle)
    },
  }
}
