// mini-sigstore: a fully offline, in-process Sigstore (Fulcio CA + CT log + Rekor v1 log, optional
// RFC 3161 TSA) for tests. Ported from the reference harness (lib/mini-sigstore.mjs).
//
// Built on @sigstore/mock's building blocks, called DIRECTLY (no nock, no HTTP), and on
// @sigstore/sign's DSSEBundleBuilder / MessageSignatureBundleBuilder with our own Signer and
// Witness implementations.
//
// IMPORTANT: only ever import @sigstore/mock through its *deep* paths. The package root requires
// nock, and requiring nock patches node:http for the whole process (pitfall P2).
import crypto from 'node:crypto'
import { createRequire } from 'node:module'
import { initializeCA, type CA, type ExtensionValue } from '@sigstore/mock/dist/fulcio/ca.js'
import { initializeCTLog, type CTLog } from '@sigstore/mock/dist/fulcio/ctlog.js'
import { initializeTLog, type TLog } from '@sigstore/mock/dist/rekor/tlog.js'
import { initializeTSA, type TSA } from '@sigstore/mock/dist/timestamp/tsa.js'
import { toProposedEntry } from '@sigstore/sign/dist/witness/tlog/entry.js'
import {
  DSSEBundleBuilder,
  MessageSignatureBundleBuilder,
  type Signature,
  type SignatureBundle,
  type Signer,
  type VerificationMaterial,
  type Witness,
} from '@sigstore/sign'
import {
  bundleToJSON,
  envelopeToJSON,
  type Envelope,
  type SerializedBundle,
  type TransparencyLogEntry,
} from '@sigstore/bundle'
import { HashAlgorithm, PublicKeyDetails, TrustedRoot } from '@sigstore/protobuf-specs'

export type { ExtensionValue }

export const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com'
export const INTOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json'
export const INTOTO_STATEMENT_V1 = 'https://in-toto.io/Statement/v1'
/** predicateType of cosign v3's new-format (bundle) image signature. */
export const COSIGN_SIGN_PREDICATE = 'https://sigstore.dev/cosign/sign/v1'

/**
 * Who the leaf certificate says signed. `sanType` 'uri' (the default) is what Fulcio issues for
 * workload identities such as GitHub Actions; 'email' gives an rfc822Name SAN, as Fulcio issues
 * for people signing with an email-based OIDC account.
 */
export interface Identity {
  san: string
  sanType?: 'uri' | 'email'
  /** More names in the same SAN extension, after `san` (hostile certificates: catalog T81). */
  extraSans?: { type: 'uri' | 'email'; value: string }[]
  extensions: ExtensionValue[]
}

/** A Rekor v1 API log entry (what `POST /api/v1/log/entries` returns), plus its uuid. */
export interface RekorEntry {
  uuid: string
  body: string
  integratedTime: number
  logID: string
  logIndex: number
  verification: {
    signedEntryTimestamp: string
    inclusionProof: {
      logIndex: number
      treeSize: number
      rootHash: string
      hashes: string[]
      checkpoint: string
    }
  }
}

export interface SignResult {
  /** The bundle as `bundleToJSON` gives it (what actions/attest and cosign v3 publish). */
  bundle: SerializedBundle
  /** The leaf certificate, PEM. */
  certPEM: string
  /** Raw Rekor v1 entry (for cosign's `dev.sigstore.cosign/bundle` annotation); absent for 'tsa'. */
  rekor: RekorEntry | undefined
}

export interface AttestOptions {
  identity?: Identity
  /** Rekor entry kind: 'dsse' (actions/attest, cosign v3) or 'intoto' (cosign v2 `attest`). */
  entryType?: 'dsse' | 'intoto'
  payloadType?: string
  /** 'tlog' (public-good style), 'tsa' (GitHub private-repo style, no tlog) or 'both'. */
  witnesses?: 'tlog' | 'tsa' | 'both'
}

