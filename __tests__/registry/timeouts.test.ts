// A registry that stalls must end the run with exit 2 within the `timeout` input, never hang or pass.
import { exitCode } from '../../src/report/result.js'
import { runGate, writeTrustedRoot } from '../helpers/gate.js'
import { startFakeRegistry } from '../helpers/fake-registry.js'
import { createMiniSigstore } from '../helpers/mini-sigstore.js'

test('a registry that sends headers and then trickles forever ends with TIMEOUT at the overall limit', async () => {
  const registry = await startFakeRegistry()
  const timers: NodeJS.Timeout[] = []
  registry.override((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json' })
    timers.push(setInterval(() => res.write(' '), 100))
    return true
  })
  try {
    const root = writeTrustedRoot(await createMiniSigstore())
    const result = await runGate(registry.host, {
      image: `${registry.host}/acme/app:v1`,
      'trusted-root': root,
      'certificate-identity':
        'https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v1',
      timeout: '2',
    })
    expect(exitCode(result)).toBe(2)
    expect(result.images[0]!.error).toMatchObject({ code: 'TIMEOUT' })
  } finally {
    timers.forEach(clearInterval)
    await registry.close()
  }
}, 15_000)
