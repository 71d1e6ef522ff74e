// Untrusted text (registry, bundle, certificate, predicate) passes through one of these before
// it is printed or rendered. Security catalog rules 8 and 9.

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g

/**
 * One line of plain text: control characters become `\uXXXX`, and the runner's command markers
 * (`::` at line start, legacy `##[` anywhere) are broken with a zero-width space.
 */
export function plain(text: string): string {
  const oneLine = text.replace(
    CONTROL,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  )
  return oneLine.replace(/##\[/g, '#\u200b#[').replace(/::/g, ':\u200b:')
}

/**
 * Text for a markdown table cell or HTML: everything but letters, digits, space and a few
 * harmless marks becomes a numeric entity, so neither markdown nor HTML is interpreted.
 */
export function markdown(text: string): string {
  return plain(text).replace(/[^A-Za-z0-9 ,./=+-]/gu, (c) => `&#${c.codePointAt(0)};`)
}
