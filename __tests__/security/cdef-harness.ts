// Shared by the security catalog tests of groups C (registry / OCI), D (fail closed), E
// (credentials, redirects, SSRF) and F (workflow-command, output and summary injection): signed
// images on the programmable fake registry, the gate run with injectable deps, a DNS-like fetch
// that maps public host names to loopback listeners, peak-RSS sampling, and the secret oracle.
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { expect } from '@jest/globals'
import { parseInputs } from '../../src/inputs.js'
import { run, type Deps } from '../../src/main.js'
import { exitCode } from '../../src/report/result.js'
import type { GateResult, ImageResult } from '../../src/types.js'
import { OCI_MANIFEST, type FakeRegistry } from '../helpers/fake-registry.js'
import { testDeps } from '../helpers/gate.js'
import {
  COSIGN_SIGN_PREDICATE,
  githubIdentity,
  inTotoStatement,
  type Identity,
  type MiniSigstore,
} from '../helpers/mini-sigstore.js'

export const APP_SAN = 'https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v1.0.0'
export const SLSA = 'https://slsa.dev/provenance/v1'
export const identity = githubIdentity()

/** A descriptor as the fake registry returns it. */
export type Desc = { mediaType: string; digest: string; size: number }

export const sha256 = (bytes: Buffer | string): string =>
  `sha256:${crypto.createHash('sha256').update(bytes).digest('hex')}`

/** Pushes a small image manifest (optionally tagged) to the fake registry. */
export function putImage(r: FakeRegistry, tag = 'v1', text = 'hello'): Desc {
  const config = r.putBlob(JSON.stringify({ text }), 'application/vnd.oci.image.config.v1+json')
  const layer = r.putBlob(text, 'application/vnd.oci.image.layer.v1.tar+gzip')
  return r.putManifest({ schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers: [layer] }, tag)
}

/** A cosign v3 image-signature bundle for `digest` (DSSE, predicate sign/v1), as JSON. */
export async function signatureBundle(
  ss: MiniSigstore,
  digest: string,
  who: Identity = identity,
): Promise<unknown> {
  const statement = inTotoStatement({ digest, predicateType: COSIGN_SIGN_PREDICATE })
  return (await ss.attest(statement, { identity: who })).bundle
}

/** An attestation bundle for `digest` of `predicateType`. */
export async function attestationBundle(
  ss: MiniSigstore,
  digest: string,
  predicateType: string,
  predicate: unknown = {},
  who: Identity = identity,
): Promise<unknown> {
  const statement = inTotoStatement({ digest, predicateType, predicate })
  return (await ss.attest(statement, { identity: who })).bundle
}

/** An image on the fake registry with a valid signature referrer from `who`. */
export async function signedImage(
  r: FakeRegistry,
  ss: MiniSigstore,
  options: { tag?: string; text?: string; who?: Identity } = {},
): Promise<{ image: Desc; referrer: Desc; bundle: unknown; ref: string }> {
  const image = putImage(r, options.tag ?? 'v1', options.text)
  const bundle = await signatureBundle(ss, image.digest, options.who)
  const referrer = r.putReferrer(image, bundle, { predicateType: COSIGN_SIGN_PREDICATE })
  return { image, referrer, bundle, ref: `${r.host}/acme/app:${options.tag ?? 'v1'}` }
}

/** The layer descriptor of a referrer stored on the fake registry. */
export async function referrerLayer(r: FakeRegistry, referrer: Desc): Promise<Desc> {
  const res = await fetch(`${r.url}/v2/acme/app/manifests/${referrer.digest}`)
  const json = (await res.json()) as { layers: Desc[] }
  return json.layers[0]!
}

export interface GateOptions {
  /** Hosts allowed over plain HTTP besides the registry's. */
  insecure?: string[]
  deps?: Partial<Deps>
  /** Secrets handed to maskSecret, collected here. */
  masked?: string[]
}

/** Runs the gate as the action does (inputs parsed the same way) with injectable deps. */
export async function gate(
  registryHost: string,
  values: Record<string, string>,
  options: GateOptions = {},
): Promise<GateResult> {
  const insecure = [registryHost, ...(options.insecure ?? [])].join(',')
  const inputs = await parseInputs(
    (name) => ({ 'insecure-registries': insecure, ...values })[name] ?? '',
  )
  return run(inputs, { ...testDeps(options.masked), ...options.deps })
}

