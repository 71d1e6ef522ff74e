import { InputError } from '../../src/errors.js'
import {
  GITHUB_ACTIONS_ISSUER,
  acceptsAnyRepository,
  compilePattern,
  describeIdentity,
  identityMismatch,
  matches,
} from '../../src/verify/identity.js'
import type { SignerSummary } from '../../src/types.js'

const ISSUER = 'https://token.actions.githubusercontent.com'
const signer = (
  san: string,
  issuer = ISSUER,
  github: SignerSummary['github'] = {},
): SignerSummary => ({
  subjectAlternativeName: san,
  issuer,
  github,
})
const APP = 'https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v1.0.0'

describe('matches', () => {
  test('exact means byte for byte', () => {
    expect(matches({ exact: APP }, APP)).toBe(true)
    expect(matches({ exact: APP }, `${APP}x`)).toBe(false)
    expect(matches({ exact: APP }, APP.toUpperCase())).toBe(false)
  })

  test('a pattern must match the whole value, not a substring', () => {
    const re = { regexp: 'https://github\\.com/acme/app/.*' }
    expect(matches(re, APP)).toBe(true)
    expect(
      matches(re, 'https://github.com/acme/app-evil/.github/workflows/release.yml@refs/tags/v1'),
    ).toBe(false)
    expect(matches(re, `x${APP}`)).toBe(false)
    expect(matches({ regexp: 'https://github\\.com/acme/app' }, APP)).toBe(false)
  })

  test('alternation is anchored as a whole', () => {
    const re = { regexp: 'https://a\\.example|https://b\\.example' }
    expect(matches(re, 'https://b.example')).toBe(true)
    expect(matches(re, 'https://a.example.evil')).toBe(false)
    expect(matches(re, 'evil-https://b.example')).toBe(false)
  })

  test('an absent value never matches', () => {
    expect(matches({ regexp: '.*' }, undefined)).toBe(false)
  })

  test('an invalid pattern names the input', () => {
    expect(() => compilePattern('(', 'certificate-identity-regexp')).toThrow(InputError)
    expect(() => compilePattern('(', 'certificate-identity-regexp')).toThrow(
      /`certificate-identity-regexp`/,
    )
  })

  test('RE2 has no catastrophic backtracking (a backtracking engine would not finish this)', () => {
    expect(matches({ regexp: '(a+)+$' }, `${'a'.repeat(4000)}!`)).toBe(false)
  })
})

describe('identityMismatch', () => {
  const policy = { subjectAlternativeName: { exact: APP }, issuer: { exact: ISSUER } }

  test('the right identity and issuer match', () => {
    expect(identityMismatch(policy, signer(APP))).toBeUndefined()
  })

  test('a wrong SAN names expected and actual', () => {
    const why = identityMismatch(
      policy,
      signer('https://github.com/acme/app-evil/x.yml@refs/heads/main'),
    )
    expect(why).toContain('app-evil')
    expect(why).toContain(APP)
  })

  test('a wrong issuer names both issuers', () => {
    expect(identityMismatch(policy, signer(APP, 'https://accounts.google.com'))).toMatch(
      /accounts\.google\.com.*token\.actions/,
    )
  })

  test('GitHub extension matchers are applied', () => {
    const withRunner = { ...policy, github: { runnerEnvironment: { exact: 'github-hosted' } } }
    expect(
      identityMismatch(withRunner, signer(APP, ISSUER, { runnerEnvironment: 'github-hosted' })),
    ).toBeUndefined()
    expect(
      identityMismatch(withRunner, signer(APP, ISSUER, { runnerEnvironment: 'self-hosted' })),
    ).toMatch(/self-hosted/)
    expect(identityMismatch(withRunner, signer(APP, ISSUER))).toMatch(/runnerEnvironment/)
  })

  test('key policies accept only key signatures, and certificate policies only certificates', () => {
    expect(identityMismatch({ publicKey: true }, { publicKey: true, github: {} })).toBeUndefined()
    expect(identityMismatch({ publicKey: true }, signer(APP))).toMatch(/certificate/)
    expect(identityMismatch(policy, { publicKey: true, github: {} })).toMatch(/key/)
  })

  test('describeIdentity reads as a sentence', () => {
    expect(describeIdentity(policy)).toBe(`identity "${APP}" from issuer "${ISSUER}"`)
  })
})

