import type { ParsedDockerfile } from './dockerfile/index.js'
import { InputError } from './errors.js'
import { expandPaths } from './files/paths.js'
import { isEvidenceFile } from './files/local-evidence.js'
import { parsePlatforms, type PlatformSelection } from './platforms.js'
import { LIMITS, MiB } from './limits.js'
import {
  GITHUB_ACTIONS_ISSUER,
  predicateTypesFor,
  type CompiledPolicy,
  type ImagePolicies,
  type Requirement,
} from './policy/index.js'
import { parseReference, type Repository } from './registry/index.js'
import { SOURCE_IDS, type ImageRef, type SourceId } from './types.js'
import {
  acceptsAnyRepository,
  acceptsAnySigner,
  compilePattern,
  type IdentityPolicy,
  type StringMatcher,
} from './verify/index.js'

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
  /** `signature-repository`: where cosign was told to store evidence (its COSIGN_REPOSITORY). */
  signatureRepository?: Repository
  /** Which manifests of a multi-platform index must meet the requirements. */
  platforms: PlatformSelection
  /** The `dockerfile` input: every Dockerfile, read and parsed (each FROM line's base image). */
  dockerfiles?: ParsedDockerfile[]
  /** `require-digest-pinning`: a FROM line naming its base by tag only fails instead of warning. */
  requireDigestPinning?: boolean
  /** The `subject-path` input: release files, each checked by its own digest. */
  files?: string[]
  /** The `bundle` input: local bundle files (or JSON lines of them) for the release files. */
  bundles?: string[]
  /**
   * A policy file's `images` and `default`: requirements chosen by image name. When present,
   * `requirements` holds only `default`'s, and subjects take theirs from here.
   */
  imagePolicies?: ImagePolicies
}

/** Reads one input by its action.yml name; '' when unset. */
export type InputGetter = (name: string) => string

/**
 * Parses every input; each error is one sentence naming the input. `now` is when the gate
 * starts: a policy's `maxAge` counts back from it.
 */
export async function parseInputs(get: InputGetter, now: Date = new Date()): Promise<Inputs> {
  const value = (name: string): string | undefined => get(name).trim() || undefined
  const images = list(get('image')).map((text) => ({ text, ref: parseReference(text, 'image') }))
  const subjects = otherSubjects(get)
  if (
    images.length === 0 &&
    subjects.dockerfilePatterns.length === 0 &&
    subjects.files.length === 0
  )
    throw new InputError(
      'The `image` input is required unless `dockerfile` or `subject-path` is given: give one or more image references, Dockerfiles or release files.',
    )
  const publicKeyPath = value('public-key')
  const keyed = publicKeyPath !== undefined
  const policyPath = value('policy')
  const policy: CompiledPolicy =
    policyPath === undefined
      ? { requirements: requirementsFrom(get, [identityPolicy(value, keyed)]) }
      : await policyRequirements(get, policyPath, keyed, now)
  const requirements = policy.requirements
  const dockerfiles =
    subjects.dockerfilePatterns.length === 0
      ? undefined
      : await dockerfilesFrom(get, subjects.dockerfilePatterns)
  const trustedRootPath = value('trusted-root')
  const githubToken = value('github-token')
  const outputDir = value('output-dir')
  const alsoIn = signatureRepository(value('signature-repository'))
  const platforms = platformsFrom(list(get('platforms')), policy.platforms)
  checkPlacement(policy, platforms)
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
    ...(alsoIn !== undefined && { signatureRepository: alsoIn }),
    platforms,
    ...(dockerfiles !== undefined && { dockerfiles }),
    ...(dockerfiles !== undefined && {
      requireDigestPinning:
        oneOf(get, 'require-digest-pinning', ['true', 'false'], 'false') === 'true',
    }),
    ...(subjects.files.length > 0 && { files: subjects.files, bundles: subjects.bundles }),
    ...(policy.images !== undefined && { imagePolicies: policy.images }),
  }
}

/** The `dockerfile`, `subject-path` and `bundle` inputs: paths and globs, matched now. */
function otherSubjects(get: InputGetter): {
  dockerfilePatterns: string[]
  files: string[]
  bundles: string[]
} {
  const dockerfilePatterns = lines(get('dockerfile'))
  const bundlePatterns = lines(get('bundle'))
  const filePatterns = lines(get('subject-path'))
  if (bundlePatterns.length > 0 && filePatterns.length === 0) {
    throw new InputError(
      'The `bundle` input needs `subject-path`: name the files the bundles are about.',
    )
  }
  const bundles = expandPaths(bundlePatterns, 'bundle')
  const given = new Set(bundles)
  // A glob such as dist/* also matches the bundles beside the files: those are evidence.
  const files = expandPaths(filePatterns, 'subject-path', {
    skip: (file) => isEvidenceFile(file) || given.has(file),
  })
  return { dockerfilePatterns, files, bundles }
}

