// Proves the offline test harness: the no-internet guard, the in-process mini Sigstore, the shared
// registry and the publishers (actions/attest referrers, cosign v3 bundles, cosign legacy tags).
import dns from 'node:dns'
import { X509Certificate } from 'node:crypto'
import http from 'node:http'
import https from 'node:https'
import net from 'node:net'
import { getImageDigest, type Credentials } from '@sigstore/oci'
import { bundleFromJSON, type SerializedBundle } from '@sigstore/bundle'
import { TrustedRoot } from '@sigstore/protobuf-specs'
import { Verifier, toSignedEntity, toTrustMaterial, type VerifierOptions } from '@sigstore/verify'
import {
  COSIGN_SIGN_PREDICATE,
  GITHUB_ISSUER,
  createMiniSigstore,
  emailIdentity,
  githubIdentity,
  inTotoStatement,
  type MiniSigstore,
} from './helpers/mini-sigstore.js'
import {
  BUNDLE_ANNOTATIONS,
  COSIGN_ANN,
  attachBundle,
  attestImage,
  cosignSign,
  writeLegacyAtt,
  writeLegacySig,
} from './helpers/publish.js'
import {
  MT,
  digestOf,
  digestTag,
  getBlob,
  getManifest,
  pushImage,
  pushIndex,
  sharedRegistry,
  uniqueRepo,
} from './helpers/registry.js'

// Deliberately not imported from helpers/no-internet.ts: importing it would install the guard
// itself, and these tests must prove that jest.config's setupFiles installs it for every file.
const GUARD_MESSAGE = 'Test tried to reach the internet'
const GUARD = new RegExp(`^${GUARD_MESSAGE}`)
const SLSA = 'https://slsa.dev/provenance/v1'
const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

function verify(
  ss: MiniSigstore,
  bundle: SerializedBundle | object,
  policy: { san: string; issuer?: string },
  opts: { artifact?: Buffer; verifier?: VerifierOptions } = {},
) {
  const verifier = new Verifier(
    toTrustMaterial(TrustedRoot.fromJSON(ss.trustedRootJSON)),
    opts.verifier,
  )
  return verifier.verify(toSignedEntity(bundleFromJSON(bundle), opts.artifact), {
    subjectAlternativeName: new RegExp(`^${escapeRegExp(policy.san)}$`),
    ...(policy.issuer ? { extensions: { issuer: policy.issuer } } : {}),
  })
}

// Not `instanceof Error`: fetch (undici) lives outside Jest's sandbox realm.
const causeChain = (e: unknown): string => {
  const messages: string[] = []
  let c = e as { message?: unknown; cause?: unknown } | undefined
  for (; c && typeof c === 'object' && messages.length < 10; c = c.cause as typeof c) {
    messages.push(String(c.message))
  }
  return messages.join(' <- ')
}

const payloadOf = (bundle: SerializedBundle) => {
  const env = (bundle as { dsseEnvelope?: { payload: string } }).dsseEnvelope
  if (!env) throw new Error('not a DSSE bundle')
  return JSON.parse(Buffer.from(env.payload, 'base64').toString('utf8'))
}

