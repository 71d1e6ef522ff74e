import { openvexTriage, type TriageFinding } from './openvex.js'
import { at, clip, quote, stringAt, zonedTime } from './read.js'
import { isObject } from '../../util/json-object.js'
import type { RuleContext, VulnerabilitiesRule } from './types.js'

interface VulnerabilityFinding extends TriageFinding {
  /** Upper case: LOW, MEDIUM, HIGH, CRITICAL, UNKNOWN, and Grype's NEGLIGIBLE. */
  severity: string
  pkg: string
  /** Other IDs of the same vulnerability (Grype's relatedVulnerabilities): deny lists see them. */
  aliases: string[]
}

interface Report {
  findings: VulnerabilityFinding[]
  scannedAt: { value: string | undefined; field: string }
}

// Trivy's severities, and Grype's Negligible below Low; `none` as a ceiling ranks 0, so any
// finding is above it.
const CRITICAL = 4
const RANK: Record<string, number> = { NEGLIGIBLE: 0.5, LOW: 1, MEDIUM: 2, HIGH: 3, CRITICAL }

/** Checks a vulnerability report against severity, deny-list and age limits; returns what failed. */
export function checkVulnerabilities(
  rule: VulnerabilitiesRule,
  predicate: unknown,
  context: RuleContext,
): string[] {
  const report = readReport(predicate)
  if (typeof report === 'string') return [`rule vulnerabilities: cannot be evaluated: ${report}`]
  const triage = rule.triage === 'openvex' ? openvexTriage(context) : undefined
  const open = report.findings.filter((f) => triage?.accepts(f) !== true)
  const note =
    triage === undefined
      ? ''
      : ` (${triage.blocked ?? `${report.findings.length - open.length} accepted by OpenVEX`})`
  const failures: string[] = []
  if (rule.maxSeverity !== undefined) {
    const ceiling = RANK[rule.maxSeverity.toUpperCase()] ?? 0
    const above = open.filter((f) => {
      const rank = RANK[f.severity]
      // Fail closed: a severity we cannot rank is above every ceiling except critical.
      return rank === undefined ? ceiling < CRITICAL : rank > ceiling
    })
    if (above.length > 0) {
      failures.push(
        `rule vulnerabilities.maxSeverity: expected nothing above ${rule.maxSeverity}, found ${describe(above)}${note}`,
      )
    }
  }
  if (rule.denyCves !== undefined) {
    const denied = new Set(rule.denyCves.map((id) => id.toUpperCase()))
    // Deny lists also match a finding's other IDs (a GHSA whose CVE is denied); triage does not,
    // since widening what a waiver accepts is the unsafe direction.
    const found = open.filter((f) =>
      [f.id, ...f.aliases].some((id) => denied.has(id.toUpperCase())),
    )
    if (found.length > 0) {
      failures.push(`rule vulnerabilities.denyCves: found ${describe(found)}${note}`)
    }
  }
  if (rule.maxAge !== undefined) failures.push(...checkAge(rule.maxAge, report.scannedAt))
  return failures
}

function checkAge(
  maxAge: NonNullable<VulnerabilitiesRule['maxAge']>,
  scannedAt: Report['scannedAt'],
): string[] {
  const { value, field } = scannedAt
  if (value === undefined) {
    return [
      `rule vulnerabilities.maxAge: cannot be evaluated: the report has no scan time (${field})`,
    ]
  }
  // Without a zone, a scan could look hours newer than it is.
  const time = zonedTime(value)
  if (Number.isNaN(time)) {
    return [
      `rule vulnerabilities.maxAge: cannot be evaluated: ${field} ${quote(value)} is not a date with a time zone`,
    ]
  }
  if (time < maxAge.notBefore) {
    return [
      `rule vulnerabilities.maxAge: expected a scan within ${maxAge.text}, found one from ${quote(value)}`,
    ]
  }
  // A scan dated after the gate started (beyond clock skew) cannot be placed in time.
  if (time > maxAge.notAfter) {
    return [`rule vulnerabilities.maxAge: the scan time ${quote(value)} is in the future`]
  }
  return []
}

function describe(findings: VulnerabilityFinding[]): string {
  const shown = findings
    .slice(0, 5)
    .map((f) => `${clip(f.id)} (${clip(f.severity)} in ${clip(f.pkg)})`)
    .join(', ')
  return findings.length > 5 ? `${shown} and ${findings.length - 5} more` : shown
}

