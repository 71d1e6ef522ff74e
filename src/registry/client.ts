// A read-only OCI distribution client, written by hand because no maintained npm library reads
// registries with digest checks, size caps and the referrers fallback (`@sigstore/oci` only writes).
import { GateError } from '../errors.js'
import { LIMITS } from '../limits.js'
import { foldKey } from '../verify/json.js'
import type { Digest, ImageRef } from '../types.js'
import { basicAuthorization, fetchToken, parseChallenge, type Credentials } from './auth.js'
import {
  RefusedBody,
  httpRequest,
  networkError,
  type HttpContext,
  type HttpResponse,
} from './http.js'
import { MANIFEST_ACCEPT, MediaType, isIndexType } from './media-types.js'
import { TAG_RE, apiHost, digestTag, isDigest } from './reference.js'

export interface Descriptor {
  mediaType: string
  digest: Digest
  size: number
  artifactType?: string
  annotations?: Record<string, string>
  platform?: { os?: string; architecture?: string; variant?: string }
}

export interface Manifest {
  digest: Digest
  mediaType: string
  bytes: Buffer
  json: ManifestJson
}

export interface ManifestJson {
  schemaVersion?: number
  mediaType?: string
  artifactType?: string
  config?: Descriptor
  layers?: Descriptor[]
  manifests?: Descriptor[]
  subject?: Descriptor
  annotations?: Record<string, string>
}

/** How one registry GET is read. */
interface RequestOptions {
  maxBytes: number
  accept?: string
  sink?: () => (chunk: Uint8Array) => void
}

/** A repository on a registry: what every read is scoped to. */
export type Repository = Pick<ImageRef, 'registry' | 'repository'>

export interface Referrers {
  descriptors: Descriptor[]
  /** `api` (OCI 1.1 referrers endpoint) or `tag` (the `sha256-<hex>` fallback index). */
  via: 'api' | 'tag'
}

export interface RegistryClientOptions {
  http: HttpContext
  credentials: (registry: string) => Promise<Credentials | undefined>
  maxBlobBytes: number
  /** Called with each registry token before anything could print it. */
  onSecret: (secret: string) => void
}

/** Reads manifests, blobs and referrers; every byte fetched by digest is hashed against it. */
export class RegistryClient {
  private readonly tokens = new Map<string, Promise<string>>()
  private readonly manifests = new Map<string, Promise<Manifest>>()
  /** `registry/repository` whose referrers API answered 404: read through the tag only. */
  private readonly withoutReferrersApi = new Set<string>()

  constructor(private readonly options: RegistryClientOptions) {}

  /** The most a blob may declare; one declaring more is refused unread. */
  get maxBlobBytes(): number {
    return this.options.maxBlobBytes
  }

  /** Resolves a tag to the digest every later read uses (pinned once; a digest is kept as is). */
  async resolve(ref: ImageRef): Promise<{ digest: Digest; mediaType: string }> {
    const target = ref.digest ?? ref.tag ?? 'latest'
    const manifest = ref.digest
      ? await this.manifest(ref, ref.digest)
      : await this.manifestByTag(ref, target)
    if (manifest === undefined) {
      throw new GateError(
        'REGISTRY_NOT_FOUND',
        `${ref.registry}/${ref.repository}:${target} was not found`,
      )
    }
    // Its bytes hash to its digest, so later reads by that digest (an index's platforms) reuse it.
    this.manifests.set(
      `${ref.registry}/${ref.repository}@${manifest.digest}`,
      Promise.resolve(manifest),
    )
    return { digest: manifest.digest, mediaType: manifest.mediaType }
  }

  /**
   * Fetches a manifest by digest; its bytes must hash to that digest. A resolved image's is kept
   * for the run (its platforms and BuildKit attestations read it again); any other only while it
   * is in flight: a registry listing a hundred 4 MiB referrers would otherwise fill memory.
   */
  manifest(repo: Repository, digest: Digest): Promise<Manifest> {
    // No URL is built from a registry-supplied digest that is not one (T48, CVE-2024-3727).
    if (!isDigest(digest)) return Promise.reject(malformedDigest('manifest', digest))
    const key = `${repo.registry}/${repo.repository}@${digest}`
    let cached = this.manifests.get(key)
    if (cached === undefined) {
      const fetched = this.fetchManifest(repo, digest, digest).then((m) => {
        if (m === undefined)
          throw new GateError('REGISTRY_NOT_FOUND', `manifest ${digest} was not found`)
        return m
      })
      const settled = (): void => {
        if (this.manifests.get(key) === fetched) this.manifests.delete(key)
      }
      this.manifests.set(key, fetched)
      fetched.then(settled, settled)
      cached = fetched
    }
    return cached
  }

