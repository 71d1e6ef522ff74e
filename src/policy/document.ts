// The policy file as written, after schemas/policy.schema.json accepted it. Types only.
import type { GithubExtensionName } from '../types.js'

/** A string compares exactly; `{regexp}` is an RE2 pattern matched against the whole value. */
export type MatcherDoc = string | { regexp: string }

export type ExtensionsDoc = Partial<Record<GithubExtensionName, MatcherDoc>>

export type PresetDoc = ExtensionsDoc &
  (
    | {
        preset: 'github-workflow' | 'actions-attest'
        repository: string
        workflow?: string
        ref?: string
      }
    | { preset: 'reusable-workflow'; workflow: string; ref?: string; caller: string }
    | {
        preset: 'slsa-github-generator'
        generator: 'container' | 'generic'
        sourceRepository: string
        version?: string
      }
  )

export type CertificateIdentityDoc = ExtensionsDoc & { san: MatcherDoc; issuer?: MatcherDoc }

export type IdentityDoc = PresetDoc | CertificateIdentityDoc | { publicKey: true }

/** A name of a set under `identities`, or an identity written inline. */
export type IdentityRefDoc = string | IdentityDoc

export type Severity = 'none' | 'low' | 'medium' | 'high' | 'critical'

export interface RulesDoc {
  slsa?: { builderId?: MatcherDoc; sourceRepository?: string; ref?: string; commit?: string }
  /** A path relative to the policy file, or an inline JSON Schema. */
  schema?: string | Record<string, unknown>
  sbom?: { minComponents?: number }
  vulnerabilities?: {
    maxSeverity?: Severity
    denyCves?: string[]
    maxAge?: string
    triage?: 'openvex'
  }
}

/** Under `platforms`: whose evidence a requirement is judged on (default `platforms`). */
export type Placement = 'index' | 'platforms' | 'both'

export interface AttestationDoc {
  type: string
  name?: string
  required?: boolean
  on?: Placement
  identities: IdentityRefDoc[]
  rules?: RulesDoc
}

/** What a subject must carry: the top level, an `images` entry, or `default`. */
export interface RequirementsDoc {
  signature?: { required?: boolean; on?: Placement; identities: IdentityRefDoc[] }
  attestations?: AttestationDoc[]
}

/** Requirements for the images whose name (`registry/repository`) a pattern matches. */
export interface ImagePolicyDoc extends RequirementsDoc {
  match: string | string[]
}

export interface PolicyDoc extends RequirementsDoc {
  version: 1
  identities?: Record<string, IdentityDoc[]>
  /** Requirements by image pattern; then top-level `signature` and `attestations` are not allowed. */
  images?: ImagePolicyDoc[]
  /** With `images`: for images no pattern matches, and for release files. */
  default?: RequirementsDoc
  /** Which manifests of a multi-platform index must meet the requirements (as the input). */
  platforms?: 'index' | 'all' | string[]
}
