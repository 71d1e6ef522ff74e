import { InputError } from '../../src/errors.js'
import { digestTag, formatReference, parseReference } from '../../src/registry/reference.js'

const D = `sha256:${'ab'.repeat(32)}`

describe('parseReference', () => {
  test.each([
    ['alpine', { registry: 'docker.io', repository: 'library/alpine', tag: 'latest' }],
    ['alpine:3.20', { registry: 'docker.io', repository: 'library/alpine', tag: '3.20' }],
    ['docker.io/acme/app', { registry: 'docker.io', repository: 'acme/app', tag: 'latest' }],
    [
      'index.docker.io/alpine',
      { registry: 'docker.io', repository: 'library/alpine', tag: 'latest' },
    ],
    ['ghcr.io/acme/app:v1', { registry: 'ghcr.io', repository: 'acme/app', tag: 'v1' }],
    ['localhost:5000/app', { registry: 'localhost:5000', repository: 'app', tag: 'latest' }],
    ['127.0.0.1:5000/a/b/c:t', { registry: '127.0.0.1:5000', repository: 'a/b/c', tag: 't' }],
    [`ghcr.io/acme/app@${D}`, { registry: 'ghcr.io', repository: 'acme/app', digest: D }],
    [
      `ghcr.io/acme/app:v1@${D}`,
      { registry: 'ghcr.io', repository: 'acme/app', tag: 'v1', digest: D },
    ],
    ['GHCR.IO/acme/app', { registry: 'ghcr.io', repository: 'acme/app', tag: 'latest' }],
    // HTTPS's own port names the same registry (and so the same policy entry).
    ['ghcr.io:443/acme/app:v1', { registry: 'ghcr.io', repository: 'acme/app', tag: 'v1' }],
    [
      'index.docker.io:443/alpine',
      { registry: 'docker.io', repository: 'library/alpine', tag: 'latest' },
    ],
    ['ghcr.io:0443/acme/app', { registry: 'ghcr.io', repository: 'acme/app', tag: 'latest' }],
    ['ghcr.io:4430/acme/app', { registry: 'ghcr.io:4430', repository: 'acme/app', tag: 'latest' }],
    ['reg.corp:05000/app', { registry: 'reg.corp:5000', repository: 'app', tag: 'latest' }],
    ['[::1]:05000/app', { registry: '[::1]:5000', repository: 'app', tag: 'latest' }],
  ])('%s', (text, expected) => {
    expect(parseReference(text)).toEqual(expected)
  })

  test.each([
    ['', /empty/],
    ['Acme/App', /lowercase/],
    ['ghcr.io/acme/app@sha256:ABC', /sha256/],
    [`ghcr.io/acme/app@sha512:${'a'.repeat(128)}`, /sha256/],
    [`ghcr.io/acme/app@sha256:${'A'.repeat(64)}`, /sha256/],
    ['ghcr.io/acme/app:bad tag', /tag/],
    ['ghcr.io//app', /lowercase/],
    [`ghcr.io/${'a'.repeat(300)}`, /longer/],
  ])('rejects %j naming the input', (text, why) => {
    expect(() => parseReference(text, 'image')).toThrow(InputError)
    expect(() => parseReference(text, 'image')).toThrow(/`image` input/)
    expect(() => parseReference(text, 'image')).toThrow(why)
  })

  test('a reference with user information is refused and never echoed', () => {
    const attempt = () => parseReference('user:s3cret@ghcr.io/acme/app:v1')
    expect(attempt).toThrow(/user information/)
    expect(attempt).not.toThrow(/s3cret/)
  })

  test('formatReference and digestTag give the canonical forms', () => {
    expect(formatReference(parseReference('alpine'))).toBe('docker.io/library/alpine:latest')
    expect(digestTag(D, '.sig')).toBe(`sha256-${'ab'.repeat(32)}.sig`)
  })
})
