import { openvexTriage, type TriageFinding } from './openvex.js'
import { at, clip, isObject, quote, stringAt } from './read.js'
import type { RuleContext, VulnerabilitiesRule } from './types.js'

interface VulnerabilityFinding extends TriageFinding {
  /** Upper case as Trivy writes it: LOW, MEDIUM, HIGH, CRITICAL or UNKNOWN. */
  severity: string
  pkg: string
}

interface Report {
  findings: VulnerabilityFinding[]
  scannedAt: { value: string | undefined; field: string }
}

// Trivy's severities; `none` as a ceiling ranks 0, so any finding is above it.
const CRITICAL = 4
const RANK: Record<string, number> = { LOW: 1, MEDIUM: 2, HIGH: 3, CRITICAL }

/** Checks a vulnerability report against severity, deny-list and age limits; returns what failed. */
export function checkVulnerabilities(
  rule: VulnerabilitiesRule,
  predicate: unknown,
  context: RuleContext,
): string[] {
  const report = readReport(predicate)
  if (typeof report === 'string') return [`rule vulnerabilities: cannot be evaluated: ${report}`]
  const accepted = rule.triage === 'openvex' ? openvexTriage(context) : () => false
  const open = report.findings.filter((f) => !accepted(f))
  const note =
    rule.triage === undefined
      ? ''
      : ` (${report.findings.length - open.length} accepted by OpenVEX)`
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
    const found = open.filter((f) => denied.has(f.id.toUpperCase()))
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
  const time = Date.parse(value)
  if (Number.isNaN(time)) {
    return [
      `rule vulnerabilities.maxAge: cannot be evaluated: ${field} ${quote(value)} is not a date`,
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
// format) and the scan time in metadata; a bare Trivy report has CreatedAt.
function readReport(predicate: unknown): Report | string {
  if (isObject(at(predicate, 'scanner'))) {
    const trivy = readTrivy(at(predicate, 'scanner', 'result'), 'scanner.result')
    if (typeof trivy === 'string') return trivy
    const finished = stringAt(predicate, 'metadata', 'scanFinishedOn')
    const started = stringAt(predicate, 'metadata', 'scanStartedOn')
    const scannedAt =
      finished !== undefined
        ? { value: finished, field: 'metadata.scanFinishedOn' }
        : started !== undefined
          ? { value: started, field: 'metadata.scanStartedOn' }
          : { value: trivy.createdAt, field: 'metadata.scanFinishedOn or scanner.result.CreatedAt' }
    return { findings: trivy.findings, scannedAt }
  }
  if (at(predicate, 'SchemaVersion') !== undefined) {
    const trivy = readTrivy(predicate, '')
    if (typeof trivy === 'string') return trivy
    return { findings: trivy.findings, scannedAt: { value: trivy.createdAt, field: 'CreatedAt' } }
  }
  return "the predicate is neither cosign's vuln predicate (scanner.result) nor a Trivy JSON report (SchemaVersion, Results)"
}

/** Reads a Trivy JSON report found at `path` ('' for the predicate itself). */
function readTrivy(
  report: unknown,
  path: string,
): { findings: VulnerabilityFinding[]; createdAt: string | undefined } | string {
  const field = (name: string): string => (path === '' ? name : `${path}.${name}`)
  if (typeof at(report, 'SchemaVersion') !== 'number') {
    return `${path || 'the predicate'} is not a Trivy JSON report (no numeric SchemaVersion)`
  }
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
      const purl = stringAt(v, 'PkgIdentifier', 'PURL')
      findings.push({
        id,
        severity: (stringAt(v, 'Severity') ?? 'UNKNOWN').toUpperCase(),
        pkg: stringAt(v, 'PkgName') ?? '(no package name)',
        ...(purl !== undefined && { purl }),
      })
    }
  }
  return { findings, createdAt: stringAt(report, 'CreatedAt') }
}
