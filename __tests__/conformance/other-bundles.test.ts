// Real bundles from sigstore-go, sigstore-js, sigstore-python, cli/cli and cosign, each with the
// outcome its upstream tests assert (rows of the fixture manifest's "Other bundle fixtures" table;
// provenance in __tests__/fixtures/SOURCES.md). One test per row, in one of three groups:
// * agrees: verify-bundle passes or fails exactly as upstream; a fail row may also name the check
//   that must reject it, so an incidental failure does not count.
// * cannot be verified offline (`skip`, with the reason): reported as skipped, never a fake pass.
// * known divergence (`divergences`): upstream passes, verify-bundle fails knowingly. The test
//   asserts the reason, then removes exactly that cause and proves the rest of the bundle and its
//   signer verify, so it turns red if the behaviour or the explanation stops holding.
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { VerifyBundleArgs } from '../../src/commands/verify-bundle.js'
import { identityMismatch, loadTrust, readStatement, verifyBundle } from '../../src/verify/index.js'
import {
  BUNDLES,
  INCIDENTAL,
  PRODUCTION_ROOT,
  STAGING_ROOT,
  noPublicGood,
  runVerifyBundle,
} from './harness.js'

const fixture = (p: string): string => path.join(BUNDLES, p)
const GO = 'sigstore-go/pkg/testing/data'
const GO_EXAMPLES = 'sigstore-go/examples'
const JS = 'sigstore-js/tests/bundles'
const PY = 'sigstore-python/test/assets'
const CLI = 'cli/pkg/cmd/attestation/test/data'
const COSIGN = 'cosign/pkg/cosign/testdata'

const GHA = 'https://token.actions.githubusercontent.com'
const GITHUB_OAUTH = 'https://github.com/login/oauth'
const GOOGLE = 'https://accounts.google.com'
const SIGSTORE_JS_RELEASE =
  'https://github.com/sigstore/sigstore-js/.github/workflows/release.yml@refs/heads/main'
const BEACON =
  'https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main'

// Inputs some rows need that are not files upstream; derived here from the copied fixtures.
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'scg-conformance-'))
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }))
function derive(name: string, content: string | Buffer): string {
  const file = path.join(tmp, name)
  fs.writeFileSync(file, content)
  return file
}
const jsonlLines = fs.readFileSync(fixture(`${CLI}/sigstore-js-2.1.0_with_2_bundles.jsonl`), 'utf8')
const [line1, line2] = jsonlLines.split('\n').filter((l) => l.trim() !== '')
const TWO_BUNDLES_1 = derive('with_2_bundles.1.json', line1!)
const TWO_BUNDLES_2 = derive('with_2_bundles.2.json', line2!)
// sigstore-go's TestVerifyPublicKeyValidity signs the literal bytes "test content".
const TEST_CONTENT = derive('test-content', 'test content')
// sigstore-python TestVerifierWithTimestamp: staging root whose TSAs are replaced by tsa/ca.json.
const stagingWithTestTsa = JSON.parse(fs.readFileSync(STAGING_ROOT, 'utf8')) as Record<
  string,
  unknown
>
stagingWithTestTsa['timestampAuthorities'] = [
  JSON.parse(fs.readFileSync(fixture(`${PY}/tsa/ca.json`), 'utf8')),
]
const STAGING_TEST_TSA_ROOT = derive(
  'staging-with-test-tsa.json',
  JSON.stringify(stagingWithTestTsa),
)

type Signer = { identity: string; issuer: string } | { key: string }
type Artifact = { file: string } | { digest: string }

/**
 * Where verify-bundle knowingly parts from an upstream "pass": by our design (root-in-chain) or by
 * @sigstore/verify behaviour we keep (every-timestamp). Each has the reason it fails with and, in
 * the test, a repair that removes exactly that cause.
 */
type Divergence = 'root-in-chain' | 'every-timestamp'
const DIVERGENCE: Record<Divergence, { why: string; reason: RegExp }> = {
  'root-in-chain': {
    why:
      'old v0.1 bundles carry the full chain, root included; protobuf-specs says signers MUST NOT ' +
      'and verifiers SHOULD ignore it, sigstore-go and sigstore-js accept it, and we reject any ' +
      'root in the chain (sigstore-conformance bundle-with-root-cert_fail)',
    reason: /the bundle certificate chain contains a root certificate/,
  },
  'every-timestamp': {
    why:
      'the bundle holds 2 RFC 3161 timestamps and the 2nd does not verify; sigstore-python counts ' +
      'the verified ones against a threshold, @sigstore/verify requires every one to verify',
    reason: /^TIMESTAMP_ERROR: timestamp could not be verified$/,
  },
}