  /** Fetches a manifest by tag; undefined when the tag does not exist. Its digest is computed. */
  manifestByTag(repo: Repository, tag: string): Promise<Manifest | undefined> {
    if (!TAG_RE.test(tag)) {
      return Promise.reject(
        new GateError('REGISTRY_PROTOCOL', `tag ${safe(tag)} is not a valid tag name`),
      )
    }
    return this.fetchManifest(repo, tag, undefined)
  }

  /** Fetches a blob by digest, capped at `maxBytes` (default: the `max-blob-size` input). */
  async blob(
    repo: Repository,
    descriptor: Pick<Descriptor, 'digest' | 'size'>,
    maxBytes?: number,
  ): Promise<Buffer> {
    return (await this.readBlob(repo, descriptor, maxBytes)).body
  }

  /**
   * Streams a blob into a reader instead of holding its bytes (a large bundle), with the checks
   * `blob` makes. The reader's result is returned only once the bytes hashed to the digest; each
   * chunk given to `write` is valid only during that call.
   */
  async blobInto<T>(
    repo: Repository,
    descriptor: Pick<Descriptor, 'digest' | 'size'>,
    reader: () => { write: (chunk: Uint8Array) => void; end: () => T },
  ): Promise<T> {
    let current: ReturnType<typeof reader> | undefined
    await this.readBlob(repo, descriptor, undefined, () => {
      const fresh = reader()
      current = fresh
      return (chunk) => fresh.write(chunk)
    })
    return current!.end()
  }

  private async readBlob(
    repo: Repository,
    descriptor: Pick<Descriptor, 'digest' | 'size'>,
    maxBytes: number | undefined,
    sink?: () => (chunk: Uint8Array) => void,
  ): Promise<HttpResponse> {
    const limit = maxBytes ?? this.options.maxBlobBytes
    const { digest, size } = descriptor
    if (!isDigest(digest)) throw malformedDigest('blob', digest)
    if (!Number.isSafeInteger(size) || size < 0 || size > limit) {
      throw new GateError(
        'LIMIT_EXCEEDED',
        `blob ${digest} declares ${safe(size)} bytes; the limit is ${limit}`,
      )
    }
    // Read no further than the descriptor says: a blob that streams on stops at size+1 (T40).
    const res = await this.get(repo, `blobs/${digest}`, { maxBytes: size, sink })
    if (res.status !== 200) throw statusError(`blob ${digest}`, res)
    if (res.digest !== digest) {
      throw new GateError(
        'DIGEST_MISMATCH',
        `blob ${digest} arrived with content hashing to ${res.digest}`,
      )
    }
    // The digest matched, so only the descriptor's size can be wrong: never a silent pass (T40).
    if (res.size !== size) {
      throw new GateError(
        'DIGEST_MISMATCH',
        `blob ${digest} is ${res.size} bytes, not the ${size} its descriptor declares`,
      )
    }
    return res
  }

  /**
   * Lists referrers of `digest`: the OCI 1.1 API, else the `sha256-<hex>` tag index on 404, 400,
   * 406 or a non-index answer, as go-containerregistry does (distribution-spec "Listing Referrers").
   * The tag is asked in the same round trip as the API, so a registry without the API (most today)
   * costs no extra wave; once a repository's API answered 404 it is not asked again (oras-go does
   * the same per repository). A registry with the API is never read through the tag.
   */
  async referrers(repo: Repository, digest: Digest): Promise<Referrers> {
    if (!isDigest(digest)) throw malformedDigest('referrers subject', digest)
    const repoKey = `${repo.registry}/${repo.repository}`
    const fallback = this.manifestByTag(repo, digestTag(digest))
    fallback.catch(() => undefined) // awaited below unless the API answers
    if (!this.withoutReferrersApi.has(repoKey)) {
      const first = await this.get(repo, `referrers/${digest}`, {
        maxBytes: LIMITS.manifestBytes,
        accept: MediaType.ociIndex,
      })
      const isIndex =
        (first.headers.get('content-type') ?? '').split(';')[0]!.trim() === MediaType.ociIndex
      if (first.status === 200 && isIndex) {
        return { descriptors: await this.referrerPages(repo, first), via: 'api' }
      }
      if (first.status !== 200 && ![400, 404, 406].includes(first.status)) {
        throw statusError(`referrers of ${digest}`, first)
      }
      // The spec forbids a 404 from a registry that has the API: it has none for this repository.
      if (first.status === 404) this.withoutReferrersApi.add(repoKey)
    }
    const index = await fallback
    return { descriptors: withinReferrerCap(descriptorsOf(index?.json.manifests)), via: 'tag' }
  }

