import { renderSummary } from '../../src/report/summary.js'
import { exitCode, overallVerdict, toResultJson } from '../../src/report/result.js'
import type { GateResult, ImageResult } from '../../src/types.js'

const EVIL = '<script>alert(1)</script> [x](https://evil) ##[error]x'
const image: ImageResult = {
  reference: 'ghcr.io/acme/app:v1',
  digest: `sha256:${'a'.repeat(64)}`,
  verdict: 'fail',
  findings: [
    {
      requirement: 'signature',
      status: 'fail',
      expected: 'a verified image signature signed by X',
      actual: EVIL,
    },
  ],
  evidence: [
    {
      source: 'referrers',
      location: 'referrer sha256:1',
      kind: 'attestation',
      signed: true,
      verified: true,
      tlog: [{ logIndex: '42', integratedTime: '1700000000' }],
      predicateType: 'https://slsa.dev/provenance/v1',
      signer: {
        subjectAlternativeName: EVIL,
        issuer: 'https://token.actions.githubusercontent.com',
        github: {},
      },
      predicate: { big: true },
    },
  ],
}
const result: GateResult = {
  mediaType: 'application/vnd.supply-chain-gate.result.v1+json',
  verdict: 'fail',
  mode: 'enforce',
  images: [image],
}

// What a reader sees once the renderer has turned the entities back into characters.
const rendered = (md: string) =>
  md.replace(/&#(\d+);/g, (_m, n: string) => String.fromCodePoint(Number(n)))

describe('renderSummary', () => {
  test('shows verdict, digest, expected versus actual, and the evidence with its log entry', () => {
    const md = rendered(renderSummary(result))
    expect(md).toContain('policy not met')
    expect(md).toContain(image.digest)
    expect(md).toContain('a verified image signature signed by X')
    expect(md).toContain('#42 at 2023-11-14T22:13:20.000Z')
  })

  test('a log time no Date can hold renders as the entry alone instead of throwing', () => {
    const far = { ...image.evidence[0]!, tlog: [{ logIndex: '7', integratedTime: '9'.repeat(17) }] }
    const md = rendered(renderSummary({ ...result, images: [{ ...image, evidence: [far] }] }))
    expect(md).toContain('| #7 |')
  })

  test('untrusted text never renders as HTML, links or workflow commands', () => {
    const md = renderSummary(result)
    expect(md).not.toContain('<script>')
    expect(md).not.toContain('](https://evil')
    expect(md).not.toContain('##[')
  })

  test('a huge result is cut below the runner limit with a note', () => {
    const many = { ...result, images: Array.from({ length: 3000 }, () => image) }
    const md = renderSummary(many)
    expect(Buffer.byteLength(md)).toBeLessThanOrEqual(512 * 1024)
    expect(md).toMatch(/Summary cut: \d+ more bytes/)
  })
})

describe('result', () => {
  test('exit codes follow the contract; audit never fails', () => {
    expect(exitCode({ ...result, verdict: 'pass' })).toBe(0)
    expect(exitCode(result)).toBe(1)
    expect(exitCode({ ...result, verdict: 'error' })).toBe(2)
    expect(exitCode({ ...result, verdict: 'error', mode: 'audit' })).toBe(0)
  })

  test('an empty set of images is never a pass; an error outranks a failure', () => {
    expect(overallVerdict([])).toBe('fail')
    expect(overallVerdict([image, { ...image, verdict: 'error' }])).toBe('error')
    expect(overallVerdict([{ ...image, verdict: 'pass' }])).toBe('pass')
  })

  test('the result JSON is versioned and leaves predicates out', () => {
    const json = JSON.parse(toResultJson(result))
    expect(json.mediaType).toBe('application/vnd.supply-chain-gate.result.v1+json')
    expect(json.images[0].evidence[0].predicate).toBeUndefined()
    expect(json.images[0].evidence[0].signer.subjectAlternativeName).toBe(EVIL)
  })
})
