import { parseDockerfile } from '../../src/dockerfile/parse.js'
import { readFileSync } from 'node:fs'

const run = (text: string, buildArgs: Record<string, string> = {}) => {
  try {
    return parseDockerfile(text, { buildArgs: new Map(Object.entries(buildArgs)), platform: 'linux/amd64' }).map(
      (f) => `${f.line} ${f.via ?? 'FROM'} ${f.base.kind} ${f.base.kind === 'image' ? f.base.text : f.base.kind === 'invalid' ? f.base.problem : f.base.kind === 'stage' ? f.base.stage : ''}`,
    )
  } catch (e) {
    return `THROW ${(e as Error).message}`
  }
}
test('probe', () => {
  const cases: string[] = JSON.parse(readFileSync('/tmp/probe.json', 'utf8'))
  for (const c of cases) console.log(JSON.stringify(c) + '\n => ' + JSON.stringify(run(c), null, 1))
})
