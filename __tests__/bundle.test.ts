// What the ncc bundles leave out of their entry file (issue #6, start-up), that the stand-in for
// @actions/http-client refuses to work, and that the licences of what they hold are credited.
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

test.each(['dist/licenses.txt', 'dist/cli/licenses.txt'])(
  '%s credits the packages the bundles are built from, each with its licence',
  (file) => {
    const text = fs.readFileSync(new URL(`../${file}`, import.meta.url), 'utf8')
    const credited = [...text.matchAll(/^(@?[a-z0-9][\w./-]*) (\d[^ \n]*)\n(.+)$/gm)].map((m) => ({
      name: m[1]!,
      licence: m[3]!,
    }))
    const names = credited.map((c) => c.name)
    // What both bundles are made of (ncc's own list left out these of the entry chunk).
    for (const name of [
      '@sigstore/verify',
      '@sigstore/core',
      '@sigstore/bundle',
      're2js',
      'yaml',
    ]) {
      expect(names).toContain(name)
    }
    if (file === 'dist/licenses.txt') {
      const { dependencies } = JSON.parse(
        fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
      ) as { dependencies: Record<string, string> }
      expect(names).toEqual(expect.arrayContaining(Object.keys(dependencies)))
    }
    expect(
      credited.every((c) => /^[A-Za-z0-9.-]+( (OR|AND) [A-Za-z0-9.-]+)*$/.test(c.licence)),
    ).toBe(true)
  },
)
