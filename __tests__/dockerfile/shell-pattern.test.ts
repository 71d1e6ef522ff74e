// Shell patterns in FROM lines: `${V#p}`, `${V%p}`, `${V/p/r}`, `${V//p/r}`. The table is BuildKit's
// own (moby/buildkit frontend/dockerfile/shell/lex_test.go, TestProcessWithMatches, Apache-2.0),
// so a base image is named as `docker build` would name it.
import fc from 'fast-check'
import { expandWord } from '../../src/dockerfile/expand.js'
import { replacePattern, trimPrefix, trimSuffix } from '../../src/dockerfile/shell-pattern.js'

const expand = (word: string, vars: Record<string, string>) =>
  expandWord(word, new Map(Object.entries(vars)))

describe('as BuildKit expands them', () => {
  test.each<[string, Record<string, string>, string]>([
    ['${FOO#()[]{\\}^$.\\*\\?|\\\\}', { FOO: '()[]{}^$.*?|\\x' }, 'x'],
    ['${FOO%%\\**}', { FOO: 'xx**' }, 'xx'],
    ['${FOO#*x*y}', { FOO: 'xxyy' }, 'y'],
    ['${FOO#*}', { FOO: 'xxyy' }, 'xxyy'],
    ['${FOO#$BAR}', { FOO: 'xxyy', BAR: 'x' }, 'xyy'],
    ['${FOO#$BAR}', { FOO: 'xxyy', BAR: '' }, 'xxyy'],
    ['${FOO#}', { FOO: 'xxyy' }, 'xxyy'],
    ['${FOO##*x}', { FOO: 'xxyy' }, 'yy'],
    ['${FOO##}', { FOO: 'xxyy' }, 'xxyy'],
    ['${FOO#?\\?}', { FOO: '???y' }, '?y'],
    ['${ABC:-.}${FOO%x}${ABC:-.}', { FOO: 'xxyy' }, '.xxyy.'],
    ['${FOO%%\\**\\*}', { FOO: 'a***yy*' }, 'a'],
    ['${FOO%}', { FOO: 'xxyy' }, 'xxyy'],
    ['${FOO%%$BAR}', { FOO: 'xxyy', BAR: '' }, 'xxyy'],
    [
      '${FOO/$NEEDLE/.} - ${FOO//$NEEDLE/.}',
      { FOO: '/foo*/*/*.txt', NEEDLE: '\\*/' },
      '/foo.*/*.txt - /foo..*.txt',
    ],
    [
      '${FOO/$NEEDLE/} - ${FOO//$NEEDLE/}',
      { FOO: '/tmp/tmp/bar.txt', NEEDLE: '/tmp' },
      '/tmp/bar.txt - /bar.txt',
    ],
    [
      '${FOO/$NEEDLE/$REPLACEMENT} - ${FOO//$NEEDLE/$REPLACEMENT}',
      { FOO: '/a/foo/b/c.txt', NEEDLE: '/?/', REPLACEMENT: '/' },
      '/foo/b/c.txt - /foo/c.txt',
    ],
    [
      '${FOO/$NEEDLE/$REPLACEMENT}',
      { FOO: 'http://google.de', NEEDLE: 'http://', REPLACEMENT: 'https://' },
      'https://google.de',
    ],
    ['${FOO//\\//\\/}', { FOO: '/tmp/foo.txt' }, '\\/tmp\\/foo.txt'],
    ['${FOO/$BAR/ww}', { FOO: 'xxyy', BAR: '' }, 'wwxxyy'],
    ['${FOO///}', { FOO: 'xxyy' }, 'xxyy'],
    ['${FOO///}', {}, ''],
  ])('%s with %j → %s', (word, vars, value) => {
    expect(expand(word, vars).value).toBe(value)
  })

  test.each(['${FOO//ww}', '${FOO//}', '${FOO#\\x}', '${FOO%\\}'])('%s is refused', (word) => {
    expect(() => expand(word, { FOO: 'xxyy' })).toThrow()
  })

  test('an unset variable replaced in is reported as unset', () => {
    expect(expand('${FOO///}', {}).unset).toEqual(['FOO'])
  })
})