interface Row {
  /** <source dir>/<upstream path> of the bundle (a JSON-lines file also names its line). */
  name: string
  bundle: string
  artifact: Artifact
  root: string
  signer: Signer
  expect: 'pass' | 'fail'
  /** For a fail row: the check that must reject it (not an incidental one). */
  reason?: RegExp
  skip?: string
  /** In the order verify-bundle meets them; the first is the reason it reports. */
  divergences?: Divergence[]
}

/** A DSSE row whose statement names its subject by sha512 only (npm packages). */
function sha512Subject(
  subject: string,
  ...divergences: Divergence[]
): Pick<Row, 'artifact' | 'divergences'> {
  return {
    artifact: { digest: `sha512:${subject}` },
    ...(divergences.length > 0 && { divergences }),
  }
}
const SIGSTORE_1_0_0 =
  '7bea9f6e7ff37f5fab0b36bf061200fff03099fd2fd696b91d04bc5e4f225eb9fd6e0cadcad54ba980f43fb352a99e8810b4e0abeb5c0ef2cf9108cd1f258b36'
const SIGSTORE_1_3_0 =
  '76176ffa33808b54602c7c35de5c6e9a4deb96066dba6533f50ac234f4f1f4c6b3527515dc17c06fbe2860030f410eee69ea20079bd3a2c6f3dcf3b329b10751'
const SIGSTORE_2_1_0 =
  '90f223f992e4c88dd068cd2a5fc57f9d2b30798343dd6e38f29c240e04ba090ef831f84490847c4e82b9232c78e8a258463b1e55c0f7469f730265008fa6633f'

const goRoot = fixture(`${GO}/trusted-roots/public-good.json`)
const goExamplesRoot = fixture(`${GO_EXAMPLES}/trusted-root-public-good.json`)
const cliRoot = fixture(`${CLI}/trusted_root.json`)
const brian = { identity: 'brian@dehamer.com', issuer: GITHUB_OAUTH }
const william = { identity: 'william@yossarian.net', issuer: GITHUB_OAUTH }
const malformed = /the bundle is malformed|unsupported bundle media type/

