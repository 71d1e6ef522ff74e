// A policy's `images` and `default`: how they compile, what they refuse, and which apply.
import { applicable, type ImagePolicies } from '../../src/policy/index.js'
import { loadPolicyFile } from '../../src/policy/load.js'
import { NOW, writePolicy } from '../policy/fixtures.js'

const SAN = 'https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v1.0.0'

const load = (text: string) => loadPolicyFile(writePolicy(text), { keyed: false, now: NOW })
const loadError = (text: string): string => {
  try {
    load(text)
  } catch (error) {
    return (error as Error).message
  }
  throw new Error('the policy loaded')
}

const POLICY = `version: 1
identities:
  acme: [{ san: '${SAN}' }]
images:
  - match: ghcr.io/acme/*
    signature: { identities: [acme] }
    attestations: [{ type: slsaprovenance, identities: [acme] }]
  - match: [docker.io/library/*, index.docker.io/bitnami/*]
    signature: { identities: [{ san: { regexp: 'https://github\\.com/docker-library/.*' } }] }
  - match: cgr.dev/chainguard/*
    signature: { identities: [{ san: 'https://github.com/chainguard-images/images/.github/workflows/release.yaml@refs/heads/main' }] }
default:
  signature: { identities: [acme] }
`

describe('compiling `images` and `default`', () => {
  test('each entry keeps its patterns (canonical) and its own requirements', () => {
    const compiled = load(POLICY)
    const images = compiled.images!
    expect(images.entries.map((e) => e.match)).toEqual([
      ['ghcr.io/acme/*'],
      ['docker.io/library/*', 'docker.io/bitnami/*'],
      ['cgr.dev/chainguard/*'],
    ])
    expect(images.entries[0]!.requirements.map((r) => r.name)).toEqual([
      'signature',
      'slsaprovenance',
    ])
    expect(images.entries[1]!.requirements[0]!.identities).toEqual([
      {
        subjectAlternativeName: { regexp: 'https://github\\.com/docker-library/.*' },
        issuer: { exact: 'https://token.actions.githubusercontent.com' },
      },
    ])
    // `requirements` is the default's: what release files and unmatched images get.
    expect(compiled.requirements).toEqual(images.fallback)
    expect(compiled.requirements.map((r) => r.name)).toEqual(['signature'])
  })

  test.each([
    [
      'top-level signature next to images',
      `version: 1\nsignature: { identities: [{ san: x }] }\nimages: [{ match: 'ghcr.io/*', signature: { identities: [{ san: x }] } }]`,
      /at \/signature: cannot be given with `images`/,
    ],
    [
      'default without images',
      `version: 1\nsignature: { identities: [{ san: x }] }\ndefault: { signature: { identities: [{ san: x }] } }`,
      /at \/default: needs `images`/,
    ],
    [
      'a pattern without a registry',
      `version: 1\nimages: [{ match: 'library/alpine', signature: { identities: [{ san: x }] } }]`,
      /at \/images\/0\/match: "library\/alpine" names no registry: .*, e\.g\. docker\.io\/library\/alpine for/,
    ],
    // Each would leave its images to `default` (or to failing) without a word.
    [
      'a Docker Hub pattern of one part',
      `version: 1\nimages: [{ match: 'docker.io/alpine', signature: { identities: [{ san: x }] } }]`,
      /at \/images\/0\/match: "docker\.io\/alpine" matches no image: .*docker\.io\/library\/alpine/,
    ],
    [
      'a pattern with a tag and no repository',
      `version: 1\nimages: [{ match: 'alpine:3.20', signature: { identities: [{ san: x }] } }]`,
      /at \/images\/0\/match: "alpine:3\.20" matches no image/,
    ],
    [
      'a registry alone',
      `version: 1\nimages: [{ match: 'ghcr.io', signature: { identities: [{ san: x }] } }]`,
      /at \/images\/0\/match: "ghcr\.io" matches no image/,
    ],
    [
      'a pattern with a tag',
      `version: 1\nimages: [{ match: ['ghcr.io/a/*', 'ghcr.io/acme/app:v1'], signature: { identities: [{ san: x }] } }]`,
      /at \/images\/0\/match\/1: "ghcr.io\/acme\/app:v1" names a tag/,
    ],
    [
      'a pattern with spaces',
      `version: 1\nimages: [{ match: 'ghcr.io/a b', signature: { identities: [{ san: x }] } }]`,
      /at \/images\/0\/match: must be an image name pattern/,
    ],
    [
      'an entry that requires nothing',
      `version: 1\nimages: [{ match: 'ghcr.io/*' }]`,
      /at \/images\/0\/signature: is required when `attestations` is empty/,
    ],
    [
      'an unknown field in an entry',
      `version: 1\nimages: [{ match: 'ghcr.io/*', signature: { identities: [{ san: x }] }, require: 1 }]`,
      /at \/images\/0\/require: is not a known field/,
    ],
    [
      'an unknown identity set',
      `version: 1\nimages: [{ match: 'ghcr.io/*', signature: { identities: [nobody] } }]`,
      /at \/images\/0\/signature\/identities\/0: names no set/,
    ],
  ])('refuses %s', (_name, text, message) => {
    expect(loadError(text)).toMatch(message)
  })

  test('a registry with a port, and `*` for every registry, are patterns', () => {
    const { images } = load(
      `version: 1\nimages:\n  - { match: ['127.0.0.1:5000/scg/*', '*/acme/*'], signature: { identities: [{ san: x }] } }`,
    )
    expect(images!.entries[0]!.match).toEqual(['127.0.0.1:5000/scg/*', '*/acme/*'])
  })

  test('a pattern’s registry is spelt as image names spell it: :443 and Docker Hub aliases', () => {
    const { images } = load(
      `version: 1\nimages:\n  - { match: ['GHCR.io:443/acme/*', 'registry-1.docker.io:0443/library/*', 'reg.corp:05000/*'], signature: { identities: [{ san: x }] } }`,
    )
    expect(images!.entries[0]!.match).toEqual([
      'ghcr.io/acme/*',
      'docker.io/library/*',
      'reg.corp:5000/*',
    ])
  })
})

