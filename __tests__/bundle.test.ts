// What the ncc bundles leave out of their entry file (issue #6, start-up), and that the stand-in
// for @actions/http-client refuses to work.
import fs from 'node:fs'
import { BearerCredentialHandler, HttpClient } from '../src/bundle/no-oidc-client.js'

test('the stand-in for @actions/http-client refuses every use', () => {
  expect(() => new HttpClient()).toThrow('does not request OIDC tokens')
  expect(() => new BearerCredentialHandler()).toThrow('does not request OIDC tokens')
})

test.each(['dist/index.js', 'dist/cli/index.js'])(
  '%s holds neither npm undici (through @actions/http-client) nor yaml, ajv or dockerfile-ast',
  (file) => {
    const bundle = fs.readFileSync(new URL(`../${file}`, import.meta.url), 'utf8')
    // Booleans, not toContain: a failure would print the whole bundle.
    const holds = (text: string): boolean => bundle.includes(text)
    // npm undici's diagnostics channel name; Node's own fetch is not bundled.
    expect(holds('undici:client:beforeConnect')).toBe(false)
    // One string from each package loaded on demand: yaml, ajv, dockerfile-ast.
    expect(holds('maxAliasCount')).toBe(false)
    expect(holds('strictTuples')).toBe(false)
    expect(holds('getInitialARGs')).toBe(false)
  },
)
