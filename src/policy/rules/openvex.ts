import { MediaType } from '../../registry/media-types.js'
import type { CheckedEvidence } from '../../types.js'
import { predicateTypesOf } from '../predicate-types.js'
import { signedByAny } from '../signer.js'
import { at, stringAt, zonedTime } from './read.js'
import { isObject } from '../../util/json-object.js'
import type { RuleContext } from './types.js'

/** A finding as triage sees it: its ID and, when the scanner gave one, the package URL. */
export interface TriageFinding {
  id: string
  purl?: string
}

interface VexStatement {
  /** The vulnerability's name and aliases, upper-cased. */
  ids: Set<string>
  /** Package URLs the statement is limited to; empty = the whole product. */
  subcomponents: string[]
  status: string
  time: number
}

// Statuses that say the product is not exposed; `affected` and `under_investigation` are not.
const ACCEPTING = new Set(['not_affected', 'fixed'])

/** Which findings triage accepts, or why it accepts none at all. */
export interface Triage {
  accepts: (finding: TriageFinding) => boolean
  blocked?: string
}

/**
 * Which findings a verified OpenVEX attestation accepts. Only attestations signed by the
 * requirement's own identities count: a waiver is worth no more than the report it waives.
 */
export function openvexTriage(context: RuleContext): Triage {
  const types = predicateTypesOf('openvex') ?? []
  // Security: the latest statement wins, so a piece that could not be read or verified may be a
  // newer `affected` one; without it an older waiver would pass for the last word.
  const unread = context.evidence.filter((e) => e.error !== undefined && mayBeVex(e, types))
  if (unread.length > 0) {
    return {
      accepts: () => false,
      blocked: `OpenVEX accepts nothing while ${unread.length === 1 ? '1 piece' : `${unread.length} pieces`} of evidence could not be read or verified`,
    }
  }
  const trusted = context.evidence.filter(
    (e) =>
      e.verified &&
      e.kind === 'attestation' &&
      types.includes(e.predicateType ?? '') &&
      signedByAny(e, context.identities),
  )
  // Indexed by ID: a report may hold thousands of findings and the VEX thousands of statements.
  const byId = new Map<string, VexStatement[]>()
  for (const statement of trusted.flatMap((e) => readStatements(e.predicate, e.digests ?? []))) {
    for (const id of statement.ids) {
      const list = byId.get(id) ?? []
      list.push(statement)
      byId.set(id, list)
    }
  }
  const accepts = (finding: TriageFinding): boolean => {
    const relevant = (byId.get(finding.id.toUpperCase()) ?? []).filter(
      (s) =>
        s.subcomponents.length === 0 ||
        (finding.purl !== undefined && s.subcomponents.includes(finding.purl)),
    )
    if (relevant.length === 0) return false
    // OpenVEX: the latest statement on a vulnerability wins; statements made at once must agree.
    const latest = relevant.reduce((time, s) => Math.max(time, s.time), -Infinity)
    return relevant.filter((s) => s.time === latest).every((s) => ACCEPTING.has(s.status))
  }
  return { accepts }
}

// A piece that cannot be a VEX document: a cosign `.sig` signature, or one that says it is of another
// type. A claim is untrusted, but whoever could change it could as well remove the piece.
function mayBeVex(evidence: CheckedEvidence, types: readonly string[]): boolean {
  if (evidence.mediaType === MediaType.cosignSimpleSigning) return false
  const claimed = evidence.claimedPredicateType
  return claimed === undefined || types.includes(claimed)
}

