import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js'
import type { PolicyDoc } from './document.js'
import { pointer, policyError } from './policy-error.js'
// A JSON import, so ncc bundles the published schema and validation uses exactly that file.
import policySchema from './schemas/policy.schema.json' with { type: 'json' }

export { policySchema }

let validator: ValidateFunction | undefined

/** Checks a parsed policy against the published schema; the first problem is the error. */
export function validatePolicy(doc: unknown): PolicyDoc {
  // Strict: a keyword the schema misspells is an error, never silently ignored.
  validator ??= new Ajv2020({ strict: true, strictRequired: false, allowUnionTypes: true }).compile(
    policySchema,
  )
  if (validator(doc)) return doc as PolicyDoc
  const [first] = validator.errors ?? []
  if (first === undefined) throw policyError('', 'does not match the policy schema')
  const { path, problem } = describeError(first)
  throw policyError(path, problem)
}

// What a pattern in `$defs` stands for, so the message says it in words.
const PATTERN_MEANINGS: Record<string, string> = {
  name: 'must be a name: a letter, then letters, digits, - or _ (64 at most)',
  repository: 'must be a GitHub repository as owner/repo',
  workflowPath: 'must be a workflow file such as .github/workflows/release.yml',
  calledWorkflow: 'must be a workflow as owner/repo/.github/workflows/<file>.yml',
  glob: 'must be a glob without spaces (255 characters at most)',
  commit: 'must be a commit: 40 lowercase hex characters',
  vulnerabilityId: 'must be a vulnerability ID such as CVE-2024-3094',
  duration: 'must be a duration such as 30m, 12h, 7d or 2w',
  imagePattern:
    'must be an image name pattern such as ghcr.io/acme/* (letters, digits, . _ - / : and *)',
}

function describeError(error: ErrorObject): { path: string; problem: string } {
  const at = error.instancePath
  const params = error.params as Record<string, unknown>
  switch (error.keyword) {
    case 'required':
      return { path: pointer(at, String(params['missingProperty'])), problem: 'is required' }
    case 'additionalProperties':
      return {
        path: pointer(at, String(params['additionalProperty'])),
        problem: 'is not a known field',
      }
    case 'unevaluatedProperties':
      return {
        path: pointer(at, String(params['unevaluatedProperty'])),
        problem: 'is not a known field here',
      }
    case 'false schema':
      return { path: at, problem: 'is set by the preset, so it cannot be given here' }
    case 'enum':
      return {
        path: at,
        problem: `must be one of ${(params['allowedValues'] as unknown[]).join(', ')}`,
      }
    case 'const':
      return { path: at, problem: `must be ${JSON.stringify(params['allowedValue'])}` }
    case 'type':
      return { path: at, problem: `must be ${String(params['type']).split(',').join(' or ')}` }
    case 'pattern': {
      const def = /#\/\$defs\/([^/]+)\/pattern$/.exec(error.schemaPath)?.[1] ?? ''
      const path = error.propertyName === undefined ? at : pointer(at, error.propertyName)
      return { path, problem: PATTERN_MEANINGS[def] ?? error.message ?? 'is not valid' }
    }
    default:
      return { path: at, problem: error.message ?? 'is not valid' }
  }
}
