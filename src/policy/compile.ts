import { parsePlatforms, type PlatformSelection } from '../platforms.js'
import { describe } from '../errors.js'
import type { GithubExtensionName } from '../types.js'
import {
  acceptsAnyRepository,
  acceptsAnySigner,
  compilePattern,
  type IdentityPolicy,
  type StringMatcher,
} from '../verify/identity.js'
import type {
  AttestationDoc,
  IdentityDoc,
  IdentityRefDoc,
  MatcherDoc,
  PolicyDoc,
  RequirementsDoc,
  RulesDoc,
} from './document.js'
import type { Requirement } from './evaluate.js'
import { imagePattern, type ImagePolicies } from './images.js'
import { GITHUB_ACTIONS_ISSUER, expandPreset } from './presets.js'
import { PREDICATE_ALIASES, predicateTypesOf } from './predicate-types.js'
import type { Rule, SchemaRule, VulnerabilitiesRule } from './rules/index.js'
import { pointer, policyError } from './policy-error.js'
import { compileUserSchema } from './user-schema.js'
import { policySchema } from './validate.js'

export interface CompileOptions {
  /** The `public-key` input is set: every signer must then be that key. */
  keyed: boolean
  /** When the gate started: `maxAge` counts back from here. */
  now: Date
  /** Reads a schema file a rule names (load.ts does the I/O); a problem makes the rule fail. */
  readSchema: (path: string) => { schema: object } | { problem: string }
}

// The schema offers exactly the extensions certificate.ts reads (`satisfies` checks the names).
const EXTENSION_NAMES = Object.keys(
  policySchema.$defs.extensions.properties,
) as (keyof typeof policySchema.$defs.extensions.properties)[] satisfies GithubExtensionName[]

// A scan may be dated this far after the gate started (clocks of different runners differ).
const CLOCK_SKEW_MS = 5 * 60_000
const UNIT_MS: Record<string, number> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
}

/**
 * Turns a validated policy into requirements, the same shape the flat inputs produce. Pure but
 * for `readSchema`; every error is an InputError naming the JSON path of the offending field.
 */
export function compilePolicy(doc: PolicyDoc, options: CompileOptions): Requirement[] {
  return compilePolicyDocument(doc, options).requirements
}

/** A compiled policy: its requirements and, when it has `images`, the requirements by pattern. */
export interface CompiledPolicy {
  /** Every subject's requirements; with `images`, those of `default` (none without one). */
  requirements: Requirement[]
  images?: ImagePolicies
  /** The policy's `platforms`, when it says. */
  platforms?: PlatformSelection
}

/**
 * `compilePolicy`, keeping what `images` and `default` say. With `images`, top-level `signature`
 * and `attestations` are refused (they would be ambiguous next to `default`), and `default`
 * without `images` is refused too.
 */
export function compilePolicyDocument(doc: PolicyDoc, options: CompileOptions): CompiledPolicy {
  const platforms =
    doc.platforms === undefined
      ? {}
      : {
          platforms: parsePlatforms(
            typeof doc.platforms === 'string' ? [doc.platforms] : doc.platforms,
          ),
        }
  return { ...compileRequirements(doc, options), ...platforms }
}