// Imported here, when the input is given, as the policy loader is: dockerfile-ast, yaml and ajv
// would otherwise add ~25 ms to every start (issue #6).
async function dockerfilesFrom(get: InputGetter, patterns: string[]): Promise<ParsedDockerfile[]> {
  const { readDockerfiles } = await import('./dockerfile/read.js')
  return readDockerfiles(patterns, {
    buildArgs: buildArgs(get('build-args')),
    platform: runnerPlatform(),
  })
}

/** One value per line (paths may hold commas); blank lines and `#` comment lines are dropped. */
function lines(text: string): string[] {
  return text
    .split('\n')
    .map((s) => s.trim())
    .filter((s) => s !== '' && !s.startsWith('#'))
}

/** `build-args`: `NAME=value`, one per line, as `docker build --build-arg` takes them. */
function buildArgs(text: string): Map<string, string> {
  const args = new Map<string, string>()
  for (const line of lines(text)) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(line)
    if (m === null) {
      throw new InputError(
        'The `build-args` input takes one NAME=value per line (a name is letters, digits and _).',
      )
    }
    args.set(m[1]!, m[2]!)
  }
  return args
}

// BUILDPLATFORM and TARGETPLATFORM as `docker build` on this runner would set them.
function runnerPlatform(): string {
  const arch = { x64: 'amd64', arm64: 'arm64', arm: 'arm/v7', ia32: '386' }[process.arch as string]
  return `linux/${arch ?? process.arch}`
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
  if (acceptsAnySigner(san)) {
    throw new InputError(
      'The `certificate-identity-regexp` input matches any signer at all; name the repository or workflow that must have signed.',
    )
  }
  const identity = {
    subjectAlternativeName: san,
    issuer: issuer ?? { exact: GITHUB_ACTIONS_ISSUER },
  }
  if (acceptsAnyRepository(identity)) {
    throw new InputError(
      'The `certificate-identity-regexp` input matches the workflows of every GitHub repository, or of any owner’s; name the owner and repository that must have signed, such as ^https://github\\.com/acme/app/….',
    )
  }
  return identity
}

/** The policy file's requirements; the flat inputs it replaces must then be unset. */
async function policyRequirements(
  get: InputGetter,
  file: string,
  keyed: boolean,
  now: Date,
): Promise<CompiledPolicy> {
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
  const { loadPolicyFile } = await import('./policy/load.js')
  return loadPolicyFile(file, { keyed, now })
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

/**
 * Splits a multi-value input on newlines and commas, dropping blanks and `#` comments. A comment
 * starts a value or follows a blank (a predicate type may have a `#fragment`) and runs to the end
 * of its line, commas included.
 */
export function list(text: string): string[] {
  return text
    .split('\n')
    .flatMap((line) => line.replace(/(^|[\s,])#.*$/, '$1').split(','))
    .map((s) => s.trim())
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

// A repository, not an image: the digest always comes from the image being checked.
function signatureRepository(text: string | undefined): Repository | undefined {
  if (text === undefined) return undefined
  if (text.includes('@') || text.includes(':', text.lastIndexOf('/') + 1)) {
    throw new InputError(
      'The `signature-repository` input names a repository (e.g. ghcr.io/acme/signatures), not a tag or digest.',
    )
  }
  const { registry, repository } = parseReference(text, 'signature-repository')
  return { registry, repository }
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

/** Each requirement's `on` must fit `platforms`, and under `platforms` some must be the platforms'. */
function checkPlacement(policy: CompiledPolicy, platforms: PlatformSelection): void {
  const sets = [
    policy.requirements,
    ...(policy.images?.entries.map((e) => e.requirements) ?? []),
    ...(policy.images?.fallback === undefined ? [] : [policy.images.fallback]),
  ]
  for (const requirements of sets) {
    const misplaced = requirements.find((r) => r.on === 'platforms' || r.on === 'both')
    if (platforms === 'index' && misplaced !== undefined) {
      throw new InputError(
        `The \`policy\` input places \`${misplaced.name}\` on platform manifests (\`on: ${misplaced.on}\`), but only the index is checked: set \`platforms\` to all or a list of platforms.`,
        { code: 'INPUT_CONFLICT' },
      )
    }
    // An empty set is never a pass: each selected platform must be asked for something.
    if (
      platforms !== 'index' &&
      requirements.length > 0 &&
      requirements.every((r) => r.on === 'index')
    ) {
      throw new InputError(
        'The `policy` input places every requirement on the index (`on: index`), so nothing is asked of the platforms `platforms` selects: place one on the platforms, or leave `platforms` at index.',
        { code: 'INPUT_CONFLICT' },
      )
    }
  }
}

// The input and the policy file may each say it, but not both.
function platformsFrom(
  input: string[],
  fromPolicy: PlatformSelection | undefined,
): PlatformSelection {
  if (fromPolicy === undefined) return parsePlatforms(input)
  if (input.length > 0) {
    throw new InputError(
      'The `platforms` input cannot be combined with a policy that sets `platforms`.',
      {
        code: 'INPUT_CONFLICT',
      },
    )
  }
  return fromPolicy
}
