// Trust material across runs (issue #6): a cold and then a warm load of the trusted root through
// the product's own TUF path (src/deps.ts) from a loopback mirror, counting what each asks for.
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { trustedRootFromTuf } from '../src/deps.js'
import { startTufRepo } from '../__tests__/helpers/tuf-repo.js'

export interface TufLoad {
  requests: string[]
  ms: number
}

export async function measureTuf(
  trustedRoot: unknown,
  dir: string,
): Promise<{ cold: TufLoad; warm: TufLoad }> {
  const repo = await startTufRepo(trustedRoot, dir)
  const options = {
    cachePath: path.join(dir, 'tuf-cache'),
    mirrorURL: repo.url,
    rootPath: repo.rootPath,
  }
  const load = async (): Promise<TufLoad> => {
    repo.requests.length = 0
    const t = performance.now()
    await trustedRootFromTuf(options)
    return { requests: [...repo.requests], ms: performance.now() - t }
  }
  try {
    const cold = await load()
    return { cold, warm: await load() }
  } finally {
    await repo.close()
  }
}

export function renderTuf({ cold, warm }: { cold: TufLoad; warm: TufLoad }): string {
  const list = (l: TufLoad): string =>
    l.requests.length === 0
      ? 'none'
      : l.requests.map((r) => `\`${r.replace(/[0-9a-f]{64}/, '<sha256>')}\``).join(', ')
  return `Trusted root through TUF (\`src/deps.ts\` \`trustedRootFromTuf\`, a loopback mirror, a fresh cache): cold load ${cold.requests.length} requests (${list(cold)}) in ${cold.ms.toFixed(0)} ms; warm load ${warm.requests.length} requests (${list(warm)}) in ${warm.ms.toFixed(0)} ms; target "a warm run makes no TUF request": ${warm.requests.length === 0 ? 'met' : 'NOT met'}.`
}
