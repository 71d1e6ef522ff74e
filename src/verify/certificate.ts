import { ASN1Obj, type X509Certificate } from '@sigstore/core'
import type { Signer } from '@sigstore/verify'
import type { GithubExtensionName, SignerSummary } from '../types.js'

const FULCIO_ARC = '1.3.6.1.4.1.57264.1.'

// Fulcio OIDs 1.3.6.1.4.1.57264.1.N (fulcio docs/oid-info.md). 9+ are DER UTF8String.
const GITHUB_EXTENSIONS: Record<number, GithubExtensionName> = {
  9: 'buildSignerUri',
  10: 'buildSignerDigest',
  11: 'runnerEnvironment',
  12: 'sourceRepositoryUri',
  13: 'sourceRepositoryDigest',
  14: 'sourceRepositoryRef',
  15: 'sourceRepositoryIdentifier',
  16: 'sourceRepositoryOwnerUri',
  17: 'sourceRepositoryOwnerIdentifier',
  18: 'buildConfigUri',
  19: 'buildConfigDigest',
  20: 'buildTrigger',
  21: 'runInvocationUri',
  22: 'sourceRepositoryVisibilityAtSigning',
}

/** Summarises who signed from the identity sigstore-js returned after verification. */
export function signerSummary(signer: Signer): SignerSummary {
  const identity = signer.identity
  if (identity === undefined) return { publicKey: true, github: {} }
  const github: SignerSummary['github'] = {}
  for (const { oid, value } of identity.oids ?? []) {
    const n = fulcioExtension(oid?.id.join('.') ?? '')
    const name = n === undefined ? undefined : GITHUB_EXTENSIONS[n]
    if (name === undefined) continue
    const text = derUtf8(value)
    if (text !== undefined) github[name] = text
  }
  // Security: only the DER extensions (1.8+) are read. The deprecated raw ones (1.1–1.6) never
  // stand in for a missing one, so a policy on an extension the certificate lacks fails (T80);
  // where both are present, certificateProblem() has checked that they agree.
  return {
    ...(identity.subjectAlternativeName !== undefined && {
      subjectAlternativeName: identity.subjectAlternativeName,
    }),
    ...(identity.extensions?.issuer !== undefined && { issuer: identity.extensions.issuer }),
    github,
  }
}

/**
 * The number of a Fulcio extension (`1.3.6.1.4.1.57264.1.<n>`), undefined for any other OID.
 * Security: `….1.12.0` is another OID, not a second 12 slipping past the repeat check.
 */
function fulcioExtension(oid: string): number | undefined {
  const rest = oid.startsWith(FULCIO_ARC) ? oid.slice(FULCIO_ARC.length) : ''
  return /^[1-9][0-9]{0,8}$/.test(rest) ? Number(rest) : undefined
}

const SAN_OID = '2.5.29.17'

// Fulcio writes some values twice: deprecated raw (1.1–1.6) and DER (1.8+). Pairs that must agree.
const SAME = (legacy: string, der: string): boolean => legacy === der
const LEGACY_PAIRS: [legacy: number, der: number, agree: (l: string, d: string) => boolean][] = [
  [1, 8, SAME], // Issuer
  [2, 20, SAME], // GitHub Workflow Trigger / Build Trigger
  [3, 13, SAME], // GitHub Workflow SHA / Source Repository Digest
  [6, 14, SAME], // GitHub Workflow Ref / Source Repository Ref
  // GitHub Workflow Repository `owner/repo` / Source Repository URI `<server>/owner/repo`.
  [5, 12, (repo, uri) => URL.canParse(uri) && uri === `${new URL(uri).origin}/${repo}`],
]

/**
 * Why the leaf certificate's identity is ambiguous, or undefined when it is not (catalog T80,
 * T81): a repeated extension, a subject alternative name extension with other than one name, an
 * issuer or GitHub extension that is not exactly one DER UTF8String, a deprecated raw extension
 * that disagrees with its DER successor, or a name or issuer that is not ASCII (which sigstore-js
 * would misread). Fulcio never issues such a certificate, and a policy must not depend on which
 * of two values a library happens to read.
 */
export function certificateProblem(certificate: X509Certificate): string | undefined {
  const values = new Map<string, Buffer>()
  try {
    for (const extension of certificate.extensions) {
      const oid = extension.subs[0]?.toOID() ?? ''
      if (values.has(oid)) return `the certificate repeats the extension ${oid}`
      values.set(oid, extension.subs[extension.subs.length - 1]?.value ?? Buffer.alloc(0))
    }
  } catch {
    return 'the certificate extensions cannot be read'
  }
  const san = values.get(SAN_OID)
  if (san !== undefined) {
    const names = generalNames(san)
    if (names?.length !== 1) {
      return `the certificate has ${names?.length ?? 'unreadable'} subject alternative names; exactly one is accepted`
    }
    // Security: sigstore-js decodes the name as ASCII, which drops each byte's high bit: 0xE8
    // would read as `h`, and a policy would match bytes the certificate does not hold.
    if (names[0]!.some((byte) => byte > 0x7f)) {
      return 'the certificate has a subject alternative name that is not ASCII'
    }
  }
  const text = new Map<number, string>()
  for (const [oid, value] of values) {
    const n = fulcioExtension(oid)
    if (n === undefined) continue
    if (n === 8 || GITHUB_EXTENSIONS[n] !== undefined) {
      const utf8 = derUtf8(value)
      if (utf8 === undefined) return `the certificate has a malformed extension ${oid}`
      text.set(n, utf8)
    } else if (n >= 1 && n <= 6) {
      text.set(n, value.toString('utf8'))
    }
    // The issuer is read by sigstore-js as ASCII too (the SAN's reason above).
    if ((n === 1 || n === 8) && /[^\p{ASCII}]/u.test(text.get(n) ?? '')) {
      return `the certificate has an issuer (${oid}) that is not ASCII`
    }
  }
  for (const [legacy, der, agree] of LEGACY_PAIRS) {
    const a = text.get(legacy)
    const b = text.get(der)
    if (a !== undefined && b !== undefined && !agree(a, b)) {
      return `the certificate has conflicting extensions ${FULCIO_ARC}${legacy} and ${FULCIO_ARC}${der}`
    }
  }
  return undefined
}

// The GeneralNames' contents in a SubjectAltName extension value; undefined when unreadable.
function generalNames(value: Buffer): Buffer[] | undefined {
  try {
    const sequence = ASN1Obj.parseBuffer(Buffer.from(value))
    return sequence.tag.toDER() === 0x30 ? sequence.subs.map((name) => name.value) : undefined
  } catch {
    return undefined
  }
}

// Exactly one DER UTF8String (tag 0x0c, minimal length, nothing after it); else undefined.
function derUtf8(value: Buffer): string | undefined {
  try {
    const bytes = Buffer.from(value)
    const obj = ASN1Obj.parseBuffer(bytes)
    if (obj.tag.toDER() !== 0x0c || !obj.toDER().equals(bytes)) return undefined
    return obj.value.toString('utf8')
  } catch {
    return undefined
  }
}
