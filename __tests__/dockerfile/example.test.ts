// examples/dockerfile-pr-check as files: the workflow runs only when a Dockerfile changes, gates
// every Dockerfile with the example policy, read-only, actions pinned; the policy compiles and
// chooses each publisher's identity by pattern, failing images it does not list.
import fs from 'node:fs'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'
import { expandPaths } from '../../src/files/paths.js'
import { applicable } from '../../src/policy/index.js'
import { loadPolicyFile } from '../../src/policy/load.js'

const DIR = fileURLToPath(new URL('../../examples/dockerfile-pr-check/', import.meta.url))

interface Step {
  uses?: string
  with?: Record<string, string>
}
const workflow = parse(fs.readFileSync(`${DIR}workflow.yml`, 'utf8')) as {
  on: { pull_request: { paths: string[] } }
  permissions: Record<string, string>
  jobs: Record<string, { permissions: Record<string, string>; steps: Step[] }>
}

test('runs on pull requests that change a Dockerfile, and only then', () => {
  const paths = workflow.on.pull_request.paths
  expect(paths).toEqual(
    expect.arrayContaining(['**/Dockerfile', '**/Dockerfile.*', '**/*.Dockerfile']),
  )
  expect(Object.keys(workflow.on)).toEqual(['pull_request'])
})

test('gates the Dockerfiles with the policy, read-only, third-party actions pinned by commit', () => {
  const steps = Object.values(workflow.jobs).flatMap((j) => j.steps)
  const gate = steps.filter((s) => s.uses === 'supply-chain-gate/supply-chain-gate@v0')
  expect(gate).toHaveLength(1)
  expect(gate[0]!.with!['dockerfile']).toContain('**/Dockerfile')
  expect(gate[0]!.with!['policy']).toBe('.github/supply-chain-gate/base-images.yml')
  expect(String(gate[0]!.with!['require-digest-pinning'])).toBe('true')
  const others = steps.flatMap((s) => (s.uses && s !== gate[0] ? [s.uses] : []))
  expect(others.every((u) => /^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/.test(u))).toBe(true)
  const perms = [workflow.permissions, ...Object.values(workflow.jobs).map((j) => j.permissions)]
  expect(perms.every((p) => Object.values(p).every((v) => v === 'read'))).toBe(true)
})

test('globs that together match no Dockerfile are an input error', () => {
  // Globs that match nothing together are an input error (an empty set is never a pass).
  expect(() => expandPaths(['no-such-dir/**/Dockerfile'], 'dockerfile')).toThrow(/matches no file/)
})

test('the policy compiles: each publisher by pattern, nothing for anything else', () => {
  const policy = loadPolicyFile(`${DIR}policy.yml`, { keyed: false, now: new Date() })
  const images = policy.images!
  const names = (name: string) => applicable(images, name).requirements.map((r) => r.name)
  expect(names('ghcr.io/acme/node')).toEqual(['signature', 'slsaprovenance'])
  expect(names('cgr.dev/chainguard/static')).toEqual(['signature'])
  expect(names('gcr.io/distroless/static-debian12')).toEqual(['signature'])
  expect(applicable(images, 'docker.io/library/alpine')).toMatchObject({
    unmatched: { requirement: 'policy', status: 'fail' },
  })
  const distroless = applicable(images, 'gcr.io/distroless/base').requirements[0]!.identities[0]
  expect(distroless).toEqual({
    subjectAlternativeName: { exact: 'keyless@distroless.iam.gserviceaccount.com' },
    issuer: { exact: 'https://accounts.google.com' },
  })
})