// cosign's vuln predicate carries the scanner's report in scanner.result (Trivy's cosign-vuln
// format, or `cosign attest --type vuln` around a Grype report) and the scan time in metadata; a
// bare report has its own scan time.
function readReport(predicate: unknown): Report | string {
  if (isObject(at(predicate, 'scanner'))) {
    const report = readScannerReport(at(predicate, 'scanner', 'result'), 'scanner.result')
    if (typeof report === 'string') return report
    const finished = stringAt(predicate, 'metadata', 'scanFinishedOn')
    const started = stringAt(predicate, 'metadata', 'scanStartedOn')
    const scannedAt =
      finished !== undefined
        ? { value: finished, field: 'metadata.scanFinishedOn' }
        : started !== undefined
          ? { value: started, field: 'metadata.scanStartedOn' }
          : {
              value: report.scannedAt.value,
              field: `metadata.scanFinishedOn or ${report.scannedAt.field}`,
            }
    return { findings: report.findings, scannedAt }
  }
  if (at(predicate, 'SchemaVersion') !== undefined || at(predicate, 'matches') !== undefined) {
    return readScannerReport(predicate, '')
  }
  return "the predicate is neither cosign's vuln predicate (scanner.result) nor a Trivy JSON report (SchemaVersion, Results) nor a Grype one (matches, descriptor)"
}

/** Reads the Trivy or Grype JSON report found at `path` ('' for the predicate itself). */
function readScannerReport(report: unknown, path: string): Report | string {
  const field = (name: string): string => (path === '' ? name : `${path}.${name}`)
  if (typeof at(report, 'SchemaVersion') === 'number') return readTrivy(report, field)
  const matches = at(report, 'matches')
  if (Array.isArray(matches) && isObject(at(report, 'descriptor'))) {
    return readGrype(report, matches, field)
  }
  return `${path || 'the predicate'} is neither a Trivy JSON report (a numeric SchemaVersion) nor a Grype one (matches, descriptor)`
}

function readTrivy(report: unknown, field: (name: string) => string): Report | string {
  // Trivy leaves out Results and Vulnerabilities when they are empty.
  const results = at(report, 'Results') ?? []
  if (!Array.isArray(results)) return `${field('Results')} is not a list`
  const findings: VulnerabilityFinding[] = []
  for (const [i, result] of results.entries()) {
    const vulnerabilities = at(result, 'Vulnerabilities') ?? []
    if (!Array.isArray(vulnerabilities)) {
      return `${field(`Results[${i}].Vulnerabilities`)} is not a list`
    }
    for (const v of vulnerabilities) {
      const id = stringAt(v, 'VulnerabilityID')
      if (id === undefined) {
        return `${field(`Results[${i}]`)} lists a vulnerability without VulnerabilityID`
      }
      findings.push(
        finding(id, {
          severity: stringAt(v, 'Severity'),
          pkg: stringAt(v, 'PkgName'),
          purl: stringAt(v, 'PkgIdentifier', 'PURL'),
        }),
      )
    }
  }
  return {
    findings,
    scannedAt: { value: stringAt(report, 'CreatedAt'), field: field('CreatedAt') },
  }
}

// `grype -o json`: one match per vulnerable package, the scan time in descriptor.timestamp.
function readGrype(
  report: unknown,
  matches: unknown[],
  field: (name: string) => string,
): Report | string {
  const findings: VulnerabilityFinding[] = []
  for (const [i, m] of matches.entries()) {
    const id = stringAt(m, 'vulnerability', 'id')
    if (id === undefined) return `${field(`matches[${i}]`)} has no vulnerability.id`
    const related = at(m, 'relatedVulnerabilities')
    findings.push(
      finding(id, {
        severity: stringAt(m, 'vulnerability', 'severity'),
        pkg: stringAt(m, 'artifact', 'name'),
        purl: stringAt(m, 'artifact', 'purl'),
        aliases: (Array.isArray(related) ? related : []).flatMap((r) => stringAt(r, 'id') ?? []),
      }),
    )
  }
  const scannedAt = stringAt(report, 'descriptor', 'timestamp')
  return { findings, scannedAt: { value: scannedAt, field: field('descriptor.timestamp') } }
}

function finding(
  id: string,
  read: { severity?: string; pkg?: string; purl?: string; aliases?: string[] },
): VulnerabilityFinding {
  return {
    id,
    severity: (read.severity ?? 'UNKNOWN').toUpperCase(),
    pkg: read.pkg ?? '(no package name)',
    aliases: read.aliases ?? [],
    ...(read.purl !== undefined && { purl: read.purl }),
  }
}
