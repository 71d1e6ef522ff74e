// The schema rule: a JSON Schema (inline or a file next to the policy) applied to the predicate.
import fs from 'node:fs'
import path from 'node:path'
import { evaluate } from '../../src/policy/index.js'
import { loadPolicy } from '../../src/policy/load.js'
import { checkSchema } from '../../src/policy/rules/schema.js'
import type { SchemaRule } from '../../src/policy/rules/types.js'
import { attestation, judge, loadError, NOW, writePolicy } from './fixtures.js'

const PROVENANCE = {
  buildDefinition: { buildType: 'https://actions.github.io/buildtypes/workflow/v1' },
}

/** Evaluates a policy whose schema rule names `file`, written next to it with `content`. */
function withSchemaFile(content: string | undefined, predicate: unknown = PROVENANCE) {
  const policy = writePolicy(`version: 1
attestations:
  - type: slsaprovenance1
    identities: [{ preset: github-workflow, repository: acme/app }]
    rules: { schema: schemas/provenance.json }
`)
  if (content !== undefined) {
    fs.mkdirSync(path.join(path.dirname(policy), 'schemas'))
    fs.writeFileSync(path.join(path.dirname(policy), 'schemas', 'provenance.json'), content)
  }
  const requirements = loadPolicy(policy, { keyed: false, now: NOW })
  return evaluate(requirements, [attestation({ predicate })])[0]!
}

describe('schema', () => {
  test('an inline schema passes a matching predicate and fails another, naming where', () => {
    const rules =
      '{ schema: { type: object, required: [buildDefinition], properties: { buildDefinition: { type: object, required: [buildType] } } } }'
    expect(judge(rules, PROVENANCE).status).toBe('pass')
    const finding = judge(rules, { buildDefinition: {} })
    expect(finding.status).toBe('fail')
    expect(finding.actual).toContain(
      "rule schema: the predicate does not match the inline schema at /buildDefinition: must have required property 'buildType'",
    )
  })

  test('a schema file next to the policy is applied', () => {
    const schema = JSON.stringify({ type: 'object', required: ['buildDefinition'] })
    expect(withSchemaFile(schema).status).toBe('pass')
    expect(withSchemaFile(schema, { other: 1 }).actual).toContain(
      "rule schema: the predicate does not match schemas/provenance.json at /: must have required property 'buildDefinition'",
    )
  })

  test('a draft-07 schema is read as draft-07', () => {
    const schema = {
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
      definitions: { kind: { const: 'x' } },
      properties: { kind: { $ref: '#/definitions/kind' } },
    }
    expect(withSchemaFile(JSON.stringify(schema), { kind: 'x' }).status).toBe('pass')
    expect(withSchemaFile(JSON.stringify(schema), { kind: 'y' }).status).toBe('fail')
  })

  test('a keyword for objects needs type: object, or a null or string predicate would pass', () => {
    expect(
      loadError(
        'version: 1\nattestations: [{ type: spdx, identities: [{ san: x }], rules: { schema: { required: [buildDefinition] } } }]',
      ),
    ).toMatch(/missing type "object" for keyword "required"/)
    const rules = '{ schema: { type: object, required: [buildDefinition] } }'
    for (const predicate of [null, [], 'x', 0]) expect(judge(rules, predicate).status).toBe('fail')
    expect(judge(rules, { buildDefinition: {} }).status).toBe('pass')
  })

  test('patterns are RE2: searched, linear, and lookaround is refused', () => {
    const rules =
      '{ schema: { type: object, properties: { id: { type: string, pattern: "^https://github\\\\.com/" } } } }'
    expect(judge(rules, { id: 'https://github.com/acme/app' }).status).toBe('pass')
    expect(judge(rules, { id: 'https://github.company.example/' }).status).toBe('fail')
    expect(
      judge('{ schema: { type: object, properties: { id: { type: string, pattern: "b+" } } } }', {
        id: 'abbc',
      }).status,
    ).toBe('pass')
    const evil = `(a+)+$`
    expect(
      judge(
        `{ schema: { type: object, properties: { id: { type: string, pattern: "${evil}" } } } }`,
        {
          id: `${'a'.repeat(50)}!`,
        },
      ).status,
    ).toBe('fail')
    expect(
      loadError(
        'version: 1\nattestations: [{ type: spdx, identities: [{ san: x }], rules: { schema: { type: object, properties: { id: { type: string, pattern: "(?=x)" } } } } }]',
      ),
    ).toContain('/attestations/0/rules/schema: is not a usable JSON Schema')
  })

  test('an $async schema is refused: its validator answers with a Promise, which is truthy', () => {
    expect(
      loadError(
        'version: 1\nattestations: [{ type: spdx, identities: [{ san: x }], rules: { schema: { $async: true, type: object, required: [passed] } } }]',
      ),
    ).toContain(
      '/attestations/0/rules/schema: is not a usable JSON Schema: $async schemas are not supported',
    )
    const finding = withSchemaFile('{"$async": true, "type": "object", "required": ["passed"]}', {})
    expect(finding.status).toBe('fail')
    expect(finding.actual).toContain('$async schemas are not supported')
  })

  test('a validator that answers anything but true fails the rule', () => {
    const validate = Object.assign(() => Promise.resolve(true), { errors: null })
    const rule = { rule: 'schema' as const, source: 'the inline schema', validate } as unknown
    expect(checkSchema(rule as SchemaRule, {})).toEqual([
      'rule schema: the predicate does not match the inline schema',
    ])
  })

  test('format is an annotation, not a check', () => {
    const rules =
      '{ schema: { type: object, properties: { when: { type: string, format: date-time } } } }'
    expect(judge(rules, { when: 'not a date' }).status).toBe('pass')
  })

  test.each([
    ['missing', undefined, 'schemas/provenance.json: '],
    ['not JSON', 'type: object', 'cannot be read as JSON'],
    ['not an object', '[1, 2]', 'is not a JSON object'],
    [
      'with a misspelt keyword',
      '{"type": "object", "requried": ["x"]}',
      'not a usable JSON Schema: strict mode: unknown keyword: "requried"',
    ],
    [
      'repeating a key',
      '{"type": "object", "required": ["x"], "required": []}',
      'the key "required" repeats',
    ],
    [
      'with a remote reference',
      '{"$ref": "https://example.com/schema.json"}',
      'not a usable JSON Schema',
    ],
  ])('a schema file that is %s fails the rule with the reason', (_name, content, reason) => {
    const finding = withSchemaFile(content)
    expect(finding.status).toBe('fail')
    expect(finding.actual).toContain('rule schema: cannot be evaluated: schemas/provenance.json: ')
    expect(finding.actual).toContain(reason)
  })
})
