import { InputError } from '../errors.js'

/** An InputError naming the `policy` input and the JSON path (RFC 6901) of the offending field. */
export function policyError(
  path: string,
  problem: string,
  options?: { cause?: unknown; code?: 'INPUT_INVALID' | 'INPUT_CONFLICT' },
): InputError {
  return new InputError(`The \`policy\` input is invalid at ${path || '/'}: ${problem}.`, options)
}

/** Appends segments to a JSON pointer, escaped; a user-chosen key is cut to stay readable. */
export function pointer(base: string, ...segments: (string | number)[]): string {
  const escaped = segments.map((s) =>
    String(s).slice(0, 80).replaceAll('~', '~0').replaceAll('/', '~1'),
  )
  return [base, ...escaped].join('/')
}
