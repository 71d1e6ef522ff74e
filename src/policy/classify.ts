import type { CheckedEvidence, EvidenceClass } from '../types.js'

/** One line per class, for the summary, the console and inspect. */
export const CLASS_DESCRIPTIONS: Readonly<Record<EvidenceClass, string>> = {
  'fully-attested': 'at least one attestation verified (signed, logged and bound to this digest)',
  signed: 'a signature verified, but no attestation did',
  unverified: 'signatures or attestations are attached, but none verified',
  'buildkit-unsigned':
    'unsigned BuildKit attestations and nothing signed: they prove nothing on their own; publish signed attestations with `actions/attest` or `cosign attest`',
  'unsigned-attachments':
    'only unsigned attachments such as ORAS `application/aa.trivy.sbom` (the legacy `oras attach` flow): nothing is signed; use the cosign flow instead: sign with `cosign sign` / `cosign attest` or `actions/attest`',
  none: 'no signatures, attestations or attachments were found for this digest',
}

/**
 * Classifies what an image carries (pure); the first rule that holds wins:
 * `fully-attested` some attestation verified; `signed` some signature verified; `unverified`
 * something signed (or a signed source's piece that could not be read) but nothing verified;
 * `buildkit-unsigned` BuildKit attestations; `unsigned-attachments` anything else; `none` nothing.
 * Verified means signed, logged and bound to the digest, by anyone: identity is for requirements.
 */
export function classify(evidence: CheckedEvidence[]): EvidenceClass {
  if (evidence.some((e) => e.verified && e.kind === 'attestation')) return 'fully-attested'
  if (evidence.some((e) => e.verified && e.kind === 'signature')) return 'signed'
  // A BuildKit piece that failed to read was never signed; any other failed piece was meant to be.
  if (evidence.some((e) => e.signed || (e.error !== undefined && e.source !== 'buildkit'))) {
    return 'unverified'
  }
  if (evidence.some((e) => e.source === 'buildkit')) return 'buildkit-unsigned'
  return evidence.length > 0 ? 'unsigned-attachments' : 'none'
}
