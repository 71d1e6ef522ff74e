// What the GitHub Actions runner would do with our stdout: a port of actions/runner's
// ActionCommand.TryParseV2 / TryParse and ActionCommandManager.TryProcessCommand (security catalog
// harness "log-injection oracle"). Every line is tried as a V2 command (`::name props::data` at
// the start of the line once leading whitespace is trimmed), then as a legacy command (`##[name
// props]data` ANYWHERE in the line). Command names are matched case-insensitively against the
// runner's registered set, and `stop-commands` suspends processing until its token comes back.
//
// Deliberately a little stricter than the runner: lines are split on \r, \n and \r\n (.NET
// ReadLine) and also on U+2028/U+2029, and TrimStart is JavaScript's (a superset of .NET's
// whitespace, BOM included), so the oracle finds at least every command the runner would.

/** The runner's registered commands (ActionCommandManager and its command extensions). */
export const RUNNER_COMMANDS = [
  'set-env',
  'set-output',
  'save-state',
  'add-mask',
  'add-path',
  'add-matcher',
  'remove-matcher',
  'debug',
  'warning',
  'error',
  'notice',
  'group',
  'endgroup',
  'echo',
  'stop-commands',
] as const

export interface RunnerCommand {
  /** Lowercased command name. */
  command: string
  properties: Record<string, string>
  data: string
  /** `v2` (`::`) or `legacy` (`##[`). */
  form: 'v2' | 'legacy'
  /** The line it came from. */
  line: string
}

export interface ParsedLog {
  /** Every command the runner would process, in order (stop-commands and its resume included). */
  commands: RunnerCommand[]
  /** Lines the runner would show as plain log text. */
  text: string[]
}

/** Parses everything written to stdout during a step, as the runner would. */
export function parseRunnerLog(stdout: string): ParsedLog {
  const registered = new Set<string>(RUNNER_COMMANDS)
  const commands: RunnerCommand[] = []
  const text: string[] = []
  let stopToken: string | undefined
  for (const line of stdout.split(/\r\n|\r|\n|\u2028|\u2029/)) {
    const command = parseV2(line, registered) ?? parseLegacy(line, registered)
    if (command === undefined) {
      text.push(line)
      continue
    }
    if (stopToken !== undefined) {
      // Stopped: only the resume token is a command; everything else is plain text.
      if (command.command === stopToken) {
        commands.push(command)
        registered.delete(stopToken)
        stopToken = undefined
      } else {
        text.push(line)
      }
      continue
    }
    commands.push(command)
    if (command.command === 'stop-commands') {
      stopToken = command.data.toLowerCase()
      registered.add(stopToken)
    }
  }
  return { commands, text }
}

/** `ActionCommand.TryParseV2`: `::name k=v,k=v::data` after TrimStart. */
export function parseV2(
  message: string,
  registered: ReadonlySet<string>,
): RunnerCommand | undefined {
  if (message === '') return undefined
  const line = message.trimStart()
  if (!line.startsWith('::')) return undefined
  const end = line.indexOf('::', 2)
  if (end < 0) return undefined
  const info = line.slice(2, end)
  const space = info.indexOf(' ')
  const name = (space < 0 ? info : info.slice(0, space)).toLowerCase()
  if (!registered.has(name)) return undefined
  const properties: Record<string, string> = {}
  if (space > 0) {
    for (const pair of info
      .slice(space + 1)
      .trim()
      .split(',')
      .filter((p) => p !== '')) {
      const eq = pair.indexOf('=')
      if (eq > 0 && eq < pair.length - 1) {
        properties[pair.slice(0, eq)] = unescape(pair.slice(eq + 1), PROPERTY_ESCAPES)
      }
    }
  }
  const data = unescape(line.slice(end + 2), DATA_ESCAPES)
  return { command: name, properties, data, form: 'v2', line: message }
}

/** `ActionCommand.TryParse`: the first `##[` anywhere in the line, up to the next `]`. */
export function parseLegacy(
  message: string,
  registered: ReadonlySet<string>,
): RunnerCommand | undefined {
  if (message === '') return undefined
  const prefix = message.indexOf('##[')
  if (prefix < 0) return undefined
  const rb = message.indexOf(']', prefix)
  if (rb < 0) return undefined
  const info = message.slice(prefix + 3, rb)
  const space = info.indexOf(' ')
  const name = (space < 0 ? info : info.slice(0, space)).toLowerCase()
  if (!registered.has(name)) return undefined
  const properties: Record<string, string> = {}
  if (space > 0) {
    for (const pair of info
      .slice(space + 1)
      .split(';')
      .filter((p) => p !== '')) {
      const eq = pair.indexOf('=')
      if (eq > 0 && eq < pair.length - 1) {
        properties[pair.slice(0, eq)] = unescape(pair.slice(eq + 1), LEGACY_ESCAPES)
      }
    }
  }
  const data = unescape(message.slice(rb + 1), LEGACY_ESCAPES)
  return { command: name, properties, data, form: 'legacy', line: message }
}

// The runner's current _escapeDataMappings: only CR and LF.
const DATA_ESCAPES: [string, string][] = [
  ['%0D', '\r'],
  ['%0A', '\n'],
]
const PROPERTY_ESCAPES: [string, string][] = [
  ['%0D', '\r'],
  ['%0A', '\n'],
  ['%3A', ':'],
  ['%2C', ','],
  ['%25', '%'],
]
const LEGACY_ESCAPES: [string, string][] = [
  ['%3B', ';'],
  ['%0D', '\r'],
  ['%0A', '\n'],
  ['%5D', ']'],
  ['%25', '%'],
]

function unescape(value: string, mappings: [string, string][]): string {
  return mappings.reduce((text, [token, replacement]) => text.split(token).join(replacement), value)
}

/**
 * The lines of a `$GITHUB_OUTPUT` (or `$GITHUB_ENV`, `$GITHUB_STATE`) file as the runner reads
 * them: `name=value`, or `name<<DELIMITER` … `DELIMITER`. Returns every entry in order, repeats
 * included (the runner keeps the last), and throws on anything the runner would refuse.
 */
export function parseFileCommands(content: string): { name: string; value: string }[] {
  const lines = content.split('\n')
  const entries: { name: string; value: string }[] = []
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!
    if (line === '') continue
    const heredoc = line.indexOf('<<')
    const eq = line.indexOf('=')
    if (heredoc > 0 && (eq < 0 || heredoc < eq)) {
      const name = line.slice(0, heredoc)
      const delimiter = line.slice(heredoc + 2)
      const value: string[] = []
      for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i]!)
      if (i >= lines.length) throw new Error(`unterminated heredoc for ${name}`)
      entries.push({ name, value: value.join('\n') })
    } else if (eq > 0) {
      entries.push({ name: line.slice(0, eq), value: line.slice(eq + 1) })
    } else {
      throw new Error(`the runner would refuse this file-command line: ${JSON.stringify(line)}`)
    }
  }
  return entries
}
