// Reading the policy file and the schema files it names: the only I/O the policy does. Imported
// by inputs.ts only when the `policy` input is given, so yaml and ajv load only then.
import path from 'node:path'
import YAML from 'yaml'
import { InputError, describe } from '../errors.js'
import { LIMITS } from '../limits.js'
import { readLimited, utf8 } from '../util/read-file.js'
import { compilePolicyDocument, type CompiledPolicy } from './compile.js'
import type { Requirement } from './evaluate.js'
import { isObject } from '../util/json-object.js'
import { validatePolicy } from './validate.js'
import { scanJson } from '../verify/json.js'

/** A policy or schema file larger than this is refused before it is parsed. */
const MAX_FILE_BYTES = LIMITS.policyFileBytes
/** YAML aliases expanded at most; a few repeat a list, many are a "billion laughs" bomb. */
const MAX_YAML_ALIASES = LIMITS.policyYamlAliases

export interface LoadOptions {
  /** The `public-key` input is set. */
  keyed: boolean
  /** When the gate started. */
  now: Date
}

/** Reads, parses, validates and compiles the policy file into requirements. */
export function loadPolicy(file: string, options: LoadOptions): Requirement[] {
  return loadPolicyFile(file, options).requirements
}

/** `loadPolicy`, keeping the requirements by image pattern (`images`, `default`). */
export function loadPolicyFile(file: string, options: LoadOptions): CompiledPolicy {
  let text: string
  try {
    text = readText(file)
  } catch (error) {
    throw fileError(`cannot be read: ${describe(error)}`, error)
  }
  const doc = validatePolicy(/\.json$/i.test(file) ? parseJson(text) : parseYaml(text))
  const schemas = new Map<string, ReturnType<typeof readSchema>>()
  return compilePolicyDocument(doc, {
    ...options,
    // Relative to the policy file; each file is read once, so rules that share it share it.
    readSchema: (relative) => {
      const full = path.resolve(path.dirname(file), relative)
      const read = schemas.get(full) ?? readSchema(full)
      schemas.set(full, read)
      return read
    },
  })
}

function readSchema(file: string): { schema: object } | { problem: string } {
  try {
    const schema = uniqueJson(readText(file))
    return isObject(schema) ? { schema } : { problem: `${file} is not a JSON object` }
  } catch (error) {
    return { problem: `${file} cannot be read as JSON: ${describe(error)}` }
  }
}

/** Reads at most MAX_FILE_BYTES of UTF-8 text; larger files are refused, not truncated. */
function readText(file: string): string {
  return utf8(readLimited(file, MAX_FILE_BYTES), file)
}

function parseJson(text: string): unknown {
  try {
    return uniqueJson(text)
  } catch (error) {
    throw fileError(`is not valid JSON: ${describe(error)}`, error)
  }
}

// Security: JSON.parse keeps a repeated key's last value, so a second `ref` could quietly widen
// the first; a file that repeats a key is refused, as its YAML form would be.
function uniqueJson(text: string): unknown {
  scanJson(Buffer.from(text, 'utf8'))
  return JSON.parse(text) as unknown
}

// YAML 1.2 core schema only: no custom or language tags (an unknown tag is an error, not a
// string), no merge keys, no duplicate keys, one document.
function parseYaml(text: string): unknown {
  const doc = YAML.parseDocument(text, {
    version: '1.2',
    schema: 'core',
    customTags: [],
    merge: false,
    // Keys are compared as the strings they become: `true:` and `"true":` are one key in JSON.
    uniqueKeys: (a, b) => keyText(a) === keyText(b),
    strict: true,
  })
  const problem = doc.errors[0] ?? doc.warnings[0]
  if (problem !== undefined) {
    const line = problem.message.split('\n')[0]?.replace(/:$/, '') ?? 'unreadable'
    throw fileError(`is not valid YAML: ${line}`)
  }
  // An alias as a key names a key no repeat check sees (`*r : x` beside `&r ref:`): no policy needs one.
  let aliasKey = false
  YAML.visit(doc, {
    Pair: (_, pair) => {
      aliasKey = YAML.isAlias(pair.key)
      return aliasKey ? YAML.visit.BREAK : undefined
    },
  })
  if (aliasKey) throw fileError('is not valid YAML for a policy: an alias is used as a key')
  try {
    return doc.toJS({ maxAliasCount: MAX_YAML_ALIASES }) as unknown
  } catch (error) {
    throw fileError(`cannot be used: ${describe(error)}`, error)
  }
}

// The string a key becomes in the parsed object, as yaml makes it: null is "", 0x10 is "16".
function keyText(key: unknown): string {
  if (!YAML.isScalar(key)) return String(key)
  return key.value === null ? '' : String(key.value)
}

/** An input error about the policy file as a whole (a field's problem names its path instead). */
function fileError(problem: string, cause?: unknown): InputError {
  return new InputError(`The \`policy\` input names a file that ${problem}.`, { cause })
}
