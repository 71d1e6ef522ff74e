// `supply-chain-gate inspect`: every piece of evidence, where it was found, and whether it verified.
import { InputError, TrustError, describe } from '../errors.js'
import { parseInputs, type InputGetter, type Inputs } from '../inputs.js'
import { checkWith, examineImage, type Examiner, type ExaminedImage } from '../examine.js'
import { imageExaminer, loadInputTrust, runHttp, type Deps } from '../main.js'
import { CLASS_DESCRIPTIONS, classify } from '../policy/classify.js'
import { plain } from '../report/escape.js'
import type { CheckedEvidence, EvidenceClass } from '../types.js'
import { mapLimit } from '../util/concurrency.js'
import {
  describeIdentity,
  identityMismatch,
  withoutBytes,
  type IdentityPolicy,
} from '../verify/index.js'

/** One piece as inspect reports it: the checked evidence without its payloads. */
export type InventoryEntry = Omit<CheckedEvidence, 'predicate' | 'digests'> & {
  /** Whether a verified piece's signer is the identity given (only when one was). */
  identity?: { matches: true } | { matches: false; reason: string }
}

export interface InventoryImage {
  reference: string
  digest?: string
  mediaType?: string
  class?: EvidenceClass
  evidence: InventoryEntry[]
  error?: { code: string; message: string }
}

export interface Inventory {
  mediaType: 'application/vnd.supply-chain-gate.inventory.v1+json'
  /** What signatures were verified against, or why nothing could be verified. */
  trust: string
  /** The identity each verified signer was compared with, when one was given. */
  identity?: string
  images: InventoryImage[]
}

const SIGNER_INPUTS = ['certificate-identity', 'certificate-identity-regexp', 'public-key']
const ISSUER_INPUTS = ['certificate-oidc-issuer', 'certificate-oidc-issuer-regexp']

/**
 * Reads and checks every image's evidence through the gate's own pipeline, evaluating nothing.
 * An identity is optional: without one, verified pieces are listed whoever signed them.
 */
export async function inspect(get: InputGetter, deps: Deps): Promise<Inventory> {
  const given = (names: string[]): boolean => names.some((name) => get(name).trim() !== '')
  const signerGiven = given(SIGNER_INPUTS)
  // What inspect would otherwise take and not use: an issuer compared with no signer, platforms.
  if (!signerGiven && given(ISSUER_INPUTS)) {
    throw new InputError(
      'inspect compares each signer with an identity: give certificate-identity (or its regexp) with the issuer.',
    )
  }
  if (!['', 'index'].includes(get('platforms').trim())) {
    throw new InputError(
      'inspect lists the evidence of the digest each image resolves to; platforms is not read: inspect a platform by its digest.',
    )
  }
  // The gate's inputs demand a signer; inspect judges none, so a placeholder stands in, never used.
  const inputs = await parseInputs((name) =>
    name === 'certificate-identity' && !signerGiven ? 'inspect:no-identity' : get(name),
  )
  const policy =
    signerGiven || given(ISSUER_INPUTS) ? inputs.requirements[0]?.identities[0] : undefined
  const { check, trust } = await checker(inputs, deps)
  const http = runHttp(inputs, deps)
  const examiner = imageExaminer(inputs, deps, http, check)
  const images = await mapLimit(inputs.images, inputs.concurrency, async ({ ref }) =>
    toInventoryImage(await examineImage(ref, examiner), policy),
  )
  return {
    mediaType: 'application/vnd.supply-chain-gate.inventory.v1+json',
    trust,
    ...(policy !== undefined && { identity: describeIdentity(policy) }),
    images,
  }
}

type Check = Examiner['check']

async function checker(inputs: Inputs, deps: Deps): Promise<{ check: Check; trust: string }> {
  try {
    const trust = await loadInputTrust(inputs, deps)
    return {
      check: checkWith(trust),
      trust: [
        inputs.trustedRootPath ?? 'the Sigstore public-good trusted root (TUF)',
        ...(inputs.publicKeyPath !== undefined ? [`the key ${inputs.publicKeyPath}`] : []),
      ].join(' and '),
    }
  } catch (error) {
    // A root or key the user named must be usable (exit 2); without one, listing is still worth
    // doing. A key's bundles are checked against the public-good log, so it needs the root too.
    const named = inputs.trustedRootPath !== undefined || inputs.publicKeyPath !== undefined
    if (!(error instanceof TrustError) || named) throw error
    const reason = `no trust material: ${describe(error)}`
    return { check: unverifiable(reason), trust: `nothing verified (${reason})` }
  }
}