describe('acceptsAnyRepository', () => {
  const withSan = (regexp: string) => ({
    subjectAlternativeName: { regexp },
    issuer: { exact: GITHUB_ACTIONS_ISSUER },
  })

  test.each([
    'https://github\\.com/.*',
    'https://github\\.com/[^/]+/app/\\.github/workflows/release\\.yml@refs/tags/v.*',
    '^https://github.com/acme.*/app/.*',
    'https://github\\.com/\\w+/app/.*',
    'https://github\\.com/(acme|.*)/app/.*',
    // The same, spelt otherwise.
    'https:\\/\\/github\\.com\\/[^\\/]+\\/app\\/.*',
    'https?://github\\.com/[^/]+/app/.*',
    'https://github[.]com/[^/]+/app/.*',
    '^(https://github\\.com/[^/]+/app/.*)$',
    '(?i)https://github\\.com/[^/]+/app/.*',
    'https://github\\.com/acme/app/.*|https://github\\.com/[^/]+/app/.*',
    'https://github\\.com/(acme/app|[^/]+/app)/.*',
    '(?:https://github\\.com/[^/]+/app/.*)',
    '^(?:https://github\\.com/[^/]+/app/.*)$',
    '(?i:https://github\\.com/[^/]+/app/.*)',
    '(?i)^https://github\\.com/[^/]+/app/.*',
    '(?i)(?s)https://github\\.com/[^/]+/app/.*',
    '(?i)HTTPS://GITHUB\\.COM/[^/]+/app/.*',
    '\\Ahttps://github\\.com/[^/]+/app/.*',
    'http(s)?://github\\.com/[^/]+/app/.*',
    'https://github\\.com//?[^/]+/app/.*',
    'https://github\\.com/acme/?[^/]*/app/.*',
    '\\Qhttps://github.com/\\E[^/]+/app/.*',
    '.*https://github\\.com/[^/]+/app/.*',
    'https://github\\.com\\x2f[^/]+/app/.*',
    'https://github\\.com[\\/][^/]+/app/.*',
    '\\Q(\\E|https://github\\.com/[^/]+/app/.*',
    'x[[:alpha:](]|https://github\\.com/[^/]+/app/.*',
    'https://github\\.com/a(cme/app|[^/]*/app)/.*',
    '^(https://github\\.com/acme/lib|https://github\\.com/[^/]+/app)/\\.github/workflows/release\\.yml@refs/tags/.*',
    '(?:https://github\\.com/[^/]+/app/.*)@refs/tags/.*',
    'http[s]?://github\\.com/[^/]+/app/.*',
    '^(https|http)://github\\.com/[^/]+/app/.*',
    '.*?https://github\\.com/[^/]+/app/.*',
    '(?i:https://github\\.com/)[^/]+/app/.*',
    // No owner at all: anyone's repository can have these workflows and refs.
    '.*/app/\\.github/workflows/release\\.yml@refs/tags/.*',
    '.*@refs/heads/main',
    'https://github\\.com/acme/app/.*|',
    '^$',
  ])('%s leaves the owner open: refused', (regexp) => {
    expect(acceptsAnyRepository(withSan(regexp))).toBe(true)
  })

  test.each([
    'https://github\\.com/acme/app/\\.github/workflows/release\\.yml@refs/tags/v.*',
    'https://github\\.com/acme/[^/]+/\\.github/workflows/.*',
    '^https://github\\.com/(acme|acme-labs)/app/.*',
    'https://github\\.com/(acme/app|acme/lib)/\\.github/workflows/.*',
    '^(https://github\\.com/acme/app/.*|https://github\\.com/acme/lib/.*)$',
    '(?i)https://github\\.com/acme/app/.*',
    'https://github\\.com/(|acme)/app/.*',
    'https://github\\.com/acme[\\/]app/.*',
    'https://github\\.com/acme\\x2f.*',
    '^https://github\\.com/acme/app/\\.github/workflows/release\\.yml@refs/tags/v\\d+\\.\\d+\\.\\d+$',
  ])('%s names its owner: accepted', (regexp) => {
    expect(acceptsAnyRepository(withSan(regexp))).toBe(false)
  })

  // Patterns whose text the reading cannot follow (a `(?` with no `)` inside \Q…\E or a class),
  // or too many alternatives to read, end within the step budget, and count as open.
  test.each(['\\Qx|(?()\\E', '[[:alpha:]|(?()]', `${'('.repeat(200)}a${')'.repeat(200)}`])(
    '%s is read to an end',
    (regexp) => {
      expect(acceptsAnyRepository(withSan(regexp))).toBe(true)
    },
  )

  test('an open owner is the user’s own under another issuer, or with the repository pinned', () => {
    const open = 'https://github\\.com/[^/]+/app/.*'
    expect(
      acceptsAnyRepository({ ...withSan(open), issuer: { exact: 'https://gitlab.com' } }),
    ).toBe(false)
    const pinned = {
      ...withSan(open),
      github: { sourceRepositoryUri: { exact: 'https://github.com/acme/app' } },
    }
    expect(acceptsAnyRepository(pinned)).toBe(false)
  })
})
