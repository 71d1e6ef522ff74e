import crypto from 'node:crypto'
import { RFC3161Timestamp, X509Certificate } from '@sigstore/core'
import { bundleFromJSON, type Bundle } from '@sigstore/bundle'
import { HashAlgorithm } from '@sigstore/protobuf-specs'
import { Verifier, toSignedEntity, type SignedEntity, type TrustMaterial } from '@sigstore/verify'
import { LIMITS } from '../limits.js'
import type { SignerSummary } from '../types.js'
import { certificateProblem, signerSummary } from './certificate.js'
import { DsseContent } from './dsse-content.js'
import { instanceOf, materialFor, thresholdsFor, type Trust } from './trust.js'

// The library's media-type check is a loose prefix regexp; we accept exactly these (formats.md §f).
const BUNDLE_MEDIA_TYPES = new Set([
  'application/vnd.dev.sigstore.bundle+json;version=0.1',
  'application/vnd.dev.sigstore.bundle+json;version=0.2',
  'application/vnd.dev.sigstore.bundle+json;version=0.3',
  'application/vnd.dev.sigstore.bundle.v0.3+json',
])

/** A bundle that failed verification; the message is the reason shown to the user. */
export class BundleError extends Error {}

/**
 * Not a verdict: the bundle was issued by GitHub's instance, whose trusted root can still be loaded
 * (verify/index.ts checkedWithTrust loads it and checks again).
 */
export class GithubRootNeeded extends Error {}

export interface VerifiedBundle {
  signer: SignerSummary
  tlog: { logIndex: string; integratedTime?: string }[]
  /** What was signed: a DSSE payload, or a message whose bytes were checked. */
  content: { dsse: { payloadType: string; payload: Buffer } } | { message: true }
}

/**
 * Verifies a serialized bundle: structure and bounds first (sigstore-js has no caps), then the
 * signature, certificate chain, SCTs, transparency log and timestamps through `@sigstore/verify`.
 * The identity policy is NOT applied here: callers match the returned signer themselves, because
 * the library matches SANs as unanchored regexps.
 */
export function verifyBundle(json: unknown, trust: Trust, artifact?: Buffer): VerifiedBundle {
  const bundle = parseBundle(json)
  const leaf = leafCertificate(bundle)
  // Security: the leaf's issuer picks the instance, and only that instance's material is used;
  // a GitHub certificate never meets the public-good root, nor the reverse (T12).
  const instance = leaf === undefined ? 'key' : instanceOf(leaf)
  const material = instance === 'key' ? trust.publicGood : materialFor(trust, instance)
  if (material === undefined) {
    if (trust.loadGithub !== undefined) throw new GithubRootNeeded()
    throw new BundleError(
      "it was signed by GitHub's Sigstore instance, whose trusted root is not available here",
    )
  }
  assertNoRootInChain(bundle, material)
  // Security: one unambiguous identity per certificate (catalog T80, T81).
  const problem = leaf === undefined ? undefined : certificateProblem(leaf)
  if (problem !== undefined) throw new BundleError(problem)
  if (bundle.content.$case === 'messageSignature') {
    if (artifact === undefined) {
      throw new BundleError(
        'a message-signature bundle needs the signed bytes, which are not available',
      )
    }
    assertDigestOf(bundle.content.messageSignature.messageDigest, artifact)
  }
  if (trust.keyed !== (instance === 'key')) {
    throw new BundleError(
      trust.keyed
        ? 'it is signed with a certificate, but a public key was required'
        : 'it is signed with a key, but no public-key was given',
    )
  }
  const verifier = new Verifier(material, thresholdsFor(instance))
  let signer
  try {
    signer = verifier.verify(signedEntity(bundle, artifact))
  } catch (error) {
    throw new BundleError(sigstoreReason(error))
  }
  assertProofsMatchCheckpoints(bundle)
  assertLogKeysValidThen(bundle, material)
  return {
    signer: signerSummary(signer),
    tlog: bundle.verificationMaterial.tlogEntries.map((e) => ({
      logIndex: e.logIndex,
      // Only a time the log signed (its promise) is reported; an entry with a proof alone
      // carries an integratedTime nobody signed (T09), which the library does not use either.
      ...(e.inclusionPromise !== undefined &&
        /^[1-9][0-9]{0,11}$/.test(e.integratedTime) && { integratedTime: e.integratedTime }),
    })),
    content:
      bundle.content.$case === 'dsseEnvelope'
        ? {
            dsse: {
              payloadType: bundle.content.dsseEnvelope.payloadType,
              payload: bundle.content.dsseEnvelope.payload,
            },
          }
        : { message: true },
  }
}

