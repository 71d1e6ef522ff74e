/** Escapes every RE2 metacharacter, so the text matches only itself. */
export function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&')
}

/**
 * A glob as an RE2 pattern for whole-value matching: `*` matches any run of characters (none
 * included, `/` included), or of those `wildcard` allows; every other character matches only
 * itself.
 */
export function globToRegExp(glob: string, wildcard = '.*'): string {
  return glob.split('*').map(escapeRegExp).join(wildcard)
}
