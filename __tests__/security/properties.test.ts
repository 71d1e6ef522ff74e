// Property tests (fast-check) for every parser that reads untrusted or user-written text: each
// either returns a well-formed value or throws its own one error type, never anything else, never
// hangs (runs are bounded and each test is time-boxed by the Jest timeout), and never lets
// arbitrary input pass verification.
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import fc from 'fast-check'
import YAML from 'yaml'
import type { SerializedBundle } from '@sigstore/bundle'
import { GateError, InputError } from '../../src/errors.js'
import { loadPolicy } from '../../src/policy/load.js'
import { formatReference, parseReference } from '../../src/registry/reference.js'
import type { Transport } from '../../src/registry/transport.js'
import { listAttestations, type GithubApi } from '../../src/sources/github-api.js'
import { readEntry } from '../../src/sources/github-bundle.js'
import { EvidenceBudget } from '../../src/sources/budget.js'
import { decodeSnappy } from '../../src/sources/github-snappy.js'
import type { Evidence } from '../../src/types.js'
import {
  BundleError,
  checkEvidence,
  loadTrust,
  verifyBundle,
  type Trust,
} from '../../src/verify/index.js'
import { JsonError, scanJson } from '../../src/verify/json.js'
import {
  StatementError,
  assertSubject,
  readStatement,
  type Statement,
} from '../../src/verify/statement.js'
import { writeTrustedRoot } from '../helpers/gate.js'
import { snappyLiterals } from '../helpers/github-api.js'
import { cannedExchange } from '../helpers/transport.js'
import { createMiniSigstore, type MiniSigstore } from '../helpers/mini-sigstore.js'
import { SLSA, statementFor } from './abg-harness.js'

const RUNS = { numRuns: 300 }
const INTOTO = 'application/vnd.in-toto+json'
const hex = (bytes: number) =>
  fc.uint8Array({ minLength: bytes, maxLength: bytes }).map((b) => Buffer.from(b).toString('hex'))
const digest = hex(32).map((h) => `sha256:${h}`)

/** What `fn` threw, or undefined. */
function thrown(fn: () => unknown): unknown {
  try {
    fn()
  } catch (error) {
    return error
  }
  return undefined
}

/** `fn` returns, or throws exactly `type` (no TypeError, RangeError or library error escapes). */
function onlyThrows(type: new (...args: never[]) => Error, fn: () => unknown): unknown {
  const error = thrown(fn)
  if (error !== undefined && !(error instanceof type)) {
    throw new Error(`expected ${type.name}, got ${String(error)}`, { cause: error })
  }
  return error
}