const ROWS: Row[] = [
  // sigstore-go
  {
    name: `${GO}/bundles/sigstore.js@2.0.0-provenance.sigstore.json`,
    bundle: fixture(`${GO}/bundles/sigstore.js@2.0.0-provenance.sigstore.json`),
    ...sha512Subject(
      '46d4e2f74c4877316640000a6fdf8a8b59f1e0847667973e9859f774dd31b8f1e0937813b777fb66a2ac67d50540fe34640966eee9fc2ccca387082b4c85cd3c',
    ),
    root: goRoot,
    signer: { identity: SIGSTORE_JS_RELEASE, issuer: GHA },
    expect: 'pass',
  },
  {
    name: `${GO}/bundles/dsse.sigstore.json`,
    bundle: fixture(`${GO}/bundles/dsse.sigstore.json`),
    ...sha512Subject(
      'bbfd372fc9beeb777fe35d05bb10c0c70a9733d366a75fed7dd18866c7391de3ee7e88ba74dd47abf3e15c845e547fcf0e5c3da80854c751554224d3a6d4e55f',
      'root-in-chain',
    ),
    root: goRoot,
    signer: brian,
    expect: 'pass',
  },
  {
    // ErrDSSEInvalidSignatureCount upstream; @sigstore/bundle rejects 2 DSSE signatures too.
    name: `${GO}/bundles/dsse-2sigs.sigstore.json`,
    bundle: fixture(`${GO}/bundles/dsse-2sigs.sigstore.json`),
    artifact: { digest: `sha256:${'0'.repeat(64)}` },
    root: goRoot,
    signer: brian,
    expect: 'fail',
    reason: /the DSSE envelope has 2 signatures; exactly one is required/,
  },
  {
    name: `${GO}/bundles/othername.sigstore.json`,
    bundle: fixture(`${GO}/bundles/othername.sigstore.json`),
    artifact: { digest: 'sha256:bc103b4a84971ef6459b294a2b98568a2bfb72cded09d4acd1e16366a401f95b' },
    root: fixture(`${GO}/trusted-roots/scaffolding.json`),
    signer: { identity: 'foo!oidc.local', issuer: 'http://oidc.local:8080' },
    expect: 'pass',
    skip:
      'message signature whose artifact is not shipped (only its sha256 is known): sigstore-go ' +
      'verifies it by digest, but @sigstore/verify (and so verify-bundle) needs the signed bytes',
  },
  {
    name: `${GO}/bundles/public-key-validity.sigstore.json`,
    bundle: fixture(`${GO}/bundles/public-key-validity.sigstore.json`),
    artifact: { file: TEST_CONTENT },
    root: fixture(`${GO}/trusted-roots/public-key-validity.json`),
    // A configured key is the trust anchor: no transparency-log entry is required.
    signer: { key: fixture(`${GO}/public-keys/public-key-validity.pem`) },
    expect: 'pass',
  },
  {
    name: `${GO_EXAMPLES}/bundle-provenance.json`,
    bundle: fixture(`${GO_EXAMPLES}/bundle-provenance.json`),
    ...sha512Subject(SIGSTORE_1_3_0, 'root-in-chain'),
    root: goExamplesRoot,
    signer: { identity: SIGSTORE_JS_RELEASE, issuer: GHA },
    expect: 'pass',
  },
  {
    name: `${GO_EXAMPLES}/bundle-publish.json`,
    bundle: fixture(`${GO_EXAMPLES}/bundle-publish.json`),
    ...sha512Subject(SIGSTORE_1_3_0),
    root: goExamplesRoot,
    signer: { key: fixture(`${GO_EXAMPLES}/publish_key.pub`) },
    expect: 'pass',
  },
  // sigstore-js smoke-test bundles: all over pkg:npm/sigstore@1.0.0, production root.
  ...[
    'bundleV01-dsse-no-proof',
    'bundleV01-dsse-with-proof',
    'bundleV01-full-cert-chain',
    'bundleV01-intoto-no-proof',
    'bundleV01-intoto-with-proof',
    'bundleV02-dsse',
    'bundleV02-intoto',
    'bundleV03-dsse',
    'bundleV03-intoto',
  ].map((b): Row => ({
    name: `${JS}/${b}.sigstore`,
    bundle: fixture(`${JS}/${b}.sigstore`),
    ...sha512Subject(
      SIGSTORE_1_0_0,
      ...(b === 'bundleV01-full-cert-chain' ? ['root-in-chain' as const] : []),
    ),
    root: PRODUCTION_ROOT,
    signer: brian,
    expect: 'pass',
  })),
  // sigstore-python: staging unless noted.
  ...(
    [
      ['bundle.txt', 'bundle.txt.sigstore', { identity: 'a@tny.town', issuer: GITHUB_OAUTH }],
      ['bundle_v3.txt', 'bundle_v3.txt.sigstore', william],
      ['bundle_v3_alt.txt', 'bundle_v3_alt.txt.sigstore', william],
      ['integration/bundle_v3.txt', 'integration/bundle_v3.txt.sigstore', william],
      [
        'staging-rekor-v2.txt',
        'staging-rekor-v2.txt.sigstore.json',
        { identity: 'jku@goto.fi', issuer: GITHUB_OAUTH },
      ],
    ] as const
  ).map(([artifact, bundle, signer]): Row => ({
    name: `${PY}/${bundle}`,
    bundle: fixture(`${PY}/${bundle}`),
    artifact: { file: fixture(`${PY}/${artifact}`) },
    root: STAGING_ROOT,
    signer,
    expect: 'pass',
  })),
  {
    // Rekor v2 hashedrekord-over-DSSE; the subject is sigstore-conformance's a.txt.
    name: `${PY}/a.dsse.staging-rekor-v2.txt.sigstore.json`,
    bundle: fixture(`${PY}/a.dsse.staging-rekor-v2.txt.sigstore.json`),
    artifact: { digest: 'sha256:a0cfc71271d6e278e57cd332ff957c3f7043fdda354c4cbb190a30d56efa01bf' },
    root: STAGING_ROOT,
    signer: { identity: BEACON, issuer: GHA },
    expect: 'pass',
  },
  {
    name: `${PY}/bundle_v3_github.whl.sigstore`,
    bundle: fixture(`${PY}/bundle_v3_github.whl.sigstore`),
    artifact: { digest: 'sha256:c4e92e9ecc828bef2aa7dba1de8ac983511f7532a0df11c770d39099a25cf201' },
    root: PRODUCTION_ROOT,
    signer: {
      identity:
        'https://github.com/trailofbits/rfc8785.py/.github/workflows/release.yml@refs/tags/v0.1.2',
      issuer: GHA,
    },
    expect: 'pass',
    skip:
      'message signature over a .whl archive that was removed from the fixtures (third-party ' +
      'code); without the signed bytes it cannot be verified',
  },
  {
    name: `${PY}/bundle_cve_2022_36056.txt.sigstore`,
    bundle: fixture(`${PY}/bundle_cve_2022_36056.txt.sigstore`),
    artifact: { file: fixture(`${PY}/bundle_cve_2022_36056.txt`) },
    root: STAGING_ROOT,
    signer: william,
    expect: 'fail',
    reason: /TLOG_BODY_ERROR/,
  },
  {
    name: `${PY}/bundle_invalid_version.txt.sigstore`,
    bundle: fixture(`${PY}/bundle_invalid_version.txt.sigstore`),
    artifact: { file: fixture(`${PY}/bundle_invalid_version.txt`) },
    root: STAGING_ROOT,
    signer: william,
    expect: 'fail',
    reason: malformed,
  },
  {
    name: `${PY}/bundle_no_cert_v1.txt.sigstore`,
    bundle: fixture(`${PY}/bundle_no_cert_v1.txt.sigstore`),
    artifact: { file: fixture(`${PY}/bundle_no_cert_v1.txt`) },
    root: STAGING_ROOT,
    signer: william,
    expect: 'fail',
    reason: malformed,
  },
  {
    name: `${PY}/bundle_no_log_entry.txt.sigstore`,
    bundle: fixture(`${PY}/bundle_no_log_entry.txt.sigstore`),
    artifact: { file: fixture(`${PY}/bundle_no_log_entry.txt`) },
    root: STAGING_ROOT,
    signer: { identity: 'alex.cameron@trailofbits.com', issuer: GOOGLE },
    expect: 'fail',
    reason: /TIMESTAMP_ERROR: expected 1 timestamps, got 0/,
  },
  {
    name: `${PY}/bundle_no_checkpoint.txt.sigstore`,
    bundle: fixture(`${PY}/bundle_no_checkpoint.txt.sigstore`),
    artifact: { file: fixture(`${PY}/bundle_no_checkpoint.txt`) },
    root: STAGING_ROOT,
    signer: william,
    expect: 'fail',
    reason: malformed,
  },
  {
    name: `${PY}/bundle_v3_no_signed_time.txt.sigstore.json`,
    bundle: fixture(`${PY}/bundle_v3_no_signed_time.txt.sigstore.json`),
    artifact: { file: fixture(`${PY}/bundle_v3_no_signed_time.txt`) },
    root: STAGING_ROOT,
    signer: william,
    expect: 'fail',
    reason: /TIMESTAMP_ERROR: expected 1 timestamps, got 0/,
  },
  {
    name: `${PY}/integration/Python-3.12.5.tgz.sigstore`,
    bundle: fixture(`${PY}/integration/Python-3.12.5.tgz.sigstore`),
    artifact: { digest: 'sha256:38dc4e2c261d49c661196066edbfb70fdb16be4a79cc8220c224dfeb5636d405' },
    root: PRODUCTION_ROOT,
    signer: { identity: 'thomas@python.org', issuer: GOOGLE },
    expect: 'fail',
    skip:
      'message signature over a .tgz archive that was removed from the fixtures: verify-bundle ' +
      'would fail only because the signed bytes are missing, not for the upstream reason (v0.1 ' +
      'inclusion proof without a checkpoint), so a "fail" here would prove nothing',
  },
  {
    name: `${PY}/tsa/bundle.txt.sigstore`,
    bundle: fixture(`${PY}/tsa/bundle.txt.sigstore`),
    artifact: { file: fixture(`${PY}/tsa/bundle.txt`) },
    root: STAGING_TEST_TSA_ROOT,
    signer: { identity: 'alexis.challande@trailofbits.com', issuer: GOOGLE },
    expect: 'pass',
    divergences: ['every-timestamp'],
  },
  {
    name: `${PY}/tsa/bundle.duplicate.sigstore`,
    bundle: fixture(`${PY}/tsa/bundle.duplicate.sigstore`),
    artifact: { file: fixture(`${PY}/tsa/bundle.txt`) },
    root: STAGING_TEST_TSA_ROOT,
    signer: { identity: 'alexis.challande@trailofbits.com', issuer: GOOGLE },
    expect: 'fail',
    reason: /TIMESTAMP_ERROR/,
  },
  {
    name: `${PY}/tsa/bundle.many_timestamp.sigstore`,
    bundle: fixture(`${PY}/tsa/bundle.many_timestamp.sigstore`),
    artifact: { file: fixture(`${PY}/tsa/bundle.txt`) },
    root: STAGING_TEST_TSA_ROOT,
    signer: { identity: 'alexis.challande@trailofbits.com', issuer: GOOGLE },
    expect: 'fail',
    reason: /more than 32 timestamps/,
  },
  // cli/cli (gh attestation)
  {
    name: `${CLI}/sigstore-js-2.1.0-bundle.json`,
    bundle: fixture(`${CLI}/sigstore-js-2.1.0-bundle.json`),
    ...sha512Subject(SIGSTORE_2_1_0),
    root: cliRoot,
    signer: { identity: SIGSTORE_JS_RELEASE, issuer: GHA },
    expect: 'pass',
  },
  {
    // gh itself refuses v0.1 by policy; the bundle is valid Sigstore and we accept v0.1.
    name: `${CLI}/sigstore-js-2.1.0-bundle-v0.1.json`,
    bundle: fixture(`${CLI}/sigstore-js-2.1.0-bundle-v0.1.json`),
    ...sha512Subject(SIGSTORE_2_1_0),
    root: cliRoot,
    signer: { identity: SIGSTORE_JS_RELEASE, issuer: GHA },
    expect: 'pass',
  },
  {
    name: `${CLI}/sigstore-js-2.1.0_with_2_bundles.jsonl line 1`,
    bundle: TWO_BUNDLES_1,
    ...sha512Subject(SIGSTORE_2_1_0),
    root: cliRoot,
    signer: { identity: SIGSTORE_JS_RELEASE, issuer: GHA },
    expect: 'pass',
  },
  {
    name: `${CLI}/sigstore-js-2.1.0_with_2_bundles.jsonl line 2`,
    bundle: TWO_BUNDLES_2,
    ...sha512Subject(SIGSTORE_2_1_0),
    root: cliRoot,
    signer: { identity: SIGSTORE_JS_RELEASE, issuer: GHA },
    expect: 'pass',
  },
  {
    name: `${CLI}/custom-issuer.sigstore.json`,
    bundle: fixture(`${CLI}/custom-issuer.sigstore.json`),
    artifact: { file: fixture(`${CLI}/custom-issuer-artifact`) },
    root: cliRoot,
    signer: {
      identity:
        'https://github.com/too-legit/attest/.github/workflows/integration.yml@refs/heads/main',
      issuer: 'https://token.actions.githubusercontent.com/hammer-time',
    },
    expect: 'pass',
  },
  {
    name: `${CLI}/reusable-workflow-attestation.sigstore.json`,
    bundle: fixture(`${CLI}/reusable-workflow-attestation.sigstore.json`),
    artifact: { file: fixture(`${CLI}/reusable-workflow-artifact`) },
    root: cliRoot,
    signer: {
      identity:
        'https://github.com/github/artifact-attestations-workflows/.github/workflows/attest.yml@09b495c3f12c7881b3cc17209a327792065c1a1d',
      issuer: GHA,
    },
    expect: 'pass',
  },
  {
    name: `${CLI}/github_provenance_demo-0.0.12-py3-none-any-bundle.jsonl`,
    bundle: fixture(`${CLI}/github_provenance_demo-0.0.12-py3-none-any-bundle.jsonl`),
    artifact: { digest: 'sha256:ae57936def59bc4c75edd3a837d89bcefc6d3a5e31d55a6fa7a71624f92c3c3b' },
    root: PRODUCTION_ROOT,
    signer: {
      identity:
        'https://github.com/actions/attest-demo/.github/workflows/build-python.yml@refs/heads/main',
      issuer: GHA,
    },
    expect: 'pass',
    skip:
      "signed by GitHub's private Sigstore instance (fulcio.githubapp.com, timestamp.githubapp.com); " +
      'its trusted_root.json is a TUF target of tuf-repo.github.com and is not available offline',
  },
  {
    name: `${CLI}/github_provenance_demo-0.0.12-py3-none-any-bundle-missing-cert.jsonl`,
    bundle: fixture(`${CLI}/github_provenance_demo-0.0.12-py3-none-any-bundle-missing-cert.jsonl`),
    artifact: { digest: 'sha256:ae57936def59bc4c75edd3a837d89bcefc6d3a5e31d55a6fa7a71624f92c3c3b' },
    root: PRODUCTION_ROOT,
    signer: {
      identity:
        'https://github.com/actions/attest-demo/.github/workflows/build-python.yml@refs/heads/main',
      issuer: GHA,
    },
    expect: 'fail',
    reason: malformed,
  },
  {
    name: `${CLI}/github_provenance_demo-0.0.12-py3-none-any-bundle-missing-verification-material.jsonl`,
    bundle: fixture(
      `${CLI}/github_provenance_demo-0.0.12-py3-none-any-bundle-missing-verification-material.jsonl`,
    ),
    artifact: { digest: 'sha256:ae57936def59bc4c75edd3a837d89bcefc6d3a5e31d55a6fa7a71624f92c3c3b' },
    root: PRODUCTION_ROOT,
    signer: {
      identity:
        'https://github.com/actions/attest-demo/.github/workflows/build-python.yml@refs/heads/main',
      issuer: GHA,
    },
    expect: 'fail',
    reason: malformed,
  },
  {
    // The DSSE payload is "hello, world!", so no artifact could match; the tlog check fails first.
    name: `${CLI}/sigstoreBundle-invalid-signature.json`,
    bundle: fixture(`${CLI}/sigstoreBundle-invalid-signature.json`),
    artifact: {
      digest: `sha256:${crypto.createHash('sha256').update('hello, world!').digest('hex')}`,
    },
    root: cliRoot,
    signer: brian,
    expect: 'fail',
    reason: /TLOG_BODY_ERROR: tlog entry signature mismatch/,
  },
  // cosign: a real v0.3 DSSE attestation for a container image.
  {
    name: `${COSIGN}/oci-attestation.sigstore.json`,
    bundle: fixture(`${COSIGN}/oci-attestation.sigstore.json`),
    artifact: { digest: 'sha256:732112270d7e59418a8c080b134b24cabd67d250d0d0147a97ed95ba5c280aa4' },
    root: fixture(`${COSIGN}/trusted_root_pgi.json`),
    signer: { identity: 'cody@soyland.com', issuer: GITHUB_OAUTH },
    expect: 'pass',
  },
]

