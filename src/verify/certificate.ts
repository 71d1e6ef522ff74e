import { ASN1Obj } from '@sigstore/core'
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

// Legacy raw-encoded extensions (1.2–1.6) fill in what a pre-1.8 certificate lacks.
const LEGACY_EXTENSIONS: Record<number, GithubExtensionName> = {
  2: 'buildTrigger',
  3: 'sourceRepositoryDigest',
  6: 'sourceRepositoryRef',
}

/** Summarises who signed from the identity sigstore-js returned after verification. */
export function signerSummary(signer: Signer): SignerSummary {
  const identity = signer.identity
  if (identity === undefined) return { publicKey: true, github: {} }
  const github: SignerSummary['github'] = {}
  const legacy: SignerSummary['github'] = {}
  let legacyRepository: string | undefined
  for (const { oid, value } of identity.oids ?? []) {
    const id = oid?.id.join('.') ?? ''
    if (!id.startsWith(FULCIO_ARC)) continue
    const n = Number(id.slice(FULCIO_ARC.length))
    const newName = GITHUB_EXTENSIONS[n]
    if (newName !== undefined) {
      const text = derUtf8(value)
      if (text !== undefined) github[newName] = text
    } else if (n === 5) {
      legacyRepository = value.toString('utf8')
    } else if (LEGACY_EXTENSIONS[n] !== undefined) {
      legacy[LEGACY_EXTENSIONS[n]] = value.toString('utf8')
    }
  }
  // DER (1.8+) wins; raw 1.1–1.6 only fill gaps, as Fulcio itself documents.
  const merged = { ...legacy, ...github }
  if (merged.sourceRepositoryUri === undefined && legacyRepository !== undefined) {
    merged.sourceRepositoryUri = `https://github.com/${legacyRepository}`
  }
  return {
    ...(identity.subjectAlternativeName !== undefined && {
      subjectAlternativeName: identity.subjectAlternativeName,
    }),
    ...(identity.extensions?.issuer !== undefined && { issuer: identity.extensions.issuer }),
    github: merged,
  }
}

// A malformed value is dropped, so a policy on it fails rather than matching garbage.
function derUtf8(value: Buffer): string | undefined {
  try {
    return ASN1Obj.parseBuffer(Buffer.from(value)).value.toString('utf8')
  } catch {
    return undefined
  }
}
