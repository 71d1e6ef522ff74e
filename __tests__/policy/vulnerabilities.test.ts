// The vulnerabilities rule: Trivy and Grype reports, bare or in cosign's vuln predicate, and
// OpenVEX triage.
import type { CheckedEvidence } from '../../src/types.js'
import { attestation, githubSigner, judge, NOW } from './fixtures.js'

const DAY = 86_400_000
const ago = (days: number) => new Date(NOW.getTime() - days * DAY).toISOString()
const XZ = 'pkg:deb/debian/xz-utils@5.6.0'

interface Vuln {
  id: string
  severity?: string
  pkg?: string
  purl?: string
}

/** A Trivy JSON report with one result holding `vulns`. */
function trivy(vulns: Vuln[], createdAt = ago(1)) {
  return {
    SchemaVersion: 2,
    CreatedAt: createdAt,
    ArtifactName: 'ghcr.io/acme/app@sha256:00',
    ArtifactType: 'container_image',
    Results: [
      {
        Target: 'ghcr.io/acme/app (debian 12.5)',
        Class: 'os-pkgs',
        Vulnerabilities: vulns.map((v) => ({
          VulnerabilityID: v.id,
          PkgName: v.pkg ?? 'openssl',
          ...(v.purl !== undefined && { PkgIdentifier: { PURL: v.purl } }),
          InstalledVersion: '1.0',
          ...(v.severity !== undefined && { Severity: v.severity }),
        })),
      },
    ],
  }
}

interface GrypeMatch extends Vuln {
  related?: string[]
}

/** A `grype -o json` report with one match per entry of `matches`. */
function grype(matches: GrypeMatch[], timestamp = ago(1)) {
  return {
    matches: matches.map((m) => ({
      vulnerability: {
        id: m.id,
        dataSource: `https://nvd.nist.gov/vuln/detail/${m.id}`,
        ...(m.severity !== undefined && { severity: m.severity }),
      },
      relatedVulnerabilities: (m.related ?? []).map((id) => ({ id, severity: 'High' })),
      artifact: {
        name: m.pkg ?? 'openssl',
        version: '1.0',
        type: 'deb',
        ...(m.purl !== undefined && { purl: m.purl }),
      },
    })),
    source: { type: 'image', target: { userInput: 'ghcr.io/acme/app:v1' } },
    descriptor: { name: 'grype', version: '0.74.0', timestamp },
  }
}

/** cosign's vuln predicate (Trivy `--format cosign-vuln`) around a Trivy report. */
function cosignVuln(result: unknown, finishedOn = ago(1)) {
  return {
    invocation: { parameters: null, uri: '', event_id: '', 'builder.id': '' },
    scanner: { uri: 'pkg:github/aquasecurity/trivy@0.50.0', version: '0.50.0', result },
    metadata: { scanStartedOn: ago(2), scanFinishedOn: finishedOn },
  }
}

/** A verified OpenVEX attestation (signed by acme/app's release workflow unless `over` says). */
function vex(statements: unknown[], over: Partial<CheckedEvidence> = {}): CheckedEvidence {
  return attestation({
    location: 'referrer sha256:vex',
    predicateType: 'https://openvex.dev/ns/v0.2.0',
    predicate: {
      '@context': 'https://openvex.dev/ns/v0.2.0',
      '@id': 'https://example.com/vex/1',
      author: 'acme',
      timestamp: ago(1),
      version: 1,
      statements,
    },
    ...over,
  })
}

const notAffected = (id: string, extra: object = {}) => ({
  vulnerability: { name: id },
  products: [{ '@id': 'pkg:oci/app' }],
  status: 'not_affected',
  justification: 'vulnerable_code_not_in_execute_path',
  ...extra,
})

const CRITICAL = { id: 'CVE-2024-0001', severity: 'CRITICAL' }
const run = (rules: string, predicate: unknown, evidence: CheckedEvidence[] = []) =>
  judge(`{ vulnerabilities: ${rules} }`, predicate, { type: 'vuln', evidence })

