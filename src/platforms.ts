import { InputError } from './errors.js'
import type { Descriptor } from './registry/index.js'

/** Which manifests of an index are checked: the index only, every platform, or the named ones. */
export type PlatformSelection = 'index' | 'all' | string[]

const PLATFORM_RE = /^[a-z0-9]+\/[a-z0-9_]+(?:\/[a-z0-9]+)?$/

/** Parses the `platforms` input: `index` (default), `all`, or `os/arch[/variant]` names. */
export function parsePlatforms(values: string[]): PlatformSelection {
  if (values.length === 0 || (values.length === 1 && values[0] === 'index')) return 'index'
  if (values.length === 1 && values[0] === 'all') return 'all'
  for (const value of values) {
    if (!PLATFORM_RE.test(value)) {
      throw new InputError(
        `The \`platforms\` input must be index, all, or os/arch[/variant] names such as linux/amd64; "${value.slice(0, 40)}" is none of these.`,
      )
    }
  }
  return values
}

/** `os/arch[/variant]` of a descriptor, or undefined when it names no real platform. */
export function platformName(descriptor: Descriptor): string | undefined {
  const p = descriptor.platform
  if (p?.os === undefined || p.architecture === undefined) return undefined
  // BuildKit stores attestation manifests in the index as platform unknown/unknown.
  if (p.os === 'unknown' || p.architecture === 'unknown') return undefined
  return [p.os, p.architecture, p.variant].filter((x) => x !== undefined && x !== '').join('/')
}

/**
 * The platform manifests of an index the selection names, and the named platforms the index
 * lacks. A name without a variant matches any variant of that os/arch.
 */
export function selectPlatforms(
  manifests: Descriptor[],
  selection: Exclude<PlatformSelection, 'index'>,
): { selected: { name: string; descriptor: Descriptor }[]; missing: string[] } {
  const platforms = manifests.flatMap((descriptor) => {
    const name = platformName(descriptor)
    return name === undefined ? [] : [{ name, descriptor }]
  })
  if (selection === 'all') return { selected: platforms, missing: [] }
  const matches = (wanted: string, name: string): boolean =>
    name === wanted || name.startsWith(`${wanted}/`)
  return {
    selected: platforms.filter(({ name }) => selection.some((wanted) => matches(wanted, name))),
    missing: selection.filter((wanted) => !platforms.some(({ name }) => matches(wanted, name))),
  }
}
