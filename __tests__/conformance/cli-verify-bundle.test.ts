// `supply-chain-gate verify-bundle` through the CLI entry point: exit 0 verified, 1 not verified,
// 2 could not check. Every call passes --trusted-root, so the public-good root (TUF) is never
// loaded; the no-internet guard (jest setupFiles) would fail the test if anything went online.
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { main } from '../../src/cli.js'
import { CONFORMANCE, PRODUCTION_ROOT } from './harness.js'

const BEACON =
  'https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main'
const GHA = 'https://token.actions.githubusercontent.com'
const A_TXT = path.join(CONFORMANCE, 'a.txt')
const bundleOf = (name: string): string => path.join(CONFORMANCE, name, 'bundle.sigstore.json')

let stdout = ''
let stderr = ''
const realStdout = process.stdout.write.bind(process.stdout)
const realStderr = process.stderr.write.bind(process.stderr)
beforeEach(() => {
  stdout = ''
  stderr = ''
  process.stdout.write = ((chunk: string | Uint8Array) => {
    stdout += chunk.toString()
    return true
  }) as typeof process.stdout.write
  process.stderr.write = ((chunk: string | Uint8Array) => {
    stderr += chunk.toString()
    return true
  }) as typeof process.stderr.write
})
afterEach(() => {
  process.stdout.write = realStdout
  process.stderr.write = realStderr
})

interface Keyless {
  artifact?: string
  identity?: string
  issuer?: string
  root?: string
}
const keyless = (name: string, o: Keyless = {}): string[] => [
  'verify-bundle',
  '--bundle',
  bundleOf(name),
  '--certificate-identity',
  o.identity ?? BEACON,
  '--certificate-oidc-issuer',
  o.issuer ?? GHA,
  '--trusted-root',
  o.root ?? PRODUCTION_ROOT,
  o.artifact ?? A_TXT,
]

test('exit 0 for a bundle that verifies (file artifact)', async () => {
  expect(await main(keyless('happy-path-v0.3'))).toBe(0)
  expect(stdout).toBe('OK: the bundle verified\n')
  // (not toBe(''): Node may print its own warnings, e.g. the VM-modules one, while captured)
  expect(stderr).not.toContain('verification failed')
})

test('exit 0 for a DSSE bundle checked against a sha256:<hex> digest', async () => {
  const digest = 'sha256:a0cfc71271d6e278e57cd332ff957c3f7043fdda354c4cbb190a30d56efa01bf'
  expect(await main(keyless('happy-path-intoto-in-dsse-v3', { artifact: digest }))).toBe(0)
  expect(stdout).toBe('OK: the bundle verified\n')
})

// A statement names digests: the file is streamed through the hashes, never held, whatever its size.
test('a DSSE bundle is checked against a file by its streamed digests, past the 1 GiB read cap', async () => {
  expect(await main(keyless('happy-path-intoto-in-dsse-v3'))).toBe(0)
  const big = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'scg-big-')), 'artifact')
  fs.writeFileSync(big, '')
  fs.truncateSync(big, 1024 * 1024 * 1024 + 1)
  try {
    expect(await main(keyless('happy-path-intoto-in-dsse-v3', { artifact: big }))).toBe(1)
    expect(stderr).toContain('verification failed: ')
    expect(stderr).not.toContain('larger than')
  } finally {
    fs.rmSync(path.dirname(big), { recursive: true })
  }
}, 60_000)

test('exit 0 with --key for a key-signed bundle', async () => {
  const dir = path.join(CONFORMANCE, 'managed-key-happy-path')
  const args = ['verify-bundle', '--bundle', path.join(dir, 'bundle.sigstore.json')]
  args.push('--key', path.join(dir, 'key.pub'), '--trusted-root', PRODUCTION_ROOT, A_TXT)
  expect(await main(args)).toBe(0)
})

test('exit 1 with the reason when the bundle does not verify', async () => {
  expect(await main(keyless('signature-mismatch_fail'))).toBe(1)
  expect(stdout).toBe('')
  expect(stderr).toContain('verification failed: TLOG_BODY_ERROR: signature mismatch\n')
})

