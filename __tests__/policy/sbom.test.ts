// The sbom rule on CycloneDX and SPDX documents.
import { judge } from './fixtures.js'

const CYCLONEDX = 'cyclonedx'
const cyclonedx = (components?: unknown) => ({
  bomFormat: 'CycloneDX',
  specVersion: '1.5',
  ...(components !== undefined && { components }),
})
const spdx = (packages?: unknown) => ({
  spdxVersion: 'SPDX-2.3',
  SPDXID: 'SPDXRef-DOCUMENT',
  ...(packages !== undefined && { packages }),
})
const TAG_VALUE =
  'SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\nPackageName: musl\nPackageName: busybox\n'

describe('sbom', () => {
  test.each([
    ['CycloneDX with components', cyclonedx([{ name: 'openssl' }]), 'spdx'],
    ['SPDX JSON with packages', spdx([{ name: 'openssl' }]), 'spdxjson'],
    ['SPDX JSON as text (cosign --type spdx)', JSON.stringify(spdx([{ name: 'a' }])), 'spdx'],
    ['SPDX tag-value with packages', TAG_VALUE, 'spdx'],
  ])('%s passes', (_name, predicate, type) => {
    expect(judge('{ sbom: {} }', predicate, { type }).status).toBe('pass')
  })

  test.each([
    [
      'CycloneDX with no components',
      cyclonedx([]),
      'expected at least 1 CycloneDX components, found 0',
    ],
    [
      'CycloneDX without the list',
      cyclonedx(),
      'expected at least 1 CycloneDX components, found 0',
    ],
    ['SPDX JSON with no packages', spdx([]), 'expected at least 1 SPDX packages, found 0'],
    [
      'SPDX tag-value with no packages',
      'SPDXVersion: SPDX-2.3\n',
      'expected at least 1 SPDX packages, found 0',
    ],
    [
      'SPDX tag-value whose only PackageName line is inside a <text> value',
      'SPDXVersion: SPDX-2.3\nDocumentComment: <text>a note\nPackageName: (none)\n</text>\n',
      'expected at least 1 SPDX packages, found 0',
    ],
    [
      'SPDX JSON as a string that repeats a key (two readings)',
      '{"spdxVersion":"SPDX-2.3","packages":[],"packages":[{"name":"x"}]}',
      'cannot be evaluated: the SBOM document string repeats the key "packages"',
    ],
  ])('%s fails', (_name, predicate, message) => {
    const finding = judge('{ sbom: {} }', predicate, { type: CYCLONEDX })
    expect(finding.status).toBe('fail')
    expect(finding.actual).toContain(`rule sbom: ${message}`)
  })

  test('minComponents is the floor', () => {
    const two = cyclonedx([{ name: 'a' }, { name: 'b' }])
    expect(judge('{ sbom: { minComponents: 2 } }', two, { type: CYCLONEDX }).status).toBe('pass')
    expect(judge('{ sbom: { minComponents: 3 } }', two, { type: CYCLONEDX }).actual).toContain(
      'rule sbom: expected at least 3 CycloneDX components, found 2',
    )
  })

  test.each([
    [
      'a predicate in another format',
      { packages: [{}] },
      'the predicate is neither CycloneDX JSON',
    ],
    ['components that are not a list', cyclonedx({ a: 1 }), 'components is not a list'],
    ['plain text', 'hello', 'the predicate is neither CycloneDX JSON'],
    [
      'SPDX 3',
      { '@context': 'https://spdx.org/rdf/3.0.0/spdx-context.jsonld', '@graph': [] },
      'neither',
    ],
  ])('%s cannot be evaluated, so it fails', (_name, predicate, message) => {
    const finding = judge('{ sbom: {} }', predicate, { type: CYCLONEDX })
    expect(finding.status).toBe('fail')
    expect(finding.actual).toContain('rule sbom: cannot be evaluated: ')
    expect(finding.actual).toContain(message)
  })
})
