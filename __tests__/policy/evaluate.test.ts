import { evaluate, predicatesRead, type Requirement } from '../../src/policy/evaluate.js'
import type { CheckedEvidence } from '../../src/types.js'

const ISSUER = 'https://token.actions.githubusercontent.com'
const GOOD = 'https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v1'
const identities = [{ subjectAlternativeName: { exact: GOOD }, issuer: { exact: ISSUER } }]
const signature: Requirement = {
  name: 'signature',
  kind: 'signature',
  predicateTypes: [],
  identities,
  required: true,
}
const provenance: Requirement = {
  name: 'slsaprovenance',
  kind: 'attestation',
  predicateTypes: ['https://slsa.dev/provenance/v0.2', 'https://slsa.dev/provenance/v1'],
  identities,
  required: true,
}

function piece(over: Partial<CheckedEvidence>): CheckedEvidence {
  return {
    source: 'referrers',
    location: 'referrer sha256:1',
    kind: 'attestation',
    signed: true,
    verified: true,
    tlog: [],
    predicateType: 'https://slsa.dev/provenance/v1',
    signer: { subjectAlternativeName: GOOD, issuer: ISSUER, github: {} },
    ...over,
  }
}

describe('evaluate', () => {
  test('a verified attestation of an accepted type from the identity passes', () => {
    const [finding] = evaluate([provenance], [piece({})])
    expect(finding).toMatchObject({ status: 'pass', requirement: 'slsaprovenance' })
    expect(finding!.actual).toContain(GOOD)
  })

  test('no evidence at all fails and says nothing was found', () => {
    const [finding] = evaluate([signature], [])
    expect(finding!.status).toBe('fail')
    expect(finding!.actual).toBe('no signatures or attestations were found for this digest')
    expect(finding!.expected).toContain(GOOD)
  })

  test('the wrong signer fails naming the signer that was present', () => {
    const evil = 'https://github.com/acme/app-evil/.github/workflows/release.yml@refs/tags/v1'
    const [finding] = evaluate(
      [provenance],
      [piece({ signer: { subjectAlternativeName: evil, issuer: ISSUER, github: {} } })],
    )
    expect(finding!.status).toBe('fail')
    expect(finding!.actual).toContain(evil)
    expect(finding!.actual).toContain('is not')
  })

  test('an attestation never satisfies the signature requirement, nor the reverse', () => {
    expect(evaluate([signature], [piece({})])[0]!.status).toBe('fail')
    expect(
      evaluate(
        [provenance],
        [piece({ kind: 'signature', predicateType: 'https://sigstore.dev/cosign/sign/v1' })],
      )[0]!.status,
    ).toBe('fail')
  })

  test('unverified evidence never counts, and its reason is shown', () => {
    const [finding] = evaluate(
      [provenance],
      [piece({ verified: false, error: 'TLOG_BODY_ERROR: DSSE payload hash mismatch' })],
    )
    expect(finding!.status).toBe('fail')
    expect(finding!.actual).toContain('DSSE payload hash mismatch')
  })

  test('an unsigned statement of the wanted type is named as found but not signed', () => {
    const unsigned = piece({
      source: 'buildkit',
      location: 'index entry sha256:2 (attestation for sha256:3) layer 0',
      kind: 'unsigned',
      signed: false,
      verified: false,
      predicateType: undefined,
      signer: undefined,
      claimedPredicateType: 'https://slsa.dev/provenance/v0.2',
    })
    const sbom = { ...unsigned, claimedPredicateType: 'https://spdx.dev/Document' }
    const [finding] = evaluate([provenance], [unsigned, sbom])
    expect(finding!.status).toBe('fail')
    expect(finding!.actual).toBe(
      'no verified attestation of that type; present: https://slsa.dev/provenance/v0.2 found at index entry sha256:2 (attestation for sha256:3) layer 0 but not signed; 2 unsigned or unreadable piece(s)',
    )
  })

  test('a missing type lists the types that were present', () => {
    const cyclonedx: Requirement = {
      ...provenance,
      name: 'cyclonedx',
      predicateTypes: ['https://cyclonedx.org/bom'],
    }
    const [finding] = evaluate([cyclonedx], [piece({})])
    expect(finding!.actual).toContain('https://slsa.dev/provenance/v1')
  })

  test('one matching piece among mismatching ones passes; optional requirements only warn', () => {
    const other = piece({
      signer: { subjectAlternativeName: 'https://x', issuer: ISSUER, github: {} },
    })
    expect(evaluate([provenance], [other, piece({})])[0]!.status).toBe('pass')
    expect(evaluate([{ ...provenance, required: false }], [other])[0]!.status).toBe('warn')
  })

  describe('content rules', () => {
    const withRule: Requirement = {
      ...provenance,
      rules: [{ rule: 'slsa', sourceRepository: 'acme/app' }],
    }
    const from = (repository: string) => ({
      buildDefinition: { externalParameters: { workflow: { repository, ref: 'refs/tags/v1' } } },
    })
    const impostor = { subjectAlternativeName: 'https://x', issuer: ISSUER, github: {} }

    test('judge only what an allowed identity signed', () => {
      const forged = piece({ signer: impostor, predicate: from('https://github.com/acme/app') })
      const honest = piece({
        location: 'referrer sha256:2',
        predicate: from('https://github.com/acme/fork'),
      })
      const [finding] = evaluate([withRule], [forged, honest])
      expect(finding!.status).toBe('fail')
      expect(finding!.actual).toContain('at referrer sha256:1, but identity "https://x" is not')
      expect(finding!.actual).toContain(
        'at referrer sha256:2, but rule slsa.sourceRepository: expected "acme/app", found "https://github.com/acme/fork"',
      )
    })

    test('one attestation that passes every rule satisfies the requirement', () => {
      const bad = piece({ predicate: from('https://github.com/acme/fork') })
      const good = piece({
        location: 'referrer sha256:2',
        predicate: from('https://github.com/acme/app'),
      })
      const [finding] = evaluate([withRule], [bad, good])
      expect(finding).toMatchObject({ status: 'pass' })
      expect(finding!.actual).toContain('at referrer sha256:2, which passes slsa')
      expect(finding!.expected).toContain(
        'whose predicate passes slsa (sourceRepository "acme/app")',
      )
    })

    test('an optional requirement whose rule fails warns', () => {
      const bad = piece({ predicate: from('https://github.com/acme/fork') })
      expect(evaluate([{ ...withRule, required: false }], [bad])[0]!.status).toBe('warn')
    })
  })
})

describe('predicatesRead', () => {
  const requirement = (over: Partial<Requirement>): Requirement => ({
    name: 'x',
    kind: 'attestation',
    predicateTypes: ['https://example.com/a'],
    identities: [],
    required: true,
    ...over,
  })

  test('only the types of requirements with rules are read, and OpenVEX when findings are triaged', () => {
    const reads = predicatesRead([
      requirement({ predicateTypes: ['https://cyclonedx.org/bom'] }),
      requirement({
        predicateTypes: ['https://slsa.dev/provenance/v1'],
        rules: [{ rule: 'slsa', builderIds: ['b'] } as never],
      }),
    ])
    expect(reads('https://slsa.dev/provenance/v1')).toBe(true)
    expect(reads('https://cyclonedx.org/bom')).toBe(false)
    expect(reads('https://openvex.dev/ns/v0.2.0')).toBe(false)
    const triaged = predicatesRead([
      requirement({ rules: [{ rule: 'vulnerabilities', maxSeverity: 'high' } as never] }),
    ])
    expect(triaged('https://example.com/a')).toBe(true)
    expect(triaged('https://openvex.dev/ns/v0.2.0')).toBe(true)
  })
})
