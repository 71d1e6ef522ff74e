// Reading and parsing (read.ts, parse.ts, with dockerfile-ast) load only when the `dockerfile`
// input is given (inputs.ts imports read.ts itself); only types are named here.
export type { ParsedDockerfile } from './read.js'
export type { FromLine, FromBase } from './parse.js'
export {
  baseImages,
  dockerfileResults,
  invalidResult,
  pinnedLine,
  pinningFinding,
  type BaseImage,
} from './subjects.js'