function argsFor(row: Row): VerifyBundleArgs {
  return {
    bundle: row.bundle,
    artifact: 'file' in row.artifact ? row.artifact.file : row.artifact.digest,
    trustedRoot: row.root,
    ...('key' in row.signer
      ? { key: row.signer.key }
      : { certificateIdentity: row.signer.identity, certificateOidcIssuer: row.signer.issuer }),
  }
}

test('every row names an existing bundle, root and artifact file', () => {
  expect(new Set(ROWS.map((r) => r.name)).size).toBe(ROWS.length)
  for (const row of ROWS) {
    for (const file of [
      row.bundle,
      row.root,
      'file' in row.artifact ? row.artifact.file : row.root,
    ]) {
      expect(fs.existsSync(file)).toBe(true)
    }
  }
})

const agreeing = ROWS.filter((r) => r.skip === undefined && r.divergences === undefined)
const skipped = ROWS.filter((r) => r.skip !== undefined)
const divergent = ROWS.filter((r) => r.skip === undefined && r.divergences !== undefined)

describe('other bundle fixtures: verify-bundle agrees with upstream', () => {
  test.each(agreeing.map((r) => [r.name, r] as const))('%s', async (_name, row) => {
    const outcome = await runVerifyBundle(argsFor(row))
    if (row.expect === 'pass') {
      expect(outcome).toEqual({ pass: true })
      return
    }
    expect(outcome.pass).toBe(false)
    if (outcome.pass) return
    expect(outcome.reason.trim()).not.toBe('')
    expect(outcome.reason).not.toMatch(INCIDENTAL)
    if (row.reason !== undefined) expect(outcome.reason).toMatch(row.reason)
  })
})

