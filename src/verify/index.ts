import type { CheckedEvidence, Digest, Evidence, EvidenceBytes } from '../types.js'
import { BundleError, GithubRootNeeded, verifyBundle } from './bundle.js'
import { assertSimpleSigning } from './simple-signing.js'
import {
  COSIGN_SIGN_PREDICATE,
  StatementError,
  assertSubject,
  readStatement,
  type PredicateFilter,
} from './statement.js'
import { withGithub, type Trust } from './trust.js'

export {
  loadTrust,
  parseTrustedRoot,
  type Trust,
  type TrustedRootLoader,
  type PublicGoodLoader,
} from './trust.js'
export { verifyBundle, BundleError } from './bundle.js'
export {
  readStatement,
  assertSubject,
  COSIGN_SIGN_PREDICATE,
  INTOTO_PAYLOAD_TYPE,
  type PredicateFilter,
} from './statement.js'
export {
  identityMismatch,
  describeIdentity,
  describeMatcher,
  compilePattern,
  acceptsAnySigner,
  acceptsAnyRepository,
  type IdentityPolicy,
  type StringMatcher,
} from './identity.js'

/**
 * Runs `checkAll` (which checks every piece of one subject) with `trust`. GitHub's trusted root
 * is loaded (through TUF, once per run) only when a piece turns out to be GitHub's, and then every
 * piece is checked again with it: a run without such pieces never fetches it, and no piece is
 * parsed an extra time to find out. A load failure throws (exit 2).
 */
export async function checkedWithTrust<T>(trust: Trust, checkAll: (trust: Trust) => T): Promise<T> {
  try {
    return checkAll(trust)
  } catch (error) {
    if (!(error instanceof GithubRootNeeded)) throw error
    return checkAll(await withGithub(trust))
  }
}

/** How a verified piece is tied to its subject (an image digest, or a release file). */
export interface Binding {
  /** The digests a DSSE statement may name as its subject. */
  digests: Digest[]
  /** The bytes a message signature is verified over; absent: `missing` says why. */
  artifact?: Buffer
  missing?: string
  /** Ties a verified message signature to the subject, or throws a StatementError. */
  bindMessage: () => void
  /** The predicates worth parsing (the rules read them); absent: every one. */
  reads?: PredicateFilter
}

/**
 * Verifies one piece of evidence and binds it to the image `digest`. Never throws for bad
 * evidence: a failure is recorded on the result with its reason, and `verified` stays false.
 */
export function checkEvidence(
  evidence: Evidence,
  digest: Digest,
  trust: Trust,
  reads?: PredicateFilter,
): CheckedEvidence {
  const payload = evidence.signedPayload
  return checkBound(evidence, trust, {
    ...(reads !== undefined && { reads }),
    digests: [digest],
    ...(payload !== undefined && { artifact: payload }),
    missing: 'a message signature on an image does not name the image digest',
    // A message signature binds only through the payload it signs (legacy cosign `.sig`).
    bindMessage: () => assertSimpleSigning(payload!, digest),
  })
}

/** The evidence without its bytes: what a checked piece keeps (CheckedEvidence). */
export function withoutBytes({
  bundle: _bundle,
  signedPayload: _payload,
  unsignedStatement: _statement,
  ...kept
}: Evidence): Omit<Evidence, EvidenceBytes> {
  return kept
}

/** Verifies one piece and binds it as `binding` says; bad evidence is data, never thrown. */
export function checkBound(evidence: Evidence, trust: Trust, binding: Binding): CheckedEvidence {
  const unverified: CheckedEvidence = {
    ...withoutBytes(evidence),
    kind: 'unknown',
    signed: false,
    verified: false,
    tlog: [],
  }
  if (evidence.error !== undefined) return unverified
  if (evidence.bundle === undefined) return { ...unverified, kind: 'unsigned' }
  const signed = { ...unverified, signed: true }
  try {
    if (binding.artifact === undefined && isMessageSignature(evidence.bundle)) {
      throw new StatementError(binding.missing ?? 'the signed bytes are not available')
    }
    const verified = verifyBundle(evidence.bundle, trust, binding.artifact)
    if (!('dsse' in verified.content)) {
      binding.bindMessage()
      const { signer, tlog } = verified
      return { ...signed, kind: 'signature', verified: true, signer, tlog }
    }
    const statement = readStatement(
      verified.content.dsse.payloadType,
      verified.content.dsse.payload,
      binding.reads,
    )
    // Bind to the subject: the signature is about it, or it is about nothing we check.
    assertSubject(statement, ...binding.digests)
    return {
      ...signed,
      kind: statement.predicateType === COSIGN_SIGN_PREDICATE ? 'signature' : 'attestation',
      verified: true,
      predicateType: statement.predicateType,
      signer: verified.signer,
      tlog: verified.tlog,
      predicate: statement.predicate,
      digests: binding.digests,
    }
  } catch (error) {
    // Not about the evidence: the caller loads GitHub's root and checks again.
    if (error instanceof GithubRootNeeded) throw error
    if (error instanceof BundleError || error instanceof StatementError) {
      return { ...signed, error: error.message }
    }
    return { ...signed, error: `verification failed unexpectedly: ${String(error)}` }
  }
}

/** True for a serialized bundle whose content is a message signature. */
export function isMessageSignature(bundle: unknown): boolean {
  return typeof bundle === 'object' && bundle !== null && 'messageSignature' in bundle
}
