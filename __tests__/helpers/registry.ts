// A hermetic OCI registry for tests (CNCF distribution 2.8, Debian's `docker-registry`) on a free
// loopback port with throw-away storage, plus small OCI write helpers over global fetch.
// Ported from the reference harness (lib/registry-server.mjs, lib/oci-http.mjs).
//
// global-setup.ts loads this file through Node's own type stripping: keep it erasable TypeScript
// (no enums, namespaces, parameter properties) importing only node: built-ins.
//
// Always address it as 127.0.0.1:<port>: @sigstore/oci speaks plain HTTP only to `localhost` and
// `127.0.0.1` (pitfall P13). Distribution 2.8 has no referrers API (pitfall P14).
import { spawn } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import zlib from 'node:zlib'

export const MT = {
  OCI_MANIFEST: 'application/vnd.oci.image.manifest.v1+json',
  OCI_INDEX: 'application/vnd.oci.image.index.v1+json',
  OCI_CONFIG: 'application/vnd.oci.image.config.v1+json',
  OCI_LAYER_GZIP: 'application/vnd.oci.image.layer.v1.tar+gzip',
  OCI_EMPTY: 'application/vnd.oci.empty.v1+json',
  DOCKER_MANIFEST: 'application/vnd.docker.distribution.manifest.v2+json',
  DOCKER_LIST: 'application/vnd.docker.distribution.manifest.list.v2+json',
  BUNDLE_V03: 'application/vnd.dev.sigstore.bundle.v0.3+json',
  DSSE: 'application/vnd.dsse.envelope.v1+json',
  SIMPLESIGNING: 'application/vnd.dev.cosign.simplesigning.v1+json',
} as const

export interface Platform {
  architecture: string
  os: string
  variant?: string
}

export interface Descriptor {
  mediaType: string
  digest: string
  size: number
  artifactType?: string
  annotations?: Record<string, string>
  platform?: Platform
}

export interface Registry {
  /** `127.0.0.1:<port>` */
  host: string
  /** Temporary directory holding the config and the storage. */
  dir: string
  stop(): Promise<void>
}

const ACCEPT = [MT.OCI_INDEX, MT.OCI_MANIFEST, MT.DOCKER_MANIFEST, MT.DOCKER_LIST].join(',')

export const digestOf = (buf: Buffer | string): string =>
  'sha256:' + crypto.createHash('sha256').update(buf).digest('hex')

/** `sha256:<hex>` -> `sha256-<hex>`: the referrers tag-schema / cosign tag prefix. */
export const digestTag = (digest: string): string => digest.replace(':', '-')

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const s = net.createServer()
    s.unref()
    s.on('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address()
      const port = typeof addr === 'object' && addr ? addr.port : 0
      s.close(() => resolve(port))
    })
  })

