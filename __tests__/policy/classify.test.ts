import { CLASS_DESCRIPTIONS, classify } from '../../src/policy/classify.js'
import type { CheckedEvidence, EvidenceClass } from '../../src/types.js'

const base: CheckedEvidence = {
  source: 'referrers',
  location: 'referrer sha256:1',
  kind: 'unknown',
  signed: false,
  verified: false,
  tlog: [],
}
const attestation: CheckedEvidence = {
  ...base,
  kind: 'attestation',
  signed: true,
  verified: true,
  predicateType: 'https://slsa.dev/provenance/v1',
}
const signature: CheckedEvidence = {
  ...base,
  kind: 'signature',
  signed: true,
  verified: true,
  predicateType: 'https://sigstore.dev/cosign/sign/v1',
}
const failedBundle: CheckedEvidence = { ...base, signed: true, error: 'SIGNATURE_ERROR: bad' }
const unreadableBundle: CheckedEvidence = { ...base, error: 'reading blob failed with HTTP 404' }
const buildkit: CheckedEvidence = {
  ...base,
  source: 'buildkit',
  kind: 'unsigned',
  claimedPredicateType: 'https://slsa.dev/provenance/v0.2',
}
const brokenBuildkit: CheckedEvidence = {
  ...base,
  source: 'buildkit',
  error: 'the layer is not a JSON in-toto statement',
}
const oras: CheckedEvidence = { ...base, kind: 'unsigned', mediaType: 'application/aa.trivy.sbom' }

describe('classify', () => {
  test.each<[string, CheckedEvidence[], EvidenceClass]>([
    ['a verified attestation', [attestation], 'fully-attested'],
    [
      'a verified attestation beside everything else',
      [oras, buildkit, failedBundle, signature, attestation],
      'fully-attested',
    ],
    ['a verified signature', [signature], 'signed'],
    [
      'a verified signature with unsigned extras and a failed attestation',
      [buildkit, oras, failedBundle, signature],
      'signed',
    ],
    ['a signed piece that did not verify', [failedBundle], 'unverified'],
    ['a bundle referrer that could not be read', [unreadableBundle], 'unverified'],
    [
      'a failed signature outranks unsigned BuildKit statements',
      [buildkit, failedBundle],
      'unverified',
    ],
    ['BuildKit statements only', [buildkit, buildkit], 'buildkit-unsigned'],
    ['BuildKit statements, one unreadable', [buildkit, brokenBuildkit], 'buildkit-unsigned'],
    ['BuildKit statements beside ORAS attachments', [oras, buildkit], 'buildkit-unsigned'],
    [
      'ORAS attachments only',
      [oras, { ...oras, mediaType: 'application/aa.trivy.report' }],
      'unsigned-attachments',
    ],
    ['nothing', [], 'none'],
  ])('%s: %s', (_name, evidence, expected) => {
    expect(classify(evidence)).toBe(expected)
  })

  test('a verified piece of unknown kind counts for nothing', () => {
    expect(classify([{ ...oras, verified: true }])).toBe('unsigned-attachments')
  })

  test('every class has a one-line description; unsigned attachments point to the cosign flow', () => {
    for (const text of Object.values(CLASS_DESCRIPTIONS)) expect(text).not.toMatch(/\n/)
    expect(Object.keys(CLASS_DESCRIPTIONS).sort()).toEqual([
      'buildkit-unsigned',
      'fully-attested',
      'none',
      'signed',
      'unsigned-attachments',
      'unverified',
    ])
    expect(CLASS_DESCRIPTIONS['unsigned-attachments']).toMatch(/ORAS/)
    expect(CLASS_DESCRIPTIONS['unsigned-attachments']).toMatch(
      /cosign sign.*cosign attest.*actions\/attest/,
    )
    expect(CLASS_DESCRIPTIONS['buildkit-unsigned']).toMatch(/unsigned BuildKit/)
  })
})
