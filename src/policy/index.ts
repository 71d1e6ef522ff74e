export { evaluate, type Requirement } from './evaluate.js'
export { predicateTypesFor, PREDICATE_ALIASES } from './predicate-types.js'
