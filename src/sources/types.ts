import type { RegistryClient, Repository } from '../registry/index.js'
import type { Digest, Evidence, SourceId } from '../types.js'
import type { ByteAllowance, EvidenceBudget } from './budget.js'
import type { GithubApi } from './github-api.js'

/** What a source reads from: one image, pinned to its digest. */
export interface Subject {
  repository: Repository
  digest: Digest
  mediaType: string
}

export interface SourceContext {
  registry: RegistryClient
  /** Requests each source keeps in flight (the `concurrency` input). */
  concurrency: number
  /** The GitHub attestations API; absent without an API or a token (`github` then finds nothing). */
  github?: GithubApi
  /**
   * Shared by every source of one image (collectEvidence sets it): each claims its candidates
   * before fetching any blob. A source called on its own gets a budget of its own.
   */
  budget?: EvidenceBudget
  /** The image's evidence bytes, when its index and platform manifests share them. */
  imageBytes?: ByteAllowance
  /** The `signature-repository` input: read as well as the image's own repository. */
  signatureRepository?: Repository
}

/** A place publishers store evidence; it returns every piece it finds, readable or not. */
export interface Source {
  readonly id: SourceId
  /** cosign writes this evidence to another repository when told to (COSIGN_REPOSITORY). */
  readonly followsSignatureRepository?: true
  collect(subject: Subject, ctx: SourceContext): Promise<Evidence[]>
}
