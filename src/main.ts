import fs from 'node:fs/promises'
import path from 'node:path'
import {
  checkWith,
  examineResolved,
  judgeEvidence,
  resolveImage,
  type Examiner,
  type FailedImage,
} from './examine.js'
import {
  baseImages,
  dockerfileResults,
  invalidResult,
  pinningFinding,
  type BaseImage,
} from './dockerfile/index.js'
import { examineFiles } from './files/examine.js'
import type { Inputs } from './inputs.js'
import { examinePlatforms, withPlatforms } from './multi-arch.js'
import type { PlatformSelection } from './platforms.js'
import {
  RegistryClient,
  credentialResolver,
  isIndexType,
  type Transport,
  type HttpContext,
} from './registry/index.js'
import { applicable, imageName, predicatesRead, type Requirement } from './policy/index.js'
import { formatReference, parseReference } from './registry/index.js'
import { overallVerdict, toResultJson } from './report/result.js'
import type { GithubApi } from './sources/github-api.js'
import { ByteAllowance, selectSources } from './sources/index.js'
import type { GateResult, ImageRef, ImageResult } from './types.js'
import { mapLimit } from './util/concurrency.js'
import {
  loadTrust,
  type IdentityPolicy,
  type PublicGoodLoader,
  type Trust,
  type TrustedRootLoader,
} from './verify/index.js'

/** Everything `run` reaches the outside world through; tests pass their own. */
export interface Deps {
  /** Every registry and GitHub API request goes through it (nodeTransport outside tests). */
  transport: Transport
  loadPublicGood: PublicGoodLoader
  /** GitHub's Sigstore root through TUF; absent: certificates GitHub's instance issued are refused. */
  loadGithubRoot?: TrustedRootLoader
  /** GITHUB_API_URL; absent: there is no GitHub API to ask and the `github` source finds nothing. */
  githubApiUrl?: string
  /** Runs `docker-credential-<helper> get`; ended at the run's deadline. */
  runCredentialHelper: (helper: string, serverUrl: string, deadline: AbortSignal) => Promise<string>
  /** Registers a secret so the runner masks it (core.setSecret); a no-op on a terminal. */
  maskSecret: (secret: string) => void
}

/**
 * Resolves each image once, collects and verifies its evidence, and evaluates the requirements.
 * Bad evidence is data in the result; a failure to load trust material throws (exit 2).
 */
export async function run(inputs: Inputs, deps: Deps): Promise<GateResult> {
  // Trust loads while the first requests are in flight; a failure to load it still ends the run.
  const trust = loadInputTrust(inputs, deps)
  const http = runHttp(inputs, deps)
  const examiner = imageExaminer(
    inputs,
    deps,
    http,
    checkWith(trust, predicatesRead(allRequirements(inputs))),
  )
  const { images: bases, invalid } = baseImages(inputs.dockerfiles ?? [])
  const [images, loaded] = await Promise.all([
    mapLimit(imageSubjects(inputs, bases), inputs.concurrency, (subject) =>
      judgeSubject(subject, inputs, examiner),
    ),
    trust,
  ])
  const files = await judgeFiles(inputs, examiner, loaded)
  const all = [...images, ...invalid.map(invalidResult), ...files]
  const dockerfiles =
    inputs.dockerfiles === undefined ? undefined : dockerfileResults(inputs.dockerfiles, all)
  return {
    mediaType: 'application/vnd.supply-chain-gate.result.v1+json',
    // Dockerfiles whose every FROM is scratch or a stage name no image to trust: nothing failed.
    verdict: all.length === 0 && dockerfiles !== undefined ? 'pass' : overallVerdict(all),
    mode: inputs.mode,
    images: all,
    ...(dockerfiles !== undefined && { dockerfiles }),
  }
}

/** An image to check: from the `image` input, a Dockerfile's FROM lines, or both. */
interface ImageSubject {
  ref: ImageRef
  base?: BaseImage
}

// Each distinct reference once: a base image also given as `image` is checked once, with its lines.
function imageSubjects(inputs: Inputs, bases: BaseImage[]): ImageSubject[] {
  const subjects = new Map<string, ImageSubject>()
  for (const { ref } of inputs.images) {
    const key = formatReference(ref)
    if (!subjects.has(key)) subjects.set(key, { ref })
  }
  for (const base of bases) {
    const given = subjects.get(base.reference)
    subjects.set(base.reference, { ref: given?.ref ?? base.ref, base })
  }
  return [...subjects.values()]
}

