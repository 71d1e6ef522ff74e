import fs from 'node:fs/promises'
import path from 'node:path'
import { GateError, describe } from './errors.js'
import type { Inputs } from './inputs.js'
import { classify } from './policy/classify.js'
import { evaluate } from './policy/index.js'
import {
  RegistryClient,
  credentialResolver,
  formatReference,
  type Fetch,
} from './registry/index.js'
import type { CredentialHelperRunner } from './registry/credentials.js'
import { overallVerdict, toResultJson } from './report/result.js'
import type { GithubApi } from './sources/github-api.js'
import { collectEvidence, selectSources, type Source } from './sources/index.js'
import type {
  CheckedEvidence,
  Digest,
  Evidence,
  GateResult,
  ImageRef,
  ImageResult,
} from './types.js'
import { mapLimit } from './util/concurrency.js'
import {
  checkEvidence,
  loadTrust,
  trustFor,
  type PublicGoodLoader,
  type Trust,
  type TrustedRootLoader,
} from './verify/index.js'

/** Everything `run` reaches the outside world through; tests pass their own. */
export interface Deps {
  fetch: Fetch
  loadPublicGood: PublicGoodLoader
  /** GitHub's Sigstore root through TUF; absent: certificates GitHub's instance issued are refused. */
  loadGithubRoot?: TrustedRootLoader
  /** GITHUB_API_URL; absent: there is no GitHub API to ask and the `github` source finds nothing. */
  githubApiUrl?: string
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
  const trust = await loadInputTrust(inputs, deps)
  const examiner: Examiner = {
    registry: registryClient(inputs, deps),
    sources: selectSources(inputs.sources),
    check: checkWith(trust),
    concurrency: inputs.concurrency,
    github: githubApi(inputs, deps),
  }
  const images = await mapLimit(inputs.images, IMAGE_CONCURRENCY, async ({ ref }) =>
    judge(await examineImage(ref, examiner), inputs),
  )
  return {
    mediaType: 'application/vnd.supply-chain-gate.result.v1+json',
    verdict: overallVerdict(images),
    mode: inputs.mode,
    images,
  }
}

/** Loads the trust material the inputs name (`trusted-root`, `public-key`, else public good). */
export function loadInputTrust(inputs: Inputs, deps: Deps): Promise<Trust> {
  return loadTrust({
    ...(inputs.trustedRootPath !== undefined && { trustedRootPath: inputs.trustedRootPath }),
    ...(inputs.publicKeyPath !== undefined && { publicKeyPath: inputs.publicKeyPath }),
    loadPublicGood: deps.loadPublicGood,
    ...(deps.loadGithubRoot !== undefined && { loadGithubRoot: deps.loadGithubRoot }),
  })
}

/** The registry client for one run: its deadline starts now. */
export function registryClient(inputs: Inputs, deps: Deps): RegistryClient {
  return new RegistryClient({
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
}

/**
 * The GitHub attestations API for one run (its deadline starts now). Asked only with a token, as
 * gh does: anonymous calls share 60 an hour per IP address, which shared runners exhaust, and the
 * action always has `github.token`.
 */
export function githubApi(inputs: Inputs, deps: Deps): GithubApi | undefined {
  if (deps.githubApiUrl === undefined || inputs.githubToken === undefined) return undefined
  return {
    url: deps.githubApiUrl,
    token: inputs.githubToken,
    // Plain HTTP only to the loopback hosts inputs allow, as for registries.
    http: {
      fetch: deps.fetch,
      deadline: AbortSignal.timeout(inputs.timeoutMs),
      insecureHosts: inputs.insecureRegistries,
    },
    deadlineAt: Date.now() + inputs.timeoutMs,
    maxBytes: inputs.maxBlobBytes,
    identities: inputs.requirements.flatMap((r) => r.identities),
  }
}

/** What examining an image needs: where to read, how to check each piece, and how many at once. */
export interface Examiner {
  registry: RegistryClient
  sources: readonly Source[]
  check: (found: Evidence[], digest: Digest) => Promise<CheckedEvidence[]>
  concurrency: number
  github?: GithubApi
}

/** Verifies every piece found for `digest` against `trust` (bad pieces are data, never thrown). */
export function checkWith(trust: Trust): Examiner['check'] {
  return async (found, digest) => {
    const ready = await trustFor(trust, found)
    return found.map((e) => checkEvidence(e, digest, ready))
  }
}

/** One image read and checked, nothing evaluated; `error` when it could not be read (exit 2). */
export interface ExaminedImage {
  reference: string
  digest?: Digest
  mediaType?: string
  evidence: CheckedEvidence[]
  error?: { code: string; message: string }
}

/** Resolves the image once, then collects and checks every piece of evidence for that digest. */
export async function examineImage(ref: ImageRef, examiner: Examiner): Promise<ExaminedImage> {
  const reference = formatReference(ref)
  let digest: string | undefined
  try {
    const resolved = await examiner.registry.resolve(ref)
    digest = resolved.digest
    const found = await collectEvidence(
      { repository: ref, digest: resolved.digest, mediaType: resolved.mediaType },
      { registry: examiner.registry, concurrency: examiner.concurrency, github: examiner.github },
      examiner.sources,
    )
    const evidence = await examiner.check(found, resolved.digest)
    return { reference, digest, mediaType: resolved.mediaType, evidence }
  } catch (error) {
    const code = error instanceof GateError ? error.code : 'INTERNAL'
    const message = `Failed to check ${reference}: ${describe(error)}`
    return {
      reference,
      ...(digest !== undefined && { digest }),
      evidence: [],
      error: { code, message },
    }
  }
}

/** Evaluates the requirements on one examined image; one that could not be read is an error. */
function judge({ evidence, error, ...image }: ExaminedImage, inputs: Inputs): ImageResult {
  // Keys in result-JSON order: verdict and class before the long evidence list.
  if (error !== undefined) return { ...image, verdict: 'error', evidence, findings: [], error }
  const findings = evaluate(inputs.requirements, evidence)
  const verdict = findings.some((f) => f.status === 'fail') ? 'fail' : 'pass'
  return { ...image, verdict, class: classify(evidence), evidence, findings }
}

/** Writes the result JSON into `dir`; returns its path. */
export async function writeResult(result: GateResult, dir: string): Promise<string> {
  await fs.mkdir(dir, { recursive: true })
  const file = path.join(dir, 'supply-chain-gate-result.json')
  await fs.writeFile(file, toResultJson(result))
  return file
}
