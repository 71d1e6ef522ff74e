import { GateError } from '../errors.js'
import { LIMITS } from '../limits.js'

/** The image's evidence as a whole is past a limit: the image's error, never one piece's. */
export class BudgetExceeded extends GateError {
  constructor(message: string) {
    super('LIMIT_EXCEEDED', message)
  }
}

/**
 * The candidate signatures and attestations one image may have, and the bytes of their blobs,
 * shared by every source reading it (security catalog T44). A source claims its candidates as
 * soon as it has listed them and before it fetches a single blob, so an oversized set fails closed
 * after the listings alone: a registry cannot make us download a thousand layers to find out there
 * are too many. Bytes are claimed from a blob's declared size before it is fetched.
 */
export class EvidenceBudget {
  private claimed = 0
  private claimedBytes = 0
  readonly limit: number
  readonly byteLimit: number
  readonly maxBlobBytes: number

  constructor(limits: { count?: number; bytes?: number; maxBlobBytes?: number } = {}) {
    this.limit = limits.count ?? LIMITS.evidencePerImage
    this.byteLimit = limits.bytes ?? LIMITS.evidenceBytesPerImage
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
    for (const size of sizes) {
      if (Number.isSafeInteger(size) && size > 0 && size <= this.maxBlobBytes) {
        this.claimedBytes += size
      }
    }
    if (this.claimedBytes > this.byteLimit) {
      throw new BudgetExceeded(
        `the signatures and attestations attached declare more than ${this.byteLimit / 2 ** 20} MiB together (the limit was passed at ${where}); none were evaluated, even if a valid one is among them`,
      )
    }
  }
}