/**
 * The signers the policy accepts for one result: its `images` patterns' (or `default`'s) under a
 * policy with `images`, else every requirement's. What `signer-identity` may name for it.
 */
export function acceptedIdentities(
  inputs: Inputs,
  image: ImageResult | undefined,
): IdentityPolicy[] {
  if (image === undefined) return []
  let name: string | undefined
  if (image.file === undefined) {
    try {
      name = imageName(parseReference(image.reference))
    } catch {
      return [] // a FROM line that could not be used: nobody signed anything for it
    }
  }
  return requirementsFor(inputs, name).requirements.flatMap((r) => r.identities)
}

/** Every requirement any subject of the run may be judged by. */
function allRequirements(inputs: Inputs): Requirement[] {
  return [
    ...inputs.requirements,
    ...(inputs.imagePolicies?.entries.flatMap((e) => e.requirements) ?? []),
    ...(inputs.imagePolicies?.fallback ?? []),
  ]
}

/** The requirements for a subject (`name` = registry/repository; undefined for a file). */
function requirementsFor(inputs: Inputs, name: string | undefined): ReturnType<typeof applicable> {
  if (inputs.imagePolicies === undefined) return { requirements: inputs.requirements }
  return applicable(inputs.imagePolicies, name)
}

// The GitHub API is asked about the signers this subject's requirements accept.
function examinerFor(examiner: Examiner, requirements: Requirement[]): Examiner {
  if (examiner.github === undefined) return examiner
  const identities = requirements.flatMap((r) => r.identities)
  return { ...examiner, github: { ...examiner.github, identities } }
}

async function judgeSubject(
  { ref, base }: ImageSubject,
  inputs: Inputs,
  examiner: Examiner,
): Promise<ImageResult> {
  const chosen = requirementsFor(inputs, imageName(ref))
  const own = examinerFor(examiner, chosen.requirements)
  const platforms =
    base === undefined ? inputs.platforms : withFromPlatforms(inputs.platforms, base)
  const judged = await judge(ref, { ...inputs, platforms, requirements: chosen.requirements }, own)
  const extra = [
    ...('unmatched' in chosen ? [chosen.unmatched] : []),
    ...(base === undefined
      ? []
      : [pinningFinding(base, judged.digest, inputs.requireDigestPinning === true)].filter(
          (f) => f !== undefined,
        )),
  ]
  const failed = extra.some((f) => f.status === 'fail')
  return {
    ...judged,
    verdict: judged.verdict === 'pass' && failed ? 'fail' : judged.verdict,
    findings: [...extra, ...judged.findings],
    ...(base !== undefined && { sources: base.uses.map((u) => u.source) }),
    ...('matched' in chosen && chosen.matched !== undefined && { matched: chosen.matched }),
  }
}

/**
 * Security: a FROM line's `--platform` is the manifest the build pulls, so under a list of
 * platforms it is checked too, named in the list or not. (`index` covers every platform through
 * the index's own evidence; `all` checks each.) A line without one pulls the build's target
 * platform, which the list names; so does one read from TARGETPLATFORM, whose value here is
 * only the runner's. `$BUILDPLATFORM` is the builder's: the runner's, checked too.
 */
function withFromPlatforms(selection: PlatformSelection, base: BaseImage): PlatformSelection {
  if (!Array.isArray(selection)) return selection
  const named = base.uses.flatMap(({ from }) =>
    from.platform === undefined || from.platform.guessed || from.platform.value === ''
      ? []
      : [from.platform.value],
  )
  return [...new Set([...selection, ...named])]
}