describe('vulnerabilities: severity', () => {
  test('a CRITICAL finding over maxSeverity high fails, naming it', () => {
    const finding = run('{ maxSeverity: high }', cosignVuln(trivy([CRITICAL])))
    expect(finding.status).toBe('fail')
    expect(finding.actual).toContain(
      'rule vulnerabilities.maxSeverity: expected nothing above high, found CVE-2024-0001 (CRITICAL in openssl)',
    )
  })

  test('findings at or below the ceiling pass, in either predicate shape', () => {
    const findings = [
      { id: 'CVE-2024-0002', severity: 'HIGH' },
      { id: 'CVE-2024-0003', severity: 'low' },
    ]
    expect(run('{ maxSeverity: high }', cosignVuln(trivy(findings))).status).toBe('pass')
    expect(run('{ maxSeverity: high }', trivy(findings)).status).toBe('pass')
  })

  test('maxSeverity none refuses any finding; an empty report passes', () => {
    expect(run('{ maxSeverity: none }', trivy([{ id: 'CVE-1-1', severity: 'LOW' }])).status).toBe(
      'fail',
    )
    expect(run('{ maxSeverity: none }', trivy([])).status).toBe('pass')
    expect(run('{ maxSeverity: none }', { SchemaVersion: 2 }).status).toBe('pass')
  })

  test('a severity that cannot be ranked fails unless the ceiling is critical', () => {
    const unknown = trivy([{ id: 'CVE-2024-0004', severity: 'UNKNOWN' }, { id: 'CVE-2024-0005' }])
    const finding = run('{ maxSeverity: high }', unknown)
    expect(finding.actual).toContain('found CVE-2024-0004 (UNKNOWN in openssl), CVE-2024-0005')
    expect(run('{ maxSeverity: critical }', unknown).status).toBe('pass')
  })

  test('many findings are summarised', () => {
    const many = Array.from({ length: 7 }, (_, i) => ({
      id: `CVE-2024-100${i}`,
      severity: 'CRITICAL',
    }))
    expect(run('{ maxSeverity: high }', trivy(many)).actual).toContain('and 2 more')
  })
})

describe('vulnerabilities: denied IDs', () => {
  test('a denied CVE fails, whatever its severity and case', () => {
    const report = trivy([{ id: 'CVE-2024-3094', severity: 'LOW', pkg: 'xz-utils' }])
    const finding = run('{ denyCves: [cve-2024-3094] }', report)
    expect(finding.status).toBe('fail')
    expect(finding.actual).toContain(
      'rule vulnerabilities.denyCves: found CVE-2024-3094 (LOW in xz-utils)',
    )
    expect(run('{ denyCves: [CVE-2024-9999] }', report).status).toBe('pass')
  })
})

describe('vulnerabilities: age', () => {
  test('an old scan fails maxAge; a recent one passes', () => {
    const finding = run('{ maxAge: 7d }', cosignVuln(trivy([]), ago(10)))
    expect(finding.status).toBe('fail')
    expect(finding.actual).toContain(
      `rule vulnerabilities.maxAge: expected a scan within 7d, found one from "${ago(10)}"`,
    )
    expect(run('{ maxAge: 7d }', cosignVuln(trivy([]), ago(6))).status).toBe('pass')
  })

  test('cosign reads metadata.scanFinishedOn; a bare Trivy report reads CreatedAt', () => {
    expect(run('{ maxAge: 7d }', cosignVuln(trivy([], ago(30)), ago(1))).status).toBe('pass')
    expect(run('{ maxAge: 7d }', trivy([], ago(30))).status).toBe('fail')
  })

  test('a scan dated in the future fails', () => {
    const future = new Date(NOW.getTime() + 3_600_000).toISOString()
    expect(run('{ maxAge: 7d }', trivy([], future)).actual).toContain(
      `rule vulnerabilities.maxAge: the scan time "${future}" is in the future`,
    )
  })

  test('no scan time, or one that is not a date, cannot be evaluated', () => {
    expect(run('{ maxAge: 7d }', { ...trivy([]), CreatedAt: undefined }).actual).toContain(
      'rule vulnerabilities.maxAge: cannot be evaluated: the report has no scan time (CreatedAt)',
    )
    expect(run('{ maxAge: 7d }', trivy([], 'yesterday')).actual).toContain(
      'rule vulnerabilities.maxAge: cannot be evaluated: CreatedAt "yesterday" is not a date with a time zone',
    )
    // Read in the runner's zone, a time without one could look hours newer than it is.
    const local = ago(0.5).replace(/Z$/, '')
    expect(run('{ maxAge: 7d }', trivy([], local)).actual).toContain(
      `rule vulnerabilities.maxAge: cannot be evaluated: CreatedAt "${local}" is not a date with a time zone`,
    )
    const offset = ago(0.5).replace(/Z$/, '+00:00')
    expect(run('{ maxAge: 7d }', trivy([], offset)).status).toBe('pass')
  })
})

