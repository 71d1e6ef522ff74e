import { GateError } from '../errors.js'
import { LIMITS } from '../limits.js'

/**
 * The candidate signatures and attestations one image may have, shared by every source reading
 * it (security catalog T44). A source claims its candidates as soon as it has listed them and
 * before it fetches a single blob, so an oversized set fails closed after the listings alone: a
 * registry cannot make us download a thousand layers to find out there are too many.
 */
export class EvidenceBudget {
  private claimed = 0

  constructor(readonly limit: number = LIMITS.evidencePerImage) {}

  /** Claims `count` more candidates found at `where`; throws LIMIT_EXCEEDED past the limit. */
  claim(count: number, where: string): void {
    this.claimed += count
    if (this.claimed > this.limit) {
      throw new GateError(
        'LIMIT_EXCEEDED',
        `more than ${this.limit} signatures and attestations are attached (the limit was passed at ${where}); none were evaluated, even if a valid one is among them`,
      )
    }
  }
}
