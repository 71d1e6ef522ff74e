// Writes supply-chain evidence to a registry exactly as the real publishers do:
//  * actions/attest push-to-registry and cosign v3 (new bundle format): @sigstore/oci
//    attachArtifactToImage -> OCI 1.1 referrer (on distribution 2.8: the `sha256-<hex>` tag-schema
//    fallback index);
//  * cosign v2 legacy tags `sha256-<hex>.sig` / `sha256-<hex>.att` (ported from the reference
//    harness lib/cosign-legacy.mjs; writers only, the product reads them).
import { attachArtifactToImage, type Credentials } from '@sigstore/oci'
import type { SerializedBundle, SerializedEnvelope } from '@sigstore/bundle'
import {
  COSIGN_SIGN_PREDICATE,
  inTotoStatement,
  type Identity,
  type MiniSigstore,
  type RekorEntry,
  type SignResult,
} from './mini-sigstore.js'
import {
  MT,
  digestOf,
  digestTag,
  getManifest,
  putManifest,
  uploadBlob,
  type Descriptor,
} from './registry.js'

// Distribution 2.8 ignores If-Match, so the tag-schema index update (and our append to cosign
// tags) is a racy read-modify-write: serialise every write to one repository (pitfall P14).
// This only serialises within one test file (one module instance); use a unique repo per test.
const queues = new Map<string, Promise<unknown>>()
function serialised<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const prev = queues.get(key) ?? Promise.resolve()
  const run = prev.then(fn, fn)
  const settled = run.then(
    () => undefined,
    () => undefined,
  )
  queues.set(key, settled)
  void settled.then(() => {
    if (queues.get(key) === settled) queues.delete(key)
  })
  return run
}

export const BUNDLE_ANNOTATIONS = {
  CONTENT: 'dev.sigstore.bundle.content',
  PREDICATE_TYPE: 'dev.sigstore.bundle.predicateType',
} as const

/**
 * Attaches a Sigstore bundle to an image exactly like actions/attest's push-to-registry: an OCI
 * 1.1 artifact manifest (artifactType = bundle v0.3 media type) whose subject is the image.
 * Returns the artifact manifest's descriptor.
 */
export function attachBundle(
  host: string,
  repo: string,
  imageDigest: string,
  bundleJSON: SerializedBundle | object,
  predicateType: string,
): Promise<Descriptor> {
  return serialised(`${host}/${repo}`, () =>
    attachArtifactToImage({
      imageName: `${host}/${repo}`,
      imageDigest,
      artifact: Buffer.from(JSON.stringify(bundleJSON)),
      mediaType: MT.BUNDLE_V03,
      annotations: {
        [BUNDLE_ANNOTATIONS.CONTENT]: 'dsse-envelope',
        [BUNDLE_ANNOTATIONS.PREDICATE_TYPE]: predicateType,
      },
      // Anonymous registry: MUST be undefined; any object makes @sigstore/oci try to sign in
      // and fail on distribution's 202 (pitfall P13).
      credentials: undefined as unknown as Credentials,
    }),
  )
}

/**
 * cosign v3 new-format image signature: an in-toto v1 statement with predicateType
 * https://sigstore.dev/cosign/sign/v1, a nameless subject and an empty predicate, DSSE-signed
 * and attached as a bundle referrer. Returns the bundle.
 */
export async function cosignSign(
  ss: MiniSigstore,
  host: string,
  repo: string,
  imageDigest: string,
  identity?: Identity,
): Promise<SerializedBundle> {
  const statement = inTotoStatement({
    digest: imageDigest,
    predicateType: COSIGN_SIGN_PREDICATE,
    predicate: {},
  })
  const { bundle } = await ss.attest(statement, identity ? { identity } : {})
  await attachBundle(host, repo, imageDigest, bundle, COSIGN_SIGN_PREDICATE)
  return bundle
}

/**
 * actions/attest-style attestation: builds an in-toto v1 statement (subject name `host/repo`,
 * digest = subjectDigest ?? imageDigest), signs it and attaches it to imageDigest. Returns the
 * bundle.
 */
export async function attestImage(
  ss: MiniSigstore,
  host: string,
  repo: string,
  imageDigest: string,
  predicateType: string,
  predicate: unknown,
  opts: {
    identity?: Identity
    subjectDigest?: string
    subjectName?: string
    witnesses?: 'tlog' | 'tsa' | 'both'
  } = {},
): Promise<SerializedBundle> {
  const statement = inTotoStatement({
    name: opts.subjectName ?? `${host}/${repo}`,
    digest: opts.subjectDigest ?? imageDigest,
    predicateType,
    predicate,
  })
  const { bundle } = await ss.attest(statement, {
    ...(opts.identity ? { identity: opts.identity } : {}),
    ...(opts.witnesses ? { witnesses: opts.witnesses } : {}),
  })
  await attachBundle(host, repo, imageDigest, bundle, predicateType)
  return bundle
}

