import { GateError } from '../errors.js'
import { LIMITS } from '../limits.js'

/** The image's evidence as a whole is past a limit: the image's error, never one piece's. */
export class BudgetExceeded extends GateError {
  constructor(message: string) {
    super('LIMIT_EXCEEDED', message)
  }
}

/**
 * The bytes of evidence blobs one image may declare: an index and its platform manifests share
 * them, so `platforms: all` cannot multiply the bound by the platforms an index lists.
 */
export class ByteAllowance {
  private claimed = 0

  constructor(readonly limit = LIMITS.evidenceBytesPerImage) {}

  /** Adds `bytes`; false once the total is past the limit. */
  take(bytes: number): boolean {
    this.claimed += bytes
    return this.claimed <= this.limit
  }
}

/**
 * The candidate signatures and attestations one digest may have, and the bytes of their blobs,
 * shared by every source reading it (security catalog T44). A source claims its candidates as
 * soon as it has listed them and before it fetches a single blob, so an oversized set fails closed
 * after the listings alone: a registry cannot make us download a thousand layers to find out there
 * are too many. Bytes are claimed from a blob's declared size before it is fetched.
 */
export class EvidenceBudget {
  private claimed = 0
  readonly limit: number
  readonly bytes: ByteAllowance
  readonly maxBlobBytes: number

  constructor(limits: { count?: number; bytes?: ByteAllowance; maxBlobBytes?: number } = {}) {
    this.limit = limits.count ?? LIMITS.evidencePerImage
    this.bytes = limits.bytes ?? new ByteAllowance()
    this.maxBlobBytes = limits.maxBlobBytes ?? LIMITS.blobBytesCeiling
  }

  /** Claims `count` more candidates found at `where`; throws LIMIT_EXCEEDED past the limit. */
  claim(count: number, where: string): void {
    this.claimed += count
    if (this.claimed > this.limit) {
      throw new BudgetExceeded(
        `more than ${this.limit} signatures and attestations are attached (the limit was passed at ${where}); none were evaluated, even if a valid one is among them`,
      )
    }
  }

  /**
   * Claims the declared `sizes` of blobs about to be read at `where`; throws LIMIT_EXCEEDED past
   * the limit. A size that is not a count, or that is over the blob cap, is refused where its blob
   * would be read, as that one piece's failure: here it counts for nothing (and never subtracts).
   */
  claimBytes(sizes: number[], where: string): void {
    const counted = sizes.filter((s) => Number.isSafeInteger(s) && s > 0 && s <= this.maxBlobBytes)
    if (!this.bytes.take(counted.reduce((a, b) => a + b, 0))) {
      throw new BudgetExceeded(
        `the signatures and attestations attached declare more than ${this.bytes.limit / 2 ** 20} MiB together (the limit was passed at ${where}); none were evaluated, even if a valid one is among them`,
      )
    }
  }
}