  private async referrerPages(repo: Repository, first: HttpResponse): Promise<Descriptor[]> {
    const descriptors: Descriptor[] = []
    const seen = new Set<string>([first.url])
    let page: HttpResponse | undefined = first
    for (let pages = 1; page !== undefined; pages++) {
      descriptors.push(
        ...descriptorsOf(parseJson<ManifestJson>(page.body, 'referrers page').manifests),
      )
      withinReferrerCap(descriptors)
      const next = nextLink(page.headers.get('link'), page.url)
      if (next === undefined) break
      if (pages >= LIMITS.referrerPages) {
        throw new GateError(
          'LIMIT_EXCEEDED',
          `more than ${LIMITS.referrerPages} pages of referrers`,
        )
      }
      // Follow pages only on the registry's own origin (not the origin a redirect ended on, which
      // may be a CDN's), and never the same page twice.
      if (new URL(next).origin !== new URL(this.baseUrl(repo)).origin || seen.has(next)) {
        throw new GateError(
          'REGISTRY_PROTOCOL',
          'a referrers Link header points elsewhere or loops',
        )
      }
      seen.add(next)
      page = await this.getUrl(repo, next, {
        maxBytes: LIMITS.manifestBytes,
        accept: MediaType.ociIndex,
      })
      if (page.status !== 200) throw statusError('a referrers page', page)
    }
    return descriptors
  }

  private async fetchManifest(
    repo: Repository,
    reference: string,
    expected: Digest | undefined,
  ): Promise<Manifest | undefined> {
    const res = await this.get(repo, `manifests/${reference}`, {
      maxBytes: LIMITS.manifestBytes,
      accept: MANIFEST_ACCEPT,
    })
    if (res.status === 404) return undefined
    if (res.status !== 200) throw statusError(`manifest ${reference}`, res)
    if (expected !== undefined && res.digest !== expected) {
      throw new GateError(
        'DIGEST_MISMATCH',
        `manifest ${expected} arrived with content hashing to ${res.digest}`,
      )
    }
    // The digest is always the hash of the bytes; a header claiming another is a lie (T32).
    const claimed = res.headers.get('docker-content-digest')
    if (claimed !== null && claimed.startsWith('sha256:') && claimed !== res.digest) {
      throw new GateError(
        'DIGEST_MISMATCH',
        `manifest ${safe(reference)} arrived with content hashing to ${res.digest}, but the registry says ${safe(claimed)}`,
      )
    }
    const json = parseJson<ManifestJson>(res.body, `manifest ${reference}`)
    const contentType = (res.headers.get('content-type') ?? '').split(';')[0]!.trim()
    assertUnambiguous(json, contentType, reference)
    const mediaType = json.mediaType ?? contentType
    return { digest: res.digest, mediaType, bytes: res.body, json }
  }

  private get(repo: Repository, path: string, opts: RequestOptions): Promise<HttpResponse> {
    return this.getUrl(repo, `${this.baseUrl(repo)}/v2/${repo.repository}/${path}`, opts)
  }

