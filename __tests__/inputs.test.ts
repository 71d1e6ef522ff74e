import fs from 'node:fs'
import YAML from 'yaml'
import { INPUT_FLAGS } from '../src/cli.js'
import { InputError } from '../src/errors.js'
import { GITHUB_ACTIONS_ISSUER, parseInputs } from '../src/inputs.js'

const SAN = 'https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v1'
const get = (values: Record<string, string>) => (name: string) => values[name] ?? ''
const base = { image: 'ghcr.io/acme/app:v1', 'certificate-identity': SAN }

describe('parseInputs', () => {
  test('defaults: GitHub issuer, signature required, enforce, summary on', async () => {
    const inputs = await parseInputs(get(base))
    expect(inputs.images.map((i) => i.ref)).toEqual([
      { registry: 'ghcr.io', repository: 'acme/app', tag: 'v1' },
    ])
    expect(inputs.requirements).toEqual([
      {
        name: 'signature',
        kind: 'signature',
        predicateTypes: [],
        required: true,
        identities: [
          { subjectAlternativeName: { exact: SAN }, issuer: { exact: GITHUB_ACTIONS_ISSUER } },
        ],
      },
    ])
    expect(inputs).toMatchObject({
      mode: 'enforce',
      summary: true,
      maxBlobBytes: 32 * 1024 * 1024,
      timeoutMs: 180_000,
    })
  })

  test('attestations replace the signature requirement under auto, and aliases expand', async () => {
    const inputs = await parseInputs(
      get({
        ...base,
        attestations:
          'slsaprovenance1, cyclonedx # SBOM\nhttps://example.com/custom/v1\n# none\nhttps://example.com/pred#v2',
      }),
    )
    // A fragment is part of the type; a comment starts a value or follows a blank.
    expect(inputs.requirements.map((r) => [r.kind, r.predicateTypes])).toEqual([
      ['attestation', ['https://slsa.dev/provenance/v1']],
      ['attestation', ['https://cyclonedx.org/bom']],
      ['attestation', ['https://example.com/custom/v1']],
      ['attestation', ['https://example.com/pred#v2']],
    ])
    const both = await parseInputs(
      get({ ...base, attestations: 'spdx', 'require-signature': 'true' }),
    )
    expect(both.requirements.map((r) => r.kind)).toEqual(['signature', 'attestation'])
  })

  test('sources default to all and can be narrowed', async () => {
    expect([...(await parseInputs(get(base))).sources]).toEqual([
      'referrers',
      'cosign-tags',
      'github',
      'buildkit',
    ])
    expect([
      ...(await parseInputs(get({ ...base, sources: 'cosign-tags, referrers' }))).sources,
    ]).toEqual(['cosign-tags', 'referrers'])
  })

  test('signature-repository names a repository, with Docker Hub defaults, never a tag or digest', async () => {
    expect((await parseInputs(get(base))).signatureRepository).toBeUndefined()
    const read = async (value: string) =>
      (await parseInputs(get({ ...base, 'signature-repository': value }))).signatureRepository
    expect(await read('ghcr.io/acme/signatures')).toEqual({
      registry: 'ghcr.io',
      repository: 'acme/signatures',
    })
    expect(await read('localhost:5000/sigs')).toEqual({
      registry: 'localhost:5000',
      repository: 'sigs',
    })
    expect(await read('acme/sigs')).toEqual({ registry: 'docker.io', repository: 'acme/sigs' })
    for (const value of [
      'ghcr.io/acme/signatures:v1',
      `ghcr.io/acme/signatures@sha256:${'a'.repeat(64)}`,
      'localhost:5000',
    ]) {
      await expect(read(value)).rejects.toThrow(
        'The `signature-repository` input names a repository (e.g. ghcr.io/acme/signatures), not a tag or digest.',
      )
    }
    await expect(read('user:secret@ghcr.io/acme/sigs')).rejects.toThrow(InputError)
    await expect(read('ghcr.io/Acme/Sigs')).rejects.toThrow(/signature-repository/)
  })

  test('several images, one per line', async () => {
    const inputs = await parseInputs(
      get({ ...base, image: 'a/b:1,#e/f:3, g/h:4\n\nc/d:2 # comment, with a comma' }),
    )
    expect(inputs.images.map((i) => i.text)).toEqual(['a/b:1', 'c/d:2'])
  })

  test('regexp inputs become anchored matchers', async () => {
    const inputs = await parseInputs(
      get({
        image: 'a/b',
        'certificate-identity-regexp': 'https://github\\.com/acme/.*',
        'certificate-oidc-issuer-regexp': 'https://.*',
      }),
    )
    expect(inputs.requirements[0]!.identities).toEqual([
      {
        subjectAlternativeName: { regexp: 'https://github\\.com/acme/.*' },
        issuer: { regexp: 'https://.*' },
      },
    ])
  })

  test('a public key replaces the certificate identity', async () => {
    const inputs = await parseInputs(get({ image: 'a/b', 'public-key': 'cosign.pub' }))
    expect(inputs.requirements[0]!.identities).toEqual([{ publicKey: true }])
    expect(inputs.publicKeyPath).toBe('cosign.pub')
  })

  test.each([
    ['no image', { 'certificate-identity': SAN }, /`image` input is required/],
    ['a malformed image', { ...base, image: 'UPPER/case' }, /`image` input/],
    [
      'identity and regexp together',
      { ...base, 'certificate-identity-regexp': '.*' },
      /`certificate-identity` or `certificate-identity-regexp`, not both/,
    ],
    [
      'issuer and issuer regexp together',
      { ...base, 'certificate-oidc-issuer': 'a', 'certificate-oidc-issuer-regexp': 'b' },
      /not both/,
    ],
    ['no identity and no key', { image: 'a/b' }, /signer identity is required/],
    [
      'a key and an identity',
      { ...base, 'public-key': 'k.pub' },
      /either `public-key` or a certificate identity/,
    ],
    [
      'an invalid regexp',
      { image: 'a/b', 'certificate-identity-regexp': '(' },
      /`certificate-identity-regexp` input is not a valid regular expression/,
    ],
    ['an unknown alias', { ...base, attestations: 'slsa' }, /`attestations` input names "slsa"/],
    ['nothing to verify', { ...base, 'require-signature': 'false' }, /Nothing to verify/],
    ['a bad mode', { ...base, mode: 'warn' }, /`mode` input must be one of enforce, audit/],
    [
      'a non-loopback insecure registry',
      { ...base, 'insecure-registries': 'registry.example.com:5000' },
      /loopback/,
    ],
    ['a blob cap over the ceiling', { ...base, 'max-blob-size': '512MiB' }, /`max-blob-size`/],
    ['a zero timeout', { ...base, timeout: '0' }, /`timeout`/],
    ['an unknown source', { ...base, sources: 'referrers,oras' }, /`sources` input names "oras"/],
  ])('rejects %s with one sentence naming the input', async (_name, values, message) => {
    await expect(parseInputs(get(values as Record<string, string>))).rejects.toThrow(InputError)
    await expect(parseInputs(get(values as Record<string, string>))).rejects.toThrow(message)
  })
})

test('every action.yml input but image is a flag of the CLI, and every flag an input', () => {
  const action = YAML.parse(fs.readFileSync(new URL('../action.yml', import.meta.url), 'utf8')) as {
    inputs: Record<string, unknown>
  }
  // Images are the CLI's arguments (`verify IMAGE...`), not a flag.
  const named = Object.keys(action.inputs).filter((name) => name !== 'image')
  expect(named.sort()).toEqual([...INPUT_FLAGS].sort())
})
