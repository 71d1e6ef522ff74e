import { markdown, plain } from '../../src/report/escape.js'

describe('plain', () => {
  test('control characters cannot start a new line', () => {
    expect(plain('a\n::error::pwned\r\nb')).not.toMatch(/[\r\n]/)
  })

  test('workflow command markers are broken wherever they appear', () => {
    const out = plain('x ##[set-output name=a]b ::add-mask::y :::z ::::')
    expect(out).not.toContain('##[')
    expect(out).not.toContain('::')
  })
})

describe('markdown', () => {
  test.each([
    '<img src=x onerror=alert(1)>',
    '[click](https://evil.example)',
    '| a | b |',
    '**bold** _it_ `code`',
    '@octocat',
    '<!-- x -->',
    '&lt;',
  ])('%s renders as text', (text) => {
    const out = markdown(text)
    // Outside the numeric entities we emit, no markdown or HTML syntax survives.
    expect(out.replace(/&#\d+;/g, '')).not.toMatch(/[<>[\]()|*_`@&!#]/)
  })

  // GFM links `www.` + a domain at a cell's start or after a space; `http://` needs a colon.
  test.each(['www.evil.example/approve', 'see WWW.evil.example', 'https://www.evil.example'])(
    '%s is not a link: no www. survives',
    (text) => {
      const out = markdown(text)
      expect(out).not.toMatch(/www\./i)
      expect(out).not.toMatch(/https?:/)
      expect(out.replace(/&#(\d+);/g, (_m, n: string) => String.fromCodePoint(Number(n)))).toBe(
        text,
      )
    },
  )

  test('entities decode back to the original text', () => {
    const decoded = markdown('a<b> & "c"').replace(/&#(\d+);/g, (_m, n: string) =>
      String.fromCodePoint(Number(n)),
    )
    expect(decoded).toBe('a<b> & "c"')
  })
})
