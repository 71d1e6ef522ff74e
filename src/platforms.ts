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

/** What an index entry without a usable `platform` is called in results. */
export const NO_PLATFORM = '(no platform)'

/**
 * `os/arch[/variant]` of a descriptor as the index declares it; NO_PLATFORM when it declares
 * none; undefined for BuildKit's attestation entries (unknown/unknown), which no runtime pulls.
 */
export function platformName(descriptor: Descriptor): string | undefined {
  const p = descriptor.platform
  if (p?.os === 'unknown' && p.architecture === 'unknown') return undefined
  if (!p?.os || !p.architecture) return NO_PLATFORM
  return [p.os, p.architecture, p.variant].filter((x) => x !== undefined && x !== '').join('/')
}

/**
 * A platform name as containerd's `platforms.Normalize` reads it (lower case, x86_64 = amd64,
 * aarch64 = arm64 without v8, arm = arm/v7, ...), so `Linux/x86_64` is the linux/amd64 a runtime
 * would pull and cannot slip past a selection of linux/amd64.
 */
export function normalizePlatform(name: string): string {
  const [os = '', arch = '', variant = ''] = name.toLowerCase().split('/')
  return [os === 'macos' ? 'darwin' : os, ...normalizeArch(arch, variant)]
    .filter((x) => x !== '')
    .join('/')
}

// containerd's normalizeArch (platforms/database.go), case by case.
function normalizeArch(arch: string, variant: string): [string, string] {
  switch (arch) {
    case 'i386':
      return ['386', '']
    case 'x86_64':
    case 'x86-64':
    case 'amd64':
      return ['amd64', variant === 'v1' ? '' : variant]
    case 'aarch64':
    case 'arm64':
      if (['8', 'v8', 'v8.0'].includes(variant)) return ['arm64', '']
      return ['arm64', ['9', '9.0', 'v9.0'].includes(variant) ? 'v9' : variant]
    case 'armhf':
      return ['arm', 'v7']
    case 'armel':
      return ['arm', 'v6']
    case 'arm':
      if (variant === '' || variant === '7') return ['arm', 'v7']
      return ['arm', ['5', '6', '8'].includes(variant) ? `v${variant}` : variant]
    default:
      return [arch, variant]
  }
}

/**
 * The manifests of an index the selection asks to be checked, and the named platforms the index
 * lacks. `all` is every entry but BuildKit's attestations, an entry without a platform included
 * (a runtime may still pull it: containerd matches such an entry by its config). A name matches
 * after normalisation, without a variant any variant of that os/arch, and an entry without a
 * platform is checked under any list of names for the same reason.
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
  // As declared (`linux/arm` names every arm variant) or as a runtime reads it: either selects.
  const matches = (wanted: string, name: string): boolean =>
    [
      [normalizePlatform(wanted), normalizePlatform(name)],
      [wanted.toLowerCase(), name.toLowerCase()],
    ].some(([w, n]) => n === w || n!.startsWith(`${w}/`))
  const named = (name: string): boolean => selection.some((wanted) => matches(wanted, name))
  return {
    selected: platforms.filter(({ name }) => name === NO_PLATFORM || named(name)),
    missing: selection.filter((wanted) => !platforms.some(({ name }) => matches(wanted, name))),
  }
}