describe('other bundle fixtures: cannot be verified offline', () => {
  // Each reason is in the row's `skip`; listed so the run shows them, never counted as passes.
  test.skip.each(skipped.map((r) => [r.name, r.skip!] as const))('%s (%s)', () => {})
})

type BundleJSON = {
  verificationMaterial: {
    x509CertificateChain?: { certificates: { rawBytes: string }[] }
    timestampVerificationData?: { rfc3161Timestamps: unknown[] }
  }
}

/** DER of every CA root (last certificate of each chain) in a trusted_root.json. */
function trustedRoots(rootFile: string): Buffer[] {
  const root = JSON.parse(fs.readFileSync(rootFile, 'utf8')) as {
    certificateAuthorities?: { certChain: { certificates: { rawBytes: string }[] } }[]
  }
  return (root.certificateAuthorities ?? []).map((ca) =>
    Buffer.from(ca.certChain.certificates.at(-1)!.rawBytes, 'base64'),
  )
}

describe('other bundle fixtures: known divergences from upstream', () => {
  test.each(divergent.map((r) => [r.name, r] as const))('%s', async (_name, row) => {
    const divergences = row.divergences!
    expect(row.expect).toBe('pass')

    // 1. verify-bundle fails, for the first divergent reason and nothing else.
    const outcome = await runVerifyBundle(argsFor(row))
    expect(outcome.pass).toBe(false)
    if (outcome.pass) return
    expect(outcome.reason).toMatch(DIVERGENCE[divergences[0]!].reason)

    // 2. Each divergent check, met in turn, rejects the bundle; a repair removing exactly that
    //    cause lets verification go on. At the end the bundle and its signer must check out, or
    //    the divergence would be hiding some other failure.
    const trust = await loadTrust({
      trustedRootPath: row.root,
      ...('key' in row.signer && { publicKeyPath: row.signer.key }),
      loadPublicGood: noPublicGood,
    })
    const policy =
      'key' in row.signer
        ? { publicKey: true as const }
        : {
            subjectAlternativeName: { exact: row.signer.identity },
            issuer: { exact: row.signer.issuer },
          }
    const json = JSON.parse(fs.readFileSync(row.bundle, 'utf8')) as BundleJSON
    const artifact = 'file' in row.artifact ? fs.readFileSync(row.artifact.file) : undefined
    for (const divergence of divergences) {
      const { reason } = DIVERGENCE[divergence]
      expect(() => verifyBundle(json, trust, artifact)).toThrow(reason)
      const material = json.verificationMaterial
      if (divergence === 'root-in-chain') {
        // Drop the root, which must be byte-identical to a root the trusted root holds.
        const chain = material.x509CertificateChain!.certificates
        const roots = trustedRoots(row.root)
        const kept = chain.filter(
          (c) => !roots.some((r) => r.equals(Buffer.from(c.rawBytes, 'base64'))),
        )
        expect(kept).toHaveLength(chain.length - 1)
        material.x509CertificateChain!.certificates = kept
      } else if (divergence === 'every-timestamp') {
        // Either timestamp alone: the 1st verifies, the 2nd is the one rejected.
        const timestamps = material.timestampVerificationData!.rfc3161Timestamps
        expect(timestamps).toHaveLength(2)
        material.timestampVerificationData!.rfc3161Timestamps = timestamps.slice(1)
        expect(() => verifyBundle(json, trust, artifact)).toThrow(reason)
        material.timestampVerificationData!.rfc3161Timestamps = timestamps.slice(0, 1)
      }
    }

    const verified = verifyBundle(json, trust, artifact)
    if ('dsse' in verified.content && 'digest' in row.artifact) {
      const { payloadType, payload } = verified.content.dsse
      expect(readStatement(payloadType, payload).subjectDigests).toContain(row.artifact.digest)
    }
    expect(identityMismatch(policy, verified.signer)).toBeUndefined()
  })
})

test('every divergence is explained and exercised', () => {
  const used = new Set(divergent.flatMap((r) => r.divergences!))
  expect([...used].sort()).toEqual(Object.keys(DIVERGENCE).sort())
  for (const { why } of Object.values(DIVERGENCE)) expect(why.length).toBeGreaterThan(40)
})
