import type { GithubExtensionName } from '../types.js'
import { GITHUB_ACTIONS_ISSUER, type StringMatcher } from '../verify/identity.js'
import type { PresetDoc } from './document.js'
import { escapeRegExp, globToRegExp } from './glob.js'

export { GITHUB_ACTIONS_ISSUER }

const GITHUB = 'https://github.com'
const GITHUB_PATTERN = escapeRegExp(GITHUB)
const SLSA_GENERATOR = 'slsa-framework/slsa-github-generator'

/** What a preset expands to: a SAN pattern, the GitHub Actions issuer and the source repository. */
export interface PresetExpansion {
  subjectAlternativeName: StringMatcher
  issuer: StringMatcher
  github: Partial<Record<GithubExtensionName, StringMatcher>>
}

/**
 * Expands a preset the schema accepted (so repositories and paths already fit GitHub's grammar).
 * Every value is regexp-escaped; only a glob's `*` becomes a wildcard. The SAN of a GitHub
 * Actions certificate is `https://github.com/<job_workflow_ref>`: the workflow that ran the job,
 * which for a reusable workflow is the called one, while the source repository extension always
 * names the repository whose run it was.
 */
export function expandPreset(preset: PresetDoc): PresetExpansion {
  switch (preset.preset) {
    // actions/attest signs with the calling workflow's own certificate: the same identity.
    case 'github-workflow':
    case 'actions-attest': {
      const workflow = preset.workflow ? escapeRegExp(preset.workflow) : '\\.github/workflows/[^@]+'
      return expansion(
        `${escapeRegExp(preset.repository)}/${workflow}@${refPattern(preset.ref)}`,
        preset.repository,
      )
    }
    case 'reusable-workflow':
      return expansion(`${escapeRegExp(preset.workflow)}@${refPattern(preset.ref)}`, preset.caller)
    case 'slsa-github-generator': {
      const file = `.github/workflows/generator_${preset.generator}_slsa3.yml`
      // The generator is only trusted at a release tag, as slsa-verifier requires.
      const tag = refPattern(preset.version ?? 'v*')
      return expansion(
        `${escapeRegExp(`${SLSA_GENERATOR}/${file}`)}@refs/tags/${tag}`,
        preset.sourceRepository,
      )
    }
  }
}

// Any ref, but never none: a SAN always ends in `@<ref>`. Security: never an `@` either. A
// workflow file may be named `release.yml@refs/tags/v1.yml`; run on a branch, its SAN is
// `…/release.yml@refs/tags/v1.yml@refs/heads/x`, which `release\.yml@refs/tags/v.*` would pass.
function refPattern(glob: string | undefined): string {
  return glob === undefined ? '[^@]+' : globToRegExp(glob, '[^@]*')
}

function expansion(path: string, sourceRepository: string): PresetExpansion {
  return {
    subjectAlternativeName: { regexp: `${GITHUB_PATTERN}/${path}` },
    issuer: { exact: GITHUB_ACTIONS_ISSUER },
    github: { sourceRepositoryUri: { exact: `${GITHUB}/${sourceRepository}` } },
  }
}
