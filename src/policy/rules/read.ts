// Reading untrusted predicate JSON: nothing is assumed about its shape.

import { isObject } from '../../util/json-object.js'

/** The value at `keys` below `value`, or undefined when any step is missing or not an object. */
export function at(value: unknown, ...keys: string[]): unknown {
  let current = value
  for (const key of keys) {
    if (!isObject(current) || !Object.hasOwn(current, key)) return undefined
    current = current[key]
  }
  return current
}

/** The string at `keys`, or undefined. */
export function stringAt(value: unknown, ...keys: string[]): string | undefined {
  const found = at(value, ...keys)
  return typeof found === 'string' ? found : undefined
}

/** A value a predicate gave, quoted and cut short, for a failure message. */
export function quote(value: string): string {
  return JSON.stringify(value.length > 200 ? `${value.slice(0, 200)}…` : value)
}

/** An untrusted name cut short for a message. */
export function clip(value: string): string {
  return value.length > 100 ? `${value.slice(0, 100)}…` : value
}

// An RFC 3339 date-time, whose zone (Z or an offset) is not optional.
const ZONED = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/

/** A date-time with its zone, in ms; NaN otherwise: Date.parse reads a zoneless one in local time. */
export function zonedTime(value: string | undefined): number {
  return value !== undefined && ZONED.test(value) ? Date.parse(value) : NaN
}