  /** GET with the registry's auth: one token per scope, one retry after a 401 challenge (T51). */
  private async getUrl(repo: Repository, url: string, opts: RequestOptions): Promise<HttpResponse> {
    // The registry's token and credentials are attached below: only ever to its own origin (T59).
    if (new URL(url).origin !== new URL(this.baseUrl(repo)).origin) {
      throw new GateError(
        'REGISTRY_PROTOCOL',
        `refused to send ${repo.registry}'s credentials elsewhere`,
      )
    }
    const scope = `repository:${repo.repository}:pull`
    const key = `${repo.registry}|${scope}`
    const request = async (authorization: string | undefined): Promise<HttpResponse> => {
      try {
        return await httpRequest(this.options.http, {
          url,
          maxBytes: opts.maxBytes,
          ...(opts.accept !== undefined && { headers: { accept: opts.accept } }),
          ...(authorization !== undefined && { authorization }),
          ...(opts.sink !== undefined && { sink: opts.sink }),
        })
      } catch (error) {
        // The reader's own refusal is its caller's to judge, not a network failure.
        if (error instanceof RefusedBody) throw error.reason
        throw networkError(`GET ${new URL(url).pathname}`, error)
      }
    }
    const used = this.tokens.get(key)
    let res = await request(used ? `Bearer ${await used}` : undefined)
    if (res.status !== 401) return res
    const challenge = parseChallenge(res.headers.get('www-authenticate'))
    const credentials = await this.options.credentials(repo.registry)
    if (challenge?.scheme === 'basic' && credentials) {
      res = await request(basicAuthorization(credentials))
    } else if (challenge?.scheme === 'bearer') {
      // Requests of one image start together: a token another one fetched meanwhile serves this too.
      let token = this.tokens.get(key)
      if (token === undefined || token === used) {
        const fresh = fetchToken(
          this.options.http,
          challenge,
          scope,
          new URL(this.baseUrl(repo)),
          credentials,
        )
        this.tokens.set(key, fresh)
        fresh.catch(() => this.tokens.get(key) === fresh && this.tokens.delete(key))
        token = fresh
      }
      const value = await token
      // Security: only a token the user's credentials bought is theirs to hide. Any registry a
      // FROM line names answers anonymous requests, and what it calls a token ("false") would
      // be masked in the rest of the job's logs and outputs.
      if (credentials !== undefined) this.options.onSecret(value)
      res = await request(`Bearer ${value}`)
    }
    if (res.status === 401) {
      throw new GateError(
        'REGISTRY_UNAUTHORIZED',
        `${repo.registry} refused access to ${repo.repository} (HTTP 401)`,
      )
    }
    return res
  }

  private baseUrl(repo: Repository): string {
    const host = apiHost(repo.registry)
    const scheme = this.options.http.insecureHosts.has(host) ? 'http' : 'https'
    return `${scheme}://${host}`
  }
}

/** The same cap whichever way the referrers were listed: the API's pages or the fallback tag. */
function withinReferrerCap(descriptors: Descriptor[]): Descriptor[] {
  if (descriptors.length > LIMITS.referrerDescriptors) {
    throw new GateError('LIMIT_EXCEEDED', `more than ${LIMITS.referrerDescriptors} referrers`)
  }
  return descriptors
}

/**
 * The `rel="next"` target of a `Link` header, resolved against the page it came with. A next link
 * that cannot be read is an error, not the end of the list (T45): pages are never skipped silently.
 */
export function nextLink(header: string | null, base: string): string | undefined {
  if (header === null) return undefined
  for (const part of header.split(',')) {
    const m = /^\s*<([^>]*)>\s*;(.*)$/.exec(part)
    if (m && /\brel\s*=\s*"?next"?/i.test(m[2]!)) {
      try {
        return new URL(m[1]!, base).toString()
      } catch (error) {
        throw new GateError('REGISTRY_PROTOCOL', 'a Link header names a malformed next page', {
          cause: error,
        })
      }
    }
    if (!m && /\brel\s*=\s*"?next"?/i.test(part)) {
      throw new GateError('REGISTRY_PROTOCOL', 'a Link header names a malformed next page')
    }
  }
  return undefined
}

/** Keeps only well-formed descriptors: everything else in an index is ignored, never trusted. */
export function descriptorsOf(list: unknown): Descriptor[] {
  if (!Array.isArray(list)) return []
  return list
    .filter(
      (d): d is Descriptor =>
        typeof d === 'object' &&
        d !== null &&
        typeof d.mediaType === 'string' &&
        typeof d.digest === 'string' &&
        isDigest(d.digest) &&
        Number.isSafeInteger(d.size),
    )
    .map(typedFields)
}

// Only the optional fields that have the declared types: a number as artifactType, or an object
// as an annotation, would otherwise reach code (and a summary) that expects strings.
function typedFields(d: Descriptor): Descriptor {
  const { mediaType, digest, size, artifactType, annotations, platform } = d
  const strings = (value: unknown): Record<string, string> | undefined =>
    typeof value === 'object' && value !== null && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value).filter(([, v]) => typeof v === 'string'))
      : undefined
  const annotationStrings = strings(annotations)
  const platformStrings = strings(platform)
  return {
    mediaType,
    digest,
    size,
    ...(typeof artifactType === 'string' && { artifactType }),
    ...(annotationStrings !== undefined && { annotations: annotationStrings }),
    ...(platformStrings !== undefined && { platform: platformStrings }),
  }
}

