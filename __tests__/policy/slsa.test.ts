// The slsa rule on provenance v0.2 (slsa-github-generator) and v1 (actions/attest).
import { judge } from './fixtures.js'

const COMMIT = '0123456789abcdef0123456789abcdef01234567'
const OTHER = 'fedcba9876543210fedcba9876543210fedcba98'
const GENERATOR =
  'https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_container_slsa3.yml@refs/tags/v2.1.0'
const RELEASE = 'https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v1.0.0'

function v02({ uri = 'git+https://github.com/acme/app@refs/tags/v1.0.0', sha1 = COMMIT } = {}) {
  return {
    builder: { id: GENERATOR },
    buildType: 'https://github.com/slsa-framework/slsa-github-generator/container@v1',
    invocation: {
      configSource: { uri, digest: { sha1 }, entryPoint: '.github/workflows/release.yml' },
    },
    materials: [{ uri, digest: { sha1 } }],
  }
}

function v1({
  repository = 'https://github.com/acme/app',
  ref = 'refs/tags/v1.0.0',
  dependencies = [{ uri: `git+${repository}@${ref}`, digest: { gitCommit: COMMIT } }] as unknown[],
} = {}) {
  return {
    buildDefinition: {
      buildType: 'https://actions.github.io/buildtypes/workflow/v1',
      externalParameters: { workflow: { ref, repository, path: '.github/workflows/release.yml' } },
      internalParameters: { github: { event_name: 'push', runner_environment: 'github-hosted' } },
      resolvedDependencies: dependencies,
    },
    runDetails: { builder: { id: RELEASE }, metadata: {} },
  }
}

const ALL = `{ slsa: { builderId: { regexp: "https://github\\\\.com/(slsa-framework/slsa-github-generator|acme/app)/.*" }, sourceRepository: acme/app, ref: "refs/tags/v*", commit: ${COMMIT} } }`

