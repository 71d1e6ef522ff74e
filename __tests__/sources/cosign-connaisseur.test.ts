// Real legacy cosign signatures (connaisseur's test data, provenance in ../fixtures/SOURCES.md)
// pushed byte for byte into a real registry and verified through the cosign-tags source: keyless
// against the production Sigstore trusted root, key-based with connaisseur's public keys.
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { exitCode } from '../../src/report/result.js'
import { runGate } from '../helpers/gate.js'
import {
  MT,
  digestOf,
  getManifest,
  putManifest,
  startRegistry,
  uniqueRepo,
  uploadBlob,
  type Registry,
} from '../helpers/registry.js'

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures')
const TESTDATA = path.join(FIXTURES, 'cosign/connaisseur/test/testdata/cosign')
const TESTIMAGE = path.join(TESTDATA, 'securesystemsengineering/testimage')
const ROOTS = path.join(FIXTURES, 'bundles/sigstore-python/sigstore/_store')
const PRODUCTION_ROOT = path.join(
  ROOTS,
  'https%3A%2F%2Ftuf-repo-cdn.sigstore.dev/trusted_root.json',
)
const STAGING_ROOT = path.join(ROOTS, 'https%3A%2F%2Ftuf-repo-cdn.sigstage.dev/trusted_root.json')
const key = (name: string): string => path.join(TESTDATA, `${name}.key`)

// The three signed images: their manifests (named by connaisseur) and the digests they hash to.
const KEYLESS = {
  manifest: 'keyless.json',
  digest: 'sha256:31dc72a13a0c34b40eb95419d2b2fd67320c856baf3b72da518023ee8d370aee',
}
const ALICE = {
  manifest: 'multi-cosigned-alice.json',
  digest: 'sha256:071bf7a986f1ca9cb2a1f0bc8392822a7777f90d58f2d2c6f271913e08de7c81',
}
const ALICE_BOB_CHARLIE = {
  manifest: 'multi-cosigned-alice-bob-charlie.json',
  digest: 'sha256:bfec161fecb0a887df7cb85e4da327c65986ccda7060cf3cd92171c6c90d7533',
}
type Image = typeof KEYLESS

// Read from the keyless layer's certificate annotation (SAN rfc822Name; Fulcio issuer OIDs .1/.8).
const SIGNER = 'philipp.belitz@securesystems.de'
const ISSUER = 'https://github.com/login/oauth'

let registry: Registry
let host: string

// A registry of our own, because the image manifests go into its storage directory (see below).
beforeAll(async () => {
  registry = await startRegistry()
  host = registry.host
})
afterAll(() => registry.stop())

const fixture = (...parts: string[]): Buffer => fs.readFileSync(path.join(TESTIMAGE, ...parts))
const sigTag = (digest: string): string => `${digest.replace(':', '-')}.sig`

/**
 * Stores an image manifest under its digest, byte for byte. Distribution refuses to accept a
 * manifest whose config and layers it does not hold (MANIFEST_BLOB_UNKNOWN), and connaisseur kept
 * only the manifests; so the bytes are written where a push puts them (the content-addressed blob
 * and the repository's revision link). The gate then reads them over HTTP and hashes them.
 */
function storeImageManifest(repo: string, image: Image): void {
  const bytes = fixture('manifests', image.manifest)
  expect(digestOf(bytes)).toBe(image.digest)
  const hex = image.digest.slice('sha256:'.length)
  const v2 = path.join(registry.dir, 'data/docker/registry/v2')
  const blob = path.join(v2, 'blobs/sha256', hex.slice(0, 2), hex)
  const revision = path.join(v2, 'repositories', repo, '_manifests/revisions/sha256', hex)
  fs.mkdirSync(blob, { recursive: true })
  fs.writeFileSync(path.join(blob, 'data'), bytes)
  fs.mkdirSync(revision, { recursive: true })
  fs.writeFileSync(path.join(revision, 'link'), image.digest)
}

// cosign's config is go-containerregistry's empty image listing the layers: connaisseur did not
// keep it, but it is determined by the layer digests (the manifest's config digest checks that).
const cosignConfig = (layerDigests: string[]): Buffer =>
  Buffer.from(
    JSON.stringify({
      architecture: '',
      created: '0001-01-01T00:00:00Z',
      history: layerDigests.map(() => ({ created: '0001-01-01T00:00:00Z' })),
      os: '',
      rootfs: { type: 'layers', diff_ids: layerDigests },
      config: {},
    }),
  )

/** Pushes `signed`'s `.sig` manifest (as `edit` leaves it), its blobs and config under `tagOf`'s tag. */
async function pushSignatures(
  repo: string,
  signed: Image,
  tagOf: Image,
  edit: (text: string) => string,
): Promise<void> {
  const raw = Buffer.from(edit(fixture('manifests', sigTag(signed.digest) + '.json').toString()))
  const manifest = JSON.parse(raw.toString('utf8')) as {
    config: { digest: string }
    layers: { digest: string }[]
  }
  const digests = manifest.layers.map((l) => l.digest)
  for (const digest of new Set(digests)) {
    await uploadBlob(host, repo, fixture('blobs', `${digest}.json`))
  }
  const config = await uploadBlob(host, repo, cosignConfig(digests))
  expect(config.digest).toBe(manifest.config.digest)
  await putManifest(host, repo, sigTag(tagOf.digest), raw, MT.OCI_MANIFEST)
  expect((await getManifest(host, repo, sigTag(tagOf.digest)))?.raw.equals(raw)).toBe(true)
}

