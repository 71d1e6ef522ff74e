// The policy file: the published schema, parsing limits, and an error naming the offending field.
import fs from 'node:fs'
import path from 'node:path'
import { Ajv2020 } from 'ajv/dist/2020.js'
import { InputError } from '../../src/errors.js'
import { loadPolicy } from '../../src/policy/load.js'
import { policySchema } from '../../src/policy/validate.js'
import { compile, loadError, NOW, writePolicy } from './fixtures.js'

const FULL = `
version: 1
identities:
  release:
    - preset: github-workflow
      repository: acme/app
      workflow: .github/workflows/release.yml
      ref: refs/tags/v*
    - san: https://github.com/acme/app/.github/workflows/hotfix.yml@refs/heads/main
      sourceRepositoryIdentifier: "123456"
      runnerEnvironment: github-hosted
  generator:
    - preset: slsa-github-generator
      generator: container
      sourceRepository: acme/app
signature:
  required: true
  identities: [release]
attestations:
  - type: slsaprovenance
    identities: [generator]
    rules:
      slsa:
        builderId: { regexp: "https://github\\\\.com/slsa-framework/.*" }
        sourceRepository: acme/app
        ref: refs/tags/v*
        commit: 0123456789abcdef0123456789abcdef01234567
      schema: { type: object, required: [buildDefinition] }
  - type: cyclonedx
    name: sbom
    required: false
    identities: [release]
    rules: { sbom: { minComponents: 1 } }
  - type: vuln
    identities: [release, { preset: actions-attest, repository: acme/scanner }]
    rules:
      vulnerabilities: { maxSeverity: high, denyCves: [CVE-2024-3094], maxAge: 7d, triage: openvex }
`

describe('a valid policy', () => {
  test('becomes requirements: signature first, then each attestation with its rules', () => {
    const requirements = compile(FULL)
    expect(requirements.map((r) => [r.name, r.kind, r.required, r.identities.length])).toEqual([
      ['signature', 'signature', true, 2],
      ['slsaprovenance', 'attestation', true, 1],
      ['sbom', 'attestation', false, 2],
      ['vuln', 'attestation', true, 3],
    ])
    expect(requirements[1]!.predicateTypes).toEqual([
      'https://slsa.dev/provenance/v0.2',
      'https://slsa.dev/provenance/v1',
    ])
    expect(requirements[0]!.identities[1]).toEqual({
      subjectAlternativeName: {
        exact: 'https://github.com/acme/app/.github/workflows/hotfix.yml@refs/heads/main',
      },
      issuer: { exact: 'https://token.actions.githubusercontent.com' },
      github: {
        sourceRepositoryIdentifier: { exact: '123456' },
        runnerEnvironment: { exact: 'github-hosted' },
      },
    })
    expect(requirements[1]!.rules!.map((r) => r.rule)).toEqual(['slsa', 'schema'])
    expect(requirements[3]!.rules).toEqual([
      {
        rule: 'vulnerabilities',
        maxSeverity: 'high',
        denyCves: ['CVE-2024-3094'],
        triage: 'openvex',
        maxAge: {
          text: '7d',
          notBefore: NOW.getTime() - 7 * 86_400_000,
          notAfter: NOW.getTime() + 5 * 60_000,
        },
      },
    ])
    // A requirement without rules has none, exactly as the flat inputs build it.
    expect(compile('version: 1\nsignature: { identities: [{ san: x }] }')[0]).not.toHaveProperty(
      'rules',
    )
  })

  test('JSON and YAML files mean the same', () => {
    const doc = {
      $schema: 'https://example.com/policy.schema.json',
      version: 1,
      signature: { identities: [{ san: { regexp: 'https://github\\.com/acme/.*' } }] },
    }
    expect(compile(JSON.stringify(doc), { name: 'policy.json' })).toEqual(
      compile(`$schema: https://example.com/policy.schema.json
version: 1
signature:
  identities:
    - san: { regexp: 'https://github\\.com/acme/.*' }
`),
    )
  })

  test('a schema file is read relative to the policy file, and a missing one fails the rule', () => {
    const file = writePolicy(`
version: 1
attestations:
  - type: slsaprovenance
    identities: [{ san: x }]
    rules: { schema: ./provenance.schema.json }
  - type: cyclonedx
    identities: [{ san: x }]
    rules: { schema: ./missing.schema.json }
`)
    const schema = { type: 'object', required: ['buildDefinition'] }
    fs.writeFileSync(
      path.join(path.dirname(file), 'provenance.schema.json'),
      JSON.stringify(schema),
    )
    const [provenance, sbom] = loadPolicy(file, { keyed: false, now: NOW })
    expect(provenance!.rules).toEqual([
      { rule: 'schema', source: './provenance.schema.json', validate: expect.any(Function) },
    ])
    const [rule] = provenance!.rules!
    const validate = rule!.rule === 'schema' ? rule!.validate! : undefined
    expect(validate!({ buildDefinition: {} })).toBe(true)
    expect(validate!({})).toBe(false)
    expect(sbom!.rules).toEqual([
      {
        rule: 'schema',
        source: './missing.schema.json',
        problem: expect.stringContaining('missing.schema.json cannot be read as JSON'),
      },
    ])
  })

  test('publicKey: true stands for the `public-key` input', () => {
    const [signature] = compile('version: 1\nsignature: { identities: [{ publicKey: true }] }', {
      keyed: true,
    })
    expect(signature!.identities).toEqual([{ publicKey: true }])
  })
})

