// Shared by the policy tests: policy files on disk, evidence as the verifier leaves it.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { evaluate, type Requirement } from '../../src/policy/index.js'
import { loadPolicy } from '../../src/policy/load.js'
import type { CheckedEvidence, SignerSummary } from '../../src/types.js'

export const ISSUER = 'https://token.actions.githubusercontent.com'
export const NOW = new Date('2026-06-01T12:00:00Z')

/** Writes `text` as a policy file (in its own directory) and returns the path. */
export function writePolicy(text: string, name = 'policy.yaml'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scg-policy-'))
  const file = path.join(dir, name)
  fs.writeFileSync(file, text)
  return file
}

/** Loads policy text as the `policy` input would. */
export function compile(
  text: string,
  options: { keyed?: boolean; name?: string } = {},
): Requirement[] {
  return loadPolicy(writePolicy(text, options.name), { keyed: options.keyed ?? false, now: NOW })
}

/** The message of the error loading `text` throws (the test fails when it loads). */
export function loadError(text: string, options: { keyed?: boolean; name?: string } = {}): string {
  try {
    compile(text, options)
  } catch (error) {
    return (error as Error).message
  }
  throw new Error('the policy loaded')
}

/** The signer of a GitHub Actions run, as certificate.ts summarises it. */
export function githubSigner(
  options: {
    repo?: string
    workflow?: string
    ref?: string
    sourceRepo?: string
    runnerEnvironment?: string
  } = {},
): SignerSummary {
  const repo = options.repo ?? 'acme/app'
  const san = `https://github.com/${repo}/${options.workflow ?? '.github/workflows/release.yml'}@${options.ref ?? 'refs/tags/v1.0.0'}`
  const source = options.sourceRepo ?? repo
  return {
    subjectAlternativeName: san,
    issuer: ISSUER,
    github: {
      buildSignerUri: san,
      sourceRepositoryUri: `https://github.com/${source}`,
      sourceRepositoryOwnerUri: `https://github.com/${source.split('/')[0]}`,
      runnerEnvironment: options.runnerEnvironment ?? 'github-hosted',
    },
  }
}

/** A verified attestation bound to the digest; override any field. */
export function attestation(over: Partial<CheckedEvidence> = {}): CheckedEvidence {
  return {
    source: 'referrers',
    location: 'referrer sha256:1',
    kind: 'attestation',
    signed: true,
    verified: true,
    tlog: [],
    predicateType: 'https://slsa.dev/provenance/v1',
    signer: githubSigner(),
    predicate: {},
    ...over,
  }
}

/** Judges one attestation (signed by acme/app's release workflow) against `rules` of `type`. */
export function judge(
  rules: string,
  predicate: unknown,
  options: { type?: string; evidence?: CheckedEvidence[]; over?: Partial<CheckedEvidence> } = {},
) {
  const [requirement] = compile(`version: 1
attestations:
  - type: ${options.type ?? 'slsaprovenance'}
    identities: [{ preset: github-workflow, repository: acme/app }]
    rules: ${rules}
`)
  const piece = attestation({
    predicate,
    predicateType: requirement!.predicateTypes[0],
    ...options.over,
  })
  return evaluate([requirement!], [piece, ...(options.evidence ?? [])])[0]!
}