// ---------------------------------------------------------------------------------------------
// cosign legacy tags

export const COSIGN_ANN = {
  SIG: 'dev.cosignproject.cosign/signature',
  CERT: 'dev.sigstore.cosign/certificate',
  CHAIN: 'dev.sigstore.cosign/chain',
  BUNDLE: 'dev.sigstore.cosign/bundle',
  PREDICATE: 'predicateType',
} as const

/** One layer of a cosign `.sig` / `.att` image: the blob plus its descriptor fields. */
export interface LegacyLayer {
  data: Buffer
  mediaType: string
  annotations: Record<string, string>
}

export interface LegacyWriteResult {
  tag: string
  /** Digest of the tag's manifest after the write. */
  digest: string
  manifest: { config: Descriptor; layers: Descriptor[] } & Record<string, unknown>
  /** The layer this call added. */
  layer: LegacyLayer
  /** What was signed (certificate, raw Rekor entry, bundle). */
  signed: SignResult
}

/** cosign's "Rekor bundle" annotation value: the SET plus the Rekor v1 entry fields. */
export function rekorBundleAnnotation(rekor: RekorEntry): string {
  return JSON.stringify({
    SignedEntryTimestamp: rekor.verification.signedEntryTimestamp,
    Payload: {
      body: rekor.body,
      integratedTime: rekor.integratedTime,
      logIndex: rekor.logIndex,
      logID: rekor.logID,
    },
  })
}

/** cosign's simple-signing payload for `docker-reference` (repo, no tag) and image digest. */
export const simpleSigningPayload = (dockerReference: string, digest: string): Buffer =>
  Buffer.from(
    JSON.stringify({
      critical: {
        identity: { 'docker-reference': dockerReference },
        image: { 'docker-manifest-digest': digest },
        type: 'cosign container image signature',
      },
      optional: null,
    }),
  )

/** A `.sig` layer: simplesigning payload, signature/cert/chain/Rekor-bundle annotations. */
export function legacySigLayer(m: {
  payload: Buffer
  signatureB64: string
  certPEM: string
  chainPEM: string
  rekor?: RekorEntry
}): LegacyLayer {
  return {
    data: m.payload,
    mediaType: MT.SIMPLESIGNING,
    annotations: {
      [COSIGN_ANN.SIG]: m.signatureB64,
      [COSIGN_ANN.CERT]: m.certPEM,
      [COSIGN_ANN.CHAIN]: m.chainPEM,
      ...(m.rekor ? { [COSIGN_ANN.BUNDLE]: rekorBundleAnnotation(m.rekor) } : {}),
    },
  }
}

/** An `.att` layer: the DSSE envelope (explicit empty keyid, like cosign) and annotations. */
export function legacyAttLayer(m: {
  envelope: SerializedEnvelope
  predicateType: string
  certPEM: string
  chainPEM: string
  rekor?: RekorEntry
}): LegacyLayer {
  const env = {
    payloadType: m.envelope.payloadType,
    payload: m.envelope.payload,
    signatures: m.envelope.signatures.map((s) => ({ keyid: s.keyid ?? '', sig: s.sig })),
  }
  return {
    data: Buffer.from(JSON.stringify(env)),
    mediaType: MT.DSSE,
    annotations: {
      [COSIGN_ANN.SIG]: '',
      [COSIGN_ANN.CERT]: m.certPEM,
      [COSIGN_ANN.CHAIN]: m.chainPEM,
      ...(m.rekor ? { [COSIGN_ANN.BUNDLE]: rekorBundleAnnotation(m.rekor) } : {}),
      [COSIGN_ANN.PREDICATE]: m.predicateType,
    },
  }
}

// go-containerregistry "empty image + layers" config, as cosign writes it.
const cosignConfig = (layers: Descriptor[]): Buffer =>
  Buffer.from(
    JSON.stringify({
      architecture: '',
      created: '0001-01-01T00:00:00Z',
      history: layers.map(() => ({ created: '0001-01-01T00:00:00Z' })),
      os: '',
      rootfs: { type: 'layers', diff_ids: layers.map((l) => l.digest) },
      config: {},
    }),
  )

/**
 * Writes a cosign-style tag image (`sha256-<hex>.sig` / `.att`). With `append` (the default,
 * what cosign does) the layers already under the tag are kept and the new ones added after them.
 */
export function writeLegacyTag(
  host: string,
  repo: string,
  tag: string,
  layers: LegacyLayer[],
  opts: { append?: boolean } = {},
): Promise<{ digest: string; manifest: LegacyWriteResult['manifest'] }> {
  return serialised(`${host}/${repo}`, async () => {
    const existing = opts.append === false ? undefined : await getManifest(host, repo, tag)
    const descs: Descriptor[] = [...(existing?.json.layers ?? [])]
    for (const l of layers) {
      const d = await uploadBlob(host, repo, l.data, l.mediaType)
      descs.push({ ...d, annotations: l.annotations })
    }
    const config = await uploadBlob(host, repo, cosignConfig(descs), MT.OCI_CONFIG)
    const manifest = { schemaVersion: 2, mediaType: MT.OCI_MANIFEST, config, layers: descs }
    const res = await putManifest(host, repo, tag, manifest, MT.OCI_MANIFEST)
    return { digest: res.digest, manifest }
  })
}