describe('parseReference (src/registry/reference.ts)', () => {
  // Reference-shaped text: the grammar's characters plus the ones attackers reach for.
  const alphabet = [...'aZ09._-:/@[]% ', String.fromCharCode(0, 0x1b, 0x202e)]
  const piece = fc
    .array(fc.constantFrom(...alphabet), { maxLength: 40 })
    .map((chars) => chars.join(''))
  const referenceLike = fc.oneof(
    fc.string({ maxLength: 300 }),
    fc.string({ unit: 'binary', maxLength: 100 }),
    fc.array(piece, { maxLength: 6 }).map((parts) => parts.join('')),
    fc
      .tuple(
        fc.constantFrom('', 'registry.local/', 'REG.example:5000/', 'localhost/', 'user:pw@host/'),
        fc.stringMatching(/^[a-z0-9]+([._-][a-z0-9]+)*(\/[a-z0-9]+)*$/),
        fc.constantFrom('', ':v1', ':latest', ':-bad', ':'),
        fc.oneof(
          fc.constant(''),
          digest.map((d) => `@${d}`),
          hex(32).map((h) => `@sha256:${h.toUpperCase()}`),
          fc.constant('@sha256:'),
        ),
      )
      .map((parts) => parts.join('')),
  )

  test('returns a canonical reference or throws InputError, and a returned one round-trips', () => {
    fc.assert(
      fc.property(referenceLike, (text) => {
        const error = onlyThrows(InputError, () => parseReference(text))
        if (error !== undefined) {
          // The message never carries control characters or user information.
          const message = (error as Error).message
          const control = [...message].filter((c) => /\p{Cc}|\u202e/u.test(c))
          expect(control).toEqual([])
          if (/^[^/]*@[^/]*\//.test(text.trim())) expect(message).toContain('(value not shown)')
          return
        }
        const ref = parseReference(text)
        expect(ref.registry).toBe(ref.registry.toLowerCase())
        expect(ref.repository).toMatch(
          /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/,
        )
        expect(ref.tag !== undefined || ref.digest !== undefined).toBe(true)
        if (ref.digest !== undefined) expect(ref.digest).toMatch(/^sha256:[a-f0-9]{64}$/)
        if (ref.tag !== undefined) expect(ref.tag).toMatch(/^[\w][\w.-]{0,127}$/)
        expect(parseReference(formatReference(ref))).toEqual(ref)
      }),
      { numRuns: 1000 },
    )
  })

  test('a digest that is not exactly sha256 + 64 lowercase hex is never accepted', () => {
    const bad = fc.oneof(
      fc.string({ maxLength: 80 }),
      hex(32).map((h) => `sha256:${h.toUpperCase()}`),
      hex(32).map((h) => `sha256:${h.slice(1)}`),
      hex(64).map((h) => `sha512:${h}`),
      hex(32).map((h) => `SHA256:${h}`),
    )
    fc.assert(
      fc.property(bad, (d) => {
        fc.pre(!/^sha256:[a-f0-9]{64}$/.test(d))
        expect(thrown(() => parseReference(`registry.local/app@${d}`))).toBeInstanceOf(InputError)
      }),
      RUNS,
    )
  })
})

describe('readStatement and assertSubject (src/verify/statement.ts)', () => {
  const subjectEntry = fc.oneof(
    fc.record(
      {
        name: fc.string({ maxLength: 10 }),
        digest: fc.dictionary(
          fc.constantFrom('sha256', 'sha512', 'SHA256', 'md5', 'gitCommit', '__proto__'),
          fc.oneof(hex(32), hex(64), fc.string({ maxLength: 70 }), fc.integer(), fc.constant(null)),
          { maxKeys: 4 },
        ),
      },
      { requiredKeys: [] },
    ),
    fc.jsonValue({ maxDepth: 2 }),
  )
  const statementLike = fc.record(
    {
      _type: fc.constantFrom(
        'https://in-toto.io/Statement/v1',
        'https://in-toto.io/Statement/v0.1',
        'https://in-toto.io/Statement/v2',
        '',
      ),
      subject: fc.oneof(fc.array(subjectEntry, { maxLength: 4 }), fc.jsonValue({ maxDepth: 2 })),
      predicateType: fc.oneof(fc.constant(SLSA), fc.string({ maxLength: 20 }), fc.integer()),
      predicate: fc.jsonValue({ maxDepth: 3 }),
    },
    { requiredKeys: [] },
  )
  const payload = fc.oneof(
    statementLike.map((s) => Buffer.from(JSON.stringify(s))),
    fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v) ?? 'null')),
    fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
    fc.string({ maxLength: 200 }).map((s) => Buffer.from(s)),
  )
  const payloadType = fc.oneof(fc.constant(INTOTO), fc.string({ maxLength: 40 }))

  /** The oracle: some subject names `digests` and nothing else (every entry one of them). */
  const binds = (statement: Statement, digests: string[]): boolean =>
    statement.subjects.some((subject) => {
      const entries = Object.entries(subject)
      return (
        entries.length > 0 && entries.every(([alg, value]) => digests.includes(`${alg}:${value}`))
      )
    })

  test('returns a statement or throws StatementError; assertSubject binds only what the oracle binds', () => {
    fc.assert(
      fc.property(
        payloadType,
        payload,
        fc.array(digest, { minLength: 1, maxLength: 2 }),
        (type, bytes, digests) => {
          if (onlyThrows(StatementError, () => readStatement(type, bytes)) !== undefined) return
          const statement = readStatement(type, bytes)
          expect(type).toBe(INTOTO)
          expect(statement.predicateType).not.toBe('')
          expect(statement.subjects.length).toBeGreaterThan(0)
          const refused = onlyThrows(StatementError, () => assertSubject(statement, ...digests))
          expect(refused === undefined).toBe(binds(statement, digests))
        },
      ),
      { numRuns: 1000 },
    )
  })

  test('a statement about digest D binds D, and nothing else', () => {
    fc.assert(
      fc.property(digest, digest, (mine, other) => {
        fc.pre(mine !== other)
        const statement = readStatement(INTOTO, Buffer.from(JSON.stringify(statementFor(mine))))
        expect(() => assertSubject(statement, mine)).not.toThrow()
        expect(thrown(() => assertSubject(statement, other))).toBeInstanceOf(StatementError)
        expect(thrown(() => assertSubject(statement, mine.toUpperCase()))).toBeInstanceOf(
          StatementError,
        )
      }),
      RUNS,
    )
  })

  test('scanJson accepts what JSON.stringify writes, with its members, and names an injected repeat', () => {
    fc.assert(
      fc.property(
        fc.jsonValue(),
        fc.string({ minLength: 1, maxLength: 12 }),
        fc.jsonValue({ maxDepth: 1 }),
        (value, key, other) => {
          const text = JSON.stringify(value)
          const members = scanJson(Buffer.from(text))
          if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
            const bytes = Buffer.from(text)
            const read = Object.fromEntries(
              [...members!].map(([k, { start, end }]) => [
                k,
                JSON.parse(bytes.toString('utf8', start, end)) as unknown,
              ]),
            )
            expect(read).toEqual(JSON.parse(text))
          } else expect(members).toBeUndefined()
          const object = JSON.stringify({ [key]: other })
          const repeated = `${object.slice(0, -1)},${JSON.stringify(key)}:1}`
          for (const doc of [`[${text},${repeated}]`, `{"a":${text},"b":${repeated}}`]) {
            expect(thrown(() => scanJson(Buffer.from(doc)))).toMatchObject({ repeatedKey: key })
          }
        },
      ),
      RUNS,
    )
  })

  test('scanJson accepts exactly what JSON.parse accepts (objects without repeated keys)', () => {
    const parses = (text: string): boolean => {
      try {
        JSON.parse(text)
        return true
      } catch {
        return false
      }
    }
    // Valid documents cut, spliced and mutated byte by byte: the grammar's edges.
    const mutated = fc
      .tuple(fc.json({ maxDepth: 3 }), fc.nat(), fc.constantFrom(...'{}[]",:\\u0-.eE+ \t\nab'))
      .map(([text, at, c]) => {
        const i = at % (text.length + 1)
        return [text.slice(0, i) + c + text.slice(i + 1), text.slice(0, i) + c + text.slice(i)]
      })
    fc.assert(
      fc.property(mutated, (texts) => {
        for (const text of texts) {
          const result = thrown(() => scanJson(Buffer.from(text)))
          if (result instanceof JsonError && result.repeatedKey !== undefined) continue
          expect(result instanceof JsonError ? false : true).toBe(parses(text))
        }
      }),
      { numRuns: 3000 },
    )
  })
})

