// Paths and globs of the `dockerfile`, `subject-path` and `bundle` inputs, and reading a file
// within a size limit. The only file-system access of subjects other than images.
import fs from 'node:fs'
import path from 'node:path'
import { InputError } from '../errors.js'
import { isFile } from '../util/read-file.js'

/** Files one input may name in all; more is refused rather than checked in part. */
export const MAX_FILES_PER_INPUT = 256

const GLOB_CHARS = /[*?[\]{}]/

/** True when `text` is a glob rather than a path. */
export function isGlob(text: string): boolean {
  return GLOB_CHARS.test(text)
}

/**
 * The regular files `patterns` name, in order and without duplicates. A plain path must exist
 * (a directory stands for `directoryFile` inside it, when given), and each glob must match a
 * file: an empty set is never a pass, and a release missing its `dist/*.deb` is not one either.
 * Globs skip `node_modules` and `.git`, and `skip` drops glob matches (never a file named
 * literally). Paths stay as given, relative to the working directory.
 */
export function expandPaths(
  patterns: readonly string[],
  input: string,
  options: { directoryFile?: string; skip?: (file: string) => boolean } = {},
): string[] {
  const files: string[] = []
  for (const pattern of patterns) {
    if (isGlob(pattern)) {
      const matched = fs
        .globSync(pattern, { exclude: (name) => VENDORED.test(name) })
        .filter((file) => isFile(file) && !(options.skip?.(file) ?? false))
        .sort()
      if (matched.length === 0) {
        throw new InputError(
          `The \`${input}\` input's pattern "${shown(pattern)}" matches no file.`,
        )
      }
      files.push(...matched)
      continue
    }
    let file = pattern
    if (options.directoryFile !== undefined && isDirectory(file)) {
      file = path.join(file, options.directoryFile)
    }
    if (!isFile(file)) {
      throw new InputError(`The \`${input}\` input names "${shown(file)}", which is not a file.`)
    }
    files.push(file)
  }
  const unique = [...new Set(files.map((f) => path.normalize(f)))]
  if (unique.length > MAX_FILES_PER_INPUT) {
    throw new InputError(
      `The \`${input}\` input names ${unique.length} files; at most ${MAX_FILES_PER_INPUT} are checked in one run.`,
    )
  }
  return unique
}

// Directories a glob never descends into: dependencies and git's own files are not the project's.
const VENDORED = /(?:^|[/\\])(?:node_modules|\.git)$/

function isDirectory(file: string): boolean {
  try {
    return fs.statSync(file).isDirectory()
  } catch {
    return false
  }
}

// Echo a path only when it cannot carry a control character or markup.
function shown(text: string): string {
  return /^[\w./*?[\]{},@+=:-]{1,300}$/.test(text) ? text : '(path not shown)'
}