function findBinary(bin: string): string | undefined {
  if (bin.includes('/')) return fs.existsSync(bin) ? bin : undefined
  for (const dir of (process.env.PATH ?? '').split(path.delimiter).concat(['/usr/bin'])) {
    const candidate = path.join(dir, bin)
    try {
      fs.accessSync(candidate, fs.constants.X_OK)
      return candidate
    } catch {
      // keep looking
    }
  }
  return undefined
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/**
 * Starts distribution 2.8 on 127.0.0.1:<free port> with temporary storage and waits until `/v2/`
 * answers 200. `bin` defaults to $SCG_REGISTRY_BIN or `docker-registry` on PATH.
 */
export async function startRegistry(
  opts: { bin?: string; timeoutMs?: number } = {},
): Promise<Registry> {
  const wanted = opts.bin ?? process.env.SCG_REGISTRY_BIN ?? 'docker-registry'
  const bin = findBinary(wanted)
  if (!bin) {
    throw new Error(
      `The tests need an OCI registry binary ('${wanted}', CNCF distribution 2.8) but it was not ` +
        `found on PATH. Install it with \`sudo apt-get install docker-registry\` (Debian/Ubuntu), ` +
        `point SCG_REGISTRY_BIN at a distribution 'registry' binary, or run any registry on ` +
        `loopback yourself and set SCG_TEST_REGISTRY=127.0.0.1:<port>.`,
    )
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scg-registry-'))
  const port = await freePort()
  const config = path.join(dir, 'config.yml')
  fs.writeFileSync(
    config,
    [
      'version: 0.1',
      'log:',
      '  level: error',
      '  accesslog:',
      '    disabled: true',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${path.join(dir, 'data')}`,
      '  delete:',
      '    enabled: true',
      'http:',
      `  addr: 127.0.0.1:${port}`,
      '',
    ].join('\n'),
  )
  const proc = spawn(bin, ['serve', config], { stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  let spawnError: Error | undefined
  proc.stderr.on('data', (d: Buffer) => {
    stderr += d.toString()
  })
  proc.on('error', (e) => {
    spawnError = e
  })
  // Never leave an orphaned registry behind, even if teardown does not run.
  const killOnExit = (): void => {
    proc.kill('SIGKILL')
  }
  process.once('exit', killOnExit)

  const cleanup = (): void => {
    process.removeListener('exit', killOnExit)
    proc.kill('SIGKILL')
    fs.rmSync(dir, { recursive: true, force: true })
  }

  const host = `127.0.0.1:${port}`
  const deadline = Date.now() + (opts.timeoutMs ?? 10_000)
  for (;;) {
    if (spawnError || proc.exitCode !== null || proc.signalCode !== null) {
      cleanup()
      throw new Error(`registry ${bin} exited early: ${spawnError?.message ?? ''} ${stderr}`)
    }
    try {
      const r = await fetch(`http://${host}/v2/`)
      await r.arrayBuffer()
      if (r.status === 200) break
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      cleanup()
      throw new Error(`registry ${bin} did not answer on http://${host}/v2/ in time: ${stderr}`)
    }
    await sleep(50)
  }

  return {
    host,
    dir,
    async stop() {
      process.removeListener('exit', killOnExit)
      if (proc.exitCode === null && proc.signalCode === null) {
        const exited = new Promise((r) => proc.once('exit', r))
        proc.kill('SIGTERM')
        let timer: NodeJS.Timeout | undefined
        await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, 5000)))])
        clearTimeout(timer)
        if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL')
      }
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** The registry started by global-setup.ts for this Jest run. */
export function sharedRegistry(): string {
  const host = process.env.SCG_TEST_REGISTRY
  if (!host) {
    throw new Error(
      'SCG_TEST_REGISTRY is not set: the shared registry is started by ' +
        '__tests__/helpers/global-setup.ts (run the tests with `npm test`).',
    )
  }
  return host
}

/** A repository name no other test uses (`<prefix>-<random>`), for isolation on the shared registry. */
export const uniqueRepo = (prefix = 'test'): string =>
  `scg/${prefix.toLowerCase().replace(/[^a-z0-9._/-]+/g, '-')}-${crypto.randomBytes(4).toString('hex')}`

// ---------------------------------------------------------------------------------------------
// OCI distribution writes (and the one read they need) over plain HTTP.

const v2 = (host: string, repo: string): string => `http://${host}/v2/${repo}`

async function expectStatus(res: Response, ...codes: number[]): Promise<Response> {
  if (!codes.includes(res.status)) {
    throw new Error(`${res.url}: HTTP ${res.status} ${await res.text()}`)
  }
  return res
}

/** Uploads a blob (monolithic POST + PUT) unless it already exists; returns its descriptor. */
export async function uploadBlob(
  host: string,
  repo: string,
  buf: Buffer,
  mediaType = 'application/octet-stream',
): Promise<Descriptor> {
  const digest = digestOf(buf)
  const head = await fetch(`${v2(host, repo)}/blobs/${digest}`, { method: 'HEAD' })
  await head.arrayBuffer()
  if (head.status !== 200) {
    const post = await expectStatus(
      await fetch(`${v2(host, repo)}/blobs/uploads/`, { method: 'POST' }),
      202,
    )
    await post.arrayBuffer()
    const location = post.headers.get('location')
    if (!location) throw new Error('registry sent no Location for the blob upload')
    const url = new URL(location, `http://${host}`)
    url.searchParams.set('digest', digest)
    const put = await expectStatus(
      await fetch(url, {
        method: 'PUT',
        body: new Uint8Array(buf),
        headers: { 'Content-Type': 'application/octet-stream' },
      }),
      201,
    )
    await put.arrayBuffer()
  }
  return { mediaType, digest, size: buf.length }
}

/** PUTs a manifest (object or exact bytes) under a tag or digest; returns its descriptor. */
export async function putManifest(
  host: string,
  repo: string,
  ref: string,
  manifest: object | string | Buffer,
  mediaType: string,
): Promise<Descriptor> {
  const raw = Buffer.isBuffer(manifest)
    ? manifest
    : Buffer.from(typeof manifest === 'string' ? manifest : JSON.stringify(manifest))
  const res = await expectStatus(
    await fetch(`${v2(host, repo)}/manifests/${ref}`, {
      method: 'PUT',
      body: new Uint8Array(raw),
      headers: { 'Content-Type': mediaType },
    }),
    201,
  )
  await res.arrayBuffer()
  return {
    mediaType,
    digest: res.headers.get('docker-content-digest') ?? digestOf(raw),
    size: raw.length,
  }
}

