import fs from 'node:fs/promises'
import path from 'node:path'
import {
  examineImage,
  judgeEvidence,
  type Examiner,
  type ExaminedImage,
  checkWith,
} from './examine.js'
import type { Inputs } from './inputs.js'
import { checkPlatforms } from './multi-arch.js'
import {
  RegistryClient,
  credentialResolver,
  isIndexType,
  type Fetch,
  type Repository,
} from './registry/index.js'
import type { CredentialHelperRunner } from './registry/credentials.js'
import { overallVerdict, toResultJson } from './report/result.js'
import type { GithubApi } from './sources/github-api.js'
import { selectSources } from './sources/index.js'
import type { GateResult, ImageResult } from './types.js'
import { mapLimit } from './util/concurrency.js'
import {
  loadTrust,
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
    judge(ref, await examineImage(ref, examiner), inputs, examiner),
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

/** Evaluates one examined image, and under `platforms` each of its platform manifests. */
async function judge(
  repository: Repository,
  examined: ExaminedImage,
  inputs: Inputs,
  examiner: Examiner,
): Promise<ImageResult> {
  const { evidence, error, ...image } = examined
  // Keys in result-JSON order: verdict and class before the long evidence list.
  if (error !== undefined) return { ...image, verdict: 'error', evidence, findings: [], error }
  const { verdict, class: evidenceClass, findings } = judgeEvidence(evidence, inputs)
  const result: ImageResult = { ...image, verdict, class: evidenceClass, evidence, findings }
  if (inputs.platforms === 'index' || !isIndexType(image.mediaType)) return result
  return checkPlatforms(repository, result, inputs, examiner)
}

/** Writes the result JSON into `dir`; returns its path. */
export async function writeResult(result: GateResult, dir: string): Promise<string> {
  await fs.mkdir(dir, { recursive: true })
  const file = path.join(dir, 'supply-chain-gate-result.json')
  await fs.writeFile(file, toResultJson(result))
  return file
}
