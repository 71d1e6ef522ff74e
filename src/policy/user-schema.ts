// Compiles a policy's JSON Schemas with ajv, when the policy is loaded (compile.ts); evaluating
// a rule only runs the compiled function (rules/schema.ts), so ajv loads only with a policy file.
import { Ajv, type CodeOptions, type Options, type ValidateFunction } from 'ajv'
import { Ajv2020 } from 'ajv/dist/2020.js'
import { RE2JS } from 're2js'

// A schema's `pattern` runs on predicate text: RE2, as every pattern here, so none backtracks
// without end (T74). RE2 syntax: no lookaround, no back-references.
// ajv caches compiled patterns by their string form, so each must print as its own source.
const re2: NonNullable<CodeOptions['regExp']> = Object.assign(
  (pattern: string) => {
    const re = RE2JS.compile(pattern)
    return { test: (text: string) => re.test(text), toString: () => `/${pattern}/` }
  },
  { code: 'RE2JS' },
)

// Strict: a misspelt keyword would otherwise be ignored and let every predicate through.
// `format` stays an annotation (the 2020-12 default); no schema is fetched from the network.
const OPTIONS: Options = {
  code: { regExp: re2 },
  strict: true,
  strictTypes: true,
  strictTuples: false,
  strictRequired: false,
  allowUnionTypes: true,
  validateFormats: false,
}
const DRAFT_07 = /^https?:\/\/json-schema\.org\/draft-07\/schema#?$/
const compiled = new WeakMap<object, ValidateFunction>()

/** Compiles a policy's JSON Schema (2020-12, or draft-07 when it says so); throws when unusable. */
export function compileUserSchema(schema: object): ValidateFunction {
  const cached = compiled.get(schema)
  if (cached !== undefined) return cached
  const declared = (schema as { $schema?: unknown }).$schema
  // A fresh instance per schema, so two schemas with the same `$id` do not collide.
  const ajv =
    typeof declared === 'string' && DRAFT_07.test(declared)
      ? new Ajv(OPTIONS)
      : new Ajv2020(OPTIONS)
  const validate = ajv.compile(schema)
  // Security: an `$async` schema's validator returns a Promise, which is truthy whatever it holds.
  if ((validate as { $async?: unknown }).$async === true) {
    throw new Error('$async schemas are not supported: a rule must decide at once')
  }
  compiled.set(schema, validate)
  return validate
}
