import type { ValidateFunction } from 'ajv'
import type { CheckedEvidence } from '../../types.js'
import type { IdentityPolicy, StringMatcher } from '../../verify/identity.js'
import type { Severity } from '../document.js'

/** SLSA provenance v0.2 or v1: builder, source repository (`owner/repo`), ref glob, commit. */
export interface SlsaRule {
  rule: 'slsa'
  builderId?: StringMatcher
  sourceRepository?: string
  ref?: string
  commit?: string
}

/** A JSON Schema the predicate must match; `problem` says why the schema itself is unusable. */
export interface SchemaRule {
  rule: 'schema'
  /** The path as the policy wrote it, or `inline`. */
  source: string
  /** The schema, compiled when the policy was loaded (policy/user-schema.ts). */
  validate?: ValidateFunction
  problem?: string
}

/** A CycloneDX or SPDX 2 document with at least `minComponents` components or packages. */
export interface SbomRule {
  rule: 'sbom'
  minComponents: number
}

/** A Trivy or Grype report (bare, or in cosign's vuln predicate) within the limits given. */
export interface VulnerabilitiesRule {
  rule: 'vulnerabilities'
  maxSeverity?: Severity
  denyCves?: string[]
  /** `text` as written; the scan must be from [notBefore, notAfter] (epoch ms, fixed at start). */
  maxAge?: { text: string; notBefore: number; notAfter: number }
  triage?: 'openvex'
}

export type Rule = SlsaRule | SchemaRule | SbomRule | VulnerabilitiesRule

/** What a rule may look at besides the attestation it judges: the rest of the image's evidence. */
export interface RuleContext {
  evidence: CheckedEvidence[]
  /** The requirement's identities: triage trusts only statements these signed. */
  identities: IdentityPolicy[]
}
