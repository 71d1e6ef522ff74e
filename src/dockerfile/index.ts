export { readDockerfiles, type ParsedDockerfile } from './read.js'
export { parseDockerfile, platformArgs, type FromLine, type FromBase } from './parse.js'
export {
  baseImages,
  dockerfileResults,
  invalidResult,
  pinnedLine,
  pinningFinding,
  type BaseImage,
} from './subjects.js'
