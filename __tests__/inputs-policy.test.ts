// The `policy` input: a file instead of the flat identity and requirement inputs, never both.
import { InputError } from '../src/errors.js'
import { parseInputs } from '../src/inputs.js'
import { writePolicy } from './policy/fixtures.js'

const POLICY = `version: 1
identities:
  release: [{ preset: github-workflow, repository: acme/app }]
attestations:
  - type: slsaprovenance
    identities: [release]
`
const get = (values: Record<string, string>) => (name: string) =>
  ({ image: 'ghcr.io/acme/app:v1', ...values })[name] ?? ''

describe('the policy input', () => {
  test('replaces the flat requirements; the other inputs still apply', async () => {
    const inputs = await parseInputs(get({ policy: writePolicy(POLICY), mode: 'audit' }))
    expect(inputs.requirements.map((r) => [r.name, r.kind])).toEqual([
      ['slsaprovenance', 'attestation'],
    ])
    expect(inputs.mode).toBe('audit')
  })

  test.each([
    'certificate-identity',
    'certificate-identity-regexp',
    'certificate-oidc-issuer',
    'certificate-oidc-issuer-regexp',
    'attestations',
    'require-signature',
  ])('refuses `%s` beside it, as a conflict', async (name) => {
    let error: unknown
    try {
      await parseInputs(get({ policy: writePolicy(POLICY), [name]: 'true' }))
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(InputError)
    expect((error as InputError).code).toBe('INPUT_CONFLICT')
    expect((error as Error).message).toBe(
      `The \`${name}\` input cannot be combined with \`policy\`: say it in the policy file instead.`,
    )
  })

  test('accepts require-signature: auto, the default action.yml passes', async () => {
    const inputs = await parseInputs(
      get({ policy: writePolicy(POLICY), 'require-signature': 'auto' }),
    )
    expect(inputs.requirements).toHaveLength(1)
  })

  test('works with public-key when the policy names the key', async () => {
    const policy = writePolicy('version: 1\nsignature: { identities: [{ publicKey: true }] }')
    const inputs = await parseInputs(get({ policy, 'public-key': 'cosign.pub' }))
    expect(inputs.requirements[0]!.identities).toEqual([{ publicKey: true }])
    await expect(
      parseInputs(get({ policy: writePolicy(POLICY), 'public-key': 'cosign.pub' })),
    ).rejects.toThrow(
      /^The `policy` input is invalid at \/identities\/release\/0: is a certificate identity, but `public-key` is set/,
    )
  })

  test('a policy that cannot be read is an input error (exit 2)', async () => {
    await expect(parseInputs(get({ policy: '/nonexistent/policy.yml' }))).rejects.toThrow(
      InputError,
    )
  })
})

describe('`on`: where a requirement is judged under `platforms`', () => {
  const placed = (platforms: string | undefined, signatureOn: string, provenanceOn?: string) =>
    writePolicy(
      [
        'version: 1',
        ...(platforms === undefined ? [] : [`platforms: ${platforms}`]),
        'identities:',
        '  release: [{ preset: github-workflow, repository: acme/app }]',
        'signature:',
        `  on: ${signatureOn}`,
        '  identities: [release]',
        'attestations:',
        '  - type: slsaprovenance',
        ...(provenanceOn === undefined ? [] : [`    on: ${provenanceOn}`]),
        '    identities: [release]',
      ].join('\n'),
    )

  test('is kept on the requirement it is given for, and only there', async () => {
    const inputs = await parseInputs(get({ policy: placed('all', 'platforms', 'index') }))
    expect(inputs.requirements.map((r) => [r.name, r.on])).toEqual([
      ['signature', 'platforms'],
      ['slsaprovenance', 'index'],
    ])
    const unplaced = await parseInputs(get({ policy: writePolicy(POLICY) }))
    expect(unplaced.requirements[0]).not.toHaveProperty('on')
  })

  test('platforms or both needs platforms (from the policy or the input)', async () => {
    await expect(parseInputs(get({ policy: placed(undefined, 'both') }))).rejects.toThrow(
      'The `policy` input places `signature` on platform manifests (`on: both`), but only the index is checked: set `platforms` to all or a list of platforms.',
    )
    await expect(parseInputs(get({ policy: placed('index', 'platforms') }))).rejects.toThrow(
      /only the index is checked/,
    )
    const viaInput = await parseInputs(get({ policy: placed(undefined, 'both'), platforms: 'all' }))
    expect(viaInput.platforms).toBe('all')
  })

  test('under platforms, something must be asked of the platforms', async () => {
    await expect(
      parseInputs(get({ policy: placed('[linux/amd64]', 'index', 'index') })),
    ).rejects.toThrow(/places every requirement on the index/)
    // Without platforms, `on: index` says what is checked anyway.
    const indexOnly = await parseInputs(get({ policy: placed(undefined, 'index', 'index') }))
    expect(indexOnly.platforms).toBe('index')
  })

  test('anything else is refused by the schema', async () => {
    await expect(parseInputs(get({ policy: placed('all', 'everywhere') }))).rejects.toThrow(
      'The `policy` input is invalid at /signature/on: must be one of index, platforms, both.',
    )
  })
})
