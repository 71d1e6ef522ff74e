import { describeMatcher, matches } from '../../verify/identity.js'
import { globToRegExp } from '../glob.js'
import { at, quote, stringAt } from './read.js'
import { isObject } from '../../util/json-object.js'
import type { SlsaRule } from './types.js'

/** A value read from the provenance, with the field it came from (for the message). */
interface Field {
  value: string | undefined
  field: string
}

interface Provenance {
  builderId: Field
  source: Field
  ref: Field
  commit: Field
}

/** Checks SLSA provenance v0.2 or v1 (told apart by shape); returns what failed. */
export function checkSlsa(rule: SlsaRule, predicate: unknown): string[] {
  const provenance = readProvenance(predicate)
  if (typeof provenance === 'string') return [`rule slsa: cannot be evaluated: ${provenance}`]
  const failures: string[] = []
  const check = (name: string, field: Field, ok: (v: string) => boolean, wanted: string): void => {
    if (field.value === undefined) {
      failures.push(`rule slsa.${name}: cannot be evaluated: the provenance has no ${field.field}`)
    } else if (!ok(field.value)) {
      failures.push(
        `rule slsa.${name}: expected ${wanted}, found ${quote(field.value)} in ${field.field}`,
      )
    }
  }
  const { builderId, sourceRepository, ref, commit } = rule
  if (builderId !== undefined) {
    check(
      'builderId',
      provenance.builderId,
      (v) => matches(builderId, v),
      describeMatcher(builderId),
    )
  }
  if (sourceRepository !== undefined) {
    const wanted = `https://github.com/${sourceRepository}`
    check(
      'sourceRepository',
      provenance.source,
      (v) => gitRepository(v) === wanted,
      `"${sourceRepository}"`,
    )
  }
  if (ref !== undefined) {
    check('ref', provenance.ref, (v) => matches({ regexp: globToRegExp(ref) }, v), ref)
  }
  if (commit !== undefined) {
    check('commit', provenance.commit, (v) => v.toLowerCase() === commit, commit)
  }
  return failures
}

function readProvenance(predicate: unknown): Provenance | string {
  if (isObject(at(predicate, 'buildDefinition'))) return readV1(predicate)
  if (isObject(at(predicate, 'builder')) || isObject(at(predicate, 'invocation'))) {
    return readV02(predicate)
  }
  return 'the predicate is neither SLSA provenance v0.2 (builder, invocation) nor v1 (buildDefinition)'
}

// v0.2: the source is invocation.configSource (`git+https://github.com/o/r@ref`, digest.sha1).
function readV02(p: unknown): Provenance {
  const uri = stringAt(p, 'invocation', 'configSource', 'uri')
  return {
    builderId: { value: stringAt(p, 'builder', 'id'), field: 'builder.id' },
    source: { value: uri, field: 'invocation.configSource.uri' },
    ref: {
      value: uri === undefined ? undefined : refOf(uri),
      field: 'invocation.configSource.uri',
    },
    commit: {
      value: stringAt(p, 'invocation', 'configSource', 'digest', 'sha1'),
      field: 'invocation.configSource.digest.sha1',
    },
  }
}

// v1: GitHub build types name the workflow's repository and ref in externalParameters.workflow;
// other build types only in resolvedDependencies, whose first git entry is then the source.
function readV1(p: unknown): Provenance {
  const builderId = {
    value: stringAt(p, 'runDetails', 'builder', 'id'),
    field: 'runDetails.builder.id',
  }
  const workflow = at(p, 'buildDefinition', 'externalParameters', 'workflow')
  const dependencies = at(p, 'buildDefinition', 'resolvedDependencies')
  const gitDependencies = (Array.isArray(dependencies) ? dependencies : []).filter(
    (d) => stringAt(d, 'uri')?.startsWith('git+') === true,
  )
  const named = stringAt(workflow, 'repository')
  const first = stringAt(gitDependencies[0], 'uri')
  const source: Field =
    named !== undefined
      ? { value: named, field: 'buildDefinition.externalParameters.workflow.repository' }
      : { value: first, field: 'buildDefinition.resolvedDependencies[0].uri' }
  const ref: Field =
    named !== undefined
      ? {
          value: stringAt(workflow, 'ref'),
          field: 'buildDefinition.externalParameters.workflow.ref',
        }
      : { value: first === undefined ? undefined : refOf(first), field: source.field }
  // The commit is the source repository's: without a named workflow the first git dependency is
  // the source; with one, the dependency of that same repository (any host; `git+`, `.git` and
  // `@ref` set aside), never another's.
  const repository = named === undefined ? undefined : repositoryKey(named)
  const dependency =
    named === undefined
      ? gitDependencies[0]
      : gitDependencies.find((d) => repositoryKey(stringAt(d, 'uri') ?? '') === repository)
  const commit = {
    value: stringAt(dependency, 'digest', 'gitCommit') ?? stringAt(dependency, 'digest', 'sha1'),
    field: 'buildDefinition.resolvedDependencies[…].digest.gitCommit',
  }
  return { builderId, source, ref, commit }
}

// A repository URI without what may differ between two mentions of it.
function repositoryKey(uri: string): string {
  return uri
    .replace(/^git\+/, '')
    .replace(/@.*$/, '')
    .replace(/\.git$/, '')
    .replace(/\/$/, '')
}

/** `https://github.com/o/r` from `git+https://github.com/o/r.git@ref` and the like; else undefined. */
function gitRepository(uri: string): string | undefined {
  const m = /^(?:git\+)?(https:\/\/github\.com\/[^/@]+\/[^/@]+?)(?:\.git)?(?:@.*)?$/.exec(uri)
  return m?.[1]
}

function refOf(uri: string): string | undefined {
  const i = uri.indexOf('@')
  return i < 0 ? undefined : uri.slice(i + 1)
}