export interface FetchedManifest {
  raw: Buffer
  json: Record<string, unknown> & {
    mediaType?: string
    manifests?: Descriptor[]
    layers?: Descriptor[]
    config?: Descriptor
    subject?: Descriptor
    annotations?: Record<string, string>
  }
  mediaType: string | null
  digest: string | null
}

/** GETs a manifest by tag or digest; undefined on 404. */
export async function getManifest(
  host: string,
  repo: string,
  ref: string,
): Promise<FetchedManifest | undefined> {
  const res = await fetch(`${v2(host, repo)}/manifests/${ref}`, { headers: { Accept: ACCEPT } })
  if (res.status === 404) {
    await res.arrayBuffer()
    return undefined
  }
  await expectStatus(res, 200)
  const raw = Buffer.from(await res.arrayBuffer())
  return {
    raw,
    json: JSON.parse(raw.toString('utf8')),
    mediaType: res.headers.get('content-type'),
    digest: res.headers.get('docker-content-digest'),
  }
}

/** GETs a blob and checks its digest. */
export async function getBlob(host: string, repo: string, digest: string): Promise<Buffer> {
  const res = await expectStatus(await fetch(`${v2(host, repo)}/blobs/${digest}`), 200)
  const buf = Buffer.from(await res.arrayBuffer())
  if (digestOf(buf) !== digest) throw new Error(`blob digest mismatch for ${digest}`)
  return buf
}

/** Minimal ustar archive holding one file (enough for a valid-looking layer). */
function tarOneFile(name: string, content: Buffer): Buffer {
  const h = Buffer.alloc(512)
  h.write(name, 0)
  h.write('0000644\0', 100)
  h.write('0000000\0', 108)
  h.write('0000000\0', 116)
  h.write(content.length.toString(8).padStart(11, '0') + '\0', 124)
  h.write('00000000000\0', 136)
  h.write('        ', 148)
  h.write('0', 156)
  h.write('ustar\0', 257)
  h.write('00', 263)
  let sum = 0
  for (const b of h) sum += b
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148)
  const body = Buffer.alloc(Math.ceil(content.length / 512) * 512)
  content.copy(body)
  return Buffer.concat([h, body, Buffer.alloc(1024)])
}

/**
 * Pushes a tiny single-layer OCI image (deterministic for a given text and platform) and tags it.
 * Returns the manifest descriptor.
 */
export async function pushImage(
  host: string,
  repo: string,
  tag: string,
  opts: { text?: string; platform?: Platform } = {},
): Promise<Descriptor> {
  const platform = opts.platform ?? { architecture: 'amd64', os: 'linux' }
  const tar = tarOneFile('hello.txt', Buffer.from(opts.text ?? 'hello\n'))
  const layer = zlib.gzipSync(tar, { level: 9 })
  const layerDesc = await uploadBlob(host, repo, layer, MT.OCI_LAYER_GZIP)
  const config = Buffer.from(
    JSON.stringify({
      architecture: platform.architecture,
      os: platform.os,
      ...(platform.variant ? { variant: platform.variant } : {}),
      rootfs: { type: 'layers', diff_ids: [digestOf(tar)] },
      config: {},
    }),
  )
  const configDesc = await uploadBlob(host, repo, config, MT.OCI_CONFIG)
  const manifest = {
    schemaVersion: 2,
    mediaType: MT.OCI_MANIFEST,
    config: configDesc,
    layers: [layerDesc],
  }
  return putManifest(host, repo, tag, manifest, MT.OCI_MANIFEST)
}

/** Pushes an OCI image index (multi-arch) over already-pushed manifests and tags it. */
export async function pushIndex(
  host: string,
  repo: string,
  tag: string,
  manifests: (Descriptor & { platform: Platform })[],
): Promise<Descriptor> {
  const index = {
    schemaVersion: 2,
    mediaType: MT.OCI_INDEX,
    manifests: manifests.map((m) => ({
      mediaType: m.mediaType,
      digest: m.digest,
      size: m.size,
      platform: m.platform,
    })),
  }
  return putManifest(host, repo, tag, index, MT.OCI_INDEX)
}