/** The one image of a result. */
export function only(result: GateResult): ImageResult {
  expect(result.images).toHaveLength(1)
  return result.images[0]!
}

/** Nothing was accepted: non-zero exit, no passing requirement, and the verdict is not pass. */
export function expectNothingAccepted(result: GateResult, code: 1 | 2): void {
  expect(result.verdict).not.toBe('pass')
  expect(exitCode(result)).toBe(code)
  for (const image of result.images) {
    expect(image.verdict).not.toBe('pass')
    expect(image.findings.filter((f) => f.status === 'pass')).toEqual([])
  }
}

/** Exit 2 with this error code on the one image (nothing was evaluated). */
export function expectImageError(result: GateResult, code: string, message?: RegExp): void {
  expectNothingAccepted(result, 2)
  const image = only(result)
  expect(image.error?.code).toBe(code)
  if (message) expect(image.error?.message).toMatch(message)
}

/** The requests a fake registry saw whose path matches. */
export const requestsTo = (r: FakeRegistry, pattern: RegExp): string[] =>
  r.requests.map((q) => q.url).filter((u) => pattern.test(u))

/** Writes text to a fresh temp file and returns its path. */
export function tempFile(name: string, content: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scg-sec-'))
  const file = path.join(dir, name)
  fs.writeFileSync(file, content)
  return file
}

/** A DOCKER_CONFIG directory whose config.json holds basic credentials per registry host. */
export function dockerConfig(
  auths: Record<string, { username: string; password: string }>,
): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scg-docker-'))
  const entries = Object.fromEntries(
    Object.entries(auths).map(([host, c]) => [
      host,
      { auth: Buffer.from(`${c.username}:${c.password}`).toString('base64') },
    ]),
  )
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ auths: entries }))
  return dir
}

/**
 * Runs `fn` while sampling the process's resident set size every few milliseconds; returns its
 * value and how far RSS rose above where it started.
 */
export async function withPeakRss<T>(fn: () => Promise<T>): Promise<{ value: T; growth: number }> {
  const start = process.memoryUsage().rss
  let peak = start
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss)
  }, 5)
  try {
    const value = await fn()
    peak = Math.max(peak, process.memoryUsage().rss)
    return { value, growth: peak - start }
  } finally {
    clearInterval(timer)
  }
}

/**
 * How far peak RSS may rise while a hostile registry streams at us. The most the gate buffers on
 * purpose is one capped body per request in flight: 4 MiB (manifest / referrers page cap) ×
 * 8 (default `concurrency`) × 2 (the chunks and their concatenation) = 64 MiB, and the hostile
 * tests below run far fewer requests than that. The rest of the bound is slack for V8 heap growth
 * and socket buffers. The hostile servers stream at loopback speed, hundreds of MiB a second, for
 * up to the whole `timeout`: a missing or late cap buffers gigabytes and fails this bound.
 */
export const RSS_BOUND = 128 * 1024 * 1024

/** Every encoding of a secret the oracle looks for. */
export function secretForms(secret: string, username?: string): string[] {
  const b64 = (s: string): string => Buffer.from(s).toString('base64')
  return [
    secret,
    b64(secret),
    ...(username !== undefined ? [b64(`${username}:${secret}`)] : []),
    encodeURIComponent(secret),
  ]
}

/** Asserts that no surface holds any form of any secret. */
export function expectNoSecrets(
  surfaces: Record<string, string>,
  secrets: { value: string; username?: string }[],
): void {
  const leaks: string[] = []
  for (const [where, text] of Object.entries(surfaces)) {
    for (const { value, username } of secrets) {
      for (const form of secretForms(value, username)) {
        if (text.includes(form)) leaks.push(`${where} holds ${JSON.stringify(form)}`)
      }
    }
  }
  expect(leaks).toEqual([])
}

/** Runs `fn` with these environment variables set, restoring them afterwards. */
export async function withEnv<T>(env: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]))
  Object.assign(process.env, env)
  try {
    return await fn()
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k]
      else process.env[k] = v
    }
  }
}
