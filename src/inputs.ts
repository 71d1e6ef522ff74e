import { InputError } from './errors.js'
import { parsePlatforms, type PlatformSelection } from './platforms.js'
import { LIMITS, MiB } from './limits.js'
import {
  GITHUB_ACTIONS_ISSUER,
  loadPolicy,
  predicateTypesFor,
  type Requirement,
} from './policy/index.js'
import { parseReference } from './registry/index.js'
import { SOURCE_IDS, type ImageRef, type SourceId } from './types.js'
import { compilePattern, type IdentityPolicy, type StringMatcher } from './verify/index.js'

export { GITHUB_ACTIONS_ISSUER }

// What a policy file says instead; given with `policy`, it would be unclear which one holds.
const POLICY_REPLACES = [
  'certificate-identity',
  'certificate-identity-regexp',
  'certificate-oidc-issuer',
  'certificate-oidc-issuer-regexp',
  'attestations',
  'require-signature',
]

/** Every input, parsed and checked once. Both the action and the CLI build this. */
export interface Inputs {
  images: { text: string; ref: ImageRef }[]
  requirements: Requirement[]
  trustedRootPath?: string
  publicKeyPath?: string
  githubToken?: string
  mode: 'enforce' | 'audit'
  outputDir?: string
  summary: boolean
  /** Loopback `host:port` values spoken to over plain HTTP. */
  insecureRegistries: Set<string>
  maxBlobBytes: number
  timeoutMs: number
  concurrency: number
  /** Where to look for evidence (`sources` input; all by default). */
  sources: Set<SourceId>
  /** Which manifests of a multi-platform index must meet the requirements. */
  platforms: PlatformSelection
}

/** Reads one input by its action.yml name; '' when unset. */
export type InputGetter = (name: string) => string

/**
 * Parses every input; each error is one sentence naming the input. `now` is when the gate
 * starts: a policy's `maxAge` counts back from it.
 */
export function parseInputs(get: InputGetter, now: Date = new Date()): Inputs {
  const value = (name: string): string | undefined => get(name).trim() || undefined
  const images = list(get('image')).map((text) => ({ text, ref: parseReference(text, 'image') }))
  if (images.length === 0)
    throw new InputError('The `image` input is required: give one or more image references.')
  const publicKeyPath = value('public-key')
  const keyed = publicKeyPath !== undefined
  const policyPath = value('policy')
  const requirements =
    policyPath === undefined
      ? requirementsFrom(get, [identityPolicy(value, keyed)])
      : policyRequirements(get, policyPath, keyed, now)
  const trustedRootPath = value('trusted-root')
  const githubToken = value('github-token')
  const outputDir = value('output-dir')
  return {
    images,
    requirements,
    ...(trustedRootPath !== undefined && { trustedRootPath }),
    ...(publicKeyPath !== undefined && { publicKeyPath }),
    ...(githubToken !== undefined && { githubToken }),
    ...(outputDir !== undefined && { outputDir }),
    mode: oneOf(get, 'mode', ['enforce', 'audit'], 'enforce'),
    summary: oneOf(get, 'summary', ['true', 'false'], 'true') === 'true',
    insecureRegistries: new Set(list(get('insecure-registries')).map(loopbackHost)),
    maxBlobBytes: byteSize(value('max-blob-size')),
    timeoutMs: wholeNumber(get, 'timeout', LIMITS.overallTimeoutMs / 1000, 1, 3600) * 1000,
    concurrency: wholeNumber(get, 'concurrency', 8, 1, 32),
    sources: sourceIds(get('sources')),
    platforms: parsePlatforms(list(get('platforms'))),
  }
}

function identityPolicy(
  value: (name: string) => string | undefined,
  keyed: boolean,
): IdentityPolicy {
  const san = matcher(value, 'certificate-identity')
  const issuer = matcher(value, 'certificate-oidc-issuer')
  if (keyed) {
    if (san !== undefined || value('certificate-identity-regexp') !== undefined) {
      throw new InputError('Give either `public-key` or a certificate identity, not both.', {
        code: 'INPUT_CONFLICT',
      })
    }
    return { publicKey: true }
  }
  if (san === undefined) {
    throw new InputError(
      'A signer identity is required: set `certificate-identity` or `certificate-identity-regexp` (or `public-key` for key-signed images).',
    )
  }
  return { subjectAlternativeName: san, issuer: issuer ?? { exact: GITHUB_ACTIONS_ISSUER } }
}