describe('verifyBundle parse path (src/verify/bundle.ts)', () => {
  let ss: MiniSigstore
  let trust: Trust
  let genuine: SerializedBundle
  const subject = `sha256:${'ab'.repeat(32)}`
  beforeAll(async () => {
    ss = await createMiniSigstore()
    trust = await loadTrust({
      trustedRootPath: writeTrustedRoot(ss),
      loadPublicGood: () => Promise.reject(new Error('offline')),
    })
    genuine = (await ss.attest(statementFor(subject))).bundle
  })

  const MEDIA_TYPES = [
    'application/vnd.dev.sigstore.bundle+json;version=0.1',
    'application/vnd.dev.sigstore.bundle+json;version=0.2',
    'application/vnd.dev.sigstore.bundle+json;version=0.3',
    'application/vnd.dev.sigstore.bundle.v0.3+json',
    'application/vnd.dev.sigstore.bundle.v0.4+json',
  ]
  const bundleLike = fc.record(
    {
      mediaType: fc.oneof(fc.constantFrom(...MEDIA_TYPES), fc.string({ maxLength: 30 })),
      verificationMaterial: fc.oneof(
        fc.jsonValue({ maxDepth: 3 }),
        fc.record(
          {
            certificate: fc.record({ rawBytes: fc.base64String({ maxLength: 200 }) }),
            publicKey: fc.record({ hint: fc.string({ maxLength: 10 }) }),
            tlogEntries: fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 40 }),
            timestampVerificationData: fc.record({
              rfc3161Timestamps: fc.array(
                fc.record({ signedTimestamp: fc.base64String({ maxLength: 40 }) }),
                { maxLength: 40 },
              ),
            }),
          },
          { requiredKeys: [] },
        ),
      ),
      dsseEnvelope: fc.oneof(
        fc.jsonValue({ maxDepth: 2 }),
        fc.record({
          payload: fc.base64String({ maxLength: 100 }),
          payloadType: fc.constantFrom(INTOTO, 'text/plain'),
          signatures: fc.array(
            fc.record({
              sig: fc.base64String({ maxLength: 100 }),
              keyid: fc.string({ maxLength: 4 }),
            }),
            { maxLength: 3 },
          ),
        }),
      ),
      messageSignature: fc.jsonValue({ maxDepth: 2 }),
    },
    { requiredKeys: [] },
  )

  test('arbitrary JSON never throws anything but BundleError, and never passes', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.jsonValue({ maxDepth: 4 }), bundleLike),
        fc.option(fc.uint8Array({ maxLength: 64 }), { nil: undefined }),
        (json, artifact) => {
          const error = onlyThrows(BundleError, () =>
            verifyBundle(json, trust, artifact === undefined ? undefined : Buffer.from(artifact)),
          )
          expect(error).toBeInstanceOf(BundleError)
        },
      ),
      { numRuns: 500 },
    )
  })

  /** Every JSON path of `value` that holds a leaf or a container. */
  function paths(value: unknown, at: (string | number)[] = []): (string | number)[][] {
    if (typeof value !== 'object' || value === null) return [at]
    const children = Object.entries(value).flatMap(([k, v]) =>
      paths(v, [...at, Array.isArray(value) ? Number(k) : k]),
    )
    return at.length === 0 ? children : [at, ...children]
  }

  test('a genuine bundle with one value replaced: BundleError, or the very same statement and signer', () => {
    const all = paths(genuine)
    const original = verifyBundle(genuine, trust)
    fc.assert(
      fc.property(fc.constantFrom(...all), fc.jsonValue({ maxDepth: 2 }), (where, value) => {
        const copy = structuredClone(genuine) as unknown as Record<string | number, unknown>
        let node: Record<string | number, unknown> = copy
        for (const key of where.slice(0, -1)) node = node[key] as Record<string | number, unknown>
        node[where[where.length - 1]!] = value
        const error = onlyThrows(BundleError, () => verifyBundle(copy, trust))
        if (error !== undefined) return
        const verified = verifyBundle(copy, trust)
        expect(verified.content).toEqual(original.content)
        expect(verified.signer).toEqual(original.signer)
      }),
      { numRuns: 400 },
    )
  })
})

