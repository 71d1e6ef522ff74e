// sigstore-conformance `test/assets/bundle-verify/*`: every case directory is one test, driven by
// the suite's own layout (bundle-verify/README.md): `bundle.sigstore.json`; optional `artifact`
// (else ../a.txt; for DSSE bundles it is the statement subject), `identity`, `issuer`, `key.pub`
// (verify with the key instead of a certificate identity) and `trusted_root.json` (else the
// production public-good root). A name ending in `_fail` must fail; anything else must pass.
import fs from 'node:fs'
import path from 'node:path'
import type { VerifyBundleArgs } from '../../src/commands/verify-bundle.js'
import { BUNDLES, CONFORMANCE, INCIDENTAL, PRODUCTION_ROOT, runVerifyBundle } from './harness.js'

const DEFAULT_IDENTITY =
  'https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main'
const DEFAULT_ISSUER = 'https://token.actions.githubusercontent.com'

const cases = fs
  .readdirSync(CONFORMANCE, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort()

/** Cases whose failure must come from a specific check, not from whatever trips first. */
const FAILURE_REASON: Record<string, { reason: RegExp; inputError: boolean }> = {
  // Our parseTrustedRoot refuses a key without validFor.start (sigstore-js reads it as 1970).
  'trust-root-tlog-missing-validity-start_fail': { reason: /validFor\.start/, inputError: true },
  // Our explicit root-in-chain check (sigstore-js only rejects it through a TypeError).
  'bundle-with-root-cert_fail': { reason: /root certificate/, inputError: false },
}

function argsFor(name: string): VerifyBundleArgs {
  const dir = path.join(CONFORMANCE, name)
  const file = (f: string): string | undefined =>
    fs.existsSync(path.join(dir, f)) ? path.join(dir, f) : undefined
  const text = (f: string): string | undefined => {
    const p = file(f)
    return p === undefined ? undefined : fs.readFileSync(p, 'utf8').trim()
  }
  const key = file('key.pub')
  return {
    bundle: path.join(dir, 'bundle.sigstore.json'),
    artifact: file('artifact') ?? path.join(CONFORMANCE, 'a.txt'),
    trustedRoot: file('trusted_root.json') ?? PRODUCTION_ROOT,
    ...(key !== undefined
      ? { key }
      : {
          certificateIdentity: text('identity') ?? DEFAULT_IDENTITY,
          certificateOidcIssuer: text('issuer') ?? DEFAULT_ISSUER,
        }),
  }
}

test('the copied suite is complete (70 cases, each with a bundle)', () => {
  expect(cases).toHaveLength(70)
  for (const name of cases) {
    expect(fs.existsSync(path.join(CONFORMANCE, name, 'bundle.sigstore.json'))).toBe(true)
  }
  expect(cases.filter((name) => name.endsWith('_fail')).length).toBeGreaterThan(0)
  for (const name of Object.keys(FAILURE_REASON)) expect(cases).toContain(name)
})

describe('sigstore-conformance bundle-verify', () => {
  test.each(cases)('%s', async (name) => {
    const outcome = await runVerifyBundle(argsFor(name))
    if (!name.endsWith('_fail')) {
      expect(outcome).toEqual({ pass: true })
      return
    }
    expect(outcome.pass).toBe(false)
    if (outcome.pass) return
    expect(outcome.reason.trim()).not.toBe('')
    expect(outcome.reason).not.toMatch(INCIDENTAL)
    const specific = FAILURE_REASON[name]
    if (specific !== undefined) {
      expect(outcome.reason).toMatch(specific.reason)
      expect(outcome.inputError).toBe(specific.inputError)
    }
  })
})

// managed-key-wrong-key_fail's key.pub is not a decodable key at all (its base64 is corrupted), so
// it only proves we refuse garbage. This covers the case its name promises: a valid key, not the
// signer's (sigstore-go's examples/publish_key.pub, also ECDSA P-256).
test('managed-key-happy-path with a valid key that is not the signer fails', async () => {
  const dir = path.join(CONFORMANCE, 'managed-key-happy-path')
  const otherKey = path.join(BUNDLES, 'sigstore-go/examples/publish_key.pub')
  const outcome = await runVerifyBundle({
    bundle: path.join(dir, 'bundle.sigstore.json'),
    artifact: path.join(CONFORMANCE, 'a.txt'),
    trustedRoot: PRODUCTION_ROOT,
    key: otherKey,
  })
  expect(outcome).toEqual({ pass: false, reason: expect.any(String), inputError: false })
  if (!outcome.pass) expect(outcome.reason).not.toMatch(INCIDENTAL)
})