function compileRequirements(doc: PolicyDoc, options: CompileOptions): CompiledPolicy {
  const sets = new Map<string, IdentityPolicy[]>()
  for (const [name, entries] of Object.entries(doc.identities ?? {})) {
    const path = pointer('', 'identities', name)
    sets.set(
      name,
      entries.map((entry, i) => compileIdentity(entry, pointer(path, i), options.keyed)),
    )
  }
  const signers = (refs: IdentityRefDoc[], path: string): IdentityPolicy[] =>
    refs.flatMap((ref, i) => {
      if (typeof ref !== 'string') return [compileIdentity(ref, pointer(path, i), options.keyed)]
      const set = sets.get(ref)
      if (set !== undefined) return set
      const defined = [...sets.keys()].join(', ') || 'none'
      throw policyError(pointer(path, i), `names no set under \`identities\` (defined: ${defined})`)
    })
  if (doc.images === undefined) {
    if (doc.default !== undefined) {
      throw policyError(
        '/default',
        'needs `images` (without it, `signature` and `attestations` apply to every subject)',
      )
    }
    return { requirements: requirementsOf(doc, '') }
  }
  for (const field of ['signature', 'attestations'] as const) {
    if (doc[field] !== undefined) {
      throw policyError(
        `/${field}`,
        'cannot be given with `images`: put it in the `images` entries, and in `default` for images no pattern matches',
      )
    }
  }
  const entries = doc.images.map((entry, i) => {
    const path = pointer('', 'images', i)
    const patterns = typeof entry.match === 'string' ? [entry.match] : entry.match
    return {
      match: patterns.map((p, j) =>
        imagePattern(
          p,
          typeof entry.match === 'string' ? pointer(path, 'match') : pointer(path, 'match', j),
        ),
      ),
      requirements: requirementsOf(entry, path),
    }
  })
  const fallback = doc.default === undefined ? undefined : requirementsOf(doc.default, '/default')
  return {
    requirements: fallback ?? [],
    images: { entries, ...(fallback !== undefined && { fallback }) },
  }

  function requirementsOf(section: RequirementsDoc, path: string): Requirement[] {
    const attestations = section.attestations ?? []
    // As the flat inputs' `auto`: with no attestation to check, a signature is what is checked.
    if (section.signature === undefined && attestations.length === 0) {
      throw policyError(pointer(path, 'signature'), 'is required when `attestations` is empty')
    }
    const signature: Requirement[] =
      section.signature === undefined
        ? []
        : [
            {
              name: 'signature',
              kind: 'signature',
              predicateTypes: [],
              identities: signers(
                section.signature.identities,
                pointer(path, 'signature', 'identities'),
              ),
              required: section.signature.required ?? true,
              ...(section.signature.on !== undefined && { on: section.signature.on }),
            },
          ]
    const requirements = [
      ...signature,
      ...attestations.map((a, i) => compileAttestation(a, pointer(path, 'attestations', i))),
    ]
    // An empty set is never a pass: with nothing required, an image with no evidence would pass.
    if (!requirements.some((r) => r.required)) {
      throw policyError(
        pointer(path, signature.length > 0 ? 'signature' : 'attestations'),
        'requires nothing: every requirement has `required: false`, so an image with no evidence at all would pass; make one required',
      )
    }
    return requirements
  }

  function compileAttestation(a: AttestationDoc, path: string): Requirement {
    const predicateTypes = predicateTypesOf(a.type)
    if (predicateTypes === undefined) {
      throw policyError(
        pointer(path, 'type'),
        `must be an alias (${PREDICATE_ALIASES.join(', ')}) or a predicate type URI`,
      )
    }
    const rules =
      a.rules === undefined ? [] : compileRules(a.rules, pointer(path, 'rules'), options)
    return {
      name: a.name ?? a.type,
      kind: 'attestation',
      predicateTypes,
      identities: signers(a.identities, pointer(path, 'identities')),
      required: a.required ?? true,
      ...(a.on !== undefined && { on: a.on }),
      ...(rules.length > 0 && { rules }),
    }
  }
}

function compileIdentity(entry: IdentityDoc, path: string, keyed: boolean): IdentityPolicy {
  if ('publicKey' in entry) {
    if (!keyed) throw policyError(pointer(path, 'publicKey'), 'needs the `public-key` input')
    return { publicKey: true }
  }
  // Security: with a key configured only key signatures verify, so a certificate identity could
  // never match; refusing it says so instead of failing every image.
  if (keyed) {
    const problem = 'is a certificate identity, but `public-key` is set: write `publicKey: true`'
    throw policyError(path, problem, { code: 'INPUT_CONFLICT' })
  }
  const base =
    'preset' in entry
      ? expandPreset(entry)
      : {
          subjectAlternativeName: sanMatcher(entry.san, pointer(path, 'san')),
          issuer:
            entry.issuer === undefined
              ? { exact: GITHUB_ACTIONS_ISSUER }
              : matcher(entry.issuer, pointer(path, 'issuer')),
          github: {},
        }
  const github: Partial<Record<GithubExtensionName, StringMatcher>> = { ...base.github }
  for (const name of EXTENSION_NAMES) {
    const given = entry[name]
    if (given !== undefined) github[name] = matcher(given, pointer(path, name))
  }
  const identity = {
    subjectAlternativeName: base.subjectAlternativeName,
    issuer: base.issuer,
    ...(Object.keys(github).length > 0 && { github }),
  }
  if (acceptsAnyRepository(identity)) {
    throw policyError(
      pointer(path, 'san'),
      'matches the workflows of every GitHub repository, or of any owner’s; name the owner and repository in it, or pin sourceRepositoryUri',
    )
  }
  return identity
}

