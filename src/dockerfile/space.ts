// Go's unicode.IsSpace, which BuildKit trims lines with and splits words at. JavaScript's \s
// differs: it has U+FEFF and lacks U+0085.

/** The spaces other than the space, the tab and the line ends, as a character-class body. */
export const OTHER_SPACES =
  '\\v\\f\\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000'

const LEADING = new RegExp(`^[\\t\\n\\r ${OTHER_SPACES}]+`)
const ONE = new RegExp(`^[\\t\\n\\r ${OTHER_SPACES}]$`)

export const trimLeading = (line: string): string => line.replace(LEADING, '')
export const isSpace = (ch: string): boolean => ONE.test(ch)
