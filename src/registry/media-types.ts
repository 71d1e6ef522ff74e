// Media types and annotation keys of the OCI, Docker, cosign and Sigstore formats we read.
export const MediaType = {
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociEmpty: 'application/vnd.oci.empty.v1+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  sigstoreBundlePrefix: 'application/vnd.dev.sigstore.bundle',
  /** A legacy cosign `.sig` layer: a signature, never an attestation. */
  cosignSimpleSigning: 'application/vnd.dev.cosign.simplesigning.v1+json',
} as const

/** Every manifest and index type we can read, sent as Accept when resolving a tag. */
export const MANIFEST_ACCEPT = [
  MediaType.ociIndex,
  MediaType.ociManifest,
  MediaType.dockerManifestList,
  MediaType.dockerManifest,
].join(', ')

export const Annotation = {
  bundleContent: 'dev.sigstore.bundle.content',
  bundlePredicateType: 'dev.sigstore.bundle.predicateType',
} as const

/** True for a media type naming an image index (multi-platform). */
export function isIndexType(mediaType: string | undefined): boolean {
  return mediaType === MediaType.ociIndex || mediaType === MediaType.dockerManifestList
}
