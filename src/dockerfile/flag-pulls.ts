// What an instruction's flags name to pull from: `COPY --from=` (and ADD's, which BuildKit
// refuses) and each `RUN --mount=…,from=`, also under ONBUILD, whose triggers run in every stage
// built FROM this one. The flags are read as BuildKit reads them (dockerfile/parser
// split_command.go extractBuilderFlags, instructions/bflag.go, the mount's CSV), so quotes and
// escapes inside a flag word (`--fr"o"m=`) do not hide one. No library reads them outside Go.
import { isSpace } from './space.js'

/** A flag's value naming a stage or an image; `index`: a number may name a stage by index. */
export interface FlagPull {
  /** `COPY --from` or `RUN --mount from`. */
  via: string
  value: string
  /** COPY takes a number as a stage index; a mount's `from` is always a name. */
  index: boolean
}

/** The pulls of one instruction, `text` its continuation-joined line. */
export function flagPullsOf(text: string): FlagPull[] {
  let [command, rest] = splitCommand(text)
  // ONBUILD's trigger is an instruction of its own (parseSubCommand).
  if (command === 'onbuild') [command, rest] = splitCommand(rest)
  if (!['copy', 'add', 'run'].includes(command)) return []
  return builderFlags(rest).flatMap((word): FlagPull[] => {
    // bflag.go: `--name=value`; a string flag without `=` fails the build.
    const cut = word.indexOf('=')
    if (cut < 0) return []
    const name = word.slice(2, cut).toLowerCase()
    const value = word.slice(cut + 1)
    if (command !== 'run' && name === 'from') {
      return [{ via: `${command.toUpperCase()} --from`, value, index: true }]
    }
    if (command !== 'run' || name !== 'mount') return []
    return (csvFields(value) ?? []).flatMap((field) => {
      const at = field.indexOf('=')
      return at >= 0 && field.slice(0, at).toLowerCase() === 'from'
        ? [{ via: 'RUN --mount from', value: field.slice(at + 1), index: false }]
        : []
    })
  })
}

/** parser.go splitCommand: an instruction's keyword (lower case) and the rest, split at [\t\v\f\r ]+. */
export function splitCommand(text: string): [string, string] {
  const match = /^(\S+)[\t\v\f\r ]+(.*)$/s.exec(text.trim())
  return match === null ? [text.trim().toLowerCase(), ''] : [match[1]!.toLowerCase(), match[2]!]
}

/**
 * extractBuilderFlags: the leading words that start with `--`, read byte by byte (a byte is a
 * space when unicode.IsSpace(rune(byte)) is, so 0x85 and 0xA0 are), quotes removed, `\` taking
 * the next byte, a quoted or escaped space inside the word; a lone `--` ends them.
 */
function builderFlags(rest: string): string[] {
  const bytes = Buffer.from(rest, 'utf8')
  const char = (pos: number): string => String.fromCharCode(bytes[pos]!)
  const words: string[] = []
  let word = ''
  let quote: string | undefined
  let blankOK = false
  let inWord = false
  for (let pos = 0; pos <= bytes.length; pos++) {
    const end = pos === bytes.length
    const ch = end ? '' : char(pos)
    if (!inWord) {
      if (end) break
      if (isSpace(ch)) continue
      if (ch !== '-' || pos + 1 === bytes.length || char(pos + 1) !== '-') break
      inWord = true
    }
    if (end) {
      if (word !== '--' && (blankOK || word !== '')) words.push(word)
      break
    }
    if (quote === undefined) {
      if (isSpace(ch)) {
        if (word === '--') break
        if (blankOK || word !== '') words.push(word)
        word = ''
        blankOK = false
        inWord = false
        continue
      }
      if (ch === "'" || ch === '"') {
        quote = ch
        blankOK = true
        continue
      }
    } else if (ch === quote) {
      quote = undefined
      continue
    }
    if (ch === '\\') {
      if (pos + 1 === bytes.length) {
        quote = undefined
        continue
      }
      word += char(++pos)
      continue
    }
    word += ch
  }
  return words
}

// encoding/csv Reader.Read of one record: fields split at `,`; a field that starts with `"` is
// quoted (`""` a quote); a quote elsewhere is an error, as is an unclosed one (undefined).
function csvFields(value: string): string[] | undefined {
  const fields: string[] = []
  let i = 0
  for (;;) {
    let field = ''
    if (value[i] === '"') {
      for (i++; ; i++) {
        if (i >= value.length) return undefined
        if (value[i] === '"') {
          if (value[i + 1] !== '"') break
          i++
        }
        field += value[i]
      }
      i++
      if (i < value.length && value[i] !== ',') return undefined
    } else {
      const end = value.indexOf(',', i)
      field = value.slice(i, end < 0 ? value.length : end)
      if (field.includes('"')) return undefined
      i = end < 0 ? value.length : end
    }
    fields.push(field)
    if (i >= value.length) return fields
    i++
  }
}
