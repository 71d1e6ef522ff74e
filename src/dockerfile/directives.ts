// Parser directives as BuildKit reads them (frontend/dockerfile/parser/directives.go): from the
// top, each line (its leading space trimmed) a comment `name=value` with a name the frontend
// knows, until the first line that is not one. Pure.
import { trimLeading } from './space.js'

/** The directive names current frontends know; older ones know only `syntax` and `escape`. */
export const DIRECTIVES: ReadonlySet<string> = new Set(['syntax', 'escape', 'check'])
export const OLDER_DIRECTIVES: ReadonlySet<string> = new Set(['syntax', 'escape'])

/**
 * The directives of `lines` written after `comment` (`#`; BuildKit also finds `syntax` after
 * `//`), lower-case names to values, the first of each name kept (a second fails the build).
 */
export function readDirectives(
  lines: readonly string[],
  known: ReadonlySet<string>,
  comment = '#',
): Map<string, string> {
  // Go's `^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$`, where \s is [\t\n\f\r ].
  const directive = new RegExp(
    `^${comment}[\\t\\n\\f\\r ]*([a-zA-Z][a-zA-Z0-9]*)[\\t\\n\\f\\r ]*=[\\t\\n\\f\\r ]*(.+?)[\\t\\n\\f\\r ]*$`,
  )
  const found = new Map<string, string>()
  for (const line of lines) {
    const match = directive.exec(trimLeading(line))
    const name = match?.[1]?.toLowerCase()
    if (name === undefined || !known.has(name) || found.has(name)) break
    found.set(name, match![2]!)
  }
  return found
}
