// Verifying one piece of evidence against a release file: a message signature must verify over
// the file's bytes; a DSSE statement must name the file's sha256 or sha512 among its subjects.
import type { CheckedEvidence, Evidence } from '../types.js'
import { checkBound, type Trust } from '../verify/index.js'

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
  return checkBound(evidence, trust, {
    digests: [file.sha256, file.sha512],
    ...(file.bytes !== undefined && { artifact: file.bytes }),
    missing: `a message signature needs the file's bytes: ${file.bytesProblem ?? 'not read'}`,
    // @sigstore/verify checked the signature over exactly these bytes: it is about this file.
    bindMessage: () => undefined,
  })
}