/** The policy file's requirements; the flat inputs it replaces must then be unset. */
function policyRequirements(
  get: InputGetter,
  file: string,
  keyed: boolean,
  now: Date,
): Requirement[] {
  for (const name of POLICY_REPLACES) {
    const raw = get(name).trim()
    // `auto` is `require-signature`'s default in action.yml, so it counts as unset.
    if (raw !== '' && !(name === 'require-signature' && raw === 'auto')) {
      throw new InputError(
        `The \`${name}\` input cannot be combined with \`policy\`: say it in the policy file instead.`,
        { code: 'INPUT_CONFLICT' },
      )
    }
  }
  return loadPolicy(file, { keyed, now })
}

/** `<name>` exact or `<name>-regexp` (compiled now, so a bad pattern fails before any network). */
function matcher(
  value: (name: string) => string | undefined,
  name: string,
): StringMatcher | undefined {
  const exact = value(name)
  const regexp = value(`${name}-regexp`)
  if (exact !== undefined && regexp !== undefined) {
    throw new InputError(`Give either \`${name}\` or \`${name}-regexp\`, not both.`, {
      code: 'INPUT_CONFLICT',
    })
  }
  if (regexp !== undefined) {
    compilePattern(regexp, `${name}-regexp`)
    return { regexp }
  }
  return exact === undefined ? undefined : { exact }
}

function requirementsFrom(get: InputGetter, identities: IdentityPolicy[]): Requirement[] {
  const attestations: Requirement[] = list(get('attestations')).map((name) => ({
    name,
    kind: 'attestation',
    predicateTypes: predicateTypesFor(name, 'attestations'),
    identities,
    required: true,
  }))
  // `auto`: a signature is required only when no attestation is, as cosign and gh behave.
  const mode = oneOf(get, 'require-signature', ['auto', 'true', 'false'], 'auto')
  const wantSignature = mode === 'true' || (mode === 'auto' && attestations.length === 0)
  if (!wantSignature && attestations.length === 0) {
    throw new InputError(
      'Nothing to verify: `require-signature` is false and `attestations` is empty.',
    )
  }
  const signature: Requirement[] = wantSignature
    ? [{ name: 'signature', kind: 'signature', predicateTypes: [], identities, required: true }]
    : []
  return [...signature, ...attestations]
}

/** Splits a multi-value input on newlines and commas, dropping blanks and `#` comments. */
export function list(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((s) => s.replace(/#.*$/, '').trim())
    .filter((s) => s !== '')
}

function oneOf<T extends string>(
  get: InputGetter,
  name: string,
  allowed: readonly T[],
  fallback: T,
): T {
  const raw = get(name).trim()
  if (raw === '') return fallback
  if ((allowed as readonly string[]).includes(raw)) return raw as T
  throw new InputError(`The \`${name}\` input must be one of ${allowed.join(', ')}.`)
}

function wholeNumber(
  get: InputGetter,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const raw = get(name).trim()
  if (raw === '') return fallback
  const n = Number(raw)
  if (!/^\d+$/.test(raw) || n < min || n > max) {
    throw new InputError(`The \`${name}\` input must be a whole number from ${min} to ${max}.`)
  }
  return n
}

// `32MiB`, `512KiB` or plain bytes, up to the hard ceiling.
function byteSize(raw: string | undefined): number {
  if (raw === undefined) return LIMITS.blobBytes
  const m = /^(\d+)\s*(KiB|MiB)?$/.exec(raw)
  const bytes = m ? Number(m[1]) * (m[2] === 'MiB' ? MiB : m[2] === 'KiB' ? 1024 : 1) : NaN
  if (!(bytes >= 1024 && bytes <= LIMITS.blobBytesCeiling)) {
    throw new InputError(
      `The \`max-blob-size\` input must be a size from 1KiB to ${LIMITS.blobBytesCeiling / MiB}MiB, e.g. 32MiB.`,
    )
  }
  return bytes
}

// Plain HTTP is only ever allowed to this machine (security catalog T62).
function loopbackHost(text: string): string {
  const m = /^(127(?:\.\d{1,3}){3}|localhost|\[::1\])(?::\d{1,5})?$/.exec(text)
  if (!m) {
    throw new InputError(
      `The \`insecure-registries\` input may only name loopback hosts (127.0.0.1:5000, localhost:5000, [::1]:5000).`,
    )
  }
  return text
}

function sourceIds(text: string): Set<SourceId> {
  const names = list(text)
  if (names.length === 0) return new Set(SOURCE_IDS)
  for (const name of names) {
    if (!(SOURCE_IDS as readonly string[]).includes(name)) {
      throw new InputError(
        `The \`sources\` input names "${name.slice(0, 40)}"; known sources: ${SOURCE_IDS.join(', ')}.`,
      )
    }
  }
  return new Set(names as SourceId[])
}
