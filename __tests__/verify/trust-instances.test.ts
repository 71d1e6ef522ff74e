// Trust by instance, as gh decides it: a certificate whose issuer organisation is "GitHub, Inc."
// is verified only against GitHub's root (a signed timestamp, no log, no SCT); any other only
// against the public-good root (log entry, SCT and a verified time). Never one against the other
// (T12). GitHub's root is loaded lazily, once, and only when a bundle needs it.
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { X509Certificate } from '@sigstore/core'
import { TrustedRoot } from '@sigstore/protobuf-specs'
import { toTrustMaterial } from '@sigstore/verify'
import { GITHUB_TUF_MIRROR, githubTufOptions } from '../../src/deps.js'
import { TrustError } from '../../src/errors.js'
import type { Evidence } from '../../src/types.js'
import {
  BundleError,
  checkEvidence,
  checkedWithTrust,
  loadTrust,
  verifyBundle,
  type Trust,
} from '../../src/verify/index.js'
import { instanceOf } from '../../src/verify/trust.js'
import { PRODUCTION_ROOT } from '../conformance/harness.js'
import { createGithubSigstore, type GithubSigstore } from '../helpers/github-sigstore.js'
import {
  createMiniSigstore,
  inTotoStatement,
  pemToDer,
  type MiniSigstore,
} from '../helpers/mini-sigstore.js'

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures')
const CLI = path.join(FIXTURES, 'bundles/cli/pkg/cmd/attestation/test/data')
const cliBundle = (name: string): unknown =>
  JSON.parse(fs.readFileSync(path.join(CLI, name), 'utf8'))
// A real private-repository attestation: fulcio.githubapp.com leaf, one TSA timestamp, no log.
const PRIVATE_REPO = cliBundle('github_provenance_demo-0.0.12-py3-none-any-bundle.jsonl')
const PRIVATE_REPO_DIGEST =
  'sha256:ae57936def59bc4c75edd3a837d89bcefc6d3a5e31d55a6fa7a71624f92c3c3b'
const DIGEST = `sha256:${'cd'.repeat(32)}`
const SLSA = 'https://slsa.dev/provenance/v1'
const offline = (): Promise<never> => Promise.reject(new Error('offline'))
const production = async (): Promise<TrustedRoot> =>
  TrustedRoot.fromJSON(JSON.parse(fs.readFileSync(PRODUCTION_ROOT, 'utf8')))
const statement = inTotoStatement({ name: 'x', digest: DIGEST, predicateType: SLSA })

let ss: MiniSigstore
let github: GithubSigstore

beforeAll(async () => {
  ss = await createMiniSigstore({ withTSA: true })
  github = await createGithubSigstore()
})

const publicGood = () => toTrustMaterial(ss.trustedRoot)
const githubRoot = () => toTrustMaterial(github.trustedRoot)
const trust = (slots: Partial<Trust>): Trust => ({
  publicGood: publicGood(),
  keyed: false,
  ...slots,
})

describe('which instance issued a certificate', () => {
  test('issuer O=GitHub, Inc. is GitHub; sigstore.dev and anything else is public good', async () => {
    const leaf = (bundle: unknown): X509Certificate => {
      const material = (bundle as { verificationMaterial: { certificate: { rawBytes: string } } })
        .verificationMaterial
      return X509Certificate.parse(Buffer.from(material.certificate.rawBytes, 'base64'))
    }
    expect(instanceOf(leaf(PRIVATE_REPO))).toBe('github')
    expect(instanceOf(leaf(cliBundle('reusable-workflow-attestation.sigstore.json')))).toBe(
      'public-good',
    )
    expect(instanceOf(leaf(await github.attest(statement)))).toBe('github')
    const { certPEM } = await ss.attest(statement)
    expect(instanceOf(X509Certificate.parse(Buffer.from(pemToDer(certPEM))))).toBe('public-good')
  })
})