describe('policy loader (src/policy/load.ts, validate.ts)', () => {
  let dir: string
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scg-props-policy-'))
  })
  const now = new Date()
  const load = (text: string, ext: 'yml' | 'json') => {
    const file = path.join(dir, `${crypto.randomUUID()}.${ext}`)
    fs.writeFileSync(file, text)
    try {
      return onlyThrows(InputError, () => loadPolicy(file, { keyed: false, now }))
    } finally {
      fs.rmSync(file)
    }
  }
  const matcher = fc.oneof(
    fc.string({ maxLength: 20 }),
    fc.record({ regexp: fc.string({ maxLength: 20 }) }),
  )
  const identity = fc.oneof(
    fc.record(
      { san: matcher, issuer: matcher, runnerEnvironment: matcher },
      { requiredKeys: ['san'] },
    ),
    fc.record(
      {
        preset: fc.constantFrom(
          'github-workflow',
          'actions-attest',
          'reusable-workflow',
          'slsa-github-generator',
          'nope',
        ),
        repository: fc.constantFrom('acme/app', 'a', '../x', 'acme/app/extra'),
        workflow: fc.constantFrom(
          '.github/workflows/r.yml',
          'x',
          'acme/app/.github/workflows/r.yml',
        ),
        ref: fc.string({ maxLength: 10 }),
        generator: fc.constantFrom('container', 'generic', 'x'),
        sourceRepository: fc.constantFrom('acme/app', ''),
        caller: fc.constantFrom('acme/app', ''),
      },
      { requiredKeys: ['preset'] },
    ),
    fc.record({ publicKey: fc.oneof(fc.constant(true), fc.jsonValue({ maxDepth: 1 })) }),
    fc.jsonValue({ maxDepth: 2 }),
  )
  const policyLike = fc.record(
    {
      version: fc.oneof(fc.constant(1), fc.jsonValue({ maxDepth: 1 })),
      identities: fc.dictionary(fc.string({ maxLength: 8 }), fc.array(identity, { maxLength: 2 }), {
        maxKeys: 2,
      }),
      signature: fc.record(
        {
          required: fc.boolean(),
          identities: fc.array(fc.oneof(fc.string({ maxLength: 8 }), identity), { maxLength: 2 }),
        },
        { requiredKeys: [] },
      ),
      attestations: fc.array(
        fc.record(
          {
            type: fc.oneof(
              fc.constantFrom('slsaprovenance', 'cyclonedx', 'vuln', 'https://x.example/p'),
              fc.string({ maxLength: 10 }),
            ),
            name: fc.string({ maxLength: 10 }),
            required: fc.boolean(),
            identities: fc.array(fc.oneof(fc.string({ maxLength: 8 }), identity), { maxLength: 2 }),
            rules: fc.jsonValue({ maxDepth: 3 }),
          },
          { requiredKeys: [] },
        ),
        { maxLength: 2 },
      ),
    },
    { requiredKeys: [] },
  )

  test('arbitrary text, as YAML and as JSON, is a policy or an InputError', () => {
    const text = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.constantFrom(
        'version: 1\nsignature: { identities: [&a x, *a, *a] }',
        'a: &a [*a]',
        '!!js/function "() => 1"',
        'version: !!binary aGVsbG8=',
        'version: 1\nversion: 1',
        '---\nversion: 1\n---\nversion: 1',
        '<<: {version: 1}',
        '\ufeffversion: 1',
      ),
      policyLike.map((p) => YAML.stringify(p)),
    )
    fc.assert(
      fc.property(text, fc.constantFrom<'yml' | 'json'>('yml', 'json'), (t, ext) => {
        load(t, ext)
      }),
      { numRuns: 400 },
    )
  })

  test('arbitrary policy-shaped documents are a policy or an InputError, never another throw', () => {
    fc.assert(
      fc.property(policyLike, fc.constantFrom<'yml' | 'json'>('yml', 'json'), (doc, ext) => {
        load(ext === 'json' ? JSON.stringify(doc) : YAML.stringify(doc), ext)
      }),
      { numRuns: 400 },
    )
  })
})