// Mirrors checkEvidence's unverified outcomes; `verified` is never set without trust material.
function unverifiable(reason: string): Check {
  return async (found) =>
    found.map((evidence): CheckedEvidence => {
      const base = { ...withoutBytes(evidence), verified: false, tlog: [] }
      if (evidence.error !== undefined) return { ...base, kind: 'unknown', signed: false }
      if (evidence.bundle === undefined) return { ...base, kind: 'unsigned', signed: false }
      return { ...base, kind: 'unknown', signed: true, error: reason }
    })
}

function toInventoryImage(
  image: ExaminedImage,
  policy: IdentityPolicy | undefined,
): InventoryImage {
  const evidence = image.evidence.map((e) => toEntry(e, policy))
  return {
    ...image,
    ...(image.error === undefined && { class: classify(image.evidence) }),
    evidence,
  }
}

function toEntry(
  { predicate: _predicate, digests: _digests, ...entry }: CheckedEvidence,
  policy: IdentityPolicy | undefined,
): InventoryEntry {
  if (policy === undefined || !entry.verified || entry.signer === undefined) return entry
  const reason = identityMismatch(policy, entry.signer)
  return {
    ...entry,
    identity: reason === undefined ? { matches: true } : { matches: false, reason },
  }
}

/** 0 when every image could be read, 2 when one could not. */
export function inventoryExitCode(inventory: Inventory): 0 | 2 {
  return inventory.images.some((image) => image.error !== undefined) ? 2 : 0
}

/** The inventory as JSON, for `--json`. */
export function inventoryJson(inventory: Inventory): string {
  return `${JSON.stringify(inventory, null, 2)}\n`
}

const COLUMNS = ['SOURCE', 'KIND', 'PREDICATE TYPE', 'SIGNED', 'VERIFIED', 'FOUND AT', 'WHY']

/** The inventory as a terminal table; every registry-supplied string is escaped. */
export function renderInventory(inventory: Inventory): string {
  const lines = [`trust: ${plain(inventory.trust)}`]
  if (inventory.identity !== undefined) lines.push(`identity: ${plain(inventory.identity)}`)
  for (const image of inventory.images) {
    lines.push('', `${plain(image.reference)}${image.digest ? ` (${image.digest})` : ''}`)
    if (image.error) lines.push(`  could not read: ${plain(image.error.message)}`)
    if (image.class)
      lines.push(`  evidence class ${image.class}: ${CLASS_DESCRIPTIONS[image.class]}`)
    if (image.evidence.length > 0) lines.push(...table([COLUMNS, ...image.evidence.map(row)]))
  }
  return `${lines.join('\n')}\n`
}

function row(e: InventoryEntry): string[] {
  const type = e.predicateType ?? e.claimedPredicateType ?? e.mediaType ?? 'unknown'
  return [e.source, e.kind, type, yesNo(e.signed), yesNo(e.verified), e.location, why(e)].map(plain)
}

function why(e: InventoryEntry): string {
  if (e.error !== undefined) return e.error
  if (!e.verified) return 'not signed: listed, never trusted'
  const by = e.signer?.publicKey
    ? 'signed by the configured key'
    : `signed by ${e.signer?.subjectAlternativeName ?? '(no identity)'} (issuer ${e.signer?.issuer ?? '(none)'})`
  if (e.identity === undefined) return by
  return `${by}; ${e.identity.matches ? 'matches the given identity' : `not the given identity: ${e.identity.reason}`}`
}

function yesNo(value: boolean): string {
  return value ? 'yes' : 'no'
}

// Columns padded to their widest cell; the last one is left ragged.
function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)))
  return rows.map(
    (r) =>
      `  ${r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ')}`,
  )
}