/**
 * cosign v2 `sign` (legacy): signs the simplesigning payload for `host/repo` + imageDigest
 * (messageSignature bundle, hashedrekord entry) and appends a layer to `sha256-<hex>.sig`.
 */
export async function writeLegacySig(
  ss: MiniSigstore,
  host: string,
  repo: string,
  imageDigest: string,
  opts: { identity?: Identity; dockerReference?: string; payload?: Buffer } = {},
): Promise<LegacyWriteResult> {
  const payload =
    opts.payload ?? simpleSigningPayload(opts.dockerReference ?? `${host}/${repo}`, imageDigest)
  const signed = await ss.signBlob(payload, opts.identity ? { identity: opts.identity } : {})
  const bundle = signed.bundle as SerializedBundle & { messageSignature?: { signature: string } }
  if (!bundle.messageSignature) throw new Error('signBlob gave no messageSignature')
  const layer = legacySigLayer({
    payload,
    signatureB64: bundle.messageSignature.signature,
    certPEM: signed.certPEM,
    chainPEM: ss.rootPEM,
    ...(signed.rekor ? { rekor: signed.rekor } : {}),
  })
  const tag = `${digestTag(imageDigest)}.sig`
  const out = await writeLegacyTag(host, repo, tag, [layer])
  return { tag, ...out, layer, signed }
}

/**
 * cosign v2 `attest` (legacy): an in-toto statement (cosign writes Statement v0.1 with subject
 * name `host/repo`), DSSE-signed with an intoto Rekor entry by default, appended as a layer to
 * `sha256-<hex>.att`.
 */
export async function writeLegacyAtt(
  ss: MiniSigstore,
  host: string,
  repo: string,
  imageDigest: string,
  predicateType: string,
  predicate: unknown,
  opts: {
    identity?: Identity
    subjectDigest?: string
    statementType?: string
    entryType?: 'intoto' | 'dsse'
  } = {},
): Promise<LegacyWriteResult> {
  const statement = inTotoStatement({
    name: `${host}/${repo}`,
    digest: opts.subjectDigest ?? imageDigest,
    predicateType,
    predicate,
    type: opts.statementType ?? 'https://in-toto.io/Statement/v0.1',
  })
  const signed = await ss.attest(statement, {
    entryType: opts.entryType ?? 'intoto',
    ...(opts.identity ? { identity: opts.identity } : {}),
  })
  const bundle = signed.bundle as SerializedBundle & { dsseEnvelope?: SerializedEnvelope }
  if (!bundle.dsseEnvelope) throw new Error('attest gave no dsseEnvelope')
  const layer = legacyAttLayer({
    envelope: bundle.dsseEnvelope,
    predicateType,
    certPEM: signed.certPEM,
    chainPEM: ss.rootPEM,
    ...(signed.rekor ? { rekor: signed.rekor } : {}),
  })
  const tag = `${digestTag(imageDigest)}.att`
  const out = await writeLegacyTag(host, repo, tag, [layer])
  return { tag, ...out, layer, signed }
}

/**
 * `oras attach --artifact-type <type>`: an unsigned referrer (ORAS attachments such as Aleph
 * Alpha's `application/aa.trivy.sbom`), listed in the `sha256-<hex>` fallback tag index. The
 * image need not be in `repo`: registries without the referrers API do not check the subject.
 */
export function orasAttach(
  host: string,
  repo: string,
  image: Descriptor,
  artifactType: string,
  body = '{"bomFormat":"CycloneDX"}',
  layerMediaType = 'application/json',
): Promise<Descriptor> {
  return serialised(`${host}/${repo}`, async () => {
    const layer = await uploadBlob(host, repo, Buffer.from(body), layerMediaType)
    const config = await uploadBlob(host, repo, Buffer.from('{}'), MT.OCI_EMPTY)
    const raw = JSON.stringify({
      schemaVersion: 2,
      mediaType: MT.OCI_MANIFEST,
      artifactType,
      config,
      layers: [layer],
      subject: { mediaType: image.mediaType, digest: image.digest, size: image.size },
    })
    const referrer = await putManifest(host, repo, digestOf(raw), raw, MT.OCI_MANIFEST)
    const tag = digestTag(image.digest)
    const index = (await getManifest(host, repo, tag))?.json ?? {
      schemaVersion: 2,
      mediaType: MT.OCI_INDEX,
      manifests: [],
    }
    index.manifests = [...(index.manifests ?? []), { ...referrer, artifactType }]
    await putManifest(host, repo, tag, index, MT.OCI_INDEX)
    return referrer
  })
}