/** A repository holding `image` and the `.sig` of `signed` (by default its own, unedited). */
async function publish(
  image: Image,
  signed: Image = image,
  edit = (text: string): string => text,
): Promise<string> {
  const repo = uniqueRepo('connaisseur')
  storeImageManifest(repo, image)
  await pushSignatures(repo, signed, image, edit)
  return `${host}/${repo}@${image.digest}`
}

const keyless = (ref: string, values: Record<string, string> = {}) =>
  runGate(host, {
    image: ref,
    'trusted-root': PRODUCTION_ROOT,
    'certificate-identity': SIGNER,
    'certificate-oidc-issuer': ISSUER,
    sources: 'cosign-tags',
    ...values,
  })

const keyed = (ref: string, name: string) =>
  runGate(host, {
    image: ref,
    'trusted-root': PRODUCTION_ROOT,
    'public-key': key(name),
    sources: 'cosign-tags',
  })

describe('connaisseur keyless signature (production Sigstore, Rekor hashedrekord/0.0.1)', () => {
  test('verifies with the identity and issuer from its certificate', async () => {
    const ref = await publish(KEYLESS)
    const result = await keyless(ref)
    expect(result.verdict).toBe('pass')
    expect(result.images[0]!.digest).toBe(KEYLESS.digest)
    expect(result.images[0]!.evidence).toEqual([
      expect.objectContaining({
        source: 'cosign-tags',
        location: `tag ${sigTag(KEYLESS.digest)} layer 0`,
        kind: 'signature',
        verified: true,
        signer: { subjectAlternativeName: SIGNER, issuer: ISSUER, github: {} },
        tlog: [{ logIndex: '98235800', integratedTime: '1717082297' }],
      }),
    ])
  })

  test('fails for another identity or another issuer', async () => {
    const ref = await publish(KEYLESS)
    const other = await keyless(ref, { 'certificate-identity': 'someone@securesystems.de' })
    expect(exitCode(other)).toBe(1)
    expect(other.images[0]!.findings[0]!.actual).toContain(`identity "${SIGNER}" is not`)
    const issuer = await keyless(ref, { 'certificate-oidc-issuer': 'https://accounts.google.com' })
    expect(exitCode(issuer)).toBe(1)
    expect(issuer.images[0]!.findings[0]!.actual).toContain(`issuer "${ISSUER}" is not`)
  })

  test('fails against another trusted root (staging): the chain is really checked', async () => {
    const ref = await publish(KEYLESS)
    const result = await keyless(ref, { 'trusted-root': STAGING_ROOT })
    expect(exitCode(result)).toBe(1)
    expect(result.images[0]!.evidence[0]!.error).toMatch(/^CERTIFICATE_ERROR/)
  })

  test('fails when the Rekor bundle is altered: the SET is really checked', async () => {
    const ref = await publish(KEYLESS, KEYLESS, (text) =>
      text.replace('\\"integratedTime\\":1717082297', '\\"integratedTime\\":1717082298'),
    )
    const result = await keyless(ref)
    expect(exitCode(result)).toBe(1)
    expect(result.images[0]!.evidence[0]!.error).toMatch(/^TLOG_INCLUSION_PROMISE_ERROR/)
  })
})

describe('connaisseur key-based signatures (no Rekor bundle)', () => {
  test('one layer signed by alice: alice passes, bob fails', async () => {
    const ref = await publish(ALICE)
    const alice = await keyed(ref, 'alice')
    expect(alice.verdict).toBe('pass')
    expect(alice.images[0]!.evidence[0]).toMatchObject({
      verified: true,
      signer: { publicKey: true },
      location: `tag ${sigTag(ALICE.digest)} layer 0`,
    })
    const bob = await keyed(ref, 'bob')
    expect(exitCode(bob)).toBe(1)
    expect(bob.images[0]!.evidence[0]!.error).toMatch(/SIGNATURE_ERROR/)
  })

  test.each([
    ['alice', 0],
    ['bob', 1],
    ['charlie', 2],
  ])('three layers (alice, bob, charlie): %s verifies layer %d only', async (name, layer) => {
    const ref = await publish(ALICE_BOB_CHARLIE)
    const result = await keyed(ref, name)
    expect(result.verdict).toBe('pass')
    expect(result.images[0]!.evidence.map((e) => e.verified)).toEqual(
      [0, 1, 2].map((i) => i === layer),
    )
  })

  test('a key that signed none of them (default) fails', async () => {
    const ref = await publish(ALICE_BOB_CHARLIE)
    const result = await keyed(ref, 'default')
    expect(exitCode(result)).toBe(1)
    expect(result.images[0]!.evidence.map((e) => e.verified)).toEqual([false, false, false])
  })

  test("a valid signature for another image, under this image's tag, is not bound", async () => {
    const ref = await publish(ALICE_BOB_CHARLIE, ALICE)
    const result = await keyed(ref, 'alice')
    expect(exitCode(result)).toBe(1)
    expect(result.images[0]!.evidence[0]!.error).toBe(
      `the signature is for "${ALICE.digest}", not ${ALICE_BOB_CHARLIE.digest}`,
    )
  })
})
