// Every bound on what a registry, an API or a bundle may send. Values and reasons: SECURITY.md.
export const MiB = 1024 * 1024

export const LIMITS = {
  /** Manifest, index and referrers page size (OCI distribution-spec's 4 MiB). */
  manifestBytes: 4 * MiB,
  /** Default cap on one blob (bundle, attestation layer); the `max-blob-size` input changes it. */
  blobBytes: 32 * MiB,
  /** Hard ceiling for `max-blob-size` (cosign's default maximum). */
  blobBytesCeiling: 128 * MiB,
  /** Error bodies are read only this far, and only to be discarded. */
  errorBodyBytes: 64 * 1024,
  /** Token endpoint response. */
  tokenBodyBytes: 128 * 1024,
  /**
   * Candidate signatures and attestations evaluated per image (every source together); each
   * source claims its candidates before it fetches a blob, and more fails closed.
   */
  evidencePerImage: 100,
  /**
   * Bytes of those candidates' blobs per image (every source together), claimed from each blob's
   * declared size before it is fetched: 100 candidates at the blob cap would otherwise be GiBs.
   */
  evidenceBytesPerImage: 512 * MiB,
  /** Platform manifests of one index checked under `platforms` (real images list a dozen or so). */
  platformsPerIndex: 64,
  /** Referrers: pages followed, and descriptors in all pages together. */
  referrerPages: 10,
  referrerDescriptors: 1000,
  /** Layers in one cosign `.sig` / `.att` manifest: cosign's own parse limit (pkg/oci/remote). */
  cosignLayersPerTag: 1000,
  /**
   * BuildKit writes one attestation manifest per platform with a few statements each; an index
   * listing more is not BuildKit's, and reading it all would let the registry choose our cost.
   */
  buildkitManifests: 32,
  buildkitStatements: 64,
  /** GitHub attestations API pages per digest; with per_page=100 the evidence cap is met first. */
  githubPages: 10,
  /** Repositories and owners one image's policy makes us ask the attestations API about. */
  githubScopes: 8,
  /** Rate-limit waits per GitHub API request, each ending before the overall deadline. */
  githubRateLimitWaits: 3,
  /** GitHub's advice when a secondary rate limit gives no reset time: wait at least a minute. */
  githubSecondaryLimitWaitMs: 60_000,
  /** Per-bundle structures, checked before sigstore-js sees the bundle (it has no caps). */
  tlogEntriesPerBundle: 32,
  timestampsPerBundle: 32,
  subjectsPerStatement: 1024,
  /** Digests one statement subject may list (sigstore-go's cap, GHSA-cq38; catalog T14). */
  digestsPerSubject: 32,
  certificatesPerChain: 10,
  /** Nesting of a bundle or signed payload: no signed document we read needs more; bounds the stack. */
  jsonDepth: 512,
  /** Redirects followed per request. */
  redirects: 10,
  /** Transient retries (429, 5xx, network) for idempotent requests, and the longest wait honoured. */
  retries: 2,
  /** First wait between retries; each later one doubles it. */
  retryBackoffMs: 200,
  retryAfterMaxMs: 10_000,
  /** One request, headers to last byte. */
  requestTimeoutMs: 30_000,
  /** The whole run unless the `timeout` input says otherwise. */
  overallTimeoutMs: 180_000,
  /** Length of an identity value or regexp we accept to match. */
  identityChars: 4096,
  /** The policy file (and each schema file it names): larger is refused before parsing. */
  policyFileBytes: MiB,
  /** A `trusted-root` or `public-key` file (the public-good root is ~10 KiB). */
  trustFileBytes: MiB,
  /** YAML aliases expanded in the policy file: a few repeat a list, many are a "billion laughs". */
  policyYamlAliases: 16,
  /** A Dockerfile (the largest real ones are a few dozen KiB), and FROM lines in all of a run's. */
  dockerfileBytes: MiB,
  dockerfileFromLines: 256,
  /**
   * Expanding one FROM line: `${…}` nested this deep, this many characters out (ARGs that repeat
   * one another could double at each step), and pattern positions × characters visited by the
   * `#`, `%` and `/` operators' matching.
   */
  fromExpansionDepth: 8,
  fromExpansionChars: 8192,
  fromPatternSteps: 1_000_000,
  /** A release file verified by a message signature is hashed over its bytes in memory. */
  signedFileBytes: 1024 * MiB,
  /** What a docker credential helper prints: a JSON object with a user name and a secret. */
  credentialHelperOutputChars: 64 * 1024,
  /** Job summary size; the rest is cut with a note. */
  summaryBytes: 512 * 1024,
} as const
