import type { Digest } from '../types.js'
import { StatementError, parseSpan, scanSigned } from './statement.js'

// sigstore/sigstore pkg/signature/payload: the only `critical.type` cosign accepts.
const COSIGN_SIGNATURE_TYPE = 'cosign container image signature'

/**
 * Binds a legacy cosign simple-signing payload to the image, as cosign's SimpleClaimVerifier
 * does: the type must be cosign's and `critical.image.docker-manifest-digest` the image digest.
 */
export function assertSimpleSigning(payload: Buffer, digest: Digest): void {
  // Security: two `docker-manifest-digest` keys would name two images under one signature (T29),
  // and cosign (Go) reads `Docker-Manifest-Digest` as that key too.
  const members = scanSigned(payload, 'simple-signing payload', { foldCase: true })
  const critical = parseSpan(payload, members?.get('critical')) as
    { type?: unknown; image?: { 'docker-manifest-digest'?: unknown } } | null | undefined
  const type = critical?.type
  if (type !== COSIGN_SIGNATURE_TYPE) {
    throw new StatementError(
      `the simple-signing type is ${JSON.stringify(String(type)).slice(0, 80)}, not "${COSIGN_SIGNATURE_TYPE}"`,
    )
  }
  const signed = critical?.image?.['docker-manifest-digest']
  if (signed !== digest) {
    throw new StatementError(
      `the signature is for ${JSON.stringify(String(signed)).slice(0, 90)}, not ${digest}`,
    )
  }
}
