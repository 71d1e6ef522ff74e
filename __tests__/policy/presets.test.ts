// Presets: exactly what each expands to, and the look-alikes each refuses.
import { globToRegExp } from '../../src/policy/glob.js'
import type { SignerSummary } from '../../src/types.js'
import { identityMismatch, matches } from '../../src/verify/identity.js'
import { compile, githubSigner, ISSUER } from './fixtures.js'

/** The identity one inline entry of a policy becomes. */
function expand(entry: string) {
  return compile(`version: 1\nsignature: { identities: [${entry}] }`)[0]!.identities[0]!
}

const source = (repo: string) => ({ sourceRepositoryUri: { exact: `https://github.com/${repo}` } })

describe('each preset expands to a SAN pattern, the GitHub issuer and the source repository', () => {
  test.each([
    [
      '{ preset: github-workflow, repository: acme/app }',
      'https://github\\.com/acme/app/\\.github/workflows/[^@]+@[^@]+',
      'acme/app',
    ],
    [
      '{ preset: github-workflow, repository: acme/my.app, workflow: .github/workflows/release.yml, ref: "refs/tags/v*" }',
      'https://github\\.com/acme/my\\.app/\\.github/workflows/release\\.yml@refs/tags/v[^@]*',
      'acme/my.app',
    ],
    [
      '{ preset: actions-attest, repository: acme/app, workflow: .github/workflows/release.yml }',
      'https://github\\.com/acme/app/\\.github/workflows/release\\.yml@[^@]+',
      'acme/app',
    ],
    [
      '{ preset: reusable-workflow, workflow: acme/shared/.github/workflows/build.yml, ref: "refs/tags/v2.*", caller: acme/app }',
      'https://github\\.com/acme/shared/\\.github/workflows/build\\.yml@refs/tags/v2\\.[^@]*',
      'acme/app',
    ],
    [
      '{ preset: slsa-github-generator, generator: container, sourceRepository: acme/app }',
      'https://github\\.com/slsa-framework/slsa-github-generator/\\.github/workflows/generator_container_slsa3\\.yml@refs/tags/v[^@]*',
      'acme/app',
    ],
    [
      '{ preset: slsa-github-generator, generator: generic, sourceRepository: acme/app, version: "v2.*" }',
      'https://github\\.com/slsa-framework/slsa-github-generator/\\.github/workflows/generator_generic_slsa3\\.yml@refs/tags/v2\\.[^@]*',
      'acme/app',
    ],
  ])('%s', (entry, san, repository) => {
    expect(expand(entry)).toEqual({
      subjectAlternativeName: { regexp: san },
      issuer: { exact: ISSUER },
      github: source(repository),
    })
  })

  test('actions-attest is github-workflow: actions/attest signs as the calling workflow', () => {
    expect(expand('{ preset: actions-attest, repository: acme/app, ref: "refs/tags/*" }')).toEqual(
      expand('{ preset: github-workflow, repository: acme/app, ref: "refs/tags/*" }'),
    )
  })

  test('extension matchers add to the expansion', () => {
    expect(
      expand(
        '{ preset: github-workflow, repository: acme/app, runnerEnvironment: github-hosted, sourceRepositoryIdentifier: "42", sourceRepositoryOwnerIdentifier: { regexp: "4[0-9]" } }',
      ),
    ).toEqual({
      subjectAlternativeName: expect.anything(),
      issuer: { exact: ISSUER },
      github: {
        ...source('acme/app'),
        runnerEnvironment: { exact: 'github-hosted' },
        sourceRepositoryIdentifier: { exact: '42' },
        sourceRepositoryOwnerIdentifier: { regexp: '4[0-9]' },
      },
    })
  })
})