test('exit 1 when the signer is not the expected identity', async () => {
  const other = 'https://github.com/someone/else/.github/workflows/release.yml@refs/heads/main'
  expect(await main(keyless('happy-path-v0.3', { identity: other }))).toBe(1)
  expect(stderr).toContain(`is not "${other}"`)
})

test('exit 1 for a root certificate in the chain', async () => {
  const name = 'bundle-with-root-cert_fail'
  const artifact = path.join(CONFORMANCE, name, 'artifact')
  const args = keyless(name, {
    artifact,
    identity: 'a@tny.town',
    issuer: 'https://github.com/login/oauth',
  })
  expect(await main(args)).toBe(1)
  expect(stderr).toContain('the bundle certificate chain contains a root certificate')
})

test('exit 2 when a trusted root is refused (no validFor.start)', async () => {
  const name = 'trust-root-tlog-missing-validity-start_fail'
  const root = path.join(CONFORMANCE, name, 'trusted_root.json')
  expect(await main(keyless(name, { root }))).toBe(2)
  expect(stderr).toContain('validFor.start')
})

describe('exit 2 for missing or unusable arguments', () => {
  test('no --bundle', async () => {
    expect(await main(['verify-bundle', '--trusted-root', PRODUCTION_ROOT, A_TXT])).toBe(2)
    expect(stderr).toContain('Usage:')
  })

  test('no artifact', async () => {
    expect(await main(keyless('happy-path-v0.3').slice(0, -1))).toBe(2)
    expect(stderr).toContain('Usage:')
  })

  test('no identity and no key', async () => {
    const args = ['verify-bundle', '--bundle', bundleOf('happy-path-v0.3')]
    expect(await main([...args, '--trusted-root', PRODUCTION_ROOT, A_TXT])).toBe(2)
    expect(stderr).toContain('--certificate-identity and --certificate-oidc-issuer, or --key')
  })

  test('identity without issuer', async () => {
    const args = ['verify-bundle', '--bundle', bundleOf('happy-path-v0.3')]
    args.push('--certificate-identity', BEACON, '--trusted-root', PRODUCTION_ROOT, A_TXT)
    expect(await main(args)).toBe(2)
  })

  test('an artifact file that does not exist', async () => {
    expect(
      await main(keyless('happy-path-v0.3', { artifact: path.join(CONFORMANCE, 'no-such-file') })),
    ).toBe(2)
    expect(stderr).toContain('cannot be read')
  })
})

// A FIFO (or a symlink to one) in a checked-out tree must not hang the command: refused unopened.
describe('exit 2 at once for a FIFO in place of a file', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scg-fifo-'))
  const fifo = path.join(dir, 'fifo')
  beforeAll(() => execFileSync('mkfifo', [fifo]))
  // Should a read have opened it after all, a writer that closes at once lets it end.
  afterAll(() => {
    try {
      fs.closeSync(fs.openSync(fifo, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK))
    } catch {
      // no reader waiting
    }
  })

  test.each([
    [
      '--bundle',
      (args: string[]) => args.map((a) => (a === bundleOf('happy-path-v0.3') ? fifo : a)),
    ],
    ['the artifact', (args: string[]) => [...args.slice(0, -1), fifo]],
    ['--trusted-root', (args: string[]) => args.map((a) => (a === PRODUCTION_ROOT ? fifo : a))],
  ])('%s', async (_name, swap) => {
    const blocked = new Promise((resolve) =>
      setTimeout(() => resolve('still blocked'), 5000).unref(),
    )
    expect(await Promise.race([main(swap(keyless('happy-path-v0.3'))), blocked])).toBe(2)
    expect(stderr).toContain('is not a regular file')
  })
})

test('exit 2 for a bundle file that repeats a key (two readings of one bundle)', async () => {
  const text = fs.readFileSync(bundleOf('happy-path-v0.3'), 'utf8')
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'scg-bundle-')), 'b.json')
  fs.writeFileSync(file, text.replace(/^\{/, '{"mediaType": "x",'))
  const args = keyless('happy-path-v0.3').map((a) => (a === bundleOf('happy-path-v0.3') ? file : a))
  expect(await main(args)).toBe(2)
  expect(stderr).toContain('the key "mediaType" repeats')
})
