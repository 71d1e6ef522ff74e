// A loopback stand-in for the GitHub attestations API (`GET …/attestations/<digest>`, the shape of
// octokit's repos/list-attestations) and for the blob host its `bundle_url`s point at. Built on
// the programmable fake registry, so every request and its headers are recorded.
import type http from 'node:http'
import { startFakeRegistry, type FakeRegistry } from './fake-registry.js'

export interface FakeGithub extends FakeRegistry {
  /**
   * Serves `pages` at `path` (e.g. `/repos/acme/app/attestations/sha256:…`): page N links to
   * page N+1 with `Link: <…&after=cursorN>; rel="next"`, as GitHub's cursor pagination does.
   */
  attestations(path: string, pages: unknown[][]): void
  /**
   * Answers `path` with this reply `times` times, then lets later handlers answer. Handlers run
   * in the order they were added: add this before `attestations` for the same path.
   */
  answer(path: string, reply: Reply, times?: number): void
}

export interface Reply {
  status?: number
  headers?: Record<string, string>
  body?: string | Buffer
}

export async function startFakeGithub(): Promise<FakeGithub> {
  const server = await startFakeRegistry()
  return Object.assign(server, {
    attestations(path: string, pages: unknown[][]) {
      server.override((req, res) => {
        const url = new URL(req.url ?? '/', server.url)
        if (url.pathname !== path) return false
        // As api.github.com does: a request without a User-Agent is refused.
        if (req.headers['user-agent'] === undefined) {
          res.writeHead(403, { 'content-type': 'text/plain' })
          res.end(
            'Request forbidden by administrative rules. Please make sure your request has a User-Agent header',
          )
          return true
        }
        const page = Number(/^cursor(\d+)$/.exec(url.searchParams.get('after') ?? '')?.[1] ?? 0)
        const headers: Record<string, string> = { 'content-type': 'application/json' }
        if (page + 1 < pages.length) {
          const next = new URL(url)
          next.searchParams.set('after', `cursor${page + 1}`)
          headers['link'] = `<${next.href}>; rel="next"`
        }
        res.writeHead(200, headers)
        res.end(JSON.stringify({ attestations: pages[page] ?? [] }))
        return true
      })
    },
    answer(path: string, reply: Reply, times = 1) {
      let left = times
      server.override((req: http.IncomingMessage, res: http.ServerResponse) => {
        if (left === 0 || new URL(req.url ?? '/', server.url).pathname !== path) return false
        left--
        res.writeHead(reply.status ?? 200, reply.headers ?? {})
        res.end(reply.body ?? '')
        return true
      })
    },
  })
}

/** Snappy block format with literals only: valid input for any decoder (format_description.txt). */
export function snappyLiterals(data: Buffer): Buffer {
  const out: number[] = []
  for (let n = data.length; ; n = Math.floor(n / 128)) {
    if (n < 128) {
      out.push(n)
      break
    }
    out.push((n % 128) | 0x80)
  }
  const parts: Buffer[] = [Buffer.from(out)]
  for (let i = 0; i < data.length; i += 65536) {
    const chunk = data.subarray(i, i + 65536)
    // Tag 61<<2: the literal's length-1 follows in two little-endian bytes.
    const tag = Buffer.from([61 << 2, (chunk.length - 1) & 0xff, (chunk.length - 1) >> 8])
    parts.push(tag, chunk)
  }
  return Buffer.concat(parts)
}