describe('verification against the right instance only', () => {
  test("a GitHub-instance bundle (TSA only, no log) verifies against GitHub's root", async () => {
    const verified = verifyBundle(await github.attest(statement), trust({ github: githubRoot() }))
    expect(verified.tlog).toEqual([])
    expect(verified.signer.subjectAlternativeName).toMatch(/^https:\/\/github\.com\/acme\/app\//)
  })

  test("it is refused when GitHub's root sits in the public-good slot (T12)", async () => {
    const bundle = await github.attest(statement)
    expect(() =>
      verifyBundle(bundle, trust({ publicGood: githubRoot(), github: publicGood() })),
    ).toThrow(/TIMESTAMP_ERROR|CERTIFICATE_ERROR/)
  })

  test("it is refused with a reason when GitHub's root is not available", async () => {
    const bundle = await github.attest(statement)
    expect(() => verifyBundle(bundle, trust({}))).toThrow(
      new BundleError(
        "it was signed by GitHub's Sigstore instance, whose trusted root is not available here",
      ),
    )
  })

  test("a public-good bundle is refused when its root sits only in GitHub's slot (T12)", async () => {
    const { bundle } = await ss.attest(statement)
    expect(() =>
      verifyBundle(bundle, trust({ publicGood: githubRoot(), github: publicGood() })),
    ).toThrow(/CERTIFICATE_ERROR|TIMESTAMP_ERROR|TLOG/)
    expect(verifyBundle(bundle, trust({})).tlog).toHaveLength(1)
  })

  test('a public-good certificate with a timestamp but no log entry is refused (tlog 1)', async () => {
    const tsaOnly = (await ss.attest(statement, { witnesses: 'tsa' })).bundle
    expect(() => verifyBundle(tsaOnly, trust({}))).toThrow(/TLOG|transparency log/i)
    const both = (await ss.attest(statement, { witnesses: 'both' })).bundle
    expect(verifyBundle(both, trust({})).tlog).toHaveLength(1)
  })

  test('the real private-repository bundle is refused against the public-good root', async () => {
    const publicGoodOnly = await loadTrust({
      trustedRootPath: PRODUCTION_ROOT,
      loadPublicGood: offline,
    })
    const checked = checkEvidence(
      { source: 'github', location: 'api', bundle: PRIVATE_REPO },
      PRIVATE_REPO_DIGEST,
      publicGoodOnly,
    )
    expect(checked.verified).toBe(false)
    expect(checked.error).toMatch(/CERTIFICATE_ERROR|TIMESTAMP_ERROR/)
  })
})

describe("loading GitHub's root", () => {
  const found = (bundle: unknown): Evidence[] => [{ source: 'github', location: 'api', bundle }]
  const counting = (load: () => Promise<typeof ss.trustedRoot>) => {
    const calls = { count: 0 }
    return { calls, load: () => (calls.count++, load()) }
  }

  test('trusted-root is the only trust material: both instances use that file, nothing loads', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'scg-trust-')), 'root.json')
    fs.writeFileSync(file, JSON.stringify(github.trustedRootJSON))
    const { calls, load } = counting(async () => ss.trustedRoot)
    const loaded = await loadTrust({
      trustedRootPath: file,
      loadPublicGood: offline,
      loadGithubRoot: load,
    })
    expect(loaded.github).toBe(loaded.publicGood)
    expect(loaded.loadGithub).toBeUndefined()
    // So GitHub's trusted_root.json given as the file verifies GitHub bundles offline.
    const piece = found(await github.attest(statement))[0]!
    const checked = await checkedWithTrust(loaded, (t) => checkEvidence(piece, DIGEST, t))
    expect(checked.verified).toBe(true)
    expect(calls.count).toBe(0)
  })

  test('lazily: not by loadTrust, not for public-good bundles, once for GitHub ones', async () => {
    const { calls, load } = counting(async () => github.trustedRoot)
    const loaded = await loadTrust({
      loadPublicGood: async () => ss.trustedRoot,
      loadGithubRoot: load,
    })
    expect(calls.count).toBe(0)
    expect(loaded.github).toBeUndefined()
    const check = (pieces: Evidence[]) =>
      checkedWithTrust(loaded, (t) => pieces.map((e) => checkEvidence(e, DIGEST, t)))
    const plain = await check(found((await ss.attest(statement)).bundle))
    expect(plain.map((e) => e.verified)).toEqual([true])
    expect(calls.count).toBe(0)
    // A public-good piece before the GitHub one: both are checked, with the root loaded once.
    const mixed = [
      ...found((await ss.attest(statement)).bundle),
      ...found(await github.attest(statement)),
    ]
    const [a, b] = await Promise.all([check(mixed), check(mixed)])
    expect(calls.count).toBe(1)
    expect(a.map((e) => e.verified)).toEqual([true, true])
    expect(b).toEqual(a)
  })

  test('a real GitHub bundle makes it load, and is refused when the root is the wrong one', async () => {
    const { calls, load } = counting(production)
    const loaded = await loadTrust({ loadPublicGood: production, loadGithubRoot: load })
    const piece = found(PRIVATE_REPO)[0]!
    const checked = await checkedWithTrust(loaded, (t) =>
      checkEvidence(piece, PRIVATE_REPO_DIGEST, t),
    )
    expect(calls.count).toBe(1)
    expect(checked.verified).toBe(false)
  })

  test('a key policy never needs it; a failure to load is a TrustError naming it (exit 2)', async () => {
    const key = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'scg-key-')), 'key.pem')
    const { publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
    fs.writeFileSync(key, publicKey.export({ format: 'pem', type: 'spki' }))
    const keyed = await loadTrust({
      publicKeyPath: key,
      loadPublicGood: async () => ss.trustedRoot,
      loadGithubRoot: offline,
    })
    expect(keyed.loadGithub).toBeUndefined()
    const loaded = await loadTrust({
      loadPublicGood: async () => ss.trustedRoot,
      loadGithubRoot: offline,
    })
    const piece = found(PRIVATE_REPO)[0]!
    const error = await checkedWithTrust(loaded, (t) => checkEvidence(piece, DIGEST, t)).catch(
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(TrustError)
    expect((error as TrustError).code).toBe('TRUST_ROOT')
    expect((error as TrustError).message).toBe(
      "Failed to load GitHub's Sigstore trusted root through TUF: offline",
    )
  })
})

test("the embedded TUF root is gh's, written where @sigstore/tuf seeds its cache from", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scg-tuf-'))
  const options = await githubTufOptions(dir)
  expect(options).toEqual({
    mirrorURL: 'https://tuf-repo.github.com',
    rootPath: path.join(dir, 'tuf-repo.github.com.root.json'),
    cachePath: path.join(dir, 'tuf'),
  })
  expect(GITHUB_TUF_MIRROR).toBe(options.mirrorURL)
  const upstream = path.join(
    FIXTURES,
    'github/cli/pkg/cmd/attestation/verification/embed/tuf-repo.github.com/root.json',
  )
  expect(JSON.parse(fs.readFileSync(options.rootPath, 'utf8'))).toEqual(
    JSON.parse(fs.readFileSync(upstream, 'utf8')),
  )
})
