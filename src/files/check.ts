// Verifying one piece of evidence against a release file: a message signature must verify over
// the file's bytes; a DSSE statement must name the file's sha256 or sha512 among its subjects.
import type { CheckedEvidence, Evidence } from '../types.js'
import {
  BundleError,
  COSIGN_SIGN_PREDICATE,
  assertSubject,
  readStatement,
  verifyBundle,
  type Trust,
} from '../verify/index.js'
import { StatementError } from '../verify/statement.js'

/** A file as evidence is bound to it: its digests, and its bytes when a message signature needs them. */
export interface BoundFile {
  sha256: string
  sha512: string
  /** Present only when some piece is a message signature (read once, checked against sha256). */
  bytes?: Buffer
  /** Why the bytes are not available, when they are not. */
  bytesProblem?: string
}

/** Verifies one piece and binds it to the file. Never throws for bad evidence. */
export function checkFileEvidence(
  evidence: Evidence,
  file: BoundFile,
  trust: Trust,
): CheckedEvidence {
  const unverified: CheckedEvidence = {
    ...evidence,
    kind: 'unknown',
    signed: false,
    verified: false,
    tlog: [],
  }
  if (evidence.error !== undefined) return unverified
  if (evidence.bundle === undefined) return { ...unverified, kind: 'unsigned' }
  const signed = { ...unverified, signed: true }
  try {
    if (isMessageSignature(evidence.bundle) && file.bytes === undefined) {
      throw new BundleError(
        `a message signature needs the file's bytes: ${file.bytesProblem ?? 'not read'}`,
      )
    }
    const verified = verifyBundle(evidence.bundle, trust, file.bytes)
    if (!('dsse' in verified.content)) {
      // @sigstore/verify checked the signature over exactly these bytes: it is about this file.
      return {
        ...signed,
        kind: 'signature',
        verified: true,
        signer: verified.signer,
        tlog: verified.tlog,
      }
    }
    const statement = readStatement(
      verified.content.dsse.payloadType,
      verified.content.dsse.payload,
    )
    assertSubject(statement, file.sha256, file.sha512)
    return {
      ...signed,
      kind: statement.predicateType === COSIGN_SIGN_PREDICATE ? 'signature' : 'attestation',
      verified: true,
      predicateType: statement.predicateType,
      signer: verified.signer,
      tlog: verified.tlog,
      predicate: statement.predicate,
    }
  } catch (error) {
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