export interface MiniSigstoreOptions {
  /** Base URL recorded in the trusted root; its host is the checkpoint origin. */
  rekorURL?: string
  fulcioURL?: string
  ctlogURL?: string
  tsaURL?: string
  /** Fixed integratedTime for the tlog (default: the real clock). */
  tlogClock?: Date
  /** Fixed notBefore for leaf certs, SCTs and TSA tokens (the root cert ALWAYS uses the real clock). */
  caClock?: Date
  /** Trusted root `validFor.start` (default now - 1 h; must be <= integratedTime, pitfall P5). */
  validFrom?: Date
  validTo?: Date
  /** false: leaf certs carry no SCT (verify with ctlogThreshold: 0). Default true. */
  withCTLog?: boolean
  /** true: also create a mock RFC 3161 TSA (needed for witnesses 'tsa' and 'both'). */
  withTSA?: boolean
}

export interface MiniSigstore {
  /** What you would write to trusted_root.json (TrustedRoot.toJSON output). */
  trustedRootJSON: Record<string, unknown>
  /** The same trusted root, protobuf-shaped. */
  trustedRoot: TrustedRoot
  /** The mock Fulcio root certificate, PEM (cosign's `dev.sigstore.cosign/chain`). */
  rootPEM: string
  ca: CA
  ctlog: CTLog
  tlog: TLog
  tsa: TSA | undefined
  /** DSSE-signs an in-toto statement (object) or any payload (Buffer). */
  attest(statement: object | Buffer, opts?: AttestOptions): Promise<SignResult>
  /** Signs raw bytes: messageSignature bundle + hashedrekord entry (cosign legacy `.sig`). */
  signBlob(data: Buffer, opts?: { identity?: Identity }): Promise<SignResult>
}

export const sha256 = (b: crypto.BinaryLike): Buffer =>
  crypto.createHash('sha256').update(b).digest()
