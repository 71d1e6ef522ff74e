import type { CheckedEvidence, Finding } from '../types.js'
import type { Placement } from './document.js'
import { describeIdentity, identityMismatch, type IdentityPolicy } from '../verify/identity.js'
import { checkRule, describeRule, type Rule, type RuleContext } from './rules/index.js'
import { predicateTypesOf } from './predicate-types.js'
import { signedByAny } from './signer.js'

const MAX_REASONS = 20

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
  /**
   * Under `platforms`, on an index: judged on the index's own evidence, on each platform
   * manifest's (the default), or on both (multi-arch.ts). Policy files only.
   */
  on?: Placement
  /** Rules on the content of the attestation that satisfied the identity (policy files only). */
  rules?: Rule[]
}

/**
 * The predicate types some rule of `requirements` reads: its requirement's own, and OpenVEX
 * wherever vulnerabilities are triaged. Every other predicate is verified but never parsed.
 */
export function predicatesRead(requirements: Requirement[]): (predicateType: string) => boolean {
  const types = new Set<string>()
  for (const { rules = [], predicateTypes } of requirements) {
    if (rules.length > 0) predicateTypes.forEach((t) => types.add(t))
    if (rules.some((r) => r.rule === 'vulnerabilities')) {
      predicateTypesOf('openvex')?.forEach((t) => types.add(t))
    }
  }
  return (predicateType) => types.has(predicateType)
}

/**
 * Evaluates every requirement against the checked evidence (pure). A requirement passes only on
 * verified evidence of its kind and type, bound to the digest, signed by one of its identities,
 * whose predicate passes every rule of the requirement.
 */
export function evaluate(
  requirements: Requirement[],
  evidence: CheckedEvidence[],
  subject: SubjectKind = 'image',
): Finding[] {
  return requirements.map((requirement) => evaluateOne(requirement, evidence, subject))
}

/** What the evidence is about, as findings name it: a container image or a release file. */
export type SubjectKind = 'image' | 'file'

function evaluateOne(
  requirement: Requirement,
  evidence: CheckedEvidence[],
  subject: SubjectKind,
): Finding {
  const rules = requirement.rules ?? []
  const passing =
    rules.length > 0 ? `, whose predicate passes ${rules.map(describeRule).join(' and ')}` : ''
  const expected = `${describeWanted(requirement, subject)} signed by ${requirement.identities.map(describeIdentity).join(' or ')}${passing}`
  const context: RuleContext = { evidence, identities: requirement.identities }
  const judged = evidence
    .filter((e) => e.verified && fits(requirement, e))
    .map((e) => ({ e, problems: problems(requirement, e, context) }))
  const accepted = judged.find((j) => j.problems.length === 0)
  if (accepted) {
    const checked = rules.length > 0 ? `, which passes ${rules.map((r) => r.rule).join(', ')}` : ''
    return {
      requirement: requirement.name,
      status: 'pass',
      expected,
      actual: `${describeEvidence(accepted.e)}${checked}`,
    }
  }
  const status = requirement.required ? 'fail' : 'warn'
  if (judged.length > 0) {
    const reasons = judged
      .slice(0, MAX_REASONS)
      .map((j) => `${describeEvidence(j.e)}, but ${j.problems.join(' and ')}`)
    // Up to 100 candidates may be present; the message stays readable, the result JSON has them all.
    if (judged.length > MAX_REASONS) reasons.push(`and ${judged.length - MAX_REASONS} more`)
    return { requirement: requirement.name, status, expected, actual: reasons.join('; ') }
  }
  return {
    requirement: requirement.name,
    status,
    expected,
    actual: describeAbsence(requirement, evidence, subject),
  }
}

// Rules judge only what an allowed identity signed: an impostor's content is never read.
function problems(requirement: Requirement, e: CheckedEvidence, context: RuleContext): string[] {
  if (!signedByAny(e, requirement.identities)) return [mismatches(requirement, e)]
  return (requirement.rules ?? []).flatMap((rule) => checkRule(rule, e, context))
}

function fits(requirement: Requirement, e: CheckedEvidence): boolean {
  if (requirement.kind === 'signature') return e.kind === 'signature'
  return (
    e.kind === 'attestation' &&
    e.predicateType !== undefined &&
    requirement.predicateTypes.includes(e.predicateType)
  )
}

function describeWanted(requirement: Requirement, subject: SubjectKind): string {
  if (requirement.kind === 'signature') return `a verified ${subject} signature`
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
function describeAbsence(
  requirement: Requirement,
  evidence: CheckedEvidence[],
  subject: SubjectKind,
): string {
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
  // An unsigned statement of the wanted type is named: found, yet it proves nothing.
  const lookalikes = unsigned.filter(
    (e) =>
      e.kind === 'unsigned' &&
      e.claimedPredicateType !== undefined &&
      requirement.predicateTypes.includes(e.claimedPredicateType),
  )
  for (const e of lookalikes.slice(0, 5))
    parts.push(`${e.claimedPredicateType} found at ${e.location} but not signed`)
  if (unsigned.length > 0) parts.push(`${unsigned.length} unsigned or unreadable piece(s)`)
  const kind =
    requirement.kind === 'signature'
      ? `no verified ${subject} signature`
      : 'no verified attestation of that type'
  return `${kind}; present: ${parts.join('; ')}`
}