describe('vulnerabilities: OpenVEX triage', () => {
  const report = cosignVuln(
    trivy([{ id: 'CVE-2024-3094', severity: 'CRITICAL', pkg: 'xz-utils', purl: XZ }]),
  )
  const rules = '{ maxSeverity: high, denyCves: [CVE-2024-3094], triage: openvex }'

  test('a finding accepted by a verified OpenVEX statement from the same identity passes', () => {
    expect(run(rules, report, [vex([notAffected('CVE-2024-3094')])]).status).toBe('pass')
    const fixed = { ...notAffected('CVE-2024-3094'), status: 'fixed' }
    expect(run(rules, report, [vex([fixed])]).status).toBe('pass')
  })

  describe('products: a statement speaks for the image the attestation names', () => {
    const IMAGE = `sha256:${'a'.repeat(64)}`
    const about = (product: string, extra: object = {}) =>
      notAffected('CVE-2024-3094', { products: [{ '@id': product }], ...extra })
    const bound = (statements: unknown[]) => vex(statements, { digests: [IMAGE] })

    test('a product naming this image’s digest (as a purl encodes it) is accepted', () => {
      const purl = `pkg:oci/app@sha256%3A${'a'.repeat(64)}?repository_url=ghcr.io/acme/app`
      expect(run(rules, report, [bound([about(purl)])]).status).toBe('pass')
    })

    test('a statement only about another digest accepts nothing', () => {
      const other = `pkg:oci/app@sha256%3A${'c'.repeat(64)}`
      expect(run(rules, report, [bound([about(other)])]).status).toBe('fail')
    })

    test('in a document about several products, one’s later not_affected does not override another’s affected', () => {
      const statements = [
        { ...about('pkg:oci/app-full', { timestamp: ago(3) }), status: 'affected' },
        about('pkg:oci/app-slim', { timestamp: ago(2) }),
      ]
      expect(run(rules, report, [bound(statements)]).status).toBe('fail')
    })
  })

  // The latest statement wins: a piece that could not be read may be a newer `affected` one.
  test.each([
    [
      'failed to load',
      { error: 'its bundle_url answered HTTP 403', signed: false, verified: false },
    ],
    [
      'signed but not verified',
      { error: 'the signature does not verify', signed: true, verified: false },
    ],
  ])('while a piece %s, triage accepts nothing', (_name, failure) => {
    const unread = attestation({ location: 'GitHub attestations API, attestation 3', ...failure })
    const finding = run(rules, report, [vex([notAffected('CVE-2024-3094')]), unread])
    expect(finding.status).toBe('fail')
    expect(finding.actual).toContain(
      'found CVE-2024-3094 (CRITICAL in xz-utils) (OpenVEX accepts nothing while 1 piece of evidence could not be read or verified)',
    )
  })

  test('a failed piece that cannot be a VEX document (a cosign .sig, another claimed type) blocks nothing', () => {
    const failed = {
      error: 'it is signed with a key, but no public-key was given',
      verified: false,
    }
    const sig = attestation({
      mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json',
      ...failed,
    })
    const slsa = attestation({ claimedPredicateType: 'https://slsa.dev/provenance/v1', ...failed })
    const claimedVex = attestation({
      claimedPredicateType: 'https://openvex.dev/ns/v0.2.0',
      ...failed,
    })
    const waiver = vex([notAffected('CVE-2024-3094')])
    expect(run(rules, report, [waiver, sig, slsa]).status).toBe('pass')
    expect(run(rules, report, [waiver, claimedVex]).status).toBe('fail')
  })

  test('without triage, or without a VEX, the finding still fails and says how many were accepted', () => {
    expect(run('{ maxSeverity: high }', report, [vex([notAffected('CVE-2024-3094')])]).status).toBe(
      'fail',
    )
    expect(run(rules, report).actual).toContain('(0 accepted by OpenVEX)')
  })

  test.each<[string, CheckedEvidence]>([
    [
      'signed by another identity',
      vex([notAffected('CVE-2024-3094')], { signer: githubSigner({ repo: 'evil/app' }) }),
    ],
    [
      'not verified',
      vex([notAffected('CVE-2024-3094')], { verified: false, error: 'SIGNATURE_ERROR' }),
    ],
    [
      'of another predicate type',
      vex([notAffected('CVE-2024-3094')], { predicateType: 'https://example.com/vex' }),
    ],
    ['about another vulnerability', vex([notAffected('CVE-2024-0001')])],
    ['saying affected', vex([{ ...notAffected('CVE-2024-3094'), status: 'affected' }])],
    [
      'overridden by a later affected statement',
      vex([
        notAffected('CVE-2024-3094', { timestamp: ago(3) }),
        { ...notAffected('CVE-2024-3094'), status: 'under_investigation', timestamp: ago(2) },
      ]),
    ],
    [
      'limited to another package',
      vex([
        notAffected('CVE-2024-3094', {
          products: [{ '@id': 'pkg:oci/app', subcomponents: [{ '@id': 'pkg:deb/debian/zlib@1' }] }],
        }),
      ]),
    ],
    [
      'with a scope that cannot be read',
      vex([notAffected('CVE-2024-3094', { products: [{ '@id': 'x', subcomponents: [42] }] })]),
    ],
  ])('a VEX statement %s accepts nothing', (_name, statement) => {
    expect(run(rules, report, [statement]).status).toBe('fail')
  })

  test('statements limited to the package, by alias, or in OpenVEX v0.0.1 form are accepted', () => {
    const scoped = notAffected('CVE-2024-3094', {
      products: [{ '@id': 'pkg:oci/app', subcomponents: [{ '@id': XZ }] }],
    })
    expect(run(rules, report, [vex([scoped])]).status).toBe('pass')
    const alias = {
      ...notAffected('GHSA-rxwq-x6h5-x525'),
      vulnerability: { name: 'GHSA-rxwq-x6h5-x525', aliases: ['CVE-2024-3094'] },
    }
    expect(run(rules, report, [vex([alias])]).status).toBe('pass')
    const v001 = vex(
      [
        {
          vulnerability: 'CVE-2024-3094',
          products: ['pkg:oci/app'],
          subcomponents: [XZ],
          status: 'not_affected',
          justification: 'vulnerable_code_not_present',
        },
      ],
      { predicateType: 'https://openvex.dev/ns' },
    )
    expect(run(rules, report, [v001]).status).toBe('pass')
  })

  test('a product that is a package waives the finding in that package only', () => {
    // The report's CVE-2024-3094 is in xz-utils: a statement about zlib1g says nothing of it.
    const zlib = notAffected('CVE-2024-3094', {
      products: [{ '@id': 'pkg:deb/debian/zlib1g@1.2.13' }],
    })
    expect(run(rules, report, [vex([zlib])]).status).toBe('fail')
    const xz = notAffected('CVE-2024-3094', { products: [{ '@id': XZ }] })
    expect(run(rules, report, [vex([xz])]).status).toBe('pass')
  })

  test('not_affected without a justification or an impact statement waives nothing', () => {
    const bare: Record<string, unknown> = { ...notAffected('CVE-2024-3094') }
    delete bare['justification']
    expect(run(rules, report, [vex([bare])]).status).toBe('fail')
    const impact = { ...bare, impact_statement: 'xz is not used at runtime' }
    expect(run(rules, report, [vex([impact])]).status).toBe('pass')
  })

  test('a later not_affected statement overrides an earlier affected one', () => {
    const statements = [
      { ...notAffected('CVE-2024-3094'), status: 'affected', timestamp: ago(3) },
      notAffected('CVE-2024-3094', { timestamp: ago(2) }),
    ]
    expect(run(rules, report, [vex(statements)]).status).toBe('pass')
  })

  test('a statement time without a zone orders nothing: it cannot override a zoned one', () => {
    // Read in the runner's local time, it could be hours off; it counts as the oldest.
    const zoneless = ago(2).replace(/\.\d+Z$/, '')
    const statements = [
      { ...notAffected('CVE-2024-3094'), status: 'affected', timestamp: ago(3) },
      notAffected('CVE-2024-3094', { timestamp: zoneless }),
    ]
    expect(run(rules, report, [vex(statements)]).status).toBe('fail')
  })
})