// Manifest media types whose Content-Type must agree with the document's own mediaType.
const KNOWN_MANIFEST_TYPES = new Set<string>([
  MediaType.ociIndex,
  MediaType.ociManifest,
  MediaType.dockerManifestList,
  MediaType.dockerManifest,
])

/**
 * One document, one meaning (T47, CVE-2021-41190): an index is not also an image manifest, the
 * embedded mediaType is a string that the Content-Type does not contradict, and a Docker schema 1
 * manifest (whose digest is not the hash of its bytes) is not read at all.
 */
function assertUnambiguous(json: ManifestJson, contentType: string, reference: string): void {
  const fail = (why: string): never => {
    throw new GateError('REGISTRY_PROTOCOL', `manifest ${safe(reference)} is ambiguous: ${why}`)
  }
  const doc = json as Record<string, unknown>
  if ('manifests' in doc && ('layers' in doc || 'config' in doc)) {
    fail('it has both manifests and layers or config')
  }
  if (doc['schemaVersion'] !== undefined && doc['schemaVersion'] !== 2) {
    fail('its schemaVersion is not 2')
  }
  // Security: containerd reads `Manifests` or a platform's `OS` as `manifests` and `os` (Go's
  // encoding/json matches struct fields case-insensitively, the last key winning), where we read
  // only the lower-case one: a platform we check would not be the platform it pulls.
  const twins = caseTwins(doc)
  if (twins !== undefined) {
    fail(`it has the keys ${safe(twins[0])} and ${safe(twins[1])}, which Go reads as one`)
  }
  const own = doc['mediaType']
  if (own !== undefined && typeof own !== 'string') fail('its mediaType is not a string')
  if (own !== undefined && KNOWN_MANIFEST_TYPES.has(contentType) && own !== contentType) {
    fail(`it says ${safe(own)} but was served as ${contentType}`)
  }
  // Security: the type decides whether platforms are examined, so a list of manifests typed as
  // anything but an index (no mediaType, served as a manifest or as JSON) would skip them (T34).
  const typed = typeof own === 'string' ? own : contentType
  if ('manifests' in doc && !isIndexType(typed)) {
    fail(`it lists manifests but is typed ${safe(typed || 'as nothing')}, not as an index`)
  }
  if (('layers' in doc || 'config' in doc) && isIndexType(typed)) {
    fail(`it has layers or config but is typed ${typed}, an index`)
  }
}

// Two keys of one object that differ only in case, at any depth; annotations are a map (Go keeps
// their keys as written), so theirs are not compared.
function caseTwins(value: unknown): [string, string] | undefined {
  if (Array.isArray(value)) {
    for (const item of value) {
      const twins = caseTwins(item)
      if (twins !== undefined) return twins
    }
    return undefined
  }
  if (typeof value !== 'object' || value === null) return undefined
  const seen = new Map<string, string>()
  for (const [key, member] of Object.entries(value)) {
    const other = seen.get(foldKey(key))
    if (other !== undefined) return [other, key]
    seen.set(foldKey(key), key)
    const twins = foldKey(key) === 'annotations' ? undefined : caseTwins(member)
    if (twins !== undefined) return twins
  }
  return undefined
}

function malformedDigest(what: string, digest: unknown): GateError {
  return new GateError('REGISTRY_PROTOCOL', `${what} digest ${safe(digest)} is not sha256`)
}

function parseJson<T>(body: Buffer, what: string): T {
  try {
    const value = JSON.parse(body.toString('utf8')) as unknown
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      throw new Error('not an object')
    return value as T
  } catch (error) {
    throw new GateError('REGISTRY_PROTOCOL', `${what} is not a JSON object`, { cause: error })
  }
}

function statusError(what: string, res: HttpResponse): GateError {
  const code =
    res.status === 404
      ? 'REGISTRY_NOT_FOUND'
      : res.status === 401 || res.status === 403
        ? 'REGISTRY_UNAUTHORIZED'
        : 'REGISTRY_HTTP'
  return new GateError(code, `reading ${what} failed with HTTP ${res.status}`)
}

// Registry-supplied values are echoed only when they are short and plain.
function safe(value: unknown): string {
  const text = String(value)
  return /^[\w.:-]{1,80}$/.test(text) ? text : '(malformed)'
}