describe('no-internet guard', () => {
  it('rejects global fetch to a public IP with the guard message', async () => {
    await expect(fetch('http://93.184.216.34/')).rejects.toThrow(GUARD)
    await expect(fetch('https://registry-1.docker.io/v2/')).rejects.toThrow(GUARD)
  })

  it('also stops fetch at the socket when a loopback server redirects to the internet', async () => {
    const server = http.createServer((_req, res) => {
      res.writeHead(302, { Location: 'http://93.184.216.34/' }).end()
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      const { port } = server.address() as net.AddressInfo
      const err = await fetch(`http://127.0.0.1:${port}/`).then(
        () => undefined,
        (e: unknown) => e,
      )
      expect(causeChain(err)).toContain(GUARD_MESSAGE)
    } finally {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    }
  })

  it('rejects a raw TCP connection to a public IP', async () => {
    const attempt = new Promise((resolve, reject) => {
      const socket = net.connect(443, '1.1.1.1')
      socket.once('connect', resolve)
      socket.once('error', reject)
    })
    await expect(attempt).rejects.toThrow(GUARD)
    expect(() => net.connect({ host: '2606:4700:4700::1111', port: 443 })).toThrow(GUARD)
  })

  it('rejects node:https and DNS lookups of public names', async () => {
    expect(() => https.get('https://example.com/')).toThrow(GUARD)
    expect(() => dns.lookup('example.com', () => undefined)).toThrow(GUARD)
    await expect(dns.promises.lookup('example.com')).rejects.toThrow(GUARD)
    await expect(dns.promises.resolve4('example.com')).rejects.toThrow(GUARD)
  })

  it('rejects @sigstore/oci (make-fetch-happen) talking to a public registry', async () => {
    const attempt = getImageDigest({
      imageName: 'ghcr.io/acme/app',
      imageTag: 'v1',
      credentials: undefined as unknown as Credentials,
      fetchOpts: { retry: 0, timeout: 5_000, proxy: undefined, noProxy: undefined },
    })
    // @sigstore/oci wraps the failure; the guard error is in the cause chain.
    const err = await attempt.then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(causeChain(err)).toContain(GUARD_MESSAGE)
  })

  it('still allows loopback', async () => {
    const res = await fetch(`http://${sharedRegistry()}/v2/`)
    expect(res.status).toBe(200)
    await new Promise<void>((resolve, reject) =>
      dns.lookup('localhost', (err) => (err ? reject(err) : resolve())),
    )
  })
})

describe('mini-sigstore', () => {
  let ss: MiniSigstore
  beforeAll(async () => {
    ss = await createMiniSigstore({ withTSA: true })
  })

  const identity = githubIdentity({ repo: 'acme/app', ref: 'refs/tags/v1.0.0' })
  const statement = inTotoStatement({
    name: 'registry.example/acme/app',
    digest: `sha256:${'ab'.repeat(32)}`,
    predicateType: SLSA,
    predicate: { buildDefinition: {} },
  })

  it('attests and verifies against the mini trusted root (round trip)', async () => {
    const { bundle, certPEM, rekor } = await ss.attest(statement, { identity })
    expect(bundle.mediaType).toBe('application/vnd.dev.sigstore.bundle.v0.3+json')
    const tlog = bundle.verificationMaterial.tlogEntries[0]
    expect(tlog?.kindVersion).toEqual({ kind: 'dsse', version: '0.0.1' })
    expect(rekor?.verification.signedEntryTimestamp).toBeTruthy()
    expect(payloadOf(bundle)).toEqual(statement)

    const signer = verify(ss, bundle, { san: identity.san, issuer: GITHUB_ISSUER })
    expect(signer.identity?.subjectAlternativeName).toBe(identity.san)
    expect(signer.identity?.extensions?.issuer).toBe(GITHUB_ISSUER)

    const cert = new X509Certificate(certPEM)
    expect(cert.subjectAltName).toBe(`URI:${identity.san}`)
    expect(cert.checkIssued(new X509Certificate(ss.rootPEM))).toBe(true)
  })

  it('puts the runner environment and the other GitHub extensions on the certificate', async () => {
    const selfHosted = githubIdentity({ runnerEnvironment: 'self-hosted', visibility: 'private' })
    const { certPEM } = await ss.attest(statement, { identity: selfHosted })
    const raw = new X509Certificate(certPEM).raw.toString('latin1')
    expect(raw).toContain('self-hosted')
    expect(raw).toContain('https://github.com/acme/app/actions/runs/4242/attempts/1')
    expect(selfHosted.extensions).toHaveLength(17)
  })

  it('rejects the wrong identity, a rogue instance and a tampered payload', async () => {
    const { bundle } = await ss.attest(statement, { identity })
    expect(() => verify(ss, bundle, { san: identity.san.replace('v1.0.0', 'v1.0.1') })).toThrow(
      expect.objectContaining({ code: 'UNTRUSTED_SIGNER_ERROR' }),
    )
    expect(() => verify(ss, bundle, { san: identity.san, issuer: 'https://evil' })).toThrow(
      expect.objectContaining({ code: 'UNTRUSTED_SIGNER_ERROR' }),
    )

    const rogue = await createMiniSigstore()
    const { bundle: rogueBundle } = await rogue.attest(statement, { identity })
    expect(() => verify(ss, rogueBundle, { san: identity.san })).toThrow(
      expect.objectContaining({ code: 'CERTIFICATE_ERROR' }),
    )

    const tampered = structuredClone(bundle) as SerializedBundle & {
      dsseEnvelope: { payload: string }
    }
    const evil = { ...statement, predicateType: 'https://evil/v1' }
    tampered.dsseEnvelope.payload = Buffer.from(JSON.stringify(evil)).toString('base64')
    expect(() => verify(ss, tampered, { san: identity.san })).toThrow(
      expect.objectContaining({ code: 'TLOG_BODY_ERROR' }),
    )
  })

  it('issues rfc822Name certificates for email identities', async () => {
    const person = emailIdentity('alice@example.com', 'https://accounts.google.com')
    const { bundle, certPEM } = await ss.attest(statement, { identity: person })
    expect(new X509Certificate(certPEM).subjectAltName).toBe('email:alice@example.com')
    const signer = verify(ss, bundle, {
      san: 'alice@example.com',
      issuer: 'https://accounts.google.com',
    })
    expect(signer.identity?.subjectAlternativeName).toBe('alice@example.com')
  })

  it('makes intoto entries, TSA-only bundles and message signatures', async () => {
    const intoto = await ss.attest(statement, { identity, entryType: 'intoto' })
    expect(intoto.bundle.verificationMaterial.tlogEntries[0]?.kindVersion?.kind).toBe('intoto')
    verify(ss, intoto.bundle, { san: identity.san })

    const tsaOnly = await ss.attest(statement, { identity, witnesses: 'tsa' })
    expect(tsaOnly.rekor).toBeUndefined()
    expect(() => verify(ss, tsaOnly.bundle, { san: identity.san })).toThrow()
    verify(ss, tsaOnly.bundle, { san: identity.san }, { verifier: { tlogThreshold: 0 } })

    const blob = Buffer.from('hello, world\n')
    const signed = await ss.signBlob(blob, { identity })
    expect(signed.bundle.verificationMaterial.tlogEntries[0]?.kindVersion?.kind).toBe(
      'hashedrekord',
    )
    verify(ss, signed.bundle, { san: identity.san }, { artifact: blob })
    expect(() =>
      verify(ss, signed.bundle, { san: identity.san }, { artifact: Buffer.from('other') }),
    ).toThrow()
  })
})

describe('registry and publishers', () => {
  let ss: MiniSigstore
  let host: string
  beforeAll(async () => {
    host = sharedRegistry()
    ss = await createMiniSigstore()
  })

  it('attachBundle writes the referrers tag-schema fallback index (distribution 2.8)', async () => {
    const repo = uniqueRepo('attach')
    const image = await pushImage(host, repo, 'v1')
    expect(image).toMatchObject({ mediaType: MT.OCI_MANIFEST, digest: expect.any(String) })

    const statement = inTotoStatement({
      name: `${host}/${repo}`,
      digest: image.digest,
      predicateType: SLSA,
      predicate: { builder: 'x' },
    })
    const { bundle } = await ss.attest(statement)
    const artifactDesc = await attachBundle(host, repo, image.digest, bundle, SLSA)

    const index = await getManifest(host, repo, digestTag(image.digest))
    expect(index?.json.mediaType).toBe(MT.OCI_INDEX)
    expect(index?.json.manifests).toHaveLength(1)
    const [desc] = index?.json.manifests ?? []
    expect(desc).toMatchObject({
      mediaType: MT.OCI_MANIFEST,
      artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
      annotations: expect.objectContaining({
        'dev.sigstore.bundle.content': 'dsse-envelope',
        'dev.sigstore.bundle.predicateType': SLSA,
      }),
    })

    expect(desc?.digest).toBe(artifactDesc.digest)
    const artifact = await getManifest(host, repo, desc?.digest ?? '')
    expect(artifact?.json.subject?.digest).toBe(image.digest)
    const layer = artifact?.json.layers?.[0]
    expect(layer?.mediaType).toBe(MT.BUNDLE_V03)
    const stored = JSON.parse((await getBlob(host, repo, layer?.digest ?? '')).toString('utf8'))
    expect(stored).toEqual(bundle)
    expect(payloadOf(stored).subject).toEqual([
      { name: `${host}/${repo}`, digest: { sha256: image.digest.slice(7) } },
    ])
    verify(ss, stored, { san: githubIdentity().san, issuer: GITHUB_ISSUER })
  })

  it('serialises concurrent attachments to one image (no lost index entries)', async () => {
    const repo = uniqueRepo('concurrent')
    const image = await pushImage(host, repo, 'v1')
    const types = ['https://a.example/v1', 'https://b.example/v1', 'https://c.example/v1']
    await Promise.all(types.map((t) => attestImage(ss, host, repo, image.digest, t, {})))
    const index = await getManifest(host, repo, digestTag(image.digest))
    const got = index?.json.manifests
      ?.map((m) => m.annotations?.[BUNDLE_ANNOTATIONS.PREDICATE_TYPE])
      .sort()
    expect(got).toEqual(types)
  })

  it('cosignSign attaches a cosign v3 sign/v1 statement with a nameless subject', async () => {
    const repo = uniqueRepo('cosign-v3')
    const image = await pushImage(host, repo, 'v1')
    const bundle = await cosignSign(ss, host, repo, image.digest)
    const statement = payloadOf(bundle)
    expect(statement).toEqual({
      _type: 'https://in-toto.io/Statement/v1',
      subject: [{ digest: { sha256: image.digest.slice(7) } }],
      predicateType: COSIGN_SIGN_PREDICATE,
      predicate: {},
    })
    const index = await getManifest(host, repo, digestTag(image.digest))
    expect(index?.json.manifests?.[0]?.annotations?.[BUNDLE_ANNOTATIONS.PREDICATE_TYPE]).toBe(
      COSIGN_SIGN_PREDICATE,
    )
  })

  it('attestImage can name a different subject digest (for negative tests)', async () => {
    const repo = uniqueRepo('subject')
    const image = await pushImage(host, repo, 'v1')
    const other = `sha256:${'0'.repeat(64)}`
    const bundle = await attestImage(
      ss,
      host,
      repo,
      image.digest,
      SLSA,
      {},
      {
        subjectDigest: other,
      },
    )
    expect(payloadOf(bundle).subject[0].digest).toEqual({ sha256: '0'.repeat(64) })
  })

  it('pushIndex builds a multi-arch index over pushed images', async () => {
    const repo = uniqueRepo('multiarch')
    const amd64 = { architecture: 'amd64', os: 'linux' }
    const arm64 = { architecture: 'arm64', os: 'linux', variant: 'v8' }
    const a = await pushImage(host, repo, 'amd64', { platform: amd64 })
    const b = await pushImage(host, repo, 'arm64', { platform: arm64 })
    expect(a.digest).not.toBe(b.digest)
    const index = await pushIndex(host, repo, 'v1', [
      { ...a, platform: amd64 },
      { ...b, platform: arm64 },
    ])
    const got = await getManifest(host, repo, 'v1')
    expect(got?.digest).toBe(index.digest)
    expect(digestOf(got?.raw ?? '')).toBe(index.digest)
    expect(got?.json.manifests?.map((m) => m.platform)).toEqual([amd64, arm64])
  })

  it('writeLegacySig creates sha256-<hex>.sig with the cosign annotations', async () => {
    const repo = uniqueRepo('legacy-sig')
    const image = await pushImage(host, repo, 'v1')
    const out = await writeLegacySig(ss, host, repo, image.digest)
    expect(out.tag).toBe(`${digestTag(image.digest)}.sig`)

    const m = await getManifest(host, repo, out.tag)
    expect(m?.digest).toBe(out.digest)
    const [layer] = m?.json.layers ?? []
    expect(layer?.mediaType).toBe(MT.SIMPLESIGNING)
    const ann = layer?.annotations ?? {}
    expect(Object.keys(ann).sort()).toEqual(
      [COSIGN_ANN.SIG, COSIGN_ANN.CERT, COSIGN_ANN.CHAIN, COSIGN_ANN.BUNDLE].sort(),
    )
    expect(ann[COSIGN_ANN.CERT]).toBe(out.signed.certPEM)
    expect(ann[COSIGN_ANN.CHAIN]).toBe(ss.rootPEM)
    const rekorBundle = JSON.parse(ann[COSIGN_ANN.BUNDLE] ?? '{}')
    expect(rekorBundle.Payload).toMatchObject({ logID: expect.any(String) })
    const body = JSON.parse(Buffer.from(rekorBundle.Payload.body, 'base64').toString('utf8'))
    expect(body.kind).toBe('hashedrekord')

    const payload = await getBlob(host, repo, layer?.digest ?? '')
    expect(JSON.parse(payload.toString('utf8')).critical).toEqual({
      identity: { 'docker-reference': `${host}/${repo}` },
      image: { 'docker-manifest-digest': image.digest },
      type: 'cosign container image signature',
    })
    // The layer's signature verifies over the payload with the mini trusted root.
    verify(ss, out.signed.bundle, { san: githubIdentity().san }, { artifact: payload })
    expect(ann[COSIGN_ANN.SIG]).toBe(
      (out.signed.bundle as { messageSignature?: { signature: string } }).messageSignature
        ?.signature,
    )

    // A second signer appends a layer, as cosign does.
    await writeLegacySig(ss, host, repo, image.digest, {
      identity: githubIdentity({ workflowPath: '.github/workflows/other.yml' }),
    })
    expect((await getManifest(host, repo, out.tag))?.json.layers).toHaveLength(2)
  })

  it('writeLegacyAtt creates sha256-<hex>.att with a DSSE layer and intoto entry', async () => {
    const repo = uniqueRepo('legacy-att')
    const image = await pushImage(host, repo, 'v1')
    const out = await writeLegacyAtt(ss, host, repo, image.digest, SLSA, { x: 1 })
    const m = await getManifest(host, repo, `${digestTag(image.digest)}.att`)
    const [layer] = m?.json.layers ?? []
    expect(layer?.mediaType).toBe(MT.DSSE)
    expect(layer?.annotations?.[COSIGN_ANN.PREDICATE]).toBe(SLSA)
    expect(layer?.annotations?.[COSIGN_ANN.SIG]).toBe('')
    const env = JSON.parse((await getBlob(host, repo, layer?.digest ?? '')).toString('utf8'))
    expect(env.signatures[0].keyid).toBe('')
    const statement = JSON.parse(Buffer.from(env.payload, 'base64').toString('utf8'))
    expect(statement._type).toBe('https://in-toto.io/Statement/v0.1')
    expect(statement.subject[0].name).toBe(`${host}/${repo}`)
    expect(
      out.signed.rekor && JSON.parse(Buffer.from(out.signed.rekor.body, 'base64').toString()),
    ).toMatchObject({ kind: 'intoto', apiVersion: '0.0.2' })
    verify(ss, out.signed.bundle, { san: githubIdentity().san })
  })
})