const DIGESTS: Partial<Record<HashAlgorithm, string>> = {
  [HashAlgorithm.SHA2_256]: 'sha256',
  [HashAlgorithm.SHA2_384]: 'sha384',
  [HashAlgorithm.SHA2_512]: 'sha512',
}

/**
 * Security: the library checks the log entry against `messageDigest` and the signature against the
 * bytes, never the one against the other. A signer choosing its key can make one ECDSA signature
 * hold over two digests, log a harmless file's and ship another: the digest must be the bytes'.
 */
function assertDigestOf(
  messageDigest: { algorithm: HashAlgorithm; digest: Buffer } | undefined,
  artifact: Buffer,
): void {
  const algorithm = messageDigest === undefined ? undefined : DIGESTS[messageDigest.algorithm]
  if (messageDigest === undefined || algorithm === undefined) {
    throw new BundleError('the message signature names no SHA-2 digest of what it signs')
  }
  if (!crypto.createHash(algorithm).update(artifact).digest().equals(messageDigest.digest)) {
    throw new BundleError('the message signature logs the digest of other bytes than these')
  }
}

// The library's entity, but with a DSSE content that does not copy the payload (dsse-content.ts).
function signedEntity(bundle: Bundle, artifact: Buffer | undefined): SignedEntity {
  const entity = toSignedEntity(bundle, artifact)
  return bundle.content.$case === 'dsseEnvelope'
    ? { ...entity, signature: new DsseContent(bundle.content.dsseEnvelope) }
    : entity
}

function parseBundle(json: unknown): Bundle {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new BundleError('the bundle is not a JSON object')
  }
  const mediaType = (json as { mediaType?: unknown }).mediaType
  if (typeof mediaType !== 'string' || !BUNDLE_MEDIA_TYPES.has(mediaType)) {
    throw new BundleError(
      `unsupported bundle media type ${JSON.stringify(String(mediaType)).slice(0, 120)}`,
    )
  }
  const material = (json as { verificationMaterial?: Record<string, unknown> }).verificationMaterial
  const count = (value: unknown): number => (Array.isArray(value) ? value.length : 0)
  const timestamps = (
    material?.['timestampVerificationData'] as Record<string, unknown> | undefined
  )?.['rfc3161Timestamps']
  const chain = (material?.['x509CertificateChain'] as Record<string, unknown> | undefined)?.[
    'certificates'
  ]
  if (count(material?.['tlogEntries']) > LIMITS.tlogEntriesPerBundle) {
    throw new BundleError(`the bundle has more than ${LIMITS.tlogEntriesPerBundle} log entries`)
  }
  if (count(timestamps) > LIMITS.timestampsPerBundle) {
    throw new BundleError(`the bundle has more than ${LIMITS.timestampsPerBundle} timestamps`)
  }
  if (count(chain) > LIMITS.certificatesPerChain) {
    throw new BundleError(`the bundle has more than ${LIMITS.certificatesPerChain} certificates`)
  }
  // Exactly one DSSE signature, said plainly (the library's check only names the field; T23).
  const signatures = (json as { dsseEnvelope?: { signatures?: unknown } }).dsseEnvelope?.signatures
  if (Array.isArray(signatures) && signatures.length !== 1) {
    throw new BundleError(
      `the DSSE envelope has ${signatures.length} signatures; exactly one is required`,
    )
  }
  try {
    return withPayloadBytes(json)
  } catch (error) {
    throw new BundleError(`the bundle is malformed: ${sigstoreReason(error)}`)
  }
}

/**
 * `bundleFromJSON`, also for a bundle whose DSSE payload `BundleReader` kept as decoded bytes:
 * the library validates the rest with a one-byte stand-in, and the bytes take its place, uncopied.
 */
function withPayloadBytes(json: object): Bundle {
  const envelope = (json as { dsseEnvelope?: { payload?: unknown } }).dsseEnvelope
  const payload = envelope?.payload
  if (!Buffer.isBuffer(payload)) return bundleFromJSON(json)
  if (payload.length === 0) throw new BundleError('the bundle is malformed: its payload is empty')
  const bundle = bundleFromJSON({ ...json, dsseEnvelope: { ...envelope, payload: 'AA==' } })
  if (bundle.content.$case === 'dsseEnvelope') bundle.content.dsseEnvelope.payload = payload
  return bundle
}

