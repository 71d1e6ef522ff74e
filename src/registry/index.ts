export {
  RegistryClient,
  descriptorsOf,
  type Descriptor,
  type Manifest,
  type ManifestJson,
  type Referrers,
  type Repository,
} from './client.js'
export { credentialResolver, type CredentialSources } from './credentials.js'
export type { HttpContext } from './http.js'
export type { Transport } from './transport.js'
export { MediaType, Annotation, isIndexType } from './media-types.js'
export {
  parseReference,
  formatReference,
  digestTag,
  isDigest,
  canonicalRegistry,
} from './reference.js'
