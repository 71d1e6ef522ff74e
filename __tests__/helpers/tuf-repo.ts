// A TUF repository on loopback that serves one target, trusted_root.json, as Sigstore's mirrors
// do: one Ed25519 key signs every role, consistent snapshots, and every request is recorded. It
// is enough for @sigstore/tuf to walk root → timestamp → snapshot → targets → target, so tests
// and the bench can count what a cold and a warm trust load ask for.
import crypto from 'node:crypto'
import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'

export interface TufRepo {
  /** The mirror URL to give @sigstore/tuf. */
  url: string
  /** Version 1 of the root, for the client's `rootPath` (the seed it trusts first). */
  rootPath: string
  /** Paths requested so far, in order. */
  requests: string[]
  /** Signs a new timestamp (next version) that expires at `expires`. */
  renewTimestamp(expires: Date): void
  close(): Promise<void>
}

const SPEC_VERSION = '1.0.31'

// TUF signs canonical JSON; for these documents (ASCII strings, integers, no floats) that is
// JSON with sorted keys and no whitespace.
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    )
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`
  }
  return JSON.stringify(value)
}

/**
 * Starts the repository under `dir` (metadata files are written there too). `timestampExpires`
 * defaults to a day from now; the other roles expire in a year.
 */
export async function startTufRepo(
  trustedRoot: unknown,
  dir: string,
  timestampExpires = new Date(Date.now() + 86_400_000),
): Promise<TufRepo> {
  const { publicKey, privateKey } = crypto.generateKeyPairSync('ed25519')
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x ?? '', 'base64url')
  const key = { keytype: 'ed25519', scheme: 'ed25519', keyval: { public: raw.toString('hex') } }
  const keyid = crypto.createHash('sha256').update(canonical(key)).digest('hex')
  const sign = (signed: object): Buffer => {
    const sig = crypto.sign(null, Buffer.from(canonical(signed)), privateKey).toString('hex')
    return Buffer.from(JSON.stringify({ signed, signatures: [{ keyid, sig }] }))
  }
  const yearAhead = new Date(Date.now() + 365 * 86_400_000)
  const common = (type: string, version: number, expires: Date): object => ({
    _type: type,
    spec_version: SPEC_VERSION,
    version,
    expires: expires.toISOString().replace(/\.\d+Z$/, 'Z'),
  })
  const role = { keyids: [keyid], threshold: 1 }
  const target = Buffer.from(JSON.stringify(trustedRoot))
  const targetHash = crypto.createHash('sha256').update(target).digest('hex')
  const files = new Map<string, Buffer>([
    [
      '/1.root.json',
      sign({
        ...common('root', 1, yearAhead),
        consistent_snapshot: true,
        keys: { [keyid]: key },
        roles: { root: role, targets: role, snapshot: role, timestamp: role },
      }),
    ],
    [
      '/1.targets.json',
      sign({
        ...common('targets', 1, yearAhead),
        targets: {
          'trusted_root.json': { length: target.length, hashes: { sha256: targetHash } },
        },
      }),
    ],
    [
      '/1.snapshot.json',
      sign({ ...common('snapshot', 1, yearAhead), meta: { 'targets.json': { version: 1 } } }),
    ],
    [`/targets/${targetHash}.trusted_root.json`, target],
  ])
  let timestampVersion = 0
  const renewTimestamp = (expires: Date): void => {
    timestampVersion += 1
    const meta = { 'snapshot.json': { version: 1 } }
    files.set('/timestamp.json', sign({ ...common('timestamp', timestampVersion, expires), meta }))
  }
  renewTimestamp(timestampExpires)
  const rootPath = path.join(dir, '1.root.json')
  fs.writeFileSync(rootPath, files.get('/1.root.json') ?? '')

  const requests: string[] = []
  const server = http.createServer((req, res) => {
    const file = files.get(req.url ?? '')
    requests.push(req.url ?? '')
    res.writeHead(file === undefined ? 404 : 200).end(file)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    rootPath,
    requests,
    renewTimestamp,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}
