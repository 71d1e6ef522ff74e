// Requirements by image pattern (a policy's `images` and `default`): which apply to a subject.
import { canonicalRegistry } from '../registry/index.js'
import type { Finding, ImageRef } from '../types.js'
import { matches } from '../verify/identity.js'
import type { Requirement } from './evaluate.js'
import { globToRegExp } from './glob.js'
import { policyError } from './policy-error.js'

/** One `images` entry, compiled: its patterns (canonical) and its requirements. */
export interface ImagePolicy {
  match: string[]
  requirements: Requirement[]
}

/** A policy's `images` entries and its `default` (`fallback`), when it has one. */
export interface ImagePolicies {
  entries: ImagePolicy[]
  fallback?: Requirement[]
}

/**
 * Checks and canonicalises one pattern: it must start with a registry host (or a `*`), as image
 * names are matched in their canonical `registry/repository` form, and name no tag or digest.
 */
export function imagePattern(pattern: string, path: string): string {
  const first = pattern.split('/')[0] ?? ''
  const host = first.includes('.') || first.includes(':') || first === 'localhost'
  if (!host && !first.includes('*')) {
    const hub = pattern.includes('/') ? `docker.io/${pattern}` : `docker.io/library/${pattern}`
    throw policyError(
      path,
      `"${pattern}" names no registry: patterns match registry/repository, e.g. ${hub} for a Docker Hub image`,
    )
  }
  // Security: a pattern that can match no name would leave its images to `default` unnoticed.
  if (!pattern.includes('/') && !pattern.includes('*')) {
    throw policyError(
      path,
      `"${pattern}" matches no image: names are registry/repository, e.g. ghcr.io/acme/app`,
    )
  }
  const last = pattern.slice(pattern.indexOf('/') + 1)
  if (pattern.includes('/') && last.includes(':')) {
    throw policyError(path, `"${pattern}" names a tag: patterns match registry/repository only`)
  }
  // The registry as image names spell it (parseReference), so each spelling meets its entry.
  const slash = pattern.indexOf('/')
  const canonical = (
    host && slash > 0 ? `${canonicalRegistry(first)}${pattern.slice(slash)}` : pattern
  ).toLowerCase()
  const hubRepository = canonical.startsWith('docker.io/') ? canonical.slice(10) : undefined
  if (hubRepository !== undefined && !hubRepository.includes('/') && !canonical.includes('*')) {
    throw policyError(
      path,
      `"${pattern}" matches no image: Docker Hub names have two parts; the official image is docker.io/library/${hubRepository}`,
    )
  }
  return canonical
}

/** The canonical name patterns match: `registry/repository`. */
export function imageName(ref: Pick<ImageRef, 'registry' | 'repository'>): string {
  return `${ref.registry}/${ref.repository}`
}

/** Whether `pattern` (a glob) matches the whole of `name`. */
export function patternMatches(pattern: string, name: string): boolean {
  return matches({ regexp: globToRegExp(pattern) }, name)
}

/** What applies to one subject: requirements (and the patterns that chose them), or a failure. */
export type Applicable =
  { requirements: Requirement[]; matched?: string[] } | { requirements: []; unmatched: Finding }

/**
 * The requirements for an image (`name` = `registry/repository`) or, with `name` undefined, a
 * release file. Every entry whose pattern matches applies, and all of their requirements must be
 * met (as Sigstore's policy-controller does: a looser pattern cannot shadow a stricter one). When
 * several entries apply, each requirement's name says which pattern it came from. An image no
 * pattern matches, and a file, take `default`; without one they fail.
 */
export function applicable(policies: ImagePolicies, name: string | undefined): Applicable {
  const hits =
    name === undefined
      ? []
      : policies.entries.filter((entry) => entry.match.some((p) => patternMatches(p, name)))
  if (hits.length === 1) return { requirements: hits[0]!.requirements, matched: hits[0]!.match }
  if (hits.length > 1) {
    return {
      requirements: hits.flatMap((entry) =>
        entry.requirements.map((r) => ({ ...r, name: `${r.name} (${entry.match.join(', ')})` })),
      ),
      matched: hits.flatMap((entry) => entry.match),
    }
  }
  if (policies.fallback !== undefined) return { requirements: policies.fallback }
  const patterns = policies.entries.flatMap((entry) => entry.match).join(', ')
  return {
    requirements: [],
    unmatched: {
      requirement: 'policy',
      status: 'fail',
      expected:
        name === undefined
          ? 'a `default` in the policy, which applies to release files'
          : `an \`images\` pattern matching ${name}, or a \`default\``,
      actual:
        name === undefined
          ? `the policy has only \`images\` patterns (${patterns}), which apply to images`
          : `no pattern matches (patterns: ${patterns}) and the policy has no \`default\``,
    },
  }
}
