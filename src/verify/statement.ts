import { LIMITS } from '../limits.js'
import type { Digest } from '../types.js'

export const INTOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json'
/** cosign v3 signs an image as a DSSE statement with this predicate type. */
export const COSIGN_SIGN_PREDICATE = 'https://sigstore.dev/cosign/sign/v1'

// Subject digests we can bind: images are named by sha256; files (npm packages) may be sha512 only.
const SUBJECT_ALGORITHMS = ['sha256', 'sha512'] as const

// in-toto Statement v0.1 and v1 (in-toto/attestation spec/v1/statement.md).
const STATEMENT_TYPES = new Set([
  'https://in-toto.io/Statement/v1',
  'https://in-toto.io/Statement/v0.1',
])

export interface Statement {
  predicateType: string
  subjectDigests: string[]
  predicate: unknown
}

/** Thrown for any statement that cannot be relied on; the message is the reason shown. */
export class StatementError extends Error {}

/** Decodes a DSSE payload as an in-toto statement, checking its type, shape and bounds. */
export function readStatement(payloadType: string, payload: Buffer): Statement {
  if (payloadType !== INTOTO_PAYLOAD_TYPE) {
    throw new StatementError(
      `the DSSE payload type is "${payloadType}", not ${INTOTO_PAYLOAD_TYPE}`,
    )
  }
  let json: Record<string, unknown>
  try {
    json = JSON.parse(payload.toString('utf8')) as Record<string, unknown>
  } catch {
    throw new StatementError('the DSSE payload is not JSON')
  }
  if (typeof json !== 'object' || json === null || !STATEMENT_TYPES.has(json['_type'] as string)) {
    throw new StatementError('the DSSE payload is not an in-toto statement')
  }
  const { predicateType, subject } = json
  if (typeof predicateType !== 'string' || predicateType === '') {
    throw new StatementError('the statement has no predicate type')
  }
  if (!Array.isArray(subject) || subject.length === 0) {
    throw new StatementError('the statement has no subject')
  }
  if (subject.length > LIMITS.subjectsPerStatement) {
    throw new StatementError(`the statement has more than ${LIMITS.subjectsPerStatement} subjects`)
  }
  const subjectDigests = subject.flatMap((s: unknown) => {
    const digests = (s as { digest?: Record<string, unknown> } | null)?.digest ?? {}
    return SUBJECT_ALGORITHMS.flatMap((alg) =>
      typeof digests[alg] === 'string' ? [`${alg}:${digests[alg]}`] : [],
    )
  })
  return { predicateType, subjectDigests, predicate: json['predicate'] }
}

/**
 * Binds a statement to its subject: some subject digest must equal one of `digests` exactly
 * (`alg:hex`, lowercase, no normalisation: security catalog T26). Images pass their one sha256.
 */
export function assertSubject(statement: Statement, ...digests: Digest[]): void {
  if (!digests.some((digest) => statement.subjectDigests.includes(digest))) {
    const found = statement.subjectDigests.slice(0, 3).join(', ') || 'no sha256 or sha512 digest'
    throw new StatementError(`the statement is about ${found}, not ${digests.join(' or ')}`)
  }
}
