// Issue #6: the trusted root is fetched through TUF at most once and cached between runs, so a
// warm run makes no TUF request at all; what is expired or corrupt is fetched again.
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { jest } from '@jest/globals'
import { TrustedRoot } from '@sigstore/protobuf-specs'
import { cacheDir, trustedRootFromTuf } from '../../src/deps.js'
import { startTufRepo, type TufRepo } from '../helpers/tuf-repo.js'

const ROOT_JSON = JSON.parse(
  fs.readFileSync(
    new URL(
      '../fixtures/bundles/sigstore-python/sigstore/_store/https%253A%252F%252Ftuf-repo-cdn.sigstore.dev/trusted_root.json',
      import.meta.url,
    ),
    'utf8',
  ),
) as unknown
const TARGET = `/targets/${crypto.createHash('sha256').update(JSON.stringify(ROOT_JSON)).digest('hex')}.trusted_root.json`

let dir: string
let repo: TufRepo | undefined

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scg-tuf-'))
})
afterEach(async () => {
  await repo?.close()
  repo = undefined
})

const load = (r: TufRepo): Promise<TrustedRoot> =>
  trustedRootFromTuf({ cachePath: path.join(dir, 'cache'), mirrorURL: r.url, rootPath: r.rootPath })

test('a cold load asks for each TUF file once; a warm load asks for nothing', async () => {
  repo = await startTufRepo(ROOT_JSON, dir)
  const cold = await load(repo)
  expect(cold).toEqual(TrustedRoot.fromJSON(ROOT_JSON))
  expect(repo.requests).toEqual([
    '/2.root.json',
    '/timestamp.json',
    '/1.snapshot.json',
    '/1.targets.json',
    TARGET,
  ])
  repo.requests.length = 0
  const warm = await load(repo)
  expect(warm).toEqual(cold)
  expect(repo.requests).toEqual([])
})

test('an expired cached timestamp is renewed from the mirror, after looking for a newer root', async () => {
  repo = await startTufRepo(ROOT_JSON, dir, new Date(Date.now() + 1500))
  await load(repo)
  // Wait out the timestamp's validity (TUF reads the clock; there is no other way in).
  await new Promise((resolve) => setTimeout(resolve, 1600))
  repo.renewTimestamp(new Date(Date.now() + 86_400_000))
  repo.requests.length = 0
  expect(await load(repo)).toEqual(TrustedRoot.fromJSON(ROOT_JSON))
  // The full workflow: a newer root is looked for first (tuf-js's forceCache would skip it).
  expect(repo.requests).toEqual(['/2.root.json', '/timestamp.json'])
})

test('a corrupt cached trusted root is fetched again, and the good one is used', async () => {
  repo = await startTufRepo(ROOT_JSON, dir)
  await load(repo)
  const cached = fs
    .readdirSync(path.join(dir, 'cache'), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('trusted_root.json'))
  expect(cached).toHaveLength(1)
  fs.writeFileSync(path.join(dir, 'cache', cached[0]!), '{"mediaType":"tampered"}')
  repo.requests.length = 0
  expect(await load(repo)).toEqual(TrustedRoot.fromJSON(ROOT_JSON))
  expect(repo.requests).toEqual([TARGET])
})

test('the cache is under an absolute directory only: an empty or relative variable is passed over', () => {
  const saved = { tool: process.env['RUNNER_TOOL_CACHE'], xdg: process.env['XDG_CACHE_HOME'] }
  const restore = (name: string, value: string | undefined) => {
    if (value === undefined) delete process.env[name]
    else process.env[name] = value
  }
  try {
    process.env['RUNNER_TOOL_CACHE'] = '/opt/tool-cache'
    process.env['XDG_CACHE_HOME'] = '/home/u/.xdg'
    expect(cacheDir()).toBe('/opt/tool-cache/supply-chain-gate')
    // A cache relative to the working directory would be the checked-out repository's to write.
    process.env['RUNNER_TOOL_CACHE'] = ''
    expect(cacheDir()).toBe('/home/u/.xdg/supply-chain-gate')
    process.env['XDG_CACHE_HOME'] = 'relative/cache'
    expect(cacheDir()).toBe(path.join(os.homedir(), '.cache', 'supply-chain-gate'))
    expect(path.isAbsolute(cacheDir())).toBe(true)
    // No absolute place at all (HOME empty, as os.homedir() then says): no cache, rather than one
    // in the working directory.
    const home = jest.spyOn(os, 'homedir').mockReturnValue('')
    delete process.env['RUNNER_TOOL_CACHE']
    delete process.env['XDG_CACHE_HOME']
    expect(() => cacheDir()).toThrow(/name no absolute directory/)
    home.mockRestore()
  } finally {
    restore('RUNNER_TOOL_CACHE', saved.tool)
    restore('XDG_CACHE_HOME', saved.xdg)
  }
})
