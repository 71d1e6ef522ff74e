// A loopback stand-in for the GitHub attestations API and the blob host its `bundle_url`s name,
// answering fixed replies by path. The bench reaches it only through the delaying proxy.
import http from 'node:http'
import type { AddressInfo } from 'node:net'

export interface Reply {
  status?: number
  headers?: Record<string, string>
  body: string | Buffer
}

export interface FakeApi {
  /** `127.0.0.1:<port>` */
  host: string
  /** Answers GET `path` (query ignored) with `reply`. */
  route(path: string, reply: Reply): void
  close(): Promise<void>
}

export async function startFakeApi(): Promise<FakeApi> {
  const routes = new Map<string, Reply>()
  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname
    const reply = req.method === 'GET' ? routes.get(path) : undefined
    if (reply === undefined) {
      res.writeHead(404, { 'content-type': 'application/json' })
      res.end('{"message":"Not Found"}')
      return
    }
    res.writeHead(reply.status ?? 200, reply.headers ?? { 'content-type': 'application/json' })
    res.end(reply.body)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    host: `127.0.0.1:${port}`,
    route: (path, reply) => routes.set(path, reply),
    async close() {
      server.closeAllConnections()
      await new Promise((r) => server.close(r))
    },
  }
}