// As the flat input: a SAN pattern that matches any signer at all is refused.
function sanMatcher(doc: MatcherDoc, path: string): StringMatcher {
  const san = matcher(doc, path)
  if (acceptsAnySigner(san)) {
    throw policyError(
      pointer(path, 'regexp'),
      'matches any signer at all; name the repository or workflow that must have signed',
    )
  }
  return san
}

/** A string is exact; a pattern is compiled now, so a bad one fails before any network. */
function matcher(doc: MatcherDoc, path: string): StringMatcher {
  if (typeof doc === 'string') return { exact: doc }
  try {
    compilePattern(doc.regexp, 'regexp')
  } catch (error) {
    throw policyError(pointer(path, 'regexp'), 'is not a valid RE2 regular expression', {
      cause: error,
    })
  }
  return { regexp: doc.regexp }
}

function compileRules(rules: RulesDoc, path: string, options: CompileOptions): Rule[] {
  const compiled: Rule[] = []
  if (rules.slsa !== undefined) {
    const { builderId, ...rest } = rules.slsa
    compiled.push({
      rule: 'slsa',
      ...(builderId !== undefined && {
        builderId: matcher(builderId, pointer(path, 'slsa', 'builderId')),
      }),
      ...rest,
    })
  }
  if (rules.schema !== undefined) {
    compiled.push(schemaRule(rules.schema, pointer(path, 'schema'), options))
  }
  if (rules.sbom !== undefined) {
    compiled.push({ rule: 'sbom', minComponents: rules.sbom.minComponents ?? 1 })
  }
  if (rules.vulnerabilities !== undefined) {
    compiled.push(
      vulnerabilitiesRule(rules.vulnerabilities, pointer(path, 'vulnerabilities'), options.now),
    )
  }
  return compiled
}

// A file that cannot be used makes the rule fail with the reason (the rest is still reported);
// an inline schema is part of the policy, so a bad one is an input error.
function schemaRule(schema: string | object, path: string, options: CompileOptions): SchemaRule {
  if (typeof schema === 'string') {
    const read = options.readSchema(schema)
    if ('problem' in read) return { rule: 'schema', source: schema, problem: read.problem }
    try {
      return { rule: 'schema', source: schema, validate: compileUserSchema(read.schema) }
    } catch (error) {
      return {
        rule: 'schema',
        source: schema,
        problem: `not a usable JSON Schema: ${describe(error)}`,
      }
    }
  }
  try {
    return { rule: 'schema', source: 'the inline schema', validate: compileUserSchema(schema) }
  } catch (error) {
    throw policyError(path, `is not a usable JSON Schema: ${describe(error)}`, { cause: error })
  }
}

function vulnerabilitiesRule(
  doc: NonNullable<RulesDoc['vulnerabilities']>,
  path: string,
  now: Date,
): VulnerabilitiesRule {
  const { maxAge, ...rest } = doc
  // An empty denyCves checks nothing, as if it were absent.
  if (doc.maxSeverity === undefined && !doc.denyCves?.length && maxAge === undefined) {
    throw policyError(path, 'needs maxSeverity, denyCves or maxAge (triage only narrows them)')
  }
  if (maxAge === undefined) return { rule: 'vulnerabilities', ...rest }
  // The schema allows only `<number><unit>`.
  const ms = Number(maxAge.slice(0, -1)) * (UNIT_MS[maxAge.slice(-1)] ?? 0)
  const start = now.getTime()
  return {
    rule: 'vulnerabilities',
    ...rest,
    maxAge: { text: maxAge, notBefore: start - ms, notAfter: start + CLOCK_SKEW_MS },
  }
}
