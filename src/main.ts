import fs from 'node:fs/promises'
import path from 'node:path'
import { GateError, describe } from './errors.js'
import type { Inputs } from './inputs.js'
import { evaluate } from './policy/index.js'
import {
  RegistryClient,
  credentialResolver,
  formatReference,
  type Fetch,
} from './registry/index.js'
import type { CredentialHelperRunner } from './registry/credentials.js'
import { overallVerdict, toResultJson } from './report/result.js'
import { collectEvidence, selectSources } from './sources/index.js'
import type { GateResult, ImageRef, ImageResult } from './types.js'
import { mapLimit } from './util/concurrency.js'
import { checkEvidence, loadTrust, type PublicGoodLoader, type Trust } from './verify/index.js'

/** Everything `run` reaches the outside world through; tests pass their own. */
export interface Deps {
  fetch: Fetch
  loadPublicGood: PublicGoodLoader
  runCredentialHelper: CredentialHelperRunner
  /** Registers a secret so the runner masks it (core.setSecret); a no-op on a terminal. */
  maskSecret: (secret: string) => void
}

/** Images checked at once; each image has its own request concurrency. */
const IMAGE_CONCURRENCY = 4

/**
 * Resolves each image once, collects and verifies its evidence, and evaluates the requirements.
 * Bad evidence is data in the result; a failure to load trust material throws (exit 2).
 */
export async function run(inputs: Inputs, deps: Deps): Promise<GateResult> {
  const trust = await loadTrust({
    ...(inputs.trustedRootPath !== undefined && { trustedRootPath: inputs.trustedRootPath }),
    ...(inputs.publicKeyPath !== undefined && { publicKeyPath: inputs.publicKeyPath }),
    loadPublicGood: deps.loadPublicGood,
  })
  const registry = new RegistryClient({
    http: {
      fetch: deps.fetch,
      deadline: AbortSignal.timeout(inputs.timeoutMs),
      insecureHosts: inputs.insecureRegistries,
    },
    credentials: credentialResolver({
      ...(inputs.githubToken !== undefined && { githubToken: inputs.githubToken }),
      runHelper: deps.runCredentialHelper,
      onSecret: deps.maskSecret,
    }),
    maxBlobBytes: inputs.maxBlobBytes,
    onSecret: deps.maskSecret,
  })
  const images = await mapLimit(inputs.images, IMAGE_CONCURRENCY, ({ ref }) =>
    checkImage(ref, inputs, registry, trust),
  )
  return {
    mediaType: 'application/vnd.supply-chain-gate.result.v1+json',
    verdict: overallVerdict(images),
    mode: inputs.mode,
    images,
  }
}

async function checkImage(
  ref: ImageRef,
  inputs: Inputs,
  registry: RegistryClient,
  trust: Trust,
): Promise<ImageResult> {
  const reference = formatReference(ref)
  let digest: string | undefined
  try {
    const resolved = await registry.resolve(ref)
    digest = resolved.digest
    const found = await collectEvidence(
      { repository: ref, digest: resolved.digest, mediaType: resolved.mediaType },
      { registry, concurrency: inputs.concurrency },
      selectSources(inputs.sources),
    )
    const evidence = found.map((e) => checkEvidence(e, resolved.digest, trust))
    const findings = evaluate(inputs.requirements, evidence)
    const failed = findings.some((f) => f.status === 'fail')
    return {
      reference,
      digest,
      mediaType: resolved.mediaType,
      verdict: failed ? 'fail' : 'pass',
      evidence,
      findings,
    }
  } catch (error) {
    const code = error instanceof GateError ? error.code : 'INTERNAL'
    const message = `Failed to check ${reference}: ${describe(error)}`
    return {
      reference,
      ...(digest !== undefined && { digest }),
      verdict: 'error',
      evidence: [],
      findings: [],
      error: { code, message },
    }
  }
}

/** Writes the result JSON into `dir`; returns its path. */
export async function writeResult(result: GateResult, dir: string): Promise<string> {
  await fs.mkdir(dir, { recursive: true })
  const file = path.join(dir, 'supply-chain-gate-result.json')
  await fs.writeFile(file, toResultJson(result))
  return file
}
