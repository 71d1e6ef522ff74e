import type { Digest } from '../../src/types.js'
import { assertSimpleSigning } from '../../src/verify/simple-signing.js'
import { StatementError, assertSubject, readStatement } from '../../src/verify/statement.js'

const D = `sha256:${'cd'.repeat(32)}`
const payload = (v: unknown) => Buffer.from(JSON.stringify(v))
const statement = (over: Record<string, unknown> = {}) => ({
  _type: 'https://in-toto.io/Statement/v1',
  subject: [{ name: 'x', digest: { sha256: D.slice(7) } }],
  predicateType: 'https://slsa.dev/provenance/v1',
  predicate: { a: 1 },
  ...over,
})

describe('readStatement', () => {
  test('reads predicate type, subject digests and predicate', () => {
    const s = readStatement('application/vnd.in-toto+json', payload(statement()))
    expect(s).toEqual({
      predicateType: 'https://slsa.dev/provenance/v1',
      subjectDigests: [D],
      subjects: [{ sha256: D.slice(7) }],
      predicate: { a: 1 },
    })
    expect(() => assertSubject(s, D)).not.toThrow()
  })

  test('a predicate no rule reads is validated but not parsed', () => {
    const asked: string[] = []
    const reads = (type: string) => (asked.push(type), false)
    const s = readStatement('application/vnd.in-toto+json', payload(statement()), reads)
    expect(asked).toEqual(['https://slsa.dev/provenance/v1'])
    expect(s.predicate).toBeUndefined()
    expect(s.subjectDigests).toEqual([D])
    // Unparsed is still validated; its keys are compared when, and only when, it is read.
    const text = JSON.stringify(statement({ predicate: { a: 1 } }))
    const invalid = Buffer.from(text.replace('{"a":1}', '{"a":1,}'))
    expect(() => readStatement('application/vnd.in-toto+json', invalid, () => false)).toThrow(
      /not JSON/,
    )
    const repeated = Buffer.from(text.replace('{"a":1}', '{"a":1,"a":2}'))
    expect(
      readStatement('application/vnd.in-toto+json', repeated, () => false).predicate,
    ).toBeUndefined()
    expect(() => readStatement('application/vnd.in-toto+json', repeated)).toThrow(
      /repeats the key "a"/,
    )
    const outside = Buffer.from(text.replace('"subject":', '"predicateType":"x","subject":'))
    expect(() => readStatement('application/vnd.in-toto+json', outside, () => false)).toThrow(
      /repeats the key "predicateType"/,
    )
  })

  test('keys differing only in case repeat outside the predicate (Go reads them as one), not in it', () => {
    // in-toto's Go types fill `subject` from `Subject` too, the last key winning.
    const other = [{ digest: { sha256: 'ef'.repeat(32) } }]
    const twice = payload({ ...statement(), Subject: other })
    expect(() => readStatement('application/vnd.in-toto+json', twice)).toThrow(
      /repeats the key "Subject"/,
    )
    // A predicate is a map for Go: its keys are kept as written.
    const s = readStatement(
      'application/vnd.in-toto+json',
      payload(statement({ predicate: { env: 1, ENV: 2 } })),
    )
    expect(s.predicate).toEqual({ env: 1, ENV: 2 })
  })

  test('a simple-signing payload naming the digest twice, once capitalised, is refused', () => {
    const image = (members: string) =>
      Buffer.from(
        `{"critical":{"identity":{"docker-reference":"r"},"image":{${members}},"type":"cosign container image signature"},"optional":null}`,
      )
    expect(() =>
      assertSimpleSigning(image(`"docker-manifest-digest":"${D}"`), D as Digest),
    ).not.toThrow()
    expect(() =>
      assertSimpleSigning(
        image(
          `"docker-manifest-digest":"${D}","Docker-Manifest-Digest":"sha256:${'e'.repeat(64)}"`,
        ),
        D as Digest,
      ),
    ).toThrow(/repeats the key "Docker-Manifest-Digest"/)
  })

  test.each([
    ['another payload type', 'text/plain', payload(statement()), /payload type/],
    ['not JSON', 'application/vnd.in-toto+json', Buffer.from('{'), /not JSON/],
    [
      'not a statement',
      'application/vnd.in-toto+json',
      payload({ _type: 'x' }),
      /not an in-toto statement/,
    ],
    [
      'no predicate type',
      'application/vnd.in-toto+json',
      payload(statement({ predicateType: '' })),
      /predicate type/,
    ],
    [
      'no subject',
      'application/vnd.in-toto+json',
      payload(statement({ subject: [] })),
      /no subject/,
    ],
    [
      'too many subjects',
      'application/vnd.in-toto+json',
      payload(
        statement({ subject: Array.from({ length: 1025 }, () => ({ digest: { sha256: 'a' } })) }),
      ),
      /more than 1024/,
    ],
  ])('rejects %s', (_name, type, bytes, why) => {
    expect(() => readStatement(type, bytes)).toThrow(StatementError)
    expect(() => readStatement(type, bytes)).toThrow(why)
  })

  test('a statement about another digest, or an uppercase form of this one, is not bound', () => {
    const other = readStatement(
      'application/vnd.in-toto+json',
      payload(statement({ subject: [{ digest: { sha256: 'ef'.repeat(32) } }] })),
    )
    expect(() => assertSubject(other, D)).toThrow(/not sha256:cdcd/)
    const upper = readStatement(
      'application/vnd.in-toto+json',
      payload(statement({ subject: [{ digest: { sha256: D.slice(7).toUpperCase() } }] })),
    )
    expect(() => assertSubject(upper, D)).toThrow(StatementError)
  })
})
