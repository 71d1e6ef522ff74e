// Reads the Dockerfiles the `dockerfile` input names, once, when the inputs are parsed.
import { InputError, describe } from '../errors.js'
import { LIMITS } from '../limits.js'
import { expandPaths } from '../files/paths.js'
import { readLimited, utf8 } from '../util/read-file.js'
import { parseDockerfile, type FromLine, type ParseOptions } from './parse.js'

/** One Dockerfile, its FROM lines and the images its `--from` flags pull. */
export interface ParsedDockerfile {
  /** As the input named it (or as its glob matched it), relative to the working directory. */
  path: string
  froms: FromLine[]
}

/**
 * Reads and parses every Dockerfile `patterns` name (paths, globs, or a directory holding a
 * `Dockerfile`). A file that cannot be read, or has no FROM, is an input error (exit 2); a FROM
 * that cannot be used is kept as `invalid` so the report names its line.
 */
export function readDockerfiles(
  patterns: readonly string[],
  options: ParseOptions,
): ParsedDockerfile[] {
  const parsed = expandPaths(patterns, 'dockerfile', { directoryFile: 'Dockerfile' }).map(
    (file) => {
      try {
        const text = utf8(readLimited(file, LIMITS.dockerfileBytes), file)
        return { path: file, froms: parseDockerfile(text, options) }
      } catch (error) {
        throw new InputError(
          `The \`dockerfile\` input names ${file}, which cannot be used: ${describe(error)}.`,
          { cause: error },
        )
      }
    },
  )
  // Each FROM may be a registry round trip: a pull request cannot make the gate do thousands.
  const froms = parsed.reduce((n, d) => n + d.froms.length, 0)
  if (froms > LIMITS.dockerfileFromLines) {
    throw new InputError(
      `The \`dockerfile\` input's files have ${froms} FROM lines and --from images; at most ${LIMITS.dockerfileFromLines} are checked in one run.`,
    )
  }
  return parsed
}