describe('which requirements apply', () => {
  const images = (): ImagePolicies => load(POLICY).images!
  const names = (a: ReturnType<typeof applicable>) => a.requirements.map((r) => r.name)

  test('the entry whose pattern matches the canonical name', () => {
    const ghcr = applicable(images(), 'ghcr.io/acme/app')
    expect(names(ghcr)).toEqual(['signature', 'slsaprovenance'])
    expect('matched' in ghcr && ghcr.matched).toEqual(['ghcr.io/acme/*'])
    expect(names(applicable(images(), 'docker.io/library/alpine'))).toEqual(['signature'])
    // `*` crosses `/`, as in every glob of the policy language.
    expect(names(applicable(images(), 'ghcr.io/acme/team/app'))).toEqual([
      'signature',
      'slsaprovenance',
    ])
  })

  test('a name no pattern matches, and a file, take the default', () => {
    const other = applicable(images(), 'quay.io/someone/tool')
    expect(names(other)).toEqual(['signature'])
    expect('matched' in other ? other.matched : undefined).toBeUndefined()
    expect(names(applicable(images(), undefined))).toEqual(['signature'])
  })

  test('without a default they fail with a finding that says why', () => {
    const strict = { entries: images().entries }
    const unmatched = applicable(strict, 'ghcr.io/evil/app')
    expect(unmatched).toMatchObject({
      requirements: [],
      unmatched: { requirement: 'policy', status: 'fail' },
    })
    const file = applicable(strict, undefined)
    expect('unmatched' in file && file.unmatched.expected).toMatch(/`default`/)
  })

  test('a pattern never matches a lookalike (whole-name match)', () => {
    expect('unmatched' in applicable({ entries: images().entries }, 'ghcr.io/acme')).toBe(true)
    expect('unmatched' in applicable({ entries: images().entries }, 'evil.io/ghcr.io/acme/x')).toBe(
      true,
    )
  })
})
