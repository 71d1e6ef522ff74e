import { describe } from '../../errors.js'
import { scanSigned } from '../../verify/statement.js'
import { at, stringAt } from './read.js'
import type { SbomRule } from './types.js'

/** Checks that the predicate is an SBOM listing at least `minComponents` things; returns what failed. */
export function checkSbom(rule: SbomRule, predicate: unknown): string[] {
  let document: unknown
  try {
    document = parsedIfText(predicate)
  } catch (error) {
    return [`rule sbom: cannot be evaluated: ${describe(error)}`]
  }
  const counted = countEntries(document)
  if (typeof counted === 'string') return [`rule sbom: cannot be evaluated: ${counted}`]
  if (counted.count >= rule.minComponents) return []
  return [
    `rule sbom: expected at least ${rule.minComponents} ${counted.what}, found ${counted.count}`,
  ]
}

// cosign attest --type spdx stores the document as a string; JSON text is read as JSON, and one
// that repeats a key is refused as signed JSON is (T29): it has two readings.
function parsedIfText(predicate: unknown): unknown {
  if (typeof predicate !== 'string') return predicate
  let parsed: unknown
  try {
    parsed = JSON.parse(predicate) as unknown
  } catch {
    return predicate
  }
  scanSigned(Buffer.from(predicate), 'SBOM document string')
  return parsed
}

function countEntries(doc: unknown): { count: number; what: string } | string {
  if (stringAt(doc, 'bomFormat') === 'CycloneDX')
    return arrayLength(doc, 'components', 'CycloneDX components')
  if (stringAt(doc, 'spdxVersion')?.startsWith('SPDX-2') === true) {
    return arrayLength(doc, 'packages', 'SPDX packages')
  }
  // SPDX 2 tag-value: each package starts with a PackageName line; text in <text>…</text> (a
  // description, a comment) is a value, not a line of its own.
  if (typeof doc === 'string' && /^SPDXVersion:\s*SPDX-2/m.test(doc)) {
    const lines = doc.replace(/<text>[\s\S]*?<\/text>/g, '')
    return { count: lines.match(/^PackageName:/gm)?.length ?? 0, what: 'SPDX packages' }
  }
  return 'the predicate is neither CycloneDX JSON (bomFormat "CycloneDX") nor an SPDX 2 document (spdxVersion)'
}

// Both formats may leave the list out when it is empty.
function arrayLength(
  doc: unknown,
  key: string,
  what: string,
): { count: number; what: string } | string {
  const list = at(doc, key)
  if (list === undefined) return { count: 0, what }
  return Array.isArray(list) ? { count: list.length, what } : `${key} is not a list`
}
