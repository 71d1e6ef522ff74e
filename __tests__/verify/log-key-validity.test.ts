// A log entry with an inclusion proof alone (as Rekor v2 writes them) is vouched for by its
// checkpoint: the log's key must have been valid when the timestamp authority dated the entry.
// sigstore-js applies a key's validity window to signed entry timestamps only.
import { TrustedRoot } from '@sigstore/protobuf-specs'
import { toTrustMaterial } from '@sigstore/verify'
import { checkEvidence, type Trust } from '../../src/verify/index.js'
import { createMiniSigstore, inTotoStatement } from '../helpers/mini-sigstore.js'

const DIGEST = `sha256:${'ef'.repeat(32)}`
const HOUR = 3600_000

/** One attestation, its SET removed, checked against a root whose log key ends at `end`. */
async function proofOnly(end: Date) {
  const ss = await createMiniSigstore({ withTSA: true, validFrom: new Date(Date.now() - 2 * HOUR) })
  const { bundle } = await ss.attest(
    inTotoStatement({ digest: DIGEST, predicateType: 'https://slsa.dev/provenance/v1' }),
    { witnesses: 'both' },
  )
  const proof = structuredClone(bundle) as {
    verificationMaterial: { tlogEntries: { inclusionPromise?: unknown }[] }
  }
  delete proof.verificationMaterial.tlogEntries[0]!.inclusionPromise
  const root = structuredClone(ss.trustedRootJSON) as {
    tlogs: { publicKey: { validFor: { start: string; end?: string } } }[]
  }
  root.tlogs[0]!.publicKey.validFor = {
    start: new Date(Date.now() - 2 * HOUR).toISOString(),
    end: end.toISOString(),
  }
  const trust: Trust = { publicGood: toTrustMaterial(TrustedRoot.fromJSON(root)), keyed: false }
  return checkEvidence({ source: 'referrers', location: 'test', bundle: proof }, DIGEST, trust)
}

test('a log key retired before the timestamp vouches for no entry', async () => {
  const checked = await proofOnly(new Date(Date.now() - HOUR))
  expect(checked.verified).toBe(false)
  expect(checked.error).toContain(
    "the transparency log's key was not valid when the timestamp authority dated the entry",
  )
})

test('control: a log key still valid then vouches for it', async () => {
  const checked = await proofOnly(new Date(Date.now() + HOUR))
  expect(checked.error).toBeUndefined()
  expect(checked.verified).toBe(true)
})
