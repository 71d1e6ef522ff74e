import { InputError } from '../errors.js'
import type { Digest, ImageRef } from '../types.js'

// Grammar from distribution/reference (reference.go); only sha256 digests in lowercase hex are
// accepted anywhere (security catalog T26/T27: reject rather than normalise).
const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*'
const PATH_RE = new RegExp(`^${COMPONENT}(?:/${COMPONENT})*$`)
const DOMAIN_RE =
  /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:]+\])(?::[0-9]{1,5})?$/
export const TAG_RE = /^[\w][\w.-]{0,127}$/
const DIGEST_RE = /^sha256:[a-f0-9]{64}$/
const DOCKER_HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io'])
const NAME_MAX = 255
// An `@` before the first `/` is userinfo (`user:pass@host/repo`), never a digest.
const USERINFO_RE = /^[^/]*@[^/]*\//

/** True when `value` is a `sha256:<64 lowercase hex>` digest. */
export function isDigest(value: string): value is Digest {
  return DIGEST_RE.test(value)
}

/**
 * Parses an image reference the way docker does: `alpine` is `docker.io/library/alpine:latest`.
 * `input` names the input the value came from, for the error message.
 */
export function parseReference(value: string, input = 'image'): ImageRef {
  const text = value.trim()
  const fail = (why: string): never => {
    throw new InputError(
      `The \`${input}\` input ${quoteIfSafe(text)} is not a valid image reference: ${why}.`,
    )
  }
  if (text === '') fail('it is empty')
  // `user:pass@host/…` is refused and never echoed (security catalog T65).
  if (USERINFO_RE.test(text)) fail('it contains user information')

  let rest = text
  let digest: string | undefined
  const at = rest.indexOf('@')
  if (at >= 0) {
    digest = rest.slice(at + 1)
    rest = rest.slice(0, at)
    if (!isDigest(digest)) fail('the digest must be sha256: followed by 64 lowercase hex digits')
  }
  let tag: string | undefined
  const lastSlash = rest.lastIndexOf('/')
  const colon = rest.lastIndexOf(':')
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1)
    rest = rest.slice(0, colon)
    if (!TAG_RE.test(tag)) fail(`the tag must match ${TAG_RE.source}`)
  }
  let registry = 'docker.io'
  let repository = rest
  const slash = rest.indexOf('/')
  const first = slash >= 0 ? rest.slice(0, slash) : ''
  if (slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost')) {
    registry = first
    repository = rest.slice(slash + 1)
    if (!DOMAIN_RE.test(registry)) fail('the registry host is malformed')
    registry = canonicalRegistry(registry)
  }
  if (registry === 'docker.io' && !repository.includes('/')) repository = `library/${repository}`
  if (!PATH_RE.test(repository)) fail('the repository must be lowercase path components')
  if (`${registry}/${repository}`.length > NAME_MAX) fail(`the name is longer than ${NAME_MAX}`)
  if (tag === undefined && digest === undefined) tag = 'latest'
  return { registry, repository, ...(tag !== undefined && { tag }), ...(digest && { digest }) }
}

/**
 * One name per registry, as references and policy patterns are compared: lower case, the port
 * as a number and without HTTPS's own (`ghcr.io:443` and `ghcr.io:0443` are `ghcr.io`,
 * `reg:05000` is `reg:5000`), Docker Hub's aliases as `docker.io`. Two spellings of one registry must never choose two policy entries.
 */
export function canonicalRegistry(host: string): string {
  // A port is a number: `05000` is 5000 to Docker and Go, and 443 is HTTPS's own.
  const lower = host.toLowerCase()
  const [, name = lower, port] = /^(\[[^\]]*\]|[^:]*)(?::(\d+))?$/.exec(lower) ?? []
  const number = port === undefined ? 443 : Number(port)
  const canonical = number === 443 ? name : `${name}:${number}`
  return DOCKER_HUB_ALIASES.has(canonical) ? 'docker.io' : canonical
}

/** The canonical text of a reference, e.g. `docker.io/library/alpine:3.20@sha256:…`. */
export function formatReference(ref: ImageRef): string {
  const tag = ref.tag !== undefined ? `:${ref.tag}` : ''
  const digest = ref.digest !== undefined ? `@${ref.digest}` : ''
  return `${ref.registry}/${ref.repository}${tag}${digest}`
}

/** The host that serves the registry API (Docker Hub's differs from its name). */
export function apiHost(registry: string): string {
  return registry === 'docker.io' ? 'registry-1.docker.io' : registry
}

/** The referrers tag schema: `sha256:<hex>` becomes tag `sha256-<hex>` (distribution-spec). */
export function digestTag(digest: Digest, suffix = ''): string {
  return digest.replace(':', '-') + suffix
}

// Echo the input only when it cannot carry a secret or a control character.
function quoteIfSafe(text: string): string {
  return /^[\w./:@-]{1,300}$/.test(text) && !USERINFO_RE.test(text)
    ? `"${text}"`
    : '(value not shown)'
}
