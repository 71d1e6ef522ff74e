// The Dockerfile and release-file parts of the summary and console: what a pull request's
// Dockerfile says is escaped before it is rendered (its author controls every character).
import { renderConsole } from '../../src/report/console-reporter.js'
import { renderSummary } from '../../src/report/summary.js'
import type { GateResult } from '../../src/types.js'

const DIGEST = `sha256:${'a'.repeat(64)}`
const hostile = '<img src=x onerror=alert(1)>|**bold**|::error::x'

const result: GateResult = {
  mediaType: 'application/vnd.supply-chain-gate.result.v1+json',
  verdict: 'fail',
  mode: 'enforce',
  images: [
    {
      reference: 'docker.io/library/alpine:3.20',
      digest: DIGEST,
      verdict: 'pass',
      evidence: [],
      findings: [],
      sources: [{ dockerfile: `docker/${hostile}`, line: 3, stage: hostile, index: 0 }],
    },
    {
      reference: 'dist/app.tar.gz',
      digest: DIGEST,
      verdict: 'fail',
      evidence: [],
      findings: [],
      file: {
        path: 'dist/app.tar.gz',
        size: 12,
        sha256: DIGEST,
        sha512: `sha512:${'b'.repeat(128)}`,
      },
    },
  ],
  dockerfiles: [
    {
      path: `docker/${hostile}`,
      stages: [
        {
          line: 3,
          index: 0,
          stage: hostile,
          from: `\${X:-${hostile}}`,
          platform: hostile,
          base: 'image',
          reference: 'docker.io/library/alpine:3.20',
          digest: DIGEST,
          verdict: 'pass',
          pinned: false,
          suggestion: `FROM alpine:3.20@${DIGEST}`,
        },
        { line: 7, index: 1, from: 'scratch', base: 'scratch' },
        { line: 9, index: 2, from: hostile, base: 'invalid', verdict: 'error', detail: hostile },
        {
          line: 11,
          via: 'COPY --from',
          index: 2,
          from: hostile,
          base: 'image',
          reference: 'docker.io/library/alpine:3.20',
          verdict: 'pass',
        },
      ],
    },
  ],
}

test('the summary groups FROM lines by Dockerfile with line numbers, escaping what they say', () => {
  const summary = renderSummary(result)
  expect(summary).toMatch(/Supply Chain Gate: policy not met \(1 image, 1 file checked\)/)
  const section = summary.slice(summary.indexOf('### Dockerfiles'), summary.indexOf('### ✅'))
  const rows = section.split('\n').filter((l) => /^\| (✅|❌|⚠️|➖) \| \d+ \|/.test(l))
  expect(rows.map((r) => r.split(' | ')[1])).toEqual(['3', '7', '9', '11'])
  // An image a flag pulls names the flag in the FROM column.
  expect(rows[3]!.split(' | ')[3]).toMatch(/^COPY --from=&#60;img/)
  // Each row keeps its cells: no `|` from the Dockerfile splits one.
  for (const row of rows) expect(row.split(' | ')).toHaveLength(7)
  expect(summary).not.toContain('<img')
  expect(summary).not.toContain('**bold**')
  expect(summary).toContain(`tag only: FROM alpine&#58;3.20&#64;sha256&#58;${'a'.repeat(64)}`)
  expect(summary).toContain('File: dist/app.tar.gz, 12 bytes')
})

test('the console lists the Dockerfile lines, one line each, with runner markers broken', () => {
  const text = renderConsole(result)
  expect(text).toMatch(/^Dockerfile docker\//)
  expect(text).toMatch(
    / {2}✔ line 3 \(.*\): docker\.io\/library\/alpine:3\.20 \(sha256:a+\), not pinned: FROM alpine/,
  )
  expect(text).toMatch(/ {2}- line 7: scratch/)
  expect(text).not.toMatch(/(^|\n)::error::/)
  expect(text).toContain('file dist/app.tar.gz: 12 bytes')
})
