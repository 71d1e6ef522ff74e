import { LIMITS } from '../limits.js'
import type { Digest } from '../types.js'
import { isObject } from '../util/json-object.js'
import { JsonError, scanJson, type ScanOptions, type Span } from './json.js'

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
  /** Every sha256 and sha512 digest the subjects name, as `alg:value`. */
  subjectDigests: string[]
  /** Each subject's whole digest set (algorithm to value), as signed. */
  subjects: Record<string, string>[]
  predicate: unknown
}

/** Thrown for any statement that cannot be relied on; the message is the reason shown. */
export class StatementError extends Error {}

/** Which predicates are parsed: a predicate type no rule reads is left as bytes. */
export type PredicateFilter = (predicateType: string) => boolean

/**
 * Decodes a DSSE payload as an in-toto statement, checking its type, shape and bounds. The whole
 * payload is validated, but the predicate is parsed only when `reads` wants its type: an SBOM
 * predicate can be tens of MiB, and most policies only need to know it is there.
 */
export function readStatement(
  payloadType: string,
  payload: Buffer,
  reads: PredicateFilter = () => true,
): Statement {
  if (payloadType !== INTOTO_PAYLOAD_TYPE) {
    throw new StatementError(
      `the DSSE payload type is "${payloadType}", not ${INTOTO_PAYLOAD_TYPE}`,
    )
  }
  // The predicate's keys are compared only if it is read: an SBOM has millions of them. The
  // statement's own are compared case-folded: Go's in-toto reads `Subject` as `subject`.
  const members = scanSigned(payload, 'DSSE payload', { uncompared: 'predicate', foldCase: true })
  const member = (name: string): unknown => parseSpan(payload, members?.get(name))
  if (members === undefined || !STATEMENT_TYPES.has(member('_type') as string)) {
    throw new StatementError('the DSSE payload is not an in-toto statement')
  }
  const predicateType = member('predicateType')
  const subject = member('subject')
  if (typeof predicateType !== 'string' || predicateType === '') {
    throw new StatementError('the statement has no predicate type')
  }
  if (!Array.isArray(subject) || subject.length === 0) {
    throw new StatementError('the statement has no subject')
  }
  if (subject.length > LIMITS.subjectsPerStatement) {
    throw new StatementError(`the statement has more than ${LIMITS.subjectsPerStatement} subjects`)
  }
  // Security: a malformed subject (null, no digest set) fails the whole statement (catalog T22).
  const subjects = subject.map(digestSet)
  const subjectDigests = subjects.flatMap((digests) =>
    SUBJECT_ALGORITHMS.flatMap((alg) =>
      digests[alg] !== undefined ? [`${alg}:${digests[alg]}`] : [],
    ),
  )
  const span = members.get('predicate')
  const predicate =
    span !== undefined && reads(predicateType) ? readPredicate(payload, span) : undefined
  return { predicateType, subjectDigests, subjects, predicate }
}

/**
 * Validates a signed JSON payload and returns its top-level members (undefined when it is not an
 * object). Security: a repeated key has two readings under one signature (catalog T29).
 */
export function scanSigned(
  payload: Buffer,
  what: string,
  options?: ScanOptions,
): Map<string, Span> | undefined {
  try {
    return scanJson(payload, options)
  } catch (error) {
    if (error instanceof JsonError && error.repeatedKey !== undefined) {
      throw new StatementError(
        `the ${what} repeats the key ${JSON.stringify(error.repeatedKey.slice(0, 60))}`,
      )
    }
    throw new StatementError(`the ${what} is not JSON`)
  }
}

// The predicate, its keys compared now that it is read (the statement's scan skipped them).
function readPredicate(payload: Buffer, { start, end }: Span): unknown {
  scanSigned(payload, 'DSSE payload', { start, end })
  return parseSpan(payload, { start, end })
}

/** Parses one member that `scanSigned` found (and so validated); undefined when absent. */
export function parseSpan(payload: Buffer, span: Span | undefined): unknown {
  return span === undefined ? undefined : JSON.parse(payload.toString('utf8', span.start, span.end))
}

// One subject's digest set: a JSON object of 1 to 32 string values (in-toto: digest is required).
function digestSet(entry: unknown): Record<string, string> {
  if (!isObject(entry)) throw new StatementError('a statement subject is not an object')
  const digest = entry['digest']
  if (!isObject(digest) || Object.keys(digest).length === 0) {
    throw new StatementError('a statement subject has no digest')
  }
  const entries = Object.entries(digest)
  if (entries.length > LIMITS.digestsPerSubject) {
    throw new StatementError(
      `a statement subject has more than ${LIMITS.digestsPerSubject} digests`,
    )
  }
  if (entries.some(([, value]) => typeof value !== 'string')) {
    throw new StatementError('a statement subject has a digest that is not a string')
  }
  return digest as Record<string, string>
}

/**
 * Binds a statement to its subject: some subject must name one of `digests` exactly (`alg:hex`,
 * lowercase, no normalisation: catalog T26), and every other digest that subject names must be
 * one of `digests` too. Images pass their one sha256, so a subject that also lists a sha512 (or
 * anything else) cannot be checked and is refused; files pass sha256 and sha512 (catalog T27).
 */
export function assertSubject(statement: Statement, ...digests: Digest[]): void {
  const named = (alg: string, value: string): boolean => digests.includes(`${alg}:${value}`)
  let inconsistent: string | undefined
  for (const subject of statement.subjects) {
    const entries = Object.entries(subject)
    if (!entries.some(([alg, value]) => named(alg, value))) continue
    // Security: bind only when the subject's whole digest set agrees (catalog T27).
    const other = entries.find(([alg, value]) => !named(alg, value))
    if (other === undefined) return
    inconsistent ??= other[0]
  }
  if (inconsistent !== undefined) {
    throw new StatementError(
      `the statement subject naming ${digests.join(' or ')} also names a ${JSON.stringify(inconsistent.slice(0, 40))} digest that does not match or cannot be checked (inconsistent subject digests)`,
    )
  }
  const found = statement.subjectDigests.slice(0, 3).join(', ') || 'no sha256 or sha512 digest'
  throw new StatementError(`the statement is about ${found}, not ${digests.join(' or ')}`)
}