describe('GitHub attestations API page reader (src/sources/github-api.ts, github-bundle.ts)', () => {
  const API = 'http://127.0.0.1:9'
  const DIGEST = `sha256:${'cd'.repeat(32)}`
  let trust: Trust

  beforeAll(async () => {
    const ss = await createMiniSigstore()
    trust = await loadTrust({
      trustedRootPath: writeTrustedRoot(ss),
      loadPublicGood: () => Promise.reject(new Error('offline')),
    })
  })

  interface Reply {
    status: number
    body: Buffer
    headers: Record<string, string>
  }
  /** An API whose every request gets the next reply (the last one repeats); nothing on the wire. */
  function apiAnswering(
    replies: Reply[],
  ): GithubApi & { calls: { url: string; authorization: string | undefined }[] } {
    const calls: { url: string; authorization: string | undefined }[] = []
    const transport: Transport = async (url, init) => {
      const reply = replies[Math.min(calls.length, replies.length - 1)]!
      calls.push({ url: url.href, authorization: init.headers['authorization'] })
      const empty = reply.status === 204 || reply.status === 304
      return cannedExchange({ ...reply, ...(empty && { body: undefined }) })
    }
    return {
      calls,
      url: API,
      token: 'ghs_property',
      http: {
        transport,
        deadline: AbortSignal.timeout(60_000),
        insecureHosts: new Set(['127.0.0.1:9']),
        sleep: async () => undefined,
      },
      deadlineAt: Date.now() + 60_000,
      maxBytes: 64 * 1024,
      identities: [],
    }
  }

  const entry = fc.oneof(
    fc.jsonValue({ maxDepth: 3 }),
    fc.record(
      {
        bundle: fc.oneof(fc.constant(null), fc.jsonValue({ maxDepth: 3 })),
        bundle_url: fc.oneof(
          fc.constantFrom(
            `${API}/b.json`,
            `${API}/b.json.sn`,
            'https://10.0.0.1/x',
            'file:///etc/passwd',
            'http://user:pw@127.0.0.1:9/x',
            'not a url',
          ),
          fc.string({ maxLength: 30 }),
        ),
      },
      { requiredKeys: [] },
    ),
  )
  const body = fc.oneof(
    fc.jsonValue({ maxDepth: 3 }).map((v) => Buffer.from(JSON.stringify(v) ?? '')),
    fc
      .array(entry, { maxLength: 5 })
      .map((attestations) => Buffer.from(JSON.stringify({ attestations }))),
    fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
    fc.jsonValue({ maxDepth: 2 }).map((v) => snappyLiterals(Buffer.from(JSON.stringify(v) ?? ''))),
  )
  const reply = fc.record({
    status: fc.constantFrom(200, 200, 200, 204, 301, 403, 404, 429, 500),
    body,
    headers: fc.record(
      {
        link: fc.oneof(
          fc.constantFrom(
            `<${API}/next>; rel="next"`,
            '<https://evil.example/x>; rel="next"',
            '<:::>; rel="next"',
            'rel=next',
            `<${API}/repos/o/r/attestations/${DIGEST}?per_page=100>; rel="next"`,
          ),
          fc.string({ maxLength: 40 }),
        ),
        'content-type': fc.constantFrom('application/json', 'application/x-snappy', 'text/html'),
        'retry-after': fc.constantFrom('0', '1', 'soon'),
        'x-ratelimit-remaining': fc.constantFrom('0', '10'),
        location: fc.constantFrom(`${API}/moved`, 'https://evil.example/'),
      },
      { requiredKeys: [] },
    ),
  })

  test('any sequence of pages is a listing or a GateError, within 10 pages', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(reply, { minLength: 1, maxLength: 12 }), async (replies) => {
        const api = apiAnswering(replies)
        let listing
        try {
          listing = await listAttestations(api, 'repos/o/r', DIGEST, new EvidenceBudget())
        } catch (error) {
          if (!(error instanceof GateError)) throw error
          return
        }
        expect(Array.isArray(listing.entries)).toBe(true)
        expect(listing.entries.length).toBeLessThanOrEqual(100)
        // Pages are only ever the API's; a redirect elsewhere is followed without the token.
        for (const call of api.calls) {
          if (new URL(call.url).origin !== API) expect(call.authorization).toBeUndefined()
        }
      }),
      { numRuns: 300 },
    )
  })

  test('any listed entry and bundle body: a bundle or a reason (or a GateError), and never a verified piece', async () => {
    await fc.assert(
      fc.asyncProperty(entry, reply, async (listed, answer) => {
        const api = apiAnswering([answer])
        let read: Pick<Evidence, 'bundle' | 'error'>
        try {
          read = await readEntry(listed, api, new EvidenceBudget())
        } catch (error) {
          if (!(error instanceof GateError)) throw error
          return
        }
        expect(read.bundle !== undefined || typeof read.error === 'string').toBe(true)
        // A bundle_url download never carries the API token, wherever it goes.
        for (const call of api.calls) expect(call.authorization).toBeUndefined()
        const checked = checkEvidence(
          { source: 'github', location: 'property', ...read },
          DIGEST,
          trust,
        )
        expect(checked.verified).toBe(false)
      }),
      { numRuns: 300 },
    )
  })
})

