import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { canonicalConfigHost, credentialResolver } from '../../src/registry/credentials.js'

function configDir(config: object): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scg-docker-'))
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config))
  return dir
}
const b64 = (s: string) => Buffer.from(s).toString('base64')

function resolver(
  config: object,
  extra: { githubToken?: string; helper?: (h: string, s: string) => Promise<string> } = {},
) {
  const secrets: string[] = []
  const calls: [string, string][] = []
  const lookup = credentialResolver({
    dockerConfigDir: configDir(config),
    ...(extra.githubToken !== undefined && { githubToken: extra.githubToken }),
    runHelper: async (helper, server) => {
      calls.push([helper, server])
      return extra.helper ? extra.helper(helper, server) : ''
    },
    onSecret: (s) => secrets.push(s),
  })
  return { lookup, secrets, calls }
}

describe('credentialResolver', () => {
  test('auths entries are chosen by exact canonical host, never by substring', async () => {
    const { lookup, secrets } = resolver({
      auths: {
        'registry.local': { auth: b64('alice:pw1') },
        'https://index.docker.io/v1/': { auth: b64('bob:pw2') },
      },
    })
    expect(await lookup('registry.local')).toEqual({ username: 'alice', password: 'pw1' })
    expect(await lookup('registry.local.evil')).toBeUndefined()
    expect(await lookup('evilregistry.local')).toBeUndefined()
    expect(await lookup('registry.local:5000')).toBeUndefined()
    expect(await lookup('docker.io')).toEqual({ username: 'bob', password: 'pw2' })
    expect(secrets).toEqual(['pw1', 'pw2'])
  })

  test('the github-token goes to ghcr.io only', async () => {
    const { lookup } = resolver({}, { githubToken: 'ghs_secret' })
    expect(await lookup('ghcr.io')).toEqual({ username: 'x-access-token', password: 'ghs_secret' })
    for (const host of ['evilghcr.io', 'ghcr.io.evil.test', 'ghcr.io:444', 'docker.io']) {
      expect(await lookup(host)).toBeUndefined()
    }
  })

  test('credHelpers win for their host, credsStore serves the rest', async () => {
    const { lookup, calls } = resolver(
      { credHelpers: { 'registry.local': 'pass' }, credsStore: 'desktop' },
      {
        helper: async (helper) => JSON.stringify({ Username: helper, Secret: `${helper}-secret` }),
      },
    )
    expect(await lookup('registry.local')).toEqual({ username: 'pass', password: 'pass-secret' })
    expect(await lookup('docker.io')).toEqual({ username: 'desktop', password: 'desktop-secret' })
    expect(calls).toEqual([
      ['pass', 'registry.local'],
      ['desktop', 'https://index.docker.io/v1/'],
    ])
  })

  test('a helper name that is not a plain word is refused before anything runs', async () => {
    const { lookup, calls } = resolver({
      credHelpers: { 'registry.local': '../../bin/sh -c evil' },
    })
    await expect(lookup('registry.local')).rejects.toThrow(/helper name .* is not valid/)
    expect(calls).toEqual([])
  })

  test('a helper that knows nothing means anonymous; garbage is an error', async () => {
    expect(await resolver({ credsStore: 'x' }).lookup('r.local')).toBeUndefined()
    const garbage = resolver({ credsStore: 'x' }, { helper: async () => 'not json' })
    await expect(garbage.lookup('r.local')).rejects.toThrow(/did not answer JSON/)
  })

  test('no docker config means no credentials', async () => {
    const lookup = credentialResolver({
      dockerConfigDir: path.join(os.tmpdir(), 'scg-none-exists'),
      runHelper: async () => '',
      onSecret: () => {},
    })
    expect(await lookup('registry.local')).toBeUndefined()
  })

  test.each([
    ['https://index.docker.io/v1/', 'docker.io'],
    ['registry-1.docker.io', 'docker.io'],
    ['HTTPS://Registry.Local:5000/path', 'registry.local:5000'],
    ['ghcr.io', 'ghcr.io'],
  ])('canonicalConfigHost(%s) = %s', (key, host) => {
    expect(canonicalConfigHost(key)).toBe(host)
  })
})
