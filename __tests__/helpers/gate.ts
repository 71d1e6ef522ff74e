// Runs the gate the way the action does, against test trust material and the test registry.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseInputs } from '../../src/inputs.js'
import { run, type Deps } from '../../src/main.js'
import { nodeTransport } from '../../src/registry/transport.js'
import type { GateResult } from '../../src/types.js'
import { createMiniSigstore, type MiniSigstore } from './mini-sigstore.js'
import { sharedRegistry } from './registry.js'

/** Deps for tests: the real transport (the no-internet guard is active), no TUF, no credential helpers. */
export function testDeps(secrets: string[] = []): Deps {
  return {
    transport: nodeTransport,
    loadPublicGood: () => Promise.reject(new Error('tests never load the public-good root')),
    runCredentialHelper: () => Promise.reject(new Error('tests run no credential helper')),
    maskSecret: (secret) => secrets.push(secret),
  }
}

/** Writes the mini Sigstore's trusted root to a temp file and returns its path. */
export function writeTrustedRoot(ss: MiniSigstore): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scg-root-'))
  const file = path.join(dir, 'trusted_root.json')
  fs.writeFileSync(file, JSON.stringify(ss.trustedRootJSON))
  return file
}

/**
 * What most gate tests start from: the shared test registry's host, a mini Sigstore, and its
 * trusted root written to a file. Awaited at the top of a test file, once for all its tests.
 */
export async function gateFixture(): Promise<{ host: string; ss: MiniSigstore; root: string }> {
  const ss = await createMiniSigstore()
  return { host: sharedRegistry(), ss, root: writeTrustedRoot(ss) }
}

/** Parses inputs as the action would, with the test registry allowed over plain HTTP. */
export async function runGate(host: string, values: Record<string, string>): Promise<GateResult> {
  const inputs = await parseInputs(
    (name) => ({ 'insecure-registries': host, ...values })[name] ?? '',
  )
  return run(inputs, testDeps())
}
