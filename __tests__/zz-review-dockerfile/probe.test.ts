import { readFileSync, writeFileSync } from 'node:fs'
import { parseDockerfile } from '../../src/dockerfile/parse.js'

test('probe', () => {
  const cases = JSON.parse(readFileSync('/tmp/probe-cases.json', 'utf8')) as [string, Record<string, string>?][]
  const out: string[] = []
  for (const [text, args] of cases) {
    let r: string
    try {
      const froms = parseDockerfile(text, { buildArgs: new Map(Object.entries(args ?? {})), platform: 'linux/amd64' })
      r = JSON.stringify(froms.map((f) => [f.line, f.stage, f.platform?.value, f.base.kind === 'image' ? 'IMAGE ' + f.base.text : f.base.kind === 'stage' ? 'STAGE ' + f.base.stage : f.base.kind === 'invalid' ? 'INVALID ' + f.base.problem : 'scratch']))
    } catch (e) {
      r = 'THROW ' + (e as Error).message
    }
    out.push(JSON.stringify(text) + (args ? ' ' + JSON.stringify(args) : '') + '\n  => ' + r)
  }
  writeFileSync('/tmp/probe-out.txt', out.join('\n') + '\n')
})