// OpenVEX v0.2.0 (`vulnerability: {name, aliases}`, products with subcomponents) and v0.0.1
// (`vulnerability: "CVE-…"`, `subcomponents` on the statement). A malformed statement accepts nothing.
// `digests` are those the attestation was verified to name: the image (or file) it is about.
function readStatements(document: unknown, digests: string[]): VexStatement[] {
  const statements = at(document, 'statements')
  if (!Array.isArray(statements)) return []
  const documentTime = stringAt(document, 'timestamp')
  const isThis = productMatcher(statements, digests)
  return statements.flatMap((s): VexStatement[] => {
    const status = stringAt(s, 'status')
    const vulnerability = at(s, 'vulnerability')
    const names =
      typeof vulnerability === 'string'
        ? [vulnerability]
        : [stringAt(vulnerability, 'name'), ...(ids(at(vulnerability, 'aliases')) ?? [])]
    const known = names.filter((n): n is string => n !== undefined).map((n) => n.toUpperCase())
    // A scope that cannot be read drops the statement; it is never widened to the whole product.
    const listed = items(at(s, 'products'))
    // A product that is a package (pkg:deb/…, not an image) is a scope within the image, as a
    // subcomponent is: it waives the finding in that package only.
    const packages = listed?.filter((p) => isPackage(productId(p)))
    const products = listed?.filter((p) => !isPackage(productId(p)) && isThis(productId(p)))
    // A statement about other products only says nothing about this one.
    if (listed !== undefined && listed.length > 0 && products!.length + packages!.length === 0) {
      return []
    }
    const scopes = [
      ids(at(s, 'subcomponents')),
      ...(products === undefined ? [undefined] : products.map((p) => ids(at(p, 'subcomponents')))),
      ...(packages ?? []).map((p) => [productId(p)!]),
    ]
    if (status === undefined || known.length === 0 || scopes.includes(undefined)) return []
    // OpenVEX: not_affected MUST say why (a justification or an impact statement).
    if (
      status === 'not_affected' &&
      stringAt(s, 'justification') === undefined &&
      stringAt(s, 'impact_statement') === undefined
    ) {
      return []
    }
    // A time without a zone orders nothing (it could be hours off): it counts as the oldest.
    const time = zonedTime(stringAt(s, 'timestamp') ?? documentTime)
    return [
      {
        ids: new Set(known),
        subcomponents: scopes.flatMap((scope) => scope ?? []),
        status,
        time: Number.isNaN(time) ? -Infinity : time,
      },
    ]
  })
}

/**
 * Which product ids are this attestation's subject. One naming a digest must name one of
 * `digests`; one naming none is the subject only when it is the document's sole product (the
 * attestation's subject then says which image it is). In a document about several products, a
 * statement on one never speaks for another.
 */
function productMatcher(
  statements: unknown[],
  digests: string[],
): (id: string | undefined) => boolean {
  const hexes = digests.map((d) => d.slice(d.indexOf(':') + 1).toLowerCase())
  const products = new Set(
    statements.flatMap((s) => items(at(s, 'products')) ?? []).map((p) => productId(p)),
  )
  return (id) => {
    if (id === undefined) return false
    const lower = id.toLowerCase()
    if (/[0-9a-f]{64}/.test(lower)) return hexes.some((hex) => lower.includes(hex))
    return products.size === 1
  }
}

// A package URL of a type other than an image's (oci, docker).
const isPackage = (id: string | undefined): boolean =>
  id !== undefined && /^pkg:(?!oci\/|docker\/)[a-z][a-z0-9.+-]*\//i.test(id)

// A product is a string (v0.0.1) or an object with an `@id` (v0.2.0).
function productId(product: unknown): string | undefined {
  return typeof product === 'string' ? product : stringAt(product, '@id')
}

/** An optional list: [] when absent, undefined when it is something else. */
function items(value: unknown): unknown[] | undefined {
  if (value === undefined) return []
  return Array.isArray(value) ? value : undefined
}

/** An optional list of strings or `{"@id": …}` objects; undefined when any item is neither. */
function ids(value: unknown): string[] | undefined {
  const found = items(value)?.map((item) =>
    typeof item === 'string' ? item : isObject(item) ? stringAt(item, '@id') : undefined,
  )
  return found?.includes(undefined) ? undefined : (found as string[] | undefined)
}
