export { evaluate, type Requirement } from './evaluate.js'
export { predicateTypesFor, PREDICATE_ALIASES } from './predicate-types.js'
export { loadPolicy } from './load.js'
export { GITHUB_ACTIONS_ISSUER } from './presets.js'