describe('slsa', () => {
  test.each([
    ['v0.2', v02()],
    ['v1', v1()],
  ])('%s provenance from the right builder, repository, ref and commit passes', (_v, p) => {
    const finding = judge(ALL, p)
    expect(finding.status).toBe('pass')
    expect(finding.actual).toContain('which passes slsa')
    expect(finding.expected).toContain('whose predicate passes slsa (builderId matching')
  })

  test.each([
    [
      'v0.2 builder id',
      `{ slsa: { builderId: "${RELEASE}" } }`,
      v02(),
      `rule slsa.builderId: expected "${RELEASE}", found "${GENERATOR}" in builder.id`,
    ],
    [
      'v1 builder id',
      `{ slsa: { builderId: "${GENERATOR}" } }`,
      v1(),
      `rule slsa.builderId: expected "${GENERATOR}", found "${RELEASE}" in runDetails.builder.id`,
    ],
    [
      'v0.2 source repository',
      '{ slsa: { sourceRepository: acme/app } }',
      v02({ uri: 'git+https://github.com/acme/app-evil@refs/tags/v1.0.0' }),
      'rule slsa.sourceRepository: expected "acme/app", found "git+https://github.com/acme/app-evil@refs/tags/v1.0.0" in invocation.configSource.uri',
    ],
    [
      'v1 source repository',
      '{ slsa: { sourceRepository: acme/app } }',
      v1({ repository: 'https://github.com/evil/app' }),
      'rule slsa.sourceRepository: expected "acme/app", found "https://github.com/evil/app" in buildDefinition.externalParameters.workflow.repository',
    ],
    [
      'v0.2 ref',
      '{ slsa: { ref: "refs/tags/v*" } }',
      v02({ uri: 'git+https://github.com/acme/app@refs/heads/main' }),
      'rule slsa.ref: expected refs/tags/v*, found "refs/heads/main" in invocation.configSource.uri',
    ],
    [
      'v1 ref',
      '{ slsa: { ref: "refs/tags/v*" } }',
      v1({ ref: 'refs/heads/main' }),
      'rule slsa.ref: expected refs/tags/v*, found "refs/heads/main" in buildDefinition.externalParameters.workflow.ref',
    ],
    [
      'v0.2 commit',
      `{ slsa: { commit: ${COMMIT} } }`,
      v02({ sha1: OTHER }),
      `rule slsa.commit: expected ${COMMIT}, found "${OTHER}" in invocation.configSource.digest.sha1`,
    ],
    [
      'v1 commit',
      `{ slsa: { commit: ${COMMIT} } }`,
      v1({
        dependencies: [
          { uri: 'git+https://github.com/acme/app@refs/tags/v1.0.0', digest: { gitCommit: OTHER } },
        ],
      }),
      `rule slsa.commit: expected ${COMMIT}, found "${OTHER}"`,
    ],
  ])('%s that differs fails, naming the value seen', (_name, rules, predicate, message) => {
    const finding = judge(rules, predicate)
    expect(finding.status).toBe('fail')
    expect(finding.actual).toContain(message)
  })

  test('v1 takes the commit of the source repository, not of another dependency', () => {
    const predicate = v1({
      dependencies: [
        { uri: 'git+https://github.com/acme/tools@refs/heads/main', digest: { gitCommit: COMMIT } },
        { uri: 'git+https://github.com/acme/app@refs/tags/v1.0.0', digest: { gitCommit: OTHER } },
      ],
    })
    expect(judge(`{ slsa: { commit: ${COMMIT} } }`, predicate).status).toBe('fail')
    expect(judge(`{ slsa: { commit: ${OTHER} } }`, predicate).status).toBe('pass')
  })

  test('v1 whose named source is off GitHub takes that repository’s commit, never another dependency’s', () => {
    const predicate = v1({
      repository: 'https://gitlab.com/acme/app',
      dependencies: [
        { uri: 'git+https://gitlab.com/acme/tools@refs/heads/main', digest: { gitCommit: COMMIT } },
        {
          uri: 'git+https://gitlab.com/acme/app.git@refs/tags/v1.0.0',
          digest: { gitCommit: OTHER },
        },
      ],
    })
    expect(judge(`{ slsa: { commit: ${COMMIT} } }`, predicate).status).toBe('fail')
    expect(judge(`{ slsa: { commit: ${OTHER} } }`, predicate).status).toBe('pass')
  })

  test('v1 from a builder off GitHub (no workflow named) takes the first git dependency’s commit', () => {
    const predicate = {
      buildDefinition: {
        buildType: 'https://gitlab.com/gitlab-org/gitlab-runner/-/blob/v17.0.0/PROVENANCE.md',
        externalParameters: { source: 'https://gitlab.com/acme/app', entryPoint: 'build' },
        resolvedDependencies: [
          { uri: 'git+https://gitlab.com/acme/app@refs/heads/main', digest: { gitCommit: COMMIT } },
        ],
      },
      runDetails: { builder: { id: 'https://gitlab.com/acme/app/-/runners/1' }, metadata: {} },
    }
    expect(judge(`{ slsa: { commit: ${COMMIT} } }`, predicate).status).toBe('pass')
    expect(judge(`{ slsa: { commit: ${OTHER} } }`, predicate).status).toBe('fail')
  })

  test('v1 without a GitHub workflow reads the first git dependency', () => {
    const predicate = {
      buildDefinition: {
        buildType: 'https://example.com/build/v1',
        externalParameters: {},
        resolvedDependencies: [
          { uri: 'https://example.com/tool.tar.gz', digest: { sha256: 'ab' } },
          { uri: 'git+https://github.com/acme/app.git@refs/tags/v1.0.0', digest: { sha1: COMMIT } },
        ],
      },
      runDetails: { builder: { id: 'https://example.com/builder' } },
    }
    const rules = `{ slsa: { sourceRepository: acme/app, ref: "refs/tags/v1.*", commit: ${COMMIT} } }`
    expect(judge(rules, predicate).status).toBe('pass')
  })

  test.each([
    [
      'a field that is missing',
      `{ slsa: { commit: ${COMMIT} } }`,
      v1({ dependencies: [] }),
      'rule slsa.commit: cannot be evaluated: the provenance has no buildDefinition.resolvedDependencies',
    ],
    [
      'a predicate that is not provenance',
      '{ slsa: { sourceRepository: acme/app } }',
      { bomFormat: 'CycloneDX' },
      'rule slsa: cannot be evaluated: the predicate is neither SLSA provenance v0.2 (builder, invocation) nor v1 (buildDefinition)',
    ],
    [
      'no predicate at all',
      '{ slsa: { sourceRepository: acme/app } }',
      undefined,
      'rule slsa: cannot be evaluated: the statement has no predicate',
    ],
    [
      'a source that is not on GitHub',
      '{ slsa: { sourceRepository: acme/app } }',
      v02({ uri: 'git+https://gitlab.com/acme/app@refs/tags/v1.0.0' }),
      'rule slsa.sourceRepository: expected "acme/app", found "git+https://gitlab.com/acme/app@refs/tags/v1.0.0"',
    ],
  ])('%s fails, never passes by default', (_name, rules, predicate, message) => {
    const finding = judge(rules, predicate)
    expect(finding.status).toBe('fail')
    expect(finding.actual).toContain(message)
  })
})