describe('snappy decoder (src/sources/github-snappy.ts)', () => {
  const MAX = 256 * 1024

  test('arbitrary bytes decode within the cap or throw GateError', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 2000 }),
        fc.integer({ min: 0, max: MAX }),
        (bytes, max) => {
          const error = onlyThrows(GateError, () => decodeSnappy(Buffer.from(bytes), max))
          if (error !== undefined) {
            expect(['LIMIT_EXCEEDED', 'REGISTRY_PROTOCOL']).toContain((error as GateError).code)
            return
          }
          expect(decodeSnappy(Buffer.from(bytes), max).length).toBeLessThanOrEqual(max)
        },
      ),
      { numRuns: 2000 },
    )
  })

  test('hostile element streams (a plausible header, then random tags) never escape or hang', () => {
    const element = fc.oneof(
      fc
        .tuple(fc.integer({ min: 0, max: 63 }), fc.uint8Array({ maxLength: 8 }))
        .map(([n, b]) => [n << 2, ...b]),
      fc
        .tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }))
        .map(([t, o]) => [(t & 0xfc) | 1, o]),
      fc
        .tuple(fc.integer({ min: 0, max: 63 }), fc.integer({ min: 0, max: 0xffff }))
        .map(([n, o]) => [(n << 2) | 2, o & 0xff, o >> 8]),
      fc
        .tuple(fc.integer({ min: 0, max: 63 }), fc.integer({ min: 0, max: 0x7fffffff }))
        .map(([n, o]) => [(n << 2) | 3, o & 0xff, (o >> 8) & 0xff, (o >> 16) & 0xff, o >>> 24]),
    )
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 4096 }),
        fc.array(element, { maxLength: 40 }),
        (length, elements) => {
          const header: number[] = []
          for (let n = length; ; n = Math.floor(n / 128)) {
            if (n < 128) {
              header.push(n)
              break
            }
            header.push((n % 128) | 0x80)
          }
          const input = Buffer.from([...header, ...elements.flat()])
          const error = onlyThrows(GateError, () => decodeSnappy(input, MAX))
          if (error === undefined) expect(decodeSnappy(input, MAX).length).toBe(length)
        },
      ),
      { numRuns: 2000 },
    )
  })

  test('a declared length over the cap is refused before anything is allocated', () => {
    fc.assert(
      fc.property(fc.integer({ min: MAX + 1, max: 0xffffffff }), (declared) => {
        const header: number[] = []
        for (let n = declared; ; n = Math.floor(n / 128)) {
          if (n < 128) {
            header.push(n)
            break
          }
          header.push((n % 128) | 0x80)
        }
        const error = thrown(() => decodeSnappy(Buffer.from(header), MAX))
        expect(error).toBeInstanceOf(GateError)
        expect((error as GateError).code).toBe('LIMIT_EXCEEDED')
      }),
      RUNS,
    )
  })

  test('literal-only encodings of any bytes decode to those bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 5000 }), (bytes) => {
        const data = Buffer.from(bytes)
        expect(decodeSnappy(snappyLiterals(data), MAX).equals(data)).toBe(true)
      }),
      RUNS,
    )
  })
})