/** Release files: each examined by its digests and judged as an image would be. */
async function judgeFiles(
  inputs: Inputs,
  examiner: Examiner,
  trust: Trust,
): Promise<ImageResult[]> {
  if (inputs.files === undefined) return []
  const chosen = requirementsFor(inputs, undefined)
  const own = examinerFor(examiner, chosen.requirements)
  const examined = await examineFiles(inputs.files, inputs.bundles ?? [], {
    trust,
    ...(inputs.sources.has('github') && own.github !== undefined && { github: own.github }),
    registry: examiner.registry,
    concurrency: inputs.concurrency,
    maxBytes: inputs.maxBlobBytes,
  })
  return examined.map(({ evidence, error, ...file }): ImageResult => {
    if (error !== undefined) return { ...file, verdict: 'error', evidence, findings: [], error }
    const judged = judgeEvidence(evidence, { requirements: chosen.requirements }, 'file')
    const findings =
      'unmatched' in chosen ? [chosen.unmatched, ...judged.findings] : judged.findings
    const verdict = 'unmatched' in chosen ? 'fail' : judged.verdict
    return { ...file, verdict, class: judged.class, evidence, findings }
  })
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

/**
 * The run's one HTTP context, shared by registries and the GitHub API: one deadline for the whole
 * run, and plain HTTP only to the loopback hosts the inputs allow.
 */
export function runHttp(inputs: Inputs, deps: Deps): HttpContext {
  return {
    transport: deps.transport,
    deadline: AbortSignal.timeout(inputs.timeoutMs),
    insecureHosts: inputs.insecureRegistries,
  }
}

/** How images are read for this run's inputs; `check` verifies what is found. */
export function imageExaminer(
  inputs: Inputs,
  deps: Deps,
  http: HttpContext,
  check: Examiner['check'],
): Examiner {
  return {
    registry: registryClient(inputs, deps, http),
    sources: selectSources(inputs.sources),
    check,
    concurrency: inputs.concurrency,
    github: githubApi(inputs, deps, http),
    ...(inputs.signatureRepository !== undefined && {
      signatureRepository: inputs.signatureRepository,
    }),
  }
}

/** The registry client for one run, reading through the run's HTTP context. */
export function registryClient(inputs: Inputs, deps: Deps, http: HttpContext): RegistryClient {
  return new RegistryClient({
    http,
    credentials: credentialResolver({
      ...(inputs.githubToken !== undefined && { githubToken: inputs.githubToken }),
      runHelper: (helper, serverUrl) => deps.runCredentialHelper(helper, serverUrl, http.deadline),
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
export function githubApi(inputs: Inputs, deps: Deps, http: HttpContext): GithubApi | undefined {
  if (deps.githubApiUrl === undefined || inputs.githubToken === undefined) return undefined
  return {
    url: deps.githubApiUrl,
    token: inputs.githubToken,
    http,
    deadlineAt: Date.now() + inputs.timeoutMs,
    maxBytes: inputs.maxBlobBytes,
    identities: allRequirements(inputs).flatMap((r) => r.identities),
  }
}

/** Examines and evaluates one image, and under `platforms` each of its platform manifests. */
async function judge(ref: ImageRef, inputs: Inputs, examiner: Examiner): Promise<ImageResult> {
  const resolved = await resolveImage(ref, examiner)
  if ('error' in resolved) return errorResult(resolved)
  // Security: the index and its platforms share one byte bound, however many platforms it lists.
  const imageBytes = new ByteAllowance()
  // Platforms are read alongside the index's own evidence: one chain of round trips, not two.
  const platforms =
    inputs.platforms !== 'index' && isIndexType(resolved.mediaType)
      ? examinePlatforms(ref, resolved, inputs.platforms, inputs, examiner, imageBytes)
      : undefined
  const { evidence, error, ...image } = await examineResolved(ref, resolved, examiner, imageBytes)
  if (error !== undefined) {
    // The platforms' requests end before the verdict does: no work outlives the run.
    await platforms
    return errorResult({ ...image, evidence, error })
  }
  const { verdict, class: evidenceClass, findings } = judgeEvidence(evidence, inputs)
  // Keys in result-JSON order: verdict and class before the long evidence list.
  const result: ImageResult = { ...image, verdict, class: evidenceClass, evidence, findings }
  return platforms === undefined
    ? result
    : withPlatforms(result, await platforms, inputs.requirements)
}

function errorResult({ evidence, error, ...image }: FailedImage): ImageResult {
  return { ...image, verdict: 'error', evidence, findings: [], error }
}

/** Writes the result JSON into `dir`; returns its path. */
export async function writeResult(result: GateResult, dir: string): Promise<string> {
  await fs.mkdir(dir, { recursive: true })
  const file = path.join(dir, 'supply-chain-gate-result.json')
  await fs.writeFile(file, toResultJson(result))
  return file
}
