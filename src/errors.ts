/** Machine-readable codes for everything that stops a check from being made (exit 2). */
export type ErrorCode =
  | 'INPUT_INVALID'
  | 'INPUT_CONFLICT'
  | 'REGISTRY_HTTP'
  | 'REGISTRY_UNAUTHORIZED'
  | 'REGISTRY_NOT_FOUND'
  | 'REGISTRY_PROTOCOL'
  | 'DIGEST_MISMATCH'
  | 'LIMIT_EXCEEDED'
  | 'TIMEOUT'
  | 'INSECURE_TRANSPORT'
  | 'TRUST_ROOT'
  | 'CREDENTIALS'

/** Base error: a code, a sentence naming the operation, and the underlying cause. */
export class GateError extends Error {
  readonly code: ErrorCode

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.code = code
    this.name = new.target.name
  }
}

/** A user input is malformed or contradicts another; the message names the input. */
export class InputError extends GateError {
  constructor(
    message: string,
    options?: { cause?: unknown; code?: 'INPUT_INVALID' | 'INPUT_CONFLICT' },
  ) {
    super(options?.code ?? 'INPUT_INVALID', message, options)
  }
}

/** The registry (or another HTTP service) could not be read as required. */
export class RegistryError extends GateError {}

/** Trust material (trusted root, TUF, public key) could not be loaded. */
export class TrustError extends GateError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('TRUST_ROOT', message, options)
  }
}

/** Wraps any error once at a module boundary with a sentence naming the operation. */
export function wrapError(operation: string, error: unknown): GateError {
  const code = error instanceof GateError ? error.code : 'REGISTRY_PROTOCOL'
  return new GateError(code, `${operation}: ${describe(error)}`, { cause: error })
}

/** One line describing an unknown thrown value (duck-typed: errors may come from another realm). */
export function describe(error: unknown): string {
  const message = (error as { message?: unknown } | null)?.message
  return typeof message === 'string' ? message : String(error)
}

/** The `name` of a thrown value, whatever realm it came from. */
export function errorName(error: unknown): string {
  const name = (error as { name?: unknown } | null)?.name
  return typeof name === 'string' ? name : ''
}
