import type { Digest } from '../types.js'
import { duplicateKey } from './json.js'
import { StatementError } from './statement.js'

// sigstore/sigstore pkg/signature/payload: the only `critical.type` cosign accepts.
const COSIGN_SIGNATURE_TYPE = 'cosign container image signature'

/**
 * Binds a legacy cosign simple-signing payload to the image, as cosign's SimpleClaimVerifier
 * does: the type must be cosign's and `critical.image.docker-manifest-digest` the image digest.
 */
export function assertSimpleSigning(payload: Buffer, digest: Digest): void {
  let json: { critical?: { type?: unknown; image?: { 'docker-manifest-digest'?: unknown } } }
  const text = payload.toString('utf8')
  try {
    json = JSON.parse(text) as typeof json
  } catch {
    throw new StatementError('the simple-signing payload is not JSON')
  }
  // Security: two `docker-manifest-digest` keys would name two images under one signature (T29).
  const repeated = duplicateKey(text)
  if (repeated !== undefined) {
    throw new StatementError(
      `the simple-signing payload repeats the key ${JSON.stringify(repeated.slice(0, 60))}`,
    )
  }
  const type = json?.critical?.type
  if (type !== COSIGN_SIGNATURE_TYPE) {
    throw new StatementError(
      `the simple-signing type is ${JSON.stringify(String(type)).slice(0, 80)}, not "${COSIGN_SIGNATURE_TYPE}"`,
    )
  }
  const signed = json.critical?.image?.['docker-manifest-digest']
  if (signed !== digest) {
    throw new StatementError(
      `the signature is for ${JSON.stringify(String(signed)).slice(0, 90)}, not ${digest}`,
    )
  }
}
