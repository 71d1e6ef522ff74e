// Flat inputs and the policy file that says the same thing give the same findings, always.
import fc from 'fast-check'
import YAML from 'yaml'
import { InputError } from '../../src/errors.js'
import { parseInputs } from '../../src/inputs.js'
import { evaluate } from '../../src/policy/index.js'
import type { CheckedEvidence, SignerSummary } from '../../src/types.js'
import { ISSUER, NOW, writePolicy } from './fixtures.js'

const SANS = [
  'https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v1',
  'https://github.com/acme/app-evil/.github/workflows/release.yml@refs/tags/v1',
  'https://github.com/other/x/.github/workflows/a.yml@refs/heads/main',
  'someone@example.com',
]
const PATTERNS = [
  'https://github\\.com/acme/app/.*',
  'https://github\\.com/(acme|other)/[^/]+/\\.github/workflows/.*@refs/tags/v.*',
  '.*',
  '(',
  '(?=lookahead)',
]
const ISSUERS = [ISSUER, 'https://accounts.google.com']
const TYPES = [
  'slsaprovenance',
  'slsaprovenance1',
  'cyclonedx',
  'spdx',
  'vuln',
  'openvex',
  'https://example.com/custom/v1',
]
const PREDICATE_TYPES = [
  'https://slsa.dev/provenance/v0.2',
  'https://slsa.dev/provenance/v1',
  'https://cyclonedx.org/bom',
  'https://spdx.dev/Document',
  'https://openvex.dev/ns',
  'https://example.com/custom/v1',
  'https://sigstore.dev/cosign/sign/v1',
]

// Input text as a runner passes it: the flat inputs trim values, so generated ones are trimmed.
const text = (pool: string[]) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...pool) },
    fc.string({ maxLength: 30 }).filter((s) => s.trim() === s),
  )

type Matcher = { exact: string } | { regexp: string }
const matcher = (exact: string[], patterns: string[]) =>
  fc.oneof(
    text(exact).map((v): Matcher => ({ exact: v })),
    text(patterns).map((v): Matcher => ({ regexp: v })),
  )

const signerArb = fc.oneof(
  fc.constant<{ key: true }>({ key: true }),
  fc.record({
    san: matcher(SANS, PATTERNS),
    issuer: fc.option(matcher(ISSUERS, ['https://token\\.actions\\..*'])),
  }),
)

const scenario = fc.record({
  signer: signerArb,
  attestations: fc.shuffledSubarray(TYPES),
  requireSignature: fc.constantFrom('', 'auto', 'true', 'false'),
  named: fc.boolean(),
  json: fc.boolean(),
})

const summary: fc.Arbitrary<SignerSummary | undefined> = fc.oneof(
  fc.constant(undefined),
  fc.constant<SignerSummary>({ publicKey: true, github: {} }),
  fc.record({
    subjectAlternativeName: fc.constantFrom(...SANS),
    issuer: fc.constantFrom(...ISSUERS),
    github: fc.constant({}),
  }),
)

const evidence: fc.Arbitrary<CheckedEvidence[]> = fc
  .array(
    fc.record({
      kind: fc.constantFrom('signature' as const, 'attestation' as const, 'unsigned' as const),
      verified: fc.boolean(),
      predicateType: fc.constantFrom(...PREDICATE_TYPES),
      signer: summary,
    }),
    { maxLength: 6 },
  )
  .map((pieces) =>
    pieces.map(({ signer, ...piece }, i) => ({
      source: 'referrers' as const,
      location: `referrer sha256:${i}`,
      signed: piece.kind !== 'unsigned',
      tlog: [],
      ...piece,
      ...(signer !== undefined && { signer }),
    })),
  )

type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never

/** The flat inputs of a scenario. */
function flatInputs(s: Scenario): Record<string, string> {
  const inputs: Record<string, string> = {
    attestations: s.attestations.join('\n'),
    'require-signature': s.requireSignature,
  }
  if ('key' in s.signer) return { ...inputs, 'public-key': 'key.pem' }
  const put = (name: string, m: Matcher) => {
    inputs['exact' in m ? name : `${name}-regexp`] = 'exact' in m ? m.exact : m.regexp
  }
  put('certificate-identity', s.signer.san)
  if (s.signer.issuer !== null) put('certificate-oidc-issuer', s.signer.issuer)
  return inputs
}

/** The policy file that means what the flat inputs mean. */
function policyFile(s: Scenario): string {
  // An empty flat input is an unset one.
  const given = (m: Matcher | null) => m !== null && ('exact' in m ? m.exact : m.regexp) !== ''
  const plain = (m: Matcher) => ('exact' in m ? m.exact : { regexp: m.regexp })
  const entry =
    'key' in s.signer
      ? { publicKey: true }
      : {
          ...(given(s.signer.san) && { san: plain(s.signer.san) }),
          ...(given(s.signer.issuer) && { issuer: plain(s.signer.issuer!) }),
        }
  const refs = s.named ? ['signer'] : [entry]
  // `auto` (or unset): a signature is required exactly when no attestation is.
  const signature =
    s.requireSignature === 'true' || (s.requireSignature !== 'false' && s.attestations.length === 0)
  const doc = {
    version: 1,
    ...(s.named && { identities: { signer: [entry] } }),
    ...(signature && { signature: { identities: refs } }),
    ...(s.attestations.length > 0 && {
      attestations: s.attestations.map((type) => ({ type, identities: refs })),
    }),
  }
  return s.json
    ? writePolicy(JSON.stringify(doc), 'policy.json')
    : writePolicy(YAML.stringify(doc), 'policy.yaml')
}

/** Parses inputs as the action does; an InputError is the outcome, not a test failure. */
async function parse(values: Record<string, string>) {
  try {
    return await parseInputs(
      (name) => ({ image: 'ghcr.io/acme/app:v1', ...values })[name] ?? '',
      NOW,
    )
  } catch (error) {
    if (error instanceof InputError) return 'input error'
    throw error
  }
}

test('flat inputs and the equivalent policy file give the same findings', async () => {
  await fc.assert(
    fc.asyncProperty(scenario, evidence, async (s, pieces) => {
      const flat = await parse(flatInputs(s))
      const keyInput: Record<string, string> = 'key' in s.signer ? { 'public-key': 'key.pem' } : {}
      const policy = await parse({ policy: policyFile(s), ...keyInput })
      // Both refuse the same inputs (a bad pattern, nothing to verify, an empty identity)...
      if (flat === 'input error' || policy === 'input error') {
        expect(policy).toBe(flat)
        return
      }
      // ...and otherwise judge every evidence set alike, down to the words of each finding.
      expect(evaluate(policy.requirements, pieces)).toEqual(evaluate(flat.requirements, pieces))
    }),
    { numRuns: 500 },
  )
})
