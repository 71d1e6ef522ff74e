import { clip } from './read.js'
import type { SchemaRule } from './types.js'

/** Checks the predicate against the rule's schema; returns what failed. */
export function checkSchema(rule: SchemaRule, predicate: unknown): string[] {
  const validate = rule.validate
  if (validate === undefined) {
    return [
      `rule schema: cannot be evaluated: ${rule.source}: ${rule.problem ?? 'no schema was loaded'}`,
    ]
  }
  // Only `true` passes: anything else a validator could return (a Promise) is not a yes.
  if (validate(predicate) === true) return []
  const [first] = validate.errors ?? []
  const where =
    first === undefined
      ? ''
      : ` at ${clip(first.instancePath || '/')}: ${first.message ?? 'invalid'}`
  return [`rule schema: the predicate does not match ${rule.source}${where}`]
}
