import type { CheckedEvidence } from '../types.js'
import { identityMismatch, type IdentityPolicy } from '../verify/identity.js'

/** True when one of `identities` signed `e` (and `e` has a signer at all). */
export function signedByAny(e: CheckedEvidence, identities: IdentityPolicy[]): boolean {
  const signer = e.signer
  return (
    signer !== undefined &&
    identities.some((identity) => identityMismatch(identity, signer) === undefined)
  )
}