describe('vulnerabilities: a report that cannot be read fails', () => {
  test.each([
    ['an SBOM', { bomFormat: 'CycloneDX' }, "the predicate is neither cosign's vuln predicate"],
    [
      'another scanner’s report in scanner.result',
      cosignVuln({ version: '2.1.0', runs: [] }),
      'scanner.result is neither a Trivy JSON report (a numeric SchemaVersion) nor a Grype one (matches, descriptor)',
    ],
    [
      'a Grype match without an ID',
      { ...grype([]), matches: [{ vulnerability: { severity: 'High' } }] },
      'matches[0] has no vulnerability.id',
    ],
    ['Results that are not a list', { SchemaVersion: 2, Results: {} }, 'Results is not a list'],
    [
      'Vulnerabilities that are not a list',
      { SchemaVersion: 2, Results: [{ Vulnerabilities: 'none' }] },
      'Results[0].Vulnerabilities is not a list',
    ],
    [
      'a finding without an ID',
      { SchemaVersion: 2, Results: [{ Vulnerabilities: [{ Severity: 'LOW' }] }] },
      'Results[0] lists a vulnerability without VulnerabilityID',
    ],
  ])('%s', (_name, predicate, message) => {
    const finding = run('{ maxSeverity: critical }', predicate)
    expect(finding.status).toBe('fail')
    expect(finding.actual).toContain(`rule vulnerabilities: cannot be evaluated: ${message}`)
  })
})