function leafCertificate(bundle: Bundle): X509Certificate | undefined {
  const material = bundle.verificationMaterial.content
  const raw =
    material.$case === 'certificate'
      ? material.certificate.rawBytes
      : material.$case === 'x509CertificateChain'
        ? material.x509CertificateChain.certificates[0]?.rawBytes
        : undefined
  if (material.$case !== 'publicKey' && raw === undefined) {
    throw new BundleError('the bundle has no signing certificate')
  }
  return raw === undefined ? undefined : parseCertificate(raw)
}

// protobuf-specs forbids the root in a chain; sigstore-js would just skip it, so check explicitly
// (sigstore-conformance: chains that contain a root must be rejected).
function assertNoRootInChain(bundle: Bundle, material: TrustMaterial): void {
  const content = bundle.verificationMaterial.content
  if (content.$case !== 'x509CertificateChain') return
  const roots = material.certificateAuthorities.flatMap((ca) => ca.certChain.slice(-1))
  for (const { rawBytes } of content.x509CertificateChain.certificates) {
    const cert = parseCertificate(rawBytes)
    if (roots.some((root) => root.equals(cert)) || isSelfSigned(cert)) {
      throw new BundleError('the bundle certificate chain contains a root certificate')
    }
  }
}

// sigstore-js proves inclusion against the signed checkpoint and ignores the proof's own root
// hash and tree size; they must say the same, or the bundle is inconsistent (catalog T06: cosign
// refuses "proof root hash does not match signed tree head"). The proof's index is the shard's,
// which differs from the entry's global logIndex on a sharded Rekor, so it is not compared.
function assertProofsMatchCheckpoints(bundle: Bundle): void {
  for (const entry of bundle.verificationMaterial.tlogEntries) {
    const proof = entry.inclusionProof
    if (proof === undefined) continue
    const [, size, root] = (proof.checkpoint?.envelope ?? '').split('\n')
    const consistent =
      size === proof.treeSize &&
      root !== undefined &&
      Buffer.from(root, 'base64').equals(Buffer.from(proof.rootHash))
    if (!consistent) {
      throw new BundleError(
        "the inclusion proof's root hash or tree size is not the signed checkpoint's",
      )
    }
  }
}

/**
 * Security: the library holds a log key to its validity window only for a signed entry timestamp.
 * An entry with an inclusion proof alone (Rekor v2) is vouched for by a checkpoint, whose key must
 * then have been valid at every time a timestamp authority gave: a retired key vouches for none.
 */
function assertLogKeysValidThen(bundle: Bundle, material: TrustMaterial): void {
  const times = (
    bundle.verificationMaterial.timestampVerificationData?.rfc3161Timestamps ?? []
  ).map((t) => RFC3161Timestamp.parse(Buffer.from(t.signedTimestamp)).signingTime)
  for (const entry of bundle.verificationMaterial.tlogEntries) {
    if (entry.inclusionPromise !== undefined) continue
    const keys = material.tlogs.filter((log) =>
      log.logID.equals(entry.logId?.keyId ?? Buffer.alloc(0)),
    )
    const valid = times.every((time) =>
      keys.some((key) => key.validFor.start <= time && time <= key.validFor.end),
    )
    if (!valid) {
      throw new BundleError(
        "the transparency log's key was not valid when the timestamp authority dated the entry",
      )
    }
  }
}

function parseCertificate(rawBytes: Uint8Array): X509Certificate {
  try {
    return X509Certificate.parse(Buffer.from(rawBytes))
  } catch {
    throw new BundleError('the bundle holds a certificate that cannot be parsed')
  }
}

function isSelfSigned(cert: X509Certificate): boolean {
  try {
    return cert.issuer.equals(cert.subject) && cert.verify()
  } catch {
    return false
  }
}

function sigstoreReason(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: string }).code
    // @sigstore/bundle's ValidationError lists the offending fields apart from its message.
    const fields = (error as { fields?: unknown }).fields
    const which = Array.isArray(fields) && fields.length > 0 ? ` (${fields.join(', ')})` : ''
    return code ? `${code}: ${error.message}${which}` : `${error.message}${which}`
  }
  return String(error)
}
