// Parser directives as BuildKit reads them (frontend/dockerfile/parser/directives.go): from the
// top, each line (its leading space trimmed) a comment `name=value` with a name the frontend
// knows, until the first line that is not one. Versions differ in the names they know (`check`
// came later) and in the space they allow after `#` (the newest trims any Unicode space). Pure.
import { OTHER_SPACES, trimLeading } from './space.js'

/** How one frontend version reads directives. */
interface DirectiveReading {
  known: ReadonlySet<string>
  /** Any Unicode space between `#` and the name, not only Go's `\s`. */
  anySpaceAfterMark: boolean
}

const NAMES = new Set(['syntax', 'escape', 'check'])
const NAMES_BEFORE_CHECK = new Set(['syntax', 'escape'])

/** The newest reading first. */
export const DIRECTIVE_READINGS: readonly DirectiveReading[] = [
  { known: NAMES, anySpaceAfterMark: true },
  { known: NAMES, anySpaceAfterMark: false },
  { known: NAMES_BEFORE_CHECK, anySpaceAfterMark: true },
  { known: NAMES_BEFORE_CHECK, anySpaceAfterMark: false },
]

// Go's `\s` is [\t\n\f\r ]; `.` (flag s) is any character of the line.
const S = '[\\t\\n\\f\\r ]*'
const DIRECTIVE = new RegExp(`^#${S}([a-zA-Z][a-zA-Z0-9]*)${S}=${S}(.+?)${S}$`, 's')
const AFTER_MARK = new RegExp(`^([a-zA-Z][a-zA-Z0-9]*)${S}=${S}(.+?)${S}$`, 's')

/** The directives of `lines` as `reading` takes them: lower-case names to values, first kept. */
export function readDirectives(
  lines: readonly string[],
  reading: DirectiveReading,
): Map<string, string> {
  const found = new Map<string, string>()
  for (const raw of lines) {
    const line = trimLeading(raw)
    const match = !reading.anySpaceAfterMark
      ? DIRECTIVE.exec(line)
      : line.startsWith('#')
        ? AFTER_MARK.exec(trimLeading(line.slice(1)))
        : null
    const name = match?.[1]?.toLowerCase()
    // A second directive of one name fails the build; the first is what any reading kept.
    if (name === undefined || !reading.known.has(name) || found.has(name)) break
    found.set(name, match![2]!)
  }
  return found
}

// Older frontends looked for `syntax` on every line (`#` or `//`, the last one winning, nothing
// stopping them), so a value on any line of the file is one some frontend could run.
const SPACES = `[\\t\\n\\r ${OTHER_SPACES}]*`
const SYNTAX = new RegExp(`^(?:#|//)${SPACES}syntax${SPACES}=${SPACES}(.*?)${SPACES}$`, 'is')

/** Every `syntax` value some frontend version could take from `lines`. */
export function syntaxValues(lines: readonly string[]): string[] {
  return lines.flatMap((line) => {
    const value = SYNTAX.exec(trimLeading(line))?.[1]
    return value === undefined ? [] : [value]
  })
}