describe('vulnerabilities: Grype reports', () => {
  test('severities rank as Trivy’s, with Negligible below Low, bare or in cosign’s predicate', () => {
    const high = grype([{ id: 'CVE-2024-0010', severity: 'High' }])
    const finding = run('{ maxSeverity: medium }', high)
    expect(finding.status).toBe('fail')
    expect(finding.actual).toContain(
      'rule vulnerabilities.maxSeverity: expected nothing above medium, found CVE-2024-0010 (HIGH in openssl)',
    )
    expect(run('{ maxSeverity: high }', cosignVuln(high)).status).toBe('pass')
    const negligible = grype([{ id: 'CVE-2024-0011', severity: 'Negligible' }])
    expect(run('{ maxSeverity: low }', negligible).status).toBe('pass')
    expect(run('{ maxSeverity: none }', negligible).status).toBe('fail')
    const unknown = grype([{ id: 'CVE-2024-0012', severity: 'Unknown' }])
    expect(run('{ maxSeverity: high }', unknown).status).toBe('fail')
    expect(run('{ maxSeverity: none }', grype([])).status).toBe('pass')
  })

  test('the scan time is descriptor.timestamp, or cosign’s metadata around it', () => {
    expect(run('{ maxAge: 7d }', grype([], ago(10))).actual).toContain(
      `rule vulnerabilities.maxAge: expected a scan within 7d, found one from "${ago(10)}"`,
    )
    expect(run('{ maxAge: 7d }', cosignVuln(grype([], ago(10)), ago(1))).status).toBe('pass')
    const { descriptor, ...rest } = grype([])
    const untimed = { ...rest, descriptor: { ...descriptor, timestamp: undefined } }
    expect(run('{ maxAge: 7d }', untimed).actual).toContain(
      'the report has no scan time (descriptor.timestamp)',
    )
  })

  test('a denied CVE is found under a GHSA that relates to it; triage waives only the ID itself', () => {
    const report = grype([
      { id: 'GHSA-xxxx-yyyy-zzzz', severity: 'Critical', related: ['CVE-2024-3094'], purl: XZ },
    ])
    const denied = run('{ denyCves: [CVE-2024-3094] }', report)
    expect(denied.status).toBe('fail')
    expect(denied.actual).toContain(
      'rule vulnerabilities.denyCves: found GHSA-xxxx-yyyy-zzzz (CRITICAL in openssl)',
    )
    const rules = '{ maxSeverity: high, triage: openvex }'
    expect(run(rules, report, [vex([notAffected('CVE-2024-3094')])]).status).toBe('fail')
    expect(run(rules, report, [vex([notAffected('GHSA-xxxx-yyyy-zzzz')])]).status).toBe('pass')
  })
})