describe('in FROM lines', () => {
  test('the usual uses: a registry swapped, a tag cleaned up', () => {
    const vars = { IMAGE: 'docker.io/library/alpine:3.20', VERSION: 'v1.2.3+build.7' }
    expect(expand('${IMAGE/docker.io/mirror.gcr.io}', vars).value).toBe(
      'mirror.gcr.io/library/alpine:3.20',
    )
    expect(expand('golang:${VERSION#v}', vars).value).toBe('golang:1.2.3+build.7')
    expect(expand('app:${VERSION//+/-}', vars).value).toBe('app:v1.2.3-build.7')
    expect(expand('app:${VERSION/.*/}', vars).value).toBe('app:v1')
  })

  test('the leftmost match, and of those the longest', () => {
    expect(expand('${V/b*c/X}', { V: 'abcbc-bd' }).value).toBe('aX-bd')
    expect(expand('${V/?c/X}', { V: 'abcbc' }).value).toBe('aXbc')
    expect(expand('${V//?c/X}', { V: 'abcbc' }).value).toBe('aXX')
  })

  test('Go would expand `$` in a replace-all replacement; it is refused instead of guessed', () => {
    expect(() => expand('${V//a/\\$0}', { V: 'aaa' })).toThrow(/`\$` in the replacement/)
    // One replacement is plain text in BuildKit, so `$` is kept.
    expect(expand('${V/a/\\$0}', { V: 'aaa' }).value).toBe('\\$0aa')
  })

  test('matching is bounded: a hostile pattern is refused, not left to run', () => {
    const vars = { V: 'a'.repeat(8000) }
    expect(() => expand(`\${V/${'*a'.repeat(150)}b/x}`, vars)).toThrow(/takes too long/)
    expect(() => expand(`\${V//?/${'x'.repeat(100)}}`, vars)).toThrow(/more than 8192 characters/)
    // The same pattern on a shorter value finishes, with no match.
    expect(expand(`\${V/${'*a'.repeat(150)}b/x}`, { V: 'a'.repeat(100) }).value).toBe(
      'a'.repeat(100),
    )
  })
})

// BuildKit builds a Go regexp (convertShellPatternToRegex) and lets it find the match; JavaScript's
// RegExp finds the same leftmost-first match for these patterns, so it is the reference here.
describe('the same answers as the regexp BuildKit builds', () => {
  const toRegex = (pattern: string, greedy: boolean, anchored: boolean): RegExp =>
    new RegExp(
      (anchored ? '^' : '') +
        [...pattern]
          .map((c) => (c === '*' ? (greedy ? '.*' : '.*?') : c === '?' ? '.' : c))
          .join(''),
      anchored ? 's' : 'gs',
    )
  const reverse = (text: string) => [...text].reverse().join('')
  const referenceTrimPrefix = (value: string, pattern: string, longest: boolean) => {
    const m = toRegex(pattern, longest, true).exec(value)
    return m === null ? value : value.slice(m[0].length)
  }
  const referenceReplace = (value: string, pattern: string, replacement: string, all: boolean) => {
    const re = toRegex(pattern, true, false)
    if (!all) {
      const m = re.exec(value)
      return m === null
        ? value
        : value.slice(0, m.index) + replacement + value.slice(m.index + m[0].length)
    }
    // Go's ReplaceAllString loop (regexp.go replaceAll).
    let out = ''
    let lastEnd = 0
    for (let at = 0; at <= value.length;) {
      re.lastIndex = at
      const m = re.exec(value)
      if (m === null) break
      const [start, end] = [m.index, m.index + m[0].length]
      out += value.slice(lastEnd, start)
      if (end > lastEnd || start === 0) out += replacement
      lastEnd = end
      at = at + 1 > end ? at + 1 : end
    }
    return out + value.slice(lastEnd)
  }
  const value = fc.string({ unit: fc.constantFrom('a', 'b', 'c'), maxLength: 12 })
  const pattern = fc.string({ unit: fc.constantFrom('a', 'b', '*', '?'), maxLength: 6 })

  test('trims', () => {
    fc.assert(
      fc.property(value, pattern, fc.boolean(), (v, p, longest) => {
        expect(trimPrefix(v, p, longest)).toBe(referenceTrimPrefix(v, p, longest))
        expect(trimSuffix(v, p, longest)).toBe(
          reverse(referenceTrimPrefix(reverse(v), reverse(p), longest)),
        )
      }),
      { numRuns: 2000 },
    )
  })

  test('replacements, first and all', () => {
    fc.assert(
      fc.property(value, pattern, fc.boolean(), (v, p, all) => {
        expect(replacePattern(v, p, 'X', all)).toBe(referenceReplace(v, p, 'X', all))
      }),
      { numRuns: 2000 },
    )
  })
})
