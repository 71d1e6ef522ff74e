import type { CheckedEvidence } from '../../types.js'
import { describeMatcher } from '../../verify/identity.js'
import { checkSbom } from './sbom.js'
import { checkSchema } from './schema.js'
import { checkSlsa } from './slsa.js'
import type { Rule, RuleContext } from './types.js'
import { checkVulnerabilities } from './vulnerabilities.js'

export type { Rule, RuleContext, SchemaRule, VulnerabilitiesRule } from './types.js'

/**
 * Checks one rule on a verified attestation's predicate; returns what failed, each naming the
 * rule and the value it saw. A rule that cannot be evaluated fails: nothing passes by default.
 */
export function checkRule(rule: Rule, e: CheckedEvidence, context: RuleContext): string[] {
  if (e.predicate === undefined)
    return [`rule ${rule.rule}: cannot be evaluated: the statement has no predicate`]
  switch (rule.rule) {
    case 'slsa':
      return checkSlsa(rule, e.predicate)
    case 'schema':
      return checkSchema(rule, e.predicate)
    case 'sbom':
      return checkSbom(rule, e.predicate)
    case 'vulnerabilities':
      return checkVulnerabilities(rule, e.predicate, context)
  }
}

/** The rule in words, for the expected side of a finding. */
export function describeRule(rule: Rule): string {
  switch (rule.rule) {
    case 'slsa': {
      const parts = [
        rule.builderId && `builderId ${describeMatcher(rule.builderId)}`,
        rule.sourceRepository && `sourceRepository "${rule.sourceRepository}"`,
        rule.ref && `ref ${rule.ref}`,
        rule.commit && `commit ${rule.commit}`,
      ]
      return `slsa (${parts.filter(Boolean).join(', ')})`
    }
    case 'schema':
      return `schema (${rule.source})`
    case 'sbom':
      return `sbom (at least ${rule.minComponents} components or packages)`
    case 'vulnerabilities': {
      const parts = [
        rule.maxSeverity && `nothing above ${rule.maxSeverity}`,
        rule.denyCves && `none of ${rule.denyCves.join(', ')}`,
        rule.maxAge && `scanned within ${rule.maxAge.text}`,
        rule.triage && `triage by ${rule.triage}`,
      ]
      return `vulnerabilities (${parts.filter(Boolean).join(', ')})`
    }
  }
}