const toBuf = (v: ArrayBufferView): Buffer => Buffer.from(v.buffer, v.byteOffset, v.byteLength)
export const derToPem = (der: ArrayBufferView, label = 'CERTIFICATE'): string => {
  const lines =
    toBuf(der)
      .toString('base64')
      .match(/.{1,64}/g) ?? []
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`
}
export const pemToDer = (pem: string): Buffer =>
  Buffer.from(pem.replace(/-----(BEGIN|END) [A-Z ]+-----/g, '').replace(/\s+/g, ''), 'base64')
const newKeyPair = (): crypto.KeyPairKeyObjectResult =>
  crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
const spki = (k: crypto.KeyPairKeyObjectResult): Buffer =>
  k.publicKey.export({ format: 'der', type: 'spki' })

export interface GithubIdentityOptions {
  /** Where the signing workflow lives (SAN, Build Signer URI). */
  repo?: string
  workflowPath?: string
  /** The signing workflow's ref. */
  ref?: string
  /**
   * The repository whose run it was (source repository extensions, Build Config URI); default
   * `repo`. For a reusable workflow such as slsa-github-generator's, the caller.
   */
  sourceRepo?: string
  /** The ref the run built; default `ref`. */
  sourceRef?: string
  /** The caller's top-level workflow (Build Config URI); default `workflowPath`. */
  callerWorkflowPath?: string
  sha?: string
  trigger?: string
  runId?: string
  issuer?: string
  visibility?: string
  runnerEnvironment?: string
}

/**
 * Fulcio certificate identity of a GitHub Actions workflow run. OIDs 1.1-1.6 use the deprecated
 * raw-string encoding (legacy: true); 1.8+ are DER UTF8Strings, exactly like real Fulcio.
 */
export function githubIdentity({
  repo = 'acme/app',
  workflowPath = '.github/workflows/release.yml',
  ref = 'refs/tags/v1.0.0',
  sourceRepo = repo,
  sourceRef = ref,
  callerWorkflowPath = workflowPath,
  sha = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678',
  trigger = 'push',
  runId = '4242',
  issuer = GITHUB_ISSUER,
  visibility = 'public',
  runnerEnvironment = 'github-hosted',
}: GithubIdentityOptions = {}): Identity {
  const server = 'https://github.com'
  const signerURI = `${server}/${repo}/${workflowPath}@${ref}`
  const configURI = `${server}/${sourceRepo}/${callerWorkflowPath}@${sourceRef}`
  const owner = sourceRepo.split('/')[0] ?? sourceRepo
  return {
    san: signerURI,
    sanType: 'uri',
    extensions: [
      { oid: '1.3.6.1.4.1.57264.1.1', value: issuer, legacy: true }, // Issuer (V1, raw)
      { oid: '1.3.6.1.4.1.57264.1.2', value: trigger, legacy: true }, // GitHub Workflow Trigger
      { oid: '1.3.6.1.4.1.57264.1.3', value: sha, legacy: true }, // GitHub Workflow SHA
      { oid: '1.3.6.1.4.1.57264.1.5', value: sourceRepo, legacy: true }, // GitHub Workflow Repository
      { oid: '1.3.6.1.4.1.57264.1.6', value: sourceRef, legacy: true }, // GitHub Workflow Ref
      { oid: '1.3.6.1.4.1.57264.1.8', value: issuer }, // Issuer (V2, DER UTF8String)
      { oid: '1.3.6.1.4.1.57264.1.9', value: signerURI }, // Build Signer URI
      { oid: '1.3.6.1.4.1.57264.1.10', value: sha }, // Build Signer Digest
      { oid: '1.3.6.1.4.1.57264.1.11', value: runnerEnvironment }, // Runner Environment
      { oid: '1.3.6.1.4.1.57264.1.12', value: `${server}/${sourceRepo}` }, // Source Repository URI
      { oid: '1.3.6.1.4.1.57264.1.13', value: sha }, // Source Repository Digest
      { oid: '1.3.6.1.4.1.57264.1.14', value: sourceRef }, // Source Repository Ref
      { oid: '1.3.6.1.4.1.57264.1.16', value: `${server}/${owner}` }, // Source Repository Owner URI
      { oid: '1.3.6.1.4.1.57264.1.18', value: configURI }, // Build Config URI
      { oid: '1.3.6.1.4.1.57264.1.20', value: trigger }, // Build Trigger
      {
        oid: '1.3.6.1.4.1.57264.1.21', // Run Invocation URI
        value: `${server}/${sourceRepo}/actions/runs/${runId}/attempts/1`,
      },
      { oid: '1.3.6.1.4.1.57264.1.22', value: visibility }, // Source Repository Visibility
    ],
  }
}

/** Fulcio identity of a person: rfc822Name SAN plus the issuer extensions (1.1 raw, 1.8 DER). */
export function emailIdentity(email: string, issuer = 'https://accounts.google.com'): Identity {
  return {
    san: email,
    sanType: 'email',
    extensions: [
      { oid: '1.3.6.1.4.1.57264.1.1', value: issuer, legacy: true },
      { oid: '1.3.6.1.4.1.57264.1.8', value: issuer },
    ],
  }
}

export interface InTotoStatement {
  _type: string
  subject: { name?: string; digest: Record<string, string> }[]
  predicateType: string
  predicate: unknown
}

/** in-toto Statement v1 with one subject; `digest` is `alg:hex`; `name` may be omitted. */
export function inTotoStatement({
  name,
  digest,
  predicateType,
  predicate = {},
  type = INTOTO_STATEMENT_V1,
}: {
  name?: string
  digest: string
  predicateType: string
  predicate?: unknown
  type?: string
}): InTotoStatement {
  const i = digest.indexOf(':')
  if (i < 1) throw new Error(`inTotoStatement: digest must look like sha256:<hex>, got ${digest}`)
  const subject = {
    ...(name === undefined ? {} : { name }),
    digest: { [digest.slice(0, i)]: digest.slice(i + 1) },
  }
  return { _type: type, subject: [subject], predicateType, predicate }
}

// ---------------------------------------------------------------------------------------------
// Signer and witnesses

/** A @sigstore/sign Signer that mints an ephemeral P-256 key and a Fulcio-style cert per call. */
export class MockFulcioSigner implements Signer {
  last?: { certPEM: string; privateKey: crypto.KeyObject }
  constructor(
    private readonly issue: (publicKeySPKI: Buffer, identity: Identity) => Promise<Buffer>,
    private readonly identity: Identity,
  ) {}

  async sign(data: Buffer): Promise<Signature> {
    const { publicKey, privateKey } = newKeyPair()
    const der = await this.issue(publicKey.export({ format: 'der', type: 'spki' }), this.identity)
    const certificate = derToPem(der)
    this.last = { certPEM: certificate, privateKey }
    // ECDSA P-256 / SHA-256, DER signature (same as @sigstore/sign's FulcioSigner)
    const signature = crypto.sign('sha256', data, privateKey)
    return { signature, key: { $case: 'x509Certificate', certificate } }
  }
}

/** Rekor v1 canonicalized body of a dsse v0.0.1 entry, as real Rekor stores it (pitfall P4). */
export function dsseCanonicalBody(env: Envelope, certPEM: string): object {
  const sig = env.signatures[0]
  if (!sig) throw new Error('DSSE envelope has no signature')
  return {
    apiVersion: '0.0.1',
    kind: 'dsse',
    spec: {
      envelopeHash: {
        algorithm: 'sha256',
        value: sha256(JSON.stringify(envelopeToJSON(env))).toString('hex'),
      },
      payloadHash: { algorithm: 'sha256', value: sha256(env.payload).toString('hex') },
      signatures: [
        {
          signature: sig.sig.toString('base64'),
          verifier: Buffer.from(certPEM).toString('base64'),
        },
      ],
    },
  }
}

/** Converts a Rekor v1 API entry into a bundle TransparencyLogEntry (as @sigstore/sign does). */
export function toTransparencyLogEntry(e: Omit<RekorEntry, 'uuid'>): TransparencyLogEntry {
  const body = JSON.parse(Buffer.from(e.body, 'base64').toString('utf8'))
  const p = e.verification.inclusionProof
  return {
    logIndex: e.logIndex.toString(),
    logId: { keyId: Buffer.from(e.logID, 'hex') },
    integratedTime: e.integratedTime.toString(),
    kindVersion: { kind: body.kind, version: body.apiVersion },
    inclusionPromise: {
      signedEntryTimestamp: Buffer.from(e.verification.signedEntryTimestamp, 'base64'),
    },
    inclusionProof: {
      logIndex: p.logIndex.toString(),
      treeSize: p.treeSize.toString(),
      rootHash: Buffer.from(p.rootHash, 'hex'),
      hashes: p.hashes.map((h) => Buffer.from(h, 'hex')),
      checkpoint: { envelope: p.checkpoint },
    },
    canonicalizedBody: Buffer.from(e.body, 'base64'),
  }
}

/**
 * A @sigstore/sign Witness that logs into the in-process mock Rekor (v1 API).
 * 'dsse' hands the mock the Rekor-canonical dsse body (the mock stores whatever it is given, and
 * the *proposed* dsse body fails sigstore-js' body check); 'intoto' uses intoto v0.0.2 with the
 * payload dropped, like real Rekor. messageSignature content always gives hashedrekord v0.0.1.
 */
export class MockRekorWitness implements Witness {
  lastRaw?: RekorEntry
  constructor(
    private readonly tlog: TLog,
    private readonly entryType: 'dsse' | 'intoto' = 'dsse',
  ) {}

  async testify(content: SignatureBundle, publicKey: string): Promise<VerificationMaterial> {
    let body: object
    if (content.$case === 'dsseEnvelope' && this.entryType === 'dsse') {
      body = dsseCanonicalBody(content.dsseEnvelope, publicKey)
    } else {
      const proposed = toProposedEntry(content, publicKey, this.entryType) as {
        kind: string
        spec: { content?: { envelope?: { payload?: string } } }
      }
      if (proposed.kind === 'intoto') delete proposed.spec.content?.envelope?.payload
      body = proposed
    }
    // The mock's declared return type (@sigstore/rekor-types LogEntry) is not installed.
    const response = (await this.tlog.log(body)) as unknown as Record<
      string,
      Omit<RekorEntry, 'uuid'>
    >
    const first = Object.entries(response)[0]
    if (!first) throw new Error('mock Rekor returned no entry')
    const [uuid, entry] = first
    this.lastRaw = { uuid, ...entry }
    return { tlogEntries: [toTransparencyLogEntry(entry)] }
  }
}

/**
 * A Witness that asks the in-process mock TSA for an RFC 3161 token over the signature.
 * `beforeStamp` runs first (createMiniSigstore uses it to move the TSA clock, see there).
 */
export class MockTSAWitness implements Witness {
  constructor(
    private readonly tsa: TSA,
    private readonly beforeStamp: () => void = () => undefined,
  ) {}

  async testify(content: SignatureBundle): Promise<VerificationMaterial> {
    const sig =
      content.$case === 'dsseEnvelope'
        ? content.dsseEnvelope.signatures[0]?.sig
        : content.messageSignature.signature
    if (!sig) throw new Error('nothing to timestamp')
    this.beforeStamp()
    const token = await this.tsa.timestamp({
      artifactHash: sha256(sig),
      hashAlgorithmOID: '2.16.840.1.101.3.4.2.1',
      nonce: crypto.randomInt(2 ** 31),
      policyOID: '1.3.6.1.4.1.57264.2',
      certReq: true,
    })
    return { rfc3161Timestamps: [{ signedTimestamp: Buffer.from(toBuf(token)) }] }
  }
}

// ---------------------------------------------------------------------------------------------
// rfc822Name (email) leaf certificates.
//
// The mock CA always issues a `url` SAN. For email identities we issue the leaf ourselves, with
// the same libraries the mock uses (@peculiar/x509 + @peculiar/webcrypto, loaded from where
// @sigstore/mock resolves them) and the same fields: issuer, 10-minute validity, serial, key
// usage, EKU codeSigning, SKI/AKI, extensions, SCT.

interface PeculiarX509 {
  X509CertificateGenerator: {
    create(params: object, crypto: unknown): Promise<{ rawData: ArrayBuffer }>
  }
  Extension: new (oid: string, critical: boolean, value: ArrayBufferView) => unknown
  KeyUsagesExtension: new (usages: number, critical: boolean) => unknown
  KeyUsageFlags: { digitalSignature: number }
  ExtendedKeyUsageExtension: new (usages: string[], critical?: boolean) => unknown
  ExtendedKeyUsage: { codeSigning: string }
  SubjectAlternativeNameExtension: new (
    names: { type: string; value: string }[],
    critical: boolean,
  ) => unknown
  SubjectKeyIdentifierExtension: {
    create(key: unknown, c: boolean, crypto: unknown): Promise<unknown>
  }
  AuthorityKeyIdentifierExtension: {
    create(key: unknown, c: boolean, crypto: unknown): Promise<unknown>
  }
}
interface PeculiarCrypto {
  subtle: {
    importKey(
      format: string,
      data: unknown,
      alg: object,
      extractable: boolean,
      usages: string[],
    ): Promise<unknown>
  }
}

function loadPeculiar(): { x509: PeculiarX509; crypto: PeculiarCrypto } {
  const req = createRequire(
    createRequire(import.meta.url).resolve('@sigstore/mock/dist/fulcio/ca.js'),
  )
  req('reflect-metadata')
  const x509 = req('@peculiar/x509') as PeculiarX509
  const { Crypto } = req('@peculiar/webcrypto') as { Crypto: new () => PeculiarCrypto }
  return { x509, crypto: new Crypto() }
}

const derLength = (n: number): Buffer => {
  if (n < 0x80) return Buffer.from([n])
  if (n < 0x100) return Buffer.from([0x81, n])
  return Buffer.from([0x82, n >> 8, n & 0xff])
}
const derOctetString = (b: Buffer): Buffer =>
  Buffer.concat([Buffer.from([0x04]), derLength(b.length), b])

async function issueEmailCertificate(
  caKeys: crypto.KeyPairKeyObjectResult,
  ctlog: CTLog | undefined,
  clock: Date | undefined,
  publicKeySPKI: Buffer,
  identity: Identity,
): Promise<Buffer> {
  const { x509, crypto: wc } = loadPeculiar()
  const ecdsaP256 = { name: 'ECDSA', namedCurve: 'P-256' }
  const leafKey = await wc.subtle.importKey('spki', publicKeySPKI, ecdsaP256, true, ['verify'])
  const caPriv = await wc.subtle.importKey(
    'jwk',
    caKeys.privateKey.export({ format: 'jwk' }),
    ecdsaP256,
    true,
    ['sign'],
  )
  const caPub = await wc.subtle.importKey('spki', spki(caKeys), ecdsaP256, true, ['verify'])
  const now = clock ?? new Date()
  const tbs = {
    serialNumber: '11182004',
    notBefore: now,
    notAfter: new Date(now.getTime() + 10 * 60_000),
    issuer: 'CN=sigstore,O=sigstore.mock',
    publicKey: leafKey,
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-384' },
    signingKey: caPriv,
    extensions: [
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.codeSigning]),
      new x509.SubjectAlternativeNameExtension(
        [
          { type: identity.sanType === 'email' ? 'email' : 'url', value: identity.san },
          ...(identity.extraSans ?? []).map((n) => ({
            type: n.type === 'email' ? 'email' : 'url',
            value: n.value,
          })),
        ],
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(leafKey, false, wc),
      await x509.AuthorityKeyIdentifierExtension.create(caPub, false, wc),
      ...identity.extensions.map(
        (e) =>
          new x509.Extension(
            e.oid,
            false,
            e.legacy === true
              ? Buffer.from(e.value)
              : Buffer.concat([
                  Buffer.from([0x0c]),
                  derLength(Buffer.byteLength(e.value)),
                  Buffer.from(e.value),
                ]),
          ),
      ),
    ],
  }
  if (ctlog) {
    const preCert = await x509.X509CertificateGenerator.create(tbs, wc)
    const sct = Buffer.from(await ctlog.log(preCert.rawData, toArrayBuffer(sha256(spki(caKeys)))))
    // Same SignedCertificateTimestampList framing as the mock CA.
    const list = Buffer.concat([Buffer.from([0x00, sct.byteLength]), sct])
    tbs.extensions.push(new x509.Extension('1.3.6.1.4.1.11129.2.4.2', false, derOctetString(list)))
  }
  const cert = await x509.X509CertificateGenerator.create(tbs, wc)
  return Buffer.from(cert.rawData)
}

const toArrayBuffer = (b: Buffer): ArrayBuffer =>
  b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer

// ---------------------------------------------------------------------------------------------

/** Creates a complete in-process Sigstore instance (about 5-30 ms). */
export async function createMiniSigstore(opts: MiniSigstoreOptions = {}): Promise<MiniSigstore> {
  const rekorURL = opts.rekorURL ?? 'https://rekor.mini-sigstore.test'
  const fulcioURL = opts.fulcioURL ?? 'https://fulcio.mini-sigstore.test'
  const ctlogURL = opts.ctlogURL ?? 'https://ctfe.mini-sigstore.test'
  const tsaURL = opts.tsaURL ?? 'https://tsa.mini-sigstore.test'
  const withCTLog = opts.withCTLog ?? true
  const validFor = {
    start: opts.validFrom ?? new Date(Date.now() - 3600_000),
    end: opts.validTo,
  }

  const caKeys = newKeyPair()
  const ctKeys = newKeyPair()
  const tlogKeys = newKeyPair()
  const ctlog = await initializeCTLog(ctKeys, opts.caClock)
  const ca = await initializeCA(caKeys, withCTLog ? ctlog : undefined, opts.caClock)
  const tlog = await initializeTLog(rekorURL, tlogKeys, opts.tlogClock)
  // The mock TSA writes genTime with pkijs, which drops trailing zeros from the milliseconds
  // (`...05.12Z`); @sigstore/core 4 only accepts exactly three digits and fails with 'invalid
  // time' about one time in ten. So the TSA gets a clock object that we set to a whole second
  // right before each request (the mock reads `clock || new Date()` on every call).
  const tsaClock = new Date(opts.caClock ?? Date.now())
  const tickTSA = (): void => {
    tsaClock.setTime(Math.floor((opts.caClock?.getTime() ?? Date.now()) / 1000) * 1000)
  }
  const tsa = opts.withTSA ? await initializeTSA(newKeyPair(), tsaClock) : undefined

  const trustedRoot: TrustedRoot = {
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: [
      {
        baseUrl: rekorURL,
        hashAlgorithm: HashAlgorithm.SHA2_256,
        publicKey: {
          rawBytes: spki(tlogKeys),
          keyDetails: PublicKeyDetails.PKIX_ECDSA_P256_SHA_256,
          validFor,
        },
        logId: { keyId: sha256(spki(tlogKeys)) },
        // Never set checkpointKeyId for a Rekor v1 log (pitfall P8).
        checkpointKeyId: undefined,
        operator: 'mini-sigstore.test',
      },
    ],
    certificateAuthorities: [
      {
        subject: { organization: 'sigstore.mock', commonName: 'sigstore' },
        uri: fulcioURL,
        certChain: { certificates: [{ rawBytes: toBuf(ca.rootCertificate) }] },
        validFor,
        operator: 'mini-sigstore.test',
      },
    ],
    ctlogs: [
      {
        baseUrl: ctlogURL,
        hashAlgorithm: HashAlgorithm.SHA2_256,
        publicKey: {
          rawBytes: spki(ctKeys),
          keyDetails: PublicKeyDetails.PKIX_ECDSA_P256_SHA_256,
          validFor,
        },
        logId: { keyId: toBuf(ctlog.logID) },
        checkpointKeyId: undefined,
        operator: 'mini-sigstore.test',
      },
    ],
    timestampAuthorities: tsa
      ? [
          {
            subject: { organization: 'sigstore.mock', commonName: 'tsa' },
            uri: tsaURL,
            certChain: {
              certificates: [
                { rawBytes: toBuf(tsa.intCertificate) },
                { rawBytes: toBuf(tsa.rootCertificate) },
              ],
            },
            validFor,
            operator: 'mini-sigstore.test',
          },
        ]
      : [],
  }

  const issue = async (publicKeySPKI: Buffer, identity: Identity): Promise<Buffer> => {
    if (identity.sanType === 'email' || identity.extraSans !== undefined) {
      return issueEmailCertificate(
        caKeys,
        withCTLog ? ctlog : undefined,
        opts.caClock,
        publicKeySPKI,
        identity,
      )
    }
    const der = await ca.issueCertificate({
      publicKey: new Uint8Array(publicKeySPKI),
      subjectAltName: identity.san,
      extensions: identity.extensions,
    })
    return toBuf(der)
  }

  async function attest(statement: object | Buffer, o: AttestOptions = {}): Promise<SignResult> {
    const witnesses = o.witnesses ?? 'tlog'
    const signer = new MockFulcioSigner(issue, o.identity ?? githubIdentity())
    const rekorWitness = new MockRekorWitness(tlog, o.entryType ?? 'dsse')
    const ws: Witness[] = []
    if (witnesses !== 'tsa') ws.push(rekorWitness)
    if (witnesses !== 'tlog') {
      if (!tsa)
        throw new Error(`witnesses: '${witnesses}' needs createMiniSigstore({ withTSA: true })`)
      ws.push(new MockTSAWitness(tsa, tickTSA))
    }
    const data = Buffer.isBuffer(statement) ? statement : Buffer.from(JSON.stringify(statement))
    const bundle = await new DSSEBundleBuilder({ signer, witnesses: ws }).create({
      data,
      type: o.payloadType ?? INTOTO_PAYLOAD_TYPE,
    })
    return {
      bundle: bundleToJSON(bundle),
      certPEM: signer.last?.certPEM ?? '',
      rekor: rekorWitness.lastRaw,
    }
  }

  async function signBlob(data: Buffer, o: { identity?: Identity } = {}): Promise<SignResult> {
    const signer = new MockFulcioSigner(issue, o.identity ?? githubIdentity())
    const rekorWitness = new MockRekorWitness(tlog)
    const bundle = await new MessageSignatureBundleBuilder({
      signer,
      witnesses: [rekorWitness],
    }).create({ data })
    return {
      bundle: bundleToJSON(bundle),
      certPEM: signer.last?.certPEM ?? '',
      rekor: rekorWitness.lastRaw,
    }
  }

  return {
    trustedRootJSON: TrustedRoot.toJSON(trustedRoot) as Record<string, unknown>,
    trustedRoot,
    rootPEM: derToPem(ca.rootCertificate),
    ca,
    ctlog,
    tlog,
    tsa,
    attest,
    signBlob,
  }
}
