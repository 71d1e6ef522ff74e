// Untrusted text (registry, bundle, certificate, predicate) passes through one of these before
// it is printed or rendered. Security catalog rules 8 and 9.

// Control characters, line and paragraph separators, and invisible format characters (bidi
// overrides, zero-width marks, soft hyphen, BOM, tags): text that could break a line, reorder what
// a reader sees (T71) or hide a marker from us while the runner's ICU comparison ignores it.
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu

/**
 * One line of plain text: control and invisible characters become `\uXXXX`, and the runner's
 * command markers (`::` at line start, legacy `##[` anywhere) are broken with a zero-width space.
 */
export function plain(text: string): string {
  const oneLine = text.replace(INVISIBLE, (c) => {
    const code = c.codePointAt(0)!
    const hex = code.toString(16)
    return code > 0xffff ? `\\u{${hex}}` : `\\u${hex.padStart(4, '0')}`
  })
  // Every colon followed by one: `:::` would otherwise keep a `::` after the first break.
  return oneLine.replace(/##\[/g, '#\u200b#[').replace(/:(?=:)/g, ':\u200b')
}

/**
 * JSON text for a terminal or a runner log, the same value once parsed: JSON.stringify leaves the
 * legacy `##[` marker (parsed anywhere in a line), line separators and invisible characters as
 * they are, so those become `\u` escapes. No line can then start with `::`.
 */
export function terminalJson(json: string): string {
  // Outside its strings JSON.stringify writes no such character but the line breaks between
  // members, which must stay; inside them it has already escaped U+0000-U+001F.
  return json
    .replace(/(?!\n)[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, (c) =>
      Array.from(
        { length: c.length },
        (_, i) => `\\u${c.charCodeAt(i).toString(16).padStart(4, '0')}`,
      ).join(''),
    )
    .replace(/##\[/g, '#\\u0023[')
}

/**
 * Text for a markdown table cell or HTML: everything but letters, digits, space and a few
 * harmless marks becomes a numeric entity, so neither markdown nor HTML is interpreted. The dot
 * of `www.` is one too: GitHub makes `www.example/path` a link (GFM's extended autolink).
 */
export function markdown(text: string): string {
  return plain(text)
    .replace(/[^A-Za-z0-9 ,./=+-]/gu, (c) => `&#${c.codePointAt(0)};`)
    .replace(/(www)\./gi, '$1&#46;')
}
