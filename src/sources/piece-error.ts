import { GateError } from '../errors.js'
import { BudgetExceeded } from './budget.js'

// Codes that mean "this one piece is bad"; anything else means the registry could not be read.
const PIECE_CODES = new Set([
  'DIGEST_MISMATCH',
  'REGISTRY_NOT_FOUND',
  'REGISTRY_PROTOCOL',
  'LIMIT_EXCEEDED',
])

/**
 * Turns a failure to read one piece of evidence into its reason, so the piece is reported as
 * failed; a registry that cannot be read at all is rethrown (exit 2, never a pass).
 */
export function pieceFailure(error: unknown): string {
  if (error instanceof BudgetExceeded) throw error
  if (error instanceof GateError && PIECE_CODES.has(error.code)) return error.message
  throw error
}