describe('an invalid policy is an input error naming the field', () => {
  const identity = '{ san: x }'
  test.each([
    [
      'a preset that does not exist',
      `version: 1
attestations:
  - type: cyclonedx
    identities: [release, { preset: github-workflw, repository: acme/app }]
identities: { release: [${identity}] }`,
      '/attestations/0/identities/1/preset: must be one of github-workflow, reusable-workflow, slsa-github-generator, actions-attest.',
    ],
    ['another version', 'version: 2', '/version: must be 1.'],
    ['no version', `signature: { identities: [${identity}] }`, '/version: is required.'],
    ['an unknown field', 'version: 1\nsignatures: {}', '/signatures: is not a known field.'],
    ['a prototype key', 'version: 1\n__proto__: { x: 1 }', '/__proto__: is not a known field.'],
    ['not an object', '', '/: must be object.'],
    [
      'a SAN on a preset',
      'version: 1\nsignature: { identities: [{ preset: github-workflow, repository: acme/app, san: x }] }',
      '/signature/identities/0/san: is not a known field here.',
    ],
    [
      'the extension a preset sets',
      'version: 1\nsignature: { identities: [{ preset: actions-attest, repository: acme/app, sourceRepositoryUri: x }] }',
      '/signature/identities/0/sourceRepositoryUri: is set by the preset, so it cannot be given here.',
    ],
    [
      'a preset without its repository',
      'version: 1\nsignature: { identities: [{ preset: github-workflow }] }',
      '/signature/identities/0/repository: is required.',
    ],
    [
      'a repository that is not owner/repo',
      'version: 1\nsignature: { identities: [{ preset: github-workflow, repository: acme }] }',
      '/signature/identities/0/repository: must be a GitHub repository as owner/repo.',
    ],
    [
      'a repository named ..',
      'version: 1\nsignature: { identities: [{ preset: github-workflow, repository: acme/.. }] }',
      '/signature/identities/0/repository: must be a GitHub repository as owner/repo.',
    ],
    [
      'a workflow outside .github/workflows',
      'version: 1\nsignature: { identities: [{ preset: github-workflow, repository: acme/app, workflow: release.yml }] }',
      '/signature/identities/0/workflow: must be a workflow file such as .github/workflows/release.yml.',
    ],
    [
      'a called workflow without its repository',
      'version: 1\nsignature: { identities: [{ preset: reusable-workflow, workflow: .github/workflows/x.yml, caller: acme/app }] }',
      '/signature/identities/0/workflow: must be a workflow as owner/repo/.github/workflows/<file>.yml.',
    ],
    [
      'a generator that does not exist',
      'version: 1\nsignature: { identities: [{ preset: slsa-github-generator, generator: go, sourceRepository: acme/app }] }',
      '/signature/identities/0/generator: must be one of container, generic.',
    ],
    [
      'a set that is not defined',
      `version: 1\nidentities: { release: [${identity}] }\nattestations: [{ type: spdx, identities: [relase] }]`,
      '/attestations/0/identities/0: names no set under `identities` (defined: release).',
    ],
    [
      'a set name with a space',
      `version: 1\nidentities: { "bad name": [${identity}] }`,
      '/identities/bad name: must be a name: a letter, then letters, digits, - or _ (64 at most).',
    ],
    [
      'an empty set',
      'version: 1\nidentities: { release: [] }',
      '/identities/release: must NOT have fewer than 1 items.',
    ],
    [
      'a type that is neither alias nor URI',
      `version: 1\nattestations: [{ type: slsa, identities: [${identity}] }]`,
      '/attestations/0/type: must be an alias (slsaprovenance, slsaprovenance02, slsaprovenance1, cyclonedx, spdx, spdxjson, vuln, openvex) or a predicate type URI.',
    ],
    [
      'a regexp RE2 cannot compile',
      'version: 1\nsignature: { identities: [{ san: { regexp: "https://(?=x)" } }] }',
      '/signature/identities/0/san/regexp: is not a valid RE2 regular expression.',
    ],
    [
      'a matcher with an extra key',
      'version: 1\nsignature: { identities: [{ san: { regexp: x, flags: i } }] }',
      '/signature/identities/0/san/flags: is not a known field.',
    ],
    [
      'a matcher that is a number',
      'version: 1\nsignature: { identities: [{ san: 5 }] }',
      '/signature/identities/0/san: must be string or object.',
    ],
    [
      'an unknown extension',
      'version: 1\nsignature: { identities: [{ san: x, workflowRef: y }] }',
      '/signature/identities/0/workflowRef: is not a known field here.',
    ],
    [
      'rules that check nothing',
      `version: 1\nattestations: [{ type: spdx, identities: [${identity}], rules: {} }]`,
      '/attestations/0/rules: must NOT have fewer than 1 properties.',
    ],
    [
      'an inline schema that allows anything',
      `version: 1\nattestations: [{ type: spdx, identities: [${identity}], rules: { schema: {} } }]`,
      '/attestations/0/rules/schema: must NOT have fewer than 1 properties.',
    ],
    [
      'nothing to verify',
      'version: 1\nattestations: []',
      '/signature: is required when `attestations` is empty.',
    ],
    [
      'only an optional signature',
      `version: 1\nsignature: { required: false, identities: [${identity}] }`,
      '/signature: requires nothing: every requirement has `required: false`, so an image with no evidence at all would pass; make one required.',
    ],
    [
      'only optional attestations',
      `version: 1\nattestations: [{ type: slsaprovenance, required: false, identities: [${identity}] }, { type: spdx, required: false, identities: [${identity}] }]`,
      '/attestations: requires nothing: every requirement has `required: false`, so an image with no evidence at all would pass; make one required.',
    ],
    [
      'an images entry asking nothing',
      `version: 1\nimages: [{ match: "ghcr.io/acme/*", signature: { identities: [${identity}] } }, { match: "ghcr.io/other/*", attestations: [{ type: spdx, required: false, identities: [${identity}] }] }]`,
      '/images/1/attestations: requires nothing: every requirement has `required: false`, so an image with no evidence at all would pass; make one required.',
    ],
    [
      'a vulnerabilities rule with only triage',
      `version: 1\nattestations: [{ type: vuln, identities: [${identity}], rules: { vulnerabilities: { triage: openvex } } }]`,
      '/attestations/0/rules/vulnerabilities: needs maxSeverity, denyCves or maxAge (triage only narrows them).',
    ],
    [
      'a vulnerabilities rule whose denyCves is empty',
      `version: 1\nattestations: [{ type: vuln, identities: [${identity}], rules: { vulnerabilities: { denyCves: [] } } }]`,
      '/attestations/0/rules/vulnerabilities: needs maxSeverity, denyCves or maxAge (triage only narrows them).',
    ],
    [
      'a type named like a property of every object',
      `version: 1\nattestations: [{ type: constructor, identities: [${identity}] }]`,
      '/attestations/0/type: must be an alias (slsaprovenance, slsaprovenance02, slsaprovenance1, cyclonedx, spdx, spdxjson, vuln, openvex) or a predicate type URI.',
    ],
    [
      'a maxAge in words',
      `version: 1\nattestations: [{ type: vuln, identities: [${identity}], rules: { vulnerabilities: { maxAge: 7 days } } }]`,
      '/attestations/0/rules/vulnerabilities/maxAge: must be a duration such as 30m, 12h, 7d or 2w.',
    ],
    [
      'an unknown severity',
      `version: 1\nattestations: [{ type: vuln, identities: [${identity}], rules: { vulnerabilities: { maxSeverity: severe } } }]`,
      '/attestations/0/rules/vulnerabilities/maxSeverity: must be one of none, low, medium, high, critical.',
    ],
    [
      'a denied ID that is not one',
      `version: 1\nattestations: [{ type: vuln, identities: [${identity}], rules: { vulnerabilities: { denyCves: [xz backdoor] } } }]`,
      '/attestations/0/rules/vulnerabilities/denyCves/0: must be a vulnerability ID such as CVE-2024-3094.',
    ],
    [
      'a short commit',
      `version: 1\nattestations: [{ type: slsaprovenance, identities: [${identity}], rules: { slsa: { commit: abc123 } } }]`,
      '/attestations/0/rules/slsa/commit: must be a commit: 40 lowercase hex characters.',
    ],
    [
      'an unknown rule',
      `version: 1\nattestations: [{ type: slsaprovenance, identities: [${identity}], rules: { rego: x } }]`,
      '/attestations/0/rules/rego: is not a known field.',
    ],
    [
      'an inline schema with a misspelt keyword',
      `version: 1\nattestations: [{ type: slsaprovenance, identities: [${identity}], rules: { schema: { type: object, requried: [x] } } }]`,
      '/attestations/0/rules/schema: is not a usable JSON Schema: strict mode: unknown keyword: "requried".',
    ],
    [
      'an inline schema of an unknown type',
      `version: 1\nattestations: [{ type: slsaprovenance, identities: [${identity}], rules: { schema: { type: strnig } } }]`,
      '/attestations/0/rules/schema: is not a usable JSON Schema',
    ],
    [
      'a key identity without the `public-key` input',
      'version: 1\nsignature: { identities: [{ publicKey: true }] }',
      '/signature/identities/0/publicKey: needs the `public-key` input.',
    ],
  ])('%s', (_name, text, message) => {
    const got = loadError(text)
    expect(got).toContain(`The \`policy\` input is invalid at ${message}`)
  })

  test('an invalid policy is an InputError, so the gate exits 2', () => {
    expect(() => compile('version: 2')).toThrow(InputError)
  })

  test('a certificate identity while `public-key` is set is a conflict', () => {
    let error: unknown
    try {
      compile('version: 1\nsignature: { identities: [{ san: x }] }', { keyed: true })
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(InputError)
    expect((error as InputError).code).toBe('INPUT_CONFLICT')
    expect((error as Error).message).toBe(
      'The `policy` input is invalid at /signature/identities/0: is a certificate identity, but `public-key` is set: write `publicKey: true`.',
    )
  })
})

describe('reading the file safely', () => {
  test.each([
    ['a duplicate key', 'version: 1\nversion: 1\n', 'not valid YAML: Map keys must be unique'],
    ['a language tag', 'version: !!js/function "return 1"\n', 'not valid YAML: Unresolved tag'],
    ['a custom tag', 'version: !include other.yaml\n', 'not valid YAML: Unresolved tag'],
    ['two documents', 'version: 1\n---\nversion: 1\n', 'not valid YAML: Source contains multiple'],
    [
      'an alias bomb',
      `a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nversion: 1\n`,
      'cannot be used: Excessive alias count',
    ],
  ])('%s is refused', (_name, text, message) => {
    expect(loadError(text)).toContain(message)
  })

  // Read as JSON a repeated key keeps its last value: a second `ref` would widen the first.
  test.each([
    ['true and "true"', 'true: [{ san: a }]\n"true": [{ san: b }]'],
    ['null and ""', 'null: [{ san: a }]\n"": [{ san: b }]'],
    ['~ and ""', '~: [{ san: a }]\n"": [{ san: b }]'],
    ['1.0 and "1"', '1.0: [{ san: a }]\n"1": [{ san: b }]'],
    ['0x10 and "16"', '0x10: [{ san: a }]\n"16": [{ san: b }]'],
  ])('YAML keys that become one JSON key (%s) are refused', (_name, identities) => {
    const text = `version: 1\nidentities:\n${identities.replace(/^/gm, '  ')}\nsignature: {}\n`
    expect(loadError(text)).toContain('not valid YAML: Map keys must be unique')
  })

  test('an alias used as a key is refused: it would repeat a key unseen', () => {
    const text =
      'version: 1\nidentities:\n  r: [{ preset: github-workflow, repository: acme/app, &k ref: "refs/tags/v*", *k : "*" }]\nsignature: { identities: [r] }\n'
    expect(loadError(text)).toBe(
      'The `policy` input names a file that is not valid YAML for a policy: an alias is used as a key.',
    )
  })

  test('a JSON policy that repeats a key is refused, at any depth', () => {
    const preset =
      '{ "preset": "github-workflow", "repository": "acme/app", "ref": "refs/tags/v*", "ref": "*" }'
    const text = `{ "version": 1, "identities": { "release": [${preset}] }, "signature": {} }`
    expect(loadError(text, { name: 'policy.json' })).toBe(
      'The `policy` input names a file that is not valid JSON: the key "ref" repeats.',
    )
  })

  test('a file over 1 MiB is refused before parsing', () => {
    expect(loadError(`version: 1\n#${'x'.repeat(1024 * 1024)}\n`)).toMatch(
      /cannot be read: .* is larger than 1 MiB\.$/,
    )
  })

  test('a missing file, a directory and text that is not UTF-8 are refused', () => {
    expect(() => loadPolicy('/nonexistent/policy.yaml', { keyed: false, now: NOW })).toThrow(
      /^The `policy` input names a file that cannot be read: ENOENT/,
    )
    expect(() => loadPolicy(path.dirname(writePolicy('')), { keyed: false, now: NOW })).toThrow(
      /is not a regular file/,
    )
    const latin1 = writePolicy('')
    fs.writeFileSync(latin1, Buffer.from([0x76, 0x3a, 0x20, 0xe9, 0x0a]))
    expect(() => loadPolicy(latin1, { keyed: false, now: NOW })).toThrow(/cannot be read/)
  })

  test('a .json file must be JSON', () => {
    expect(loadError('version: 1', { name: 'policy.json' })).toMatch(
      /^The `policy` input names a file that is not valid JSON: /,
    )
  })
})

describe('the published schema', () => {
  test('is a valid draft 2020-12 schema that accepts the documented example', () => {
    const ajv = new Ajv2020({ strict: true, strictRequired: false, allowUnionTypes: true })
    const validate = ajv.compile(policySchema)
    expect(validate({ version: 1, signature: { identities: [{ san: 'x' }] } })).toBe(true)
  })

  test('describes every field, so editors can complete and explain it', () => {
    const defs = policySchema.$defs as Record<string, { description?: string }>
    const undescribed: string[] = []
    const visit = (node: unknown, at: string): void => {
      if (typeof node !== 'object' || node === null) return
      const properties = (node as { properties?: Record<string, unknown> }).properties ?? {}
      for (const [name, value] of Object.entries(properties)) {
        const v = value as { description?: string; $ref?: string } | boolean
        if (typeof v === 'boolean') continue
        const target = v.$ref?.startsWith('#/$defs/') ? defs[v.$ref.slice(8)] : undefined
        if (v.description === undefined && target?.description === undefined)
          undescribed.push(`${at}/${name}`)
      }
      // `if` subschemas only choose which definition applies; they describe no field.
      for (const [key, value] of Object.entries(node))
        if (key !== 'if') visit(value, `${at}/${key}`)
    }
    visit(policySchema, '#')
    expect(undescribed).toEqual([])
  })
})

describe('the policies in docs/policy.md and README.md', () => {
  const policies = ['docs/policy.md', 'README.md'].flatMap((file) => {
    const text = fs.readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8')
    return [...text.matchAll(/```yaml\n(version: 1\n[\s\S]*?)```/g)].map((m) => [file, m[1]!])
  })

  test.each(policies)('an example in %s loads', (_file, policy) => {
    expect(compile(policy!).length).toBeGreaterThan(0)
  })

  test('are all found', () => {
    expect(policies.length).toBeGreaterThanOrEqual(6)
  })
})
