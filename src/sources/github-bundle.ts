import { GateError } from '../errors.js'
import { networkError, httpRequest, type HttpResponse } from '../registry/http.js'
import { isPrivateHost } from '../registry/private-address.js'
import type { Evidence } from '../types.js'
import { isObject } from '../util/json-object.js'
import { readBundleJson } from '../verify/bundle-json.js'
import type { EvidenceBudget } from './budget.js'
import type { GithubApi } from './github-api.js'
import { decodeSnappy, snappyLength } from './github-snappy.js'
import { pieceFailure } from './piece-error.js'

/**
 * The bundle of one listed attestation: inline `bundle`, else downloaded from `bundle_url`
 * (GitHub lists `bundle: null` with a URL since July 2026; formats.md §c). Anything wrong with this
 * one entry is its failure; a bundle host that cannot be reached at all throws (exit 2).
 */
export async function readEntry(
  entry: unknown,
  api: GithubApi,
  budget: EvidenceBudget,
): Promise<Pick<Evidence, 'bundle' | 'error'>> {
  if (!isObject(entry)) return { error: 'the listed attestation is not a JSON object' }
  if (isObject(entry['bundle'])) return { bundle: entry['bundle'] }
  const url = entry['bundle_url']
  if (typeof url !== 'string')
    return { error: 'the listed attestation has no bundle or bundle_url' }
  const refused = refuseUrl(url, api)
  if (refused !== undefined) return { error: `its bundle_url was not fetched: ${refused}` }
  let res: HttpResponse
  try {
    // Security: no `authorization` here. The URL is pre-signed blob storage, and the API token
    // must never reach a host the API response chose (T64).
    res = await httpRequest(api.http, {
      url,
      maxBytes: api.maxBytes,
      // Every redirect hop meets the same rules as the listed URL (T64).
      checkRedirect: (next) => {
        const why = refuseUrl(next.toString(), api)
        if (why !== undefined) {
          throw new GateError('REGISTRY_PROTOCOL', `its bundle_url redirected elsewhere: ${why}`)
        }
      },
    })
  } catch (error) {
    return { error: pieceFailure(networkError('GET bundle_url', error)) }
  }
  if (res.status >= 500) {
    throw new GateError('REGISTRY_HTTP', `a bundle_url host answered HTTP ${res.status}`)
  }
  if (res.status !== 200) return { error: `its bundle_url answered HTTP ${res.status}` }
  try {
    // The blob store labels the encoding; the `.sn` suffix is the same promise in the name.
    const snappy =
      /^application\/x-snappy\b/i.test(res.headers.get('content-type') ?? '') ||
      new URL(res.url).pathname.endsWith('.sn')
    // No size is declared before the download (each is capped by max-blob-size): claimed after
    // it, as the bytes it decodes to (snappy data can decode to twenty times its size).
    budget.claimBytes([snappy ? snappyLength(res.body) : res.size], 'a bundle_url')
    return { bundle: parseBundleBody(snappy ? decodeSnappy(res.body, api.maxBytes) : res.body) }
  } catch (error) {
    return { error: pieceFailure(error) }
  }
}

function parseBundleBody(bytes: Buffer): unknown {
  try {
    return readBundleJson(bytes)
  } catch (error) {
    throw new GateError('REGISTRY_PROTOCOL', 'the bundle from its bundle_url is not JSON', {
      cause: error,
    })
  }
}

/**
 * Why `text` may not be fetched, or undefined. HTTPS only (plain HTTP only to a loopback host the
 * user listed, as for registries); no credentials in the URL; no private or loopback IP literal
 * unless listed. A host name that resolves to a private address is not caught here.
 */
function refuseUrl(text: string, api: GithubApi): string | undefined {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    return 'it is not a URL'
  }
  const listed = api.http.insecureHosts.has(url.host)
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && listed)) return 'it is not HTTPS'
  if (url.username !== '' || url.password !== '') return 'it carries credentials'
  if (!listed && isPrivateHost(url.hostname)) {
    return 'it points to a private or loopback address'
  }
  return undefined
}
