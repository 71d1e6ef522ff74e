// Where the github source asks: the repository or owner the policy names, else a ghcr.io owner.
import { attestationScopes } from '../../src/sources/github-scope.js'
import type { IdentityPolicy, StringMatcher } from '../../src/verify/index.js'

const API = 'https://api.github.com'
const GHCR = { registry: 'ghcr.io', repository: 'octo/tool' }
const LOCAL = { registry: '127.0.0.1:5000', repository: 'acme/app' }
const ISSUER = { exact: 'https://token.actions.githubusercontent.com' }
const san = (m: StringMatcher): IdentityPolicy => ({ subjectAlternativeName: m, issuer: ISSUER })

test.each<[string, IdentityPolicy[], string | undefined]>([
  [
    'an exact SAN names the repository',
    [san({ exact: 'https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v1' })],
    'repos/acme/app',
  ],
  [
    'the literal head of a SAN pattern names the repository',
    [
      san({
        regexp: '^https://github\\.com/acme/app/\\.github/workflows/release\\.yml@refs/tags/v.*$',
      }),
    ],
    'repos/acme/app',
  ],
  [
    'a pattern open inside the repository name names only the owner',
    [san({ regexp: 'https://github\\.com/acme/app.*' })],
    'orgs/acme',
  ],
  [
    'a quantified last character is not taken as literal',
    [san({ regexp: 'https://github\\.com/acme/apps?/x' })],
    'orgs/acme',
  ],
  [
    'the source repository wins over the workflow repository (reusable workflows)',
    [
      {
        subjectAlternativeName: {
          exact:
            'https://github.com/github/artifact-attestations-workflows/.github/workflows/attest.yml@09b4',
        },
        issuer: ISSUER,
        github: { sourceRepositoryUri: { exact: 'https://github.com/malancas/attest-demo' } },
      },
    ],
    'repos/malancas/attest-demo',
  ],
  [
    'a source-repository pattern is used only when it is all literal',
    [
      {
        subjectAlternativeName: { regexp: '.*' },
        issuer: ISSUER,
        github: { sourceRepositoryUri: { regexp: '^https://github\\.com/acme/app$' } },
      },
    ],
    'repos/acme/app',
  ],
  [
    'an owner URI names the owner',
    [
      {
        subjectAlternativeName: { regexp: '.*' },
        issuer: ISSUER,
        github: { sourceRepositoryOwnerUri: { exact: 'https://github.com/acme' } },
      },
    ],
    'orgs/acme',
  ],
  [
    'a case-insensitive pattern names nobody; the ghcr.io owner is used',
    [san({ regexp: '(?i)https://github\\.com/acme/app/.*' })],
    'orgs/octo',
  ],
  [
    'an e-mail identity names nobody; the ghcr.io owner is used',
    [san({ exact: 'dev@acme.example' })],
    'orgs/octo',
  ],
  ['a key policy names nobody; the ghcr.io owner is used', [{ publicKey: true }], 'orgs/octo'],
  [
    'another host is not github.com',
    [san({ exact: 'https://gitlab.com/acme/app//.gitlab-ci.yml@refs/heads/main' })],
    'orgs/octo',
  ],
  [
    '`..` is never a repository name',
    [san({ exact: 'https://github.com/acme/../x/y' })],
    'orgs/acme',
  ],
  ['a malformed owner is no owner', [san({ exact: 'https://github.com/-bad/app/x' })], 'orgs/octo'],
])('%s', (_name, identities, expected) => {
  expect(attestationScopes(API, identities, GHCR)).toEqual(expected === undefined ? [] : [expected])
})

// Evidence missing can relax a rule (a newer OpenVEX statement), so no identity's place is skipped.
test.each<[string, IdentityPolicy[], string[]]>([
  [
    'two identities naming two repositories: both are asked',
    [
      san({ exact: 'https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v1' }),
      san({ regexp: '^https://github\\.com/acme/security/\\.github/workflows/vex\\.yml@.*' }),
    ],
    ['repos/acme/app', 'repos/acme/security'],
  ],
  [
    'a repository whose owner is asked as a whole is not asked again',
    [
      san({ exact: 'https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v1' }),
      san({ regexp: 'https://github\\.com/acme/.*' }),
    ],
    ['orgs/acme'],
  ],
  [
    'GitHub’s names are read without case, each asked as first written',
    [
      san({ exact: 'https://github.com/Acme/App/.github/workflows/release.yml@refs/tags/v1' }),
      san({ exact: 'https://github.com/acme/app/.github/workflows/vex.yml@refs/tags/v1' }),
      san({ regexp: 'https://github\\.com/ACME/lib/.*' }),
      san({ regexp: 'https://github\\.com/Other/.*' }),
      san({ regexp: 'https://github\\.com/other/tool/.*' }),
    ],
    ['repos/Acme/App', 'repos/ACME/lib', 'orgs/Other'],
  ],
  [
    'an identity naming nobody adds nothing',
    [
      san({ exact: 'dev@acme.example' }),
      san({ exact: 'https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v1' }),
    ],
    ['repos/acme/app'],
  ],
])('%s', (_name, identities, expected) => {
  expect(attestationScopes(API, identities, GHCR)).toEqual(expected)
})

test('with no owner anywhere, there is nobody to ask', () => {
  expect(attestationScopes(API, [san({ exact: 'dev@acme.example' })], LOCAL)).toEqual([])
  expect(attestationScopes(API, [], { registry: 'ghcr.io', repository: '-x/y' })).toEqual([])
})

test('the web host follows the API host (GHE.com, GHES); github.com is always known', () => {
  const sanAt = (host: string) => [
    san({ exact: `https://${host}/acme/app/.github/workflows/x.yml@r` }),
  ]
  expect(attestationScopes('https://api.tenant.ghe.com', sanAt('tenant.ghe.com'), LOCAL)).toEqual([
    'repos/acme/app',
  ])
  expect(attestationScopes('https://ghes.example/api/v3', sanAt('ghes.example'), LOCAL)).toEqual([
    'repos/acme/app',
  ])
  expect(attestationScopes('http://127.0.0.1:8080', sanAt('github.com'), LOCAL)).toEqual([
    'repos/acme/app',
  ])
  expect(attestationScopes('https://api.tenant.ghe.com', sanAt('other.ghe.com'), LOCAL)).toEqual([])
})
