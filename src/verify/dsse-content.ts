import crypto from 'node:crypto'
import type { Envelope } from '@sigstore/bundle'
import type { SignedEntity } from '@sigstore/verify'

type SignatureContent = SignedEntity['signature']

// Key types for which the library's `crypto.verify(undefined, …)` hashes with SHA-256 (OpenSSL's
// default digest for them), so hashing the same bytes in pieces verifies exactly the same way.
const SHA256_BY_DEFAULT = new Set(['ec', 'rsa'])

/**
 * What `@sigstore/verify`'s DSSESignatureContent checks, over the same bytes, except that the
 * pre-authentication encoding (PAE) is hashed as header + payload instead of being built with
 * `Buffer.concat`: for a 48 MiB SBOM that copy was a third of the gate's peak memory (issue #6).
 * Every answer must equal the library's; `__tests__/verify/dsse-content.test.ts` compares them.
 */
export class DsseContent implements SignatureContent {
  readonly signature: Buffer
  private readonly payload: Buffer
  /** `DSSEv1 <len(type)> <type> <len(payload)> `: the PAE up to the payload. */
  private readonly header: Buffer

  constructor(envelope: Envelope) {
    this.signature = envelope.signatures[0]?.sig ?? Buffer.alloc(0)
    this.payload = envelope.payload
    const type = Buffer.from(envelope.payloadType, 'utf8')
    this.header = Buffer.concat([
      Buffer.from(`DSSEv1 ${type.length} `, 'ascii'),
      type,
      Buffer.from(` ${this.payload.length} `, 'ascii'),
    ])
  }

  compareSignature(signature: Buffer): boolean {
    return sameBytes(signature, this.signature)
  }

  compareDigest(digest: Buffer): boolean {
    return sameBytes(digest, crypto.createHash('sha256').update(this.payload).digest())
  }

  // A Rekor v2 entry for a DSSE envelope records the digest of the PAE, as the library checks.
  compareSignedDigest(digest: Buffer): boolean {
    const pae = crypto.createHash('sha256').update(this.header).update(this.payload).digest()
    return sameBytes(digest, pae)
  }

  verifySignature(key: crypto.KeyObject): boolean {
    try {
      if (!SHA256_BY_DEFAULT.has(key.asymmetricKeyType ?? '')) {
        // Ed25519 and the rest sign the whole message, not a digest: only one-shot is the same.
        const pae = Buffer.concat([this.header, this.payload])
        return crypto.verify(undefined, pae, key, this.signature)
      }
      return crypto
        .createVerify('sha256')
        .update(this.header)
        .update(this.payload)
        .verify(key, this.signature)
    } catch {
      // The library answers false for a malformed signature, not an exception.
      return false
    }
  }
}

function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && crypto.timingSafeEqual(a, b)
}
