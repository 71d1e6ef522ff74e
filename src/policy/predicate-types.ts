import { InputError } from '../errors.js'

// cosign's `--type` aliases (cosign/pkg/cosign/attestation), except that `slsaprovenance`
// accepts either SLSA version: both are provenance, and actions/attest writes v1.
const ALIASES: Record<string, string[]> = {
  slsaprovenance: ['https://slsa.dev/provenance/v0.2', 'https://slsa.dev/provenance/v1'],
  slsaprovenance02: ['https://slsa.dev/provenance/v0.2'],
  slsaprovenance1: ['https://slsa.dev/provenance/v1'],
  cyclonedx: ['https://cyclonedx.org/bom'],
  spdx: ['https://spdx.dev/Document'],
  spdxjson: ['https://spdx.dev/Document'],
  vuln: ['https://cosign.sigstore.dev/attestation/vuln/v1'],
  // vexctl writes the versioned context as the predicate type.
  openvex: ['https://openvex.dev/ns', 'https://openvex.dev/ns/v0.2.0'],
}

/** Every alias the `attestations` input knows, for the error message and the docs. */
export const PREDICATE_ALIASES = Object.keys(ALIASES)

/** Expands an alias to predicate type URIs; any absolute URI stands for itself; else undefined. */
export function predicateTypesOf(value: string): string[] | undefined {
  const key = value.toLowerCase()
  if (Object.hasOwn(ALIASES, key)) return ALIASES[key]
  return /^[a-z][a-z0-9+.-]*:\/\/[^\s]+$/i.test(value) ? [value] : undefined
}

/** `predicateTypesOf` for the `attestations` input, failing with a sentence naming `input`. */
export function predicateTypesFor(value: string, input: string): string[] {
  const types = predicateTypesOf(value)
  if (types) return types
  throw new InputError(
    `The \`${input}\` input names "${value.slice(0, 80)}", which is neither a known alias (${PREDICATE_ALIASES.join(', ')}) nor a URI.`,
  )
}
