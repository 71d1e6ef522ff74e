// collectEvidence hands each piece to its check as soon as that piece is read.
import { collectEvidence, type Source } from '../../src/sources/index.js'
import type { Evidence } from '../../src/types.js'

const DIGEST = `sha256:${'a'.repeat(64)}`
const subject = {
  repository: { registry: 'registry.test', repository: 'acme/app' },
  digest: DIGEST,
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
}

test('a piece is checked while the other pieces of its source are still being read', async () => {
  const events: string[] = []
  let releaseSecond: () => void = () => undefined
  const second = new Promise<void>((resolve) => {
    releaseSecond = resolve
    // Bounds the test if the first piece is never checked early; the order below then fails it.
    setTimeout(resolve, 2000).unref()
  })
  const piece = (location: string): Evidence => ({ source: 'referrers', location })
  const source: Source = {
    id: 'referrers',
    collect: async () => [
      Promise.resolve(piece('first')),
      second.then(() => (events.push('second read'), piece('second'))),
    ],
  }
  const checked = await collectEvidence(
    subject,
    { registry: undefined as never, concurrency: 2 },
    [source],
    async (found) => {
      events.push(`checked ${found.map((e) => e.location).join(', ')}`)
      if (found[0]?.location === 'first') releaseSecond()
      return found.map((e) => e.location)
    },
  )
  expect(events).toEqual(['checked first', 'second read', 'checked second'])
  expect(checked).toEqual(['first', 'second'])
})

test('a piece that cannot be read fails the image, as a source that cannot be read does', async () => {
  const source: Source = {
    id: 'github',
    collect: async () => [Promise.reject(new Error('bundle_url answered 503'))],
  }
  await expect(
    collectEvidence(
      subject,
      { registry: undefined as never, concurrency: 2 },
      [source],
      async (found) => found,
    ),
  ).rejects.toThrow('503')
})
