// The examples as files: every policy loads, every workflow runs the gate once with its policy,
// in a read-only job, with third-party actions pinned by commit, and the index lists them all.
import fs from 'node:fs'
import path from 'node:path'
import { loadPolicy } from '../../src/policy/load.js'
import {
  EXAMPLES_DIR,
  GATE_ACTION,
  PUBLISHERS,
  examplePath,
  gateSteps,
  theGateStep,
  loadWorkflow,
  type WorkflowJob,
} from './example.js'

// slsa-github-generator's reusable workflows are referenced by release tag, never by commit: the
// tag is part of the builder identity that slsa-verifier and the policies check.
const SLSA_GENERATOR =
  /^slsa-framework\/slsa-github-generator\/\.github\/workflows\/[\w.-]+@v\d+\.\d+\.\d+$/
const PINNED = /^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/

const uses = (job: WorkflowJob): string[] => [
  ...(job.uses === undefined ? [] : [job.uses]),
  ...(job.steps ?? []).flatMap((s) => (s.uses === undefined ? [] : [s.uses])),
]

describe.each(PUBLISHERS)('examples/%s', (publisher) => {
  const workflow = loadWorkflow(publisher)

  test('the policy loads', () => {
    const requirements = loadPolicy(examplePath(publisher, 'policy.yml'), {
      keyed: false,
      now: new Date(),
    })
    expect(requirements.length).toBeGreaterThan(0)
  })

  test(`the workflow runs ${GATE_ACTION} once, with a policy`, () => {
    const steps = gateSteps(workflow)
    expect(steps).toHaveLength(1)
    expect(steps[0]!.step.uses).toBe(GATE_ACTION)
    expect(steps[0]!.step.with?.policy).toMatch(/^\.github\/supply-chain-gate\/[\w-]+\.yml$/)
    expect(String(steps[0]!.step.with?.image)).not.toBe('')
  })

  test('the gate runs in a read-only job, under a workflow that grants nothing by default', () => {
    const { job } = theGateStep(workflow)
    const permissions = workflow.jobs[job]!.permissions
    expect(typeof permissions).toBe('object')
    expect(Object.values(permissions as Record<string, string>).every((p) => p === 'read')).toBe(
      true,
    )
    const top = workflow.permissions
    expect(
      top !== undefined && typeof top === 'object' && Object.values(top).every((p) => p === 'read'),
    ).toBe(true)
  })

  test('third-party actions are pinned by commit', () => {
    const unpinned = Object.values(workflow.jobs)
      .flatMap(uses)
      .filter((u) => u !== GATE_ACTION && !PINNED.test(u) && !SLSA_GENERATOR.test(u))
    expect(unpinned).toEqual([])
  })
})

test('examples/README.md indexes every publisher, and nothing else is there', () => {
  const readme = fs.readFileSync(path.join(EXAMPLES_DIR, 'README.md'), 'utf8')
  const dirs = fs
    .readdirSync(EXAMPLES_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
  // dockerfile-pr-check is not a publisher's setup: __tests__/dockerfile/example.test.ts covers it.
  expect(dirs.sort()).toEqual([...PUBLISHERS, 'dockerfile-pr-check'].sort())
  for (const publisher of PUBLISHERS) {
    expect(readme).toContain(`(${publisher}/policy.yml)`)
    expect(readme).toContain(`(${publisher}/workflow.yml)`)
  }
})
