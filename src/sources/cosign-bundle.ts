// Turns one cosign v2 `.sig` / `.att` layer into a v0.1 Sigstore bundle, so the verifier checks it
// exactly like any other bundle (formats.md §f "Verifying legacy cosign signatures"). Pure.
import crypto from 'node:crypto'
import type { SerializedEnvelope } from '@sigstore/bundle'
import { MediaType } from '../registry/media-types.js'
import type { Evidence } from '../types.js'
import {
  CosignAnnotation,
  CosignLayerError,
  annotation,
  certificateRawBytes,
  rekorTlogEntry,
  rfc3161Timestamp,
  type TimestampJson,
  type TlogEntryJson,
} from './cosign-annotations.js'

/** The tags read (`sha256-<hex>.sig` / `.att`) and the one layer media type each may hold. */
export const COSIGN_LAYER_MEDIA_TYPES = {
  sig: MediaType.cosignSimpleSigning,
  att: 'application/vnd.dsse.envelope.v1+json',
} as const

export type CosignTagKind = keyof typeof COSIGN_LAYER_MEDIA_TYPES

// v0.1 is the bundle version that allows a promise-only tlog entry and a certificate "chain".
const BUNDLE_V01 = 'application/vnd.dev.sigstore.bundle+json;version=0.1'

// sigstore-js verifies no intoto/0.0.1 entry, and a partial check of our own would be worse than
// none: such attestations (cosign v1, older slsa-github-generator) are refused outright.
const INTOTO_V001 =
  'the attestation is logged as a Rekor intoto/0.0.1 entry, which this version does not verify'

type LayerBundle = Pick<Evidence, 'bundle' | 'signedPayload' | 'error'>

/** The v0.1 bundle JSON we build (the input form `bundleFromJSON` reads). */
interface BundleJson {
  mediaType: typeof BUNDLE_V01
  verificationMaterial: MaterialJson
  messageSignature?: {
    messageDigest: { algorithm: 'SHA2_256'; digest: string }
    signature: string
  }
  dsseEnvelope?: SerializedEnvelope
}

type MaterialJson = (
  | { x509CertificateChain: { certificates: { rawBytes: string }[] } }
  | { publicKey: { hint: string } }
) & {
  tlogEntries: TlogEntryJson[]
  timestampVerificationData: { rfc3161Timestamps: TimestampJson[] }
}

/**
 * The bundle for one layer (its annotations and its digest-checked blob). Never throws for bad
 * input: what cannot be converted comes back as `error`, so the piece counts as failed.
 */
export function cosignLayerBundle(
  kind: CosignTagKind,
  annotations: unknown,
  blob: Buffer,
): LayerBundle {
  try {
    return kind === 'sig'
      ? signatureBundle(annotations, blob)
      : attestationBundle(annotations, blob)
  } catch (error) {
    if (error instanceof CosignLayerError) return { error: error.message }
    throw error
  }
}

// `.sig`: the blob is the simple-signing payload; the signature annotation signs exactly its bytes.
function signatureBundle(annotations: unknown, payload: Buffer): LayerBundle {
  const signature = annotation(annotations, CosignAnnotation.signature)
  if (!signature) throw new CosignLayerError('the layer has no signature annotation')
  const stamp = annotation(annotations, CosignAnnotation.timestamp)
  // cosign stamps the raw signature bytes of a `.sig`, which is what sigstore-js checks too.
  const timestamps = stamp === undefined ? [] : [rfc3161Timestamp(stamp)]
  const bundle: BundleJson = {
    mediaType: BUNDLE_V01,
    verificationMaterial: verificationMaterial(annotations, timestamps),
    messageSignature: {
      messageDigest: {
        algorithm: 'SHA2_256',
        digest: crypto.createHash('sha256').update(payload).digest('base64'),
      },
      signature,
    },
  }
  return { bundle, signedPayload: payload }
}

// `.att`: the blob is the DSSE envelope itself.
function attestationBundle(annotations: unknown, blob: Buffer): LayerBundle {
  // cosign stamps an attestation's whole envelope, while sigstore-js checks a timestamp against
  // the DSSE signature: the RFC 3161 annotation cannot verify here, so it is not used at all.
  const material = verificationMaterial(annotations, [])
  const intotoV001 = material.tlogEntries.some(
    (e) => e.kindVersion?.kind === 'intoto' && e.kindVersion.version === '0.0.1',
  )
  if (intotoV001) throw new CosignLayerError(INTOTO_V001)
  const bundle: BundleJson = {
    mediaType: BUNDLE_V01,
    verificationMaterial: material,
    dsseEnvelope: dsseEnvelope(blob),
  }
  return { bundle }
}

function verificationMaterial(annotations: unknown, timestamps: TimestampJson[]): MaterialJson {
  const pem = annotation(annotations, CosignAnnotation.certificate)
  const rekor = annotation(annotations, CosignAnnotation.bundle)
  // The leaf alone: the CA chain comes from the trusted root. cosign's chain annotation is never
  // read, since it usually holds the root, which the verifier rightly refuses inside a bundle.
  // No (or an empty) certificate means key-signed, as in cosign; only a configured key verifies it.
  const key = pem
    ? { x509CertificateChain: { certificates: [{ rawBytes: certificateRawBytes(pem) }] } }
    : { publicKey: { hint: '' } }
  return {
    ...key,
    tlogEntries: rekor === undefined ? [] : [rekorTlogEntry(rekor)],
    timestampVerificationData: { rfc3161Timestamps: timestamps },
  }
}

function dsseEnvelope(blob: Buffer): SerializedEnvelope {
  let json: { payloadType?: unknown; payload?: unknown; signatures?: unknown } | null
  try {
    json = JSON.parse(blob.toString('utf8')) as typeof json
  } catch {
    throw new CosignLayerError('the attestation layer is not JSON')
  }
  const { payloadType, payload, signatures } = json ?? {}
  if (
    typeof payloadType !== 'string' ||
    typeof payload !== 'string' ||
    !Array.isArray(signatures)
  ) {
    throw new CosignLayerError('the attestation layer is not a DSSE envelope')
  }
  // cosign writes one signature per layer, and a bundle's envelope may hold no other number.
  const [only] = signatures as { sig?: unknown; keyid?: unknown }[]
  if (signatures.length !== 1 || typeof only?.sig !== 'string') {
    throw new CosignLayerError('the DSSE envelope must hold exactly one signature')
  }
  const keyid = typeof only.keyid === 'string' ? only.keyid : ''
  return { payloadType, payload, signatures: [{ sig: only.sig, keyid }] }
}