describe('an identity that any GitHub repository meets is refused', () => {
  test.each([
    "{ san: { regexp: 'https://github\\.com/.+' } }",
    "{ san: { regexp: 'https://github\\.com/[^/]+/[^/]+/\\.github/workflows/.*' }, issuer: { regexp: 'https://token\\.actions\\..*' } }",
    "{ san: { regexp: 'https://github\\.com/.+' }, sourceRepositoryUri: { regexp: 'https://github\\.com/.*' } }",
  ])('%s', (entry) => {
    expect(() => expand(entry)).toThrow(/matches the workflows of every GitHub repository/)
  })

  test.each([
    "{ san: { regexp: 'https://github\\.com/.+' }, sourceRepositoryUri: https://github.com/acme/app }",
    "{ san: { regexp: 'https://github\\.com/.+' }, sourceRepositoryOwnerUri: https://github.com/acme }",
    "{ san: { regexp: 'https://github\\.com/acme/.+' } }",
    "{ san: { regexp: 'https://gitlab\\.com/.+' }, issuer: https://gitlab.com }",
  ])('pinned to a repository or owner, or another issuer: %s', (entry) => {
    expect(() => expand(entry)).not.toThrow()
  })
})

describe('presets refuse look-alikes', () => {
  const release =
    '{ preset: github-workflow, repository: acme/app, workflow: .github/workflows/release.yml, ref: "refs/tags/v*", runnerEnvironment: github-hosted }'
  const generator =
    '{ preset: slsa-github-generator, generator: container, sourceRepository: acme/app }'
  const reusable =
    '{ preset: reusable-workflow, workflow: acme/shared/.github/workflows/build.yml, ref: "refs/tags/v2.*", caller: acme/app }'
  const generatorRun = (over: Parameters<typeof githubSigner>[0] = {}) =>
    githubSigner({
      repo: 'slsa-framework/slsa-github-generator',
      workflow: '.github/workflows/generator_container_slsa3.yml',
      ref: 'refs/tags/v2.1.0',
      sourceRepo: 'acme/app',
      ...over,
    })
  const sharedRun = (over: Parameters<typeof githubSigner>[0] = {}) =>
    githubSigner({
      repo: 'acme/shared',
      workflow: '.github/workflows/build.yml',
      ref: 'refs/tags/v2.1.0',
      sourceRepo: 'acme/app',
      ...over,
    })
  const otherIssuer: SignerSummary = { ...githubSigner(), issuer: 'https://gitlab.com' }

  test.each<[string, string, SignerSummary, RegExp | undefined]>([
    ['github-workflow accepts the release workflow at a tag', release, githubSigner(), undefined],
    [
      'github-workflow: a repository whose name only starts the same',
      release,
      githubSigner({ repo: 'acme/app-evil' }),
      /identity .*acme\/app-evil/,
    ],
    [
      'github-workflow: the same workflow in another repository',
      release,
      githubSigner({ repo: 'evil/app' }),
      /identity/,
    ],
    [
      'github-workflow: another workflow of the repository',
      release,
      githubSigner({ workflow: '.github/workflows/ci.yml' }),
      /identity/,
    ],
    [
      'github-workflow: a branch, not a tag',
      release,
      githubSigner({ ref: 'refs/heads/main' }),
      /identity/,
    ],
    [
      'github-workflow: a tag the glob does not match',
      release,
      githubSigner({ ref: 'refs/tags/x1.0.0' }),
      /identity/,
    ],
    // A workflow file may contain `@`: its SAN then reads like the pinned file at a pinned tag.
    [
      'github-workflow: a file named release.yml@refs/tags/v9.yml, run on a branch',
      release,
      githubSigner({
        workflow: '.github/workflows/release.yml@refs/tags/v9.yml',
        ref: 'refs/heads/evil',
      }),
      /identity/,
    ],
    [
      'github-workflow (any ref): a file named release.yml@x.yml',
      '{ preset: github-workflow, repository: acme/app, workflow: .github/workflows/release.yml }',
      githubSigner({ workflow: '.github/workflows/release.yml@x.yml', ref: 'refs/heads/main' }),
      /identity/,
    ],
    [
      'actions-attest (any workflow, tags): a file named x@refs/tags/v1.yml, run on a branch',
      '{ preset: actions-attest, repository: acme/app, ref: "refs/tags/v*" }',
      githubSigner({ workflow: '.github/workflows/x@refs/tags/v1.yml', ref: 'refs/heads/feature' }),
      /identity/,
    ],
    [
      'github-workflow: a self-hosted runner',
      release,
      githubSigner({ runnerEnvironment: 'self-hosted' }),
      /runnerEnvironment "self-hosted" is not "github-hosted"/,
    ],
    [
      'github-workflow: the workflow called from another repository',
      release,
      githubSigner({ sourceRepo: 'evil/app' }),
      /sourceRepositoryUri "https:\/\/github.com\/evil\/app"/,
    ],
    ['github-workflow: another issuer', release, otherIssuer, /issuer "https:\/\/gitlab.com"/],
    [
      'slsa-github-generator accepts the generator called from the repository',
      generator,
      generatorRun(),
      undefined,
    ],
    [
      'slsa-github-generator: called from another repository',
      generator,
      generatorRun({ sourceRepo: 'evil/app' }),
      /sourceRepositoryUri/,
    ],
    [
      'slsa-github-generator: the generic generator',
      generator,
      generatorRun({ workflow: '.github/workflows/generator_generic_slsa3.yml' }),
      /identity/,
    ],
    [
      'slsa-github-generator: a fork of the generator',
      generator,
      generatorRun({ repo: 'evil/slsa-github-generator' }),
      /identity/,
    ],
    [
      'slsa-github-generator: a branch of the generator',
      generator,
      generatorRun({ ref: 'refs/heads/main' }),
      /identity/,
    ],
    [
      'slsa-github-generator: a tag without v',
      generator,
      generatorRun({ ref: 'refs/tags/2.1.0' }),
      /identity/,
    ],
    [
      'reusable-workflow accepts the called workflow from the caller',
      reusable,
      sharedRun(),
      undefined,
    ],
    [
      'reusable-workflow: a file named build.yml@refs/tags/v2.1.yml, run on a branch',
      reusable,
      sharedRun({
        workflow: '.github/workflows/build.yml@refs/tags/v2.1.yml',
        ref: 'refs/heads/evil',
      }),
      /identity/,
    ],
    [
      'reusable-workflow: called from another repository',
      reusable,
      sharedRun({ sourceRepo: 'evil/app' }),
      /sourceRepositoryUri/,
    ],
    [
      'reusable-workflow: a fork of the called workflow',
      reusable,
      sharedRun({ repo: 'evil/shared' }),
      /identity/,
    ],
    [
      'reusable-workflow: another major version',
      reusable,
      sharedRun({ ref: 'refs/tags/v3.0.0' }),
      /identity/,
    ],
    ['reusable-workflow: the caller signing itself', reusable, githubSigner(), /identity/],
  ])('%s', (_name, entry, signer, mismatch) => {
    const reason = identityMismatch(expand(entry), signer)
    if (mismatch === undefined) expect(reason).toBeUndefined()
    else expect(reason).toMatch(mismatch)
  })

  test('a dot in a repository name is literal', () => {
    const identity = expand('{ preset: github-workflow, repository: acme/my.app }')
    expect(identityMismatch(identity, githubSigner({ repo: 'acme/my.app' }))).toBeUndefined()
    expect(
      identityMismatch(identity, githubSigner({ repo: 'acme/myxapp', sourceRepo: 'acme/my.app' })),
    ).toMatch(/identity/)
  })
})

describe('globs', () => {
  test.each([
    ['refs/tags/v*', 'refs/tags/v1.2.3', true],
    ['refs/tags/v*', 'refs/tags/v', true],
    ['refs/tags/v*', 'refs/tags/release/v1', false],
    ['refs/heads/*', 'refs/heads/feature/x', true],
    ['v2.*', 'v2.1.0', true],
    ['v2.*', 'v2x1', false],
    ['v1.?', 'v1.?', true],
    ['v1.?', 'v1.0', false],
    ['[abc]', 'a', false],
    ['a+b', 'aab', false],
    ['(x)', '(x)', true],
    ['refs/tags/v*', 'xrefs/tags/v1', false],
  ])('%s matches %s: %s', (glob, value, expected) => {
    expect(matches({ regexp: globToRegExp(glob) }, value)).toBe(expected)
  })
})
