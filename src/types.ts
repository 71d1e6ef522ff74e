// Domain types shared across folders. Everything here is plain data: it is what the result JSON holds.

/** `sha256:<64 lowercase hex>`: the only digest form accepted anywhere. */
export type Digest = string

/** A parsed image reference; `registry` is canonical (`docker.io` for Docker Hub). */
export interface ImageRef {
  registry: string
  repository: string
  tag?: string
  digest?: Digest
}

/**
 * Where evidence was read: the `sources` input names the first four. `file` is a local bundle
 * file of a release file (`bundle`, or one next to it), always read.
 */
export type SourceId = 'referrers' | 'cosign-tags' | 'github' | 'buildkit' | 'file'

export const SOURCE_IDS: readonly SourceId[] = ['referrers', 'cosign-tags', 'github', 'buildkit']

/** Names of the Fulcio GitHub certificate extensions we read (OID 1.3.6.1.4.1.57264.1.N). */
export type GithubExtensionName =
  | 'buildSignerUri'
  | 'buildSignerDigest'
  | 'runnerEnvironment'
  | 'sourceRepositoryUri'
  | 'sourceRepositoryDigest'
  | 'sourceRepositoryRef'
  | 'sourceRepositoryIdentifier'
  | 'sourceRepositoryOwnerUri'
  | 'sourceRepositoryOwnerIdentifier'
  | 'buildConfigUri'
  | 'buildConfigDigest'
  | 'buildTrigger'
  | 'runInvocationUri'
  | 'sourceRepositoryVisibilityAtSigning'

/** Who signed: read from the verified certificate, or the key that verified. */
export interface SignerSummary {
  subjectAlternativeName?: string
  issuer?: string
  publicKey?: boolean
  github: Partial<Record<GithubExtensionName, string>>
}

/** One piece of evidence as a source found it, before verification. Untrusted throughout. */
export interface Evidence {
  source: SourceId
  /** Where it was found, e.g. `referrer sha256:… via fallback tag sha256-…`. */
  location: string
  /** The referrer's artifactType or the layer's media type. */
  mediaType?: string
  /** Predicate type claimed by an annotation; never trusted, only shown. */
  claimedPredicateType?: string
  /** A Sigstore bundle to verify (parsed JSON); absent for unsigned or unreadable evidence. */
  bundle?: unknown
  /**
   * The bytes a message-signature bundle signs (a legacy cosign `.sig` simple-signing payload);
   * its `critical.image.docker-manifest-digest` must then equal the image digest.
   */
  signedPayload?: Buffer
  /** An unsigned in-toto statement (BuildKit attestations): listed, never trusted on its own. */
  unsignedStatement?: unknown
  /** A problem found while collecting it: the evidence then counts as failed. */
  error?: string
}

export type EvidenceKind = 'signature' | 'attestation' | 'unsigned' | 'unknown'

/** What the checked evidence no longer holds: its bytes, read once (`withoutBytes`). */
export type EvidenceBytes = 'bundle' | 'signedPayload' | 'unsignedStatement'

/**
 * Evidence after verification: `verified` only if signature, trust chain, log and digest binding
 * all held. Its bytes are dropped, so a run holds them no longer than one subject's check.
 */
export interface CheckedEvidence extends Omit<Evidence, EvidenceBytes> {
  kind: EvidenceKind
  signed: boolean
  verified: boolean
  predicateType?: string
  signer?: SignerSummary
  tlog: { logIndex: string; integratedTime?: string }[]
  /** The verified statement's predicate, kept for content rules; not written to the result JSON. */
  predicate?: unknown
  /** The digests a verified statement was bound to (its subject's), for rules; not written either. */
  digests?: Digest[]
}

export type FindingStatus = 'pass' | 'fail' | 'warn'

/** The outcome of one requirement on one image: expected versus actual, in words. */
export interface Finding {
  requirement: string
  status: FindingStatus
  expected: string
  actual: string
}

export type Verdict = 'pass' | 'fail' | 'error'

/** What an image carries, at a glance (policy/classify.ts defines each). */
export type EvidenceClass =
  'fully-attested' | 'signed' | 'unverified' | 'buildkit-unsigned' | 'unsigned-attachments' | 'none'

export interface ImageResult {
  reference: string
  digest?: Digest
  mediaType?: string
  verdict: Verdict
  /** Absent when the image could not be checked. */
  class?: EvidenceClass
  evidence: CheckedEvidence[]
  findings: Finding[]
  /** Under `platforms: all` or a list: each platform manifest of the index, judged on its own. */
  platforms?: PlatformResult[]
  /** Set when the image could not be checked at all (exit 2). */
  error?: { code: string; message: string }
  /** The FROM lines that name this image (`dockerfile` input); absent for `image` inputs. */
  sources?: DockerfileSource[]
  /** A release file (`subject-path`): `reference` is its path and `digest` its sha256. */
  file?: FileSubject
  /** The policy's `images` patterns that chose this subject's requirements. */
  matched?: string[]
}

/** One FROM line of a Dockerfile. */
export interface DockerfileSource {
  dockerfile: string
  /** 1-based line of the FROM keyword (or of the instruction whose flag names the image). */
  line: number
  /** The flag that names the image (`COPY --from`, `RUN --mount from`); absent for FROM. */
  via?: string
  /** The stage name (`AS name`), when it has one. */
  stage?: string
  /** 0-based stage index. */
  index: number
  /** `--platform` as expanded. */
  platform?: string
}

/** A release file checked as a subject. */
export interface FileSubject {
  path: string
  size: number
  sha256: Digest
  sha512: string
}

/** One Dockerfile's FROM lines, each with what it names and how that was judged. */
export interface DockerfileResult {
  path: string
  stages: StageResult[]
}

export interface StageResult {
  line: number
  /** The flag that names the base (`COPY --from`, `RUN --mount from`); absent for FROM. */
  via?: string
  index: number
  stage?: string
  /** The base as written in the FROM line. */
  from: string
  platform?: string
  base: 'scratch' | 'stage' | 'image' | 'invalid'
  /** For `image` and `invalid`: the reference as expanded (`images` lists its result). */
  reference?: string
  digest?: Digest
  verdict?: Verdict
  /** True when the FROM line pins a digest. */
  pinned?: boolean
  /** For an unpinned image that resolved: the FROM line to write instead. */
  suggestion?: string
  /** For `stage`: the stage named; for `invalid`: the problem. */
  detail?: string
}

/** One platform manifest of an index, with its own evidence and findings. */
export interface PlatformResult {
  platform: string
  digest: Digest
  verdict: Verdict
  class?: EvidenceClass
  evidence: CheckedEvidence[]
  findings: Finding[]
  error?: { code: string; message: string }
}

export interface GateResult {
  mediaType: 'application/vnd.supply-chain-gate.result.v1+json'
  verdict: Verdict
  mode: 'enforce' | 'audit'
  images: ImageResult[]
  /** The `dockerfile` input's files: every FROM line and the image result it maps to. */
  dockerfiles?: DockerfileResult[]
}
