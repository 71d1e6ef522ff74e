import type { CheckedEvidence, Finding } from '../types.js'
import { describeIdentity, identityMismatch, type IdentityPolicy } from '../verify/identity.js'

/** One thing the image must carry: a signature, or an attestation of some predicate types. */
export interface Requirement {
  /** What the user called it: `signature`, an alias, or a predicate type URI. */
  name: string
  kind: 'signature' | 'attestation'
  /** For attestations: any of these predicate types satisfies it. */
  predicateTypes: string[]
  /** Any one of these signers satisfies it. */
  identities: IdentityPolicy[]
  /** Optional requirements only warn. */
  required: boolean
}

/**
 * Evaluates every requirement against the checked evidence (pure). A requirement passes only on
 * verified evidence of its kind and type, bound to the digest, signed by one of its identities.
 */
export function evaluate(requirements: Requirement[], evidence: CheckedEvidence[]): Finding[] {
  return requirements.map((requirement) => evaluateOne(requirement, evidence))
}

function evaluateOne(requirement: Requirement, evidence: CheckedEvidence[]): Finding {
  const expected = `${describeWanted(requirement)} signed by ${requirement.identities.map(describeIdentity).join(' or ')}`
  const candidates = evidence.filter((e) => e.verified && fits(requirement, e))
  const accepted = candidates.find((e) =>
    requirement.identities.some(
      (identity) => e.signer && identityMismatch(identity, e.signer) === undefined,
    ),
  )
  if (accepted) {
    return {
      requirement: requirement.name,
      status: 'pass',
      expected,
      actual: `${describeEvidence(accepted)}`,
    }
  }
  const status = requirement.required ? 'fail' : 'warn'
  if (candidates.length > 0) {
    const reasons = candidates.map(
      (e) => `${describeEvidence(e)}, but ${mismatches(requirement, e)}`,
    )
    return { requirement: requirement.name, status, expected, actual: reasons.join('; ') }
  }
  return {
    requirement: requirement.name,
    status,
    expected,
    actual: describeAbsence(requirement, evidence),
  }
}

function fits(requirement: Requirement, e: CheckedEvidence): boolean {
  if (requirement.kind === 'signature') return e.kind === 'signature'
  return (
    e.kind === 'attestation' &&
    e.predicateType !== undefined &&
    requirement.predicateTypes.includes(e.predicateType)
  )
}

function describeWanted(requirement: Requirement): string {
  if (requirement.kind === 'signature') return 'a verified image signature'
  return `a verified attestation of type ${requirement.predicateTypes.join(' or ')}`
}

function describeEvidence(e: CheckedEvidence): string {
  const what = e.kind === 'signature' ? 'signature' : `${e.predicateType ?? 'unknown'} attestation`
  const by = e.signer?.publicKey
    ? 'the configured key'
    : `"${e.signer?.subjectAlternativeName ?? '(no identity)'}" (issuer "${e.signer?.issuer ?? '(none)'}")`
  return `${what} signed by ${by} at ${e.location}`
}

function mismatches(requirement: Requirement, e: CheckedEvidence): string {
  const reasons = requirement.identities.map((identity) =>
    e.signer ? identityMismatch(identity, e.signer) : 'no signer',
  )
  return [...new Set(reasons)].join(' and ')
}

// "Nothing found" and "found, but not verified" read differently (security catalog rule 10).
function describeAbsence(requirement: Requirement, evidence: CheckedEvidence[]): string {
  if (evidence.length === 0) return 'no signatures or attestations were found for this digest'
  const parts: string[] = []
  const verified = evidence.filter((e) => e.verified)
  if (verified.length > 0) {
    const types = [
      ...new Set(verified.map((e) => (e.kind === 'signature' ? 'signature' : e.predicateType))),
    ]
    parts.push(`verified: ${types.join(', ')}`)
  }
  const failed = evidence.filter((e) => !e.verified && e.signed)
  for (const e of failed.slice(0, 5))
    parts.push(`not verified (${e.error ?? 'unknown reason'}) at ${e.location}`)
  const unsigned = evidence.filter((e) => !e.signed)
  if (unsigned.length > 0) parts.push(`${unsigned.length} unsigned or unreadable piece(s)`)
  const kind =
    requirement.kind === 'signature'
      ? 'no verified image signature'
      : 'no verified attestation of that type'
  return `${kind}; present: ${parts.join('; ')}`
}
