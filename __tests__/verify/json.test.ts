import { JsonError, scanJson } from '../../src/verify/json.js'

const scan = (text: string) => scanJson(Buffer.from(text))
const slice = (text: string, name: string) => {
  const span = scan(text)!.get(name)!
  return Buffer.from(text).toString('utf8', span.start, span.end)
}

describe('scanJson', () => {
  test('reports where each top-level member value lies, nested values whole', () => {
    const text = ' {"a" : [1, {"b": "x\\"}"}] , "c":-0.5e+3 ,"d":null}\n'
    expect([...scan(text)!.keys()]).toEqual(['a', 'c', 'd'])
    expect(slice(text, 'a')).toBe('[1, {"b": "x\\"}"}]')
    expect(slice(text, 'c')).toBe('-0.5e+3')
    expect(slice(text, 'd')).toBe('null')
  })

  test('the member `open` names reports its own members, in the same pass', () => {
    const text = '{"e":{"payload":"QUJD","n":{"payload":1}},"payload":2}'
    const e = scanJson(Buffer.from(text), { open: 'e' })!.get('e')!
    expect([...e.members!.keys()]).toEqual(['payload', 'n'])
    const { start, end } = e.members!.get('payload')!
    expect(text.slice(start, end)).toBe('"QUJD"')
    expect(scanJson(Buffer.from(text))!.get('e')!.members).toBeUndefined()
  })

  test('keys inside the `uncompared` member are not compared, elsewhere they are, and its value is still validated', () => {
    const options = { uncompared: 'p' }
    expect(() => scanJson(Buffer.from('{"p":{"a":1,"a":2},"q":1}'), options)).not.toThrow()
    expect(() => scanJson(Buffer.from('{"p":{"a":1,"a":2}}'))).toThrow(/repeats/)
    expect(() => scanJson(Buffer.from('{"p":{},"q":{"a":1,"a":2}}'), options)).toThrow(/repeats/)
    expect(() => scanJson(Buffer.from('{"q":{"p":{"a":1,"a":2}}}'), options)).toThrow(/repeats/)
    expect(() => scanJson(Buffer.from('{"p":{"a":1,,}}'), options)).toThrow(/not JSON/)
    expect(() => scanJson(Buffer.from('{"p":1,"p":2}'), options)).toThrow(/repeats/)
  })

  test('a value that is not an object is valid JSON with no members', () => {
    expect(scan('[{"a":1}]')).toBeUndefined()
    expect(scan('"text"')).toBeUndefined()
  })

  test('keys are compared after unescaping, at any depth', () => {
    expect(() => scan('{"x":{"a":1,"\\u0061":2}}')).toThrow(JsonError)
    expect(() => scan('{"x":[{"k":1,"k":2}]}')).toThrow(/the key "k" repeats/)
  })

  test('only the given range is read: a value may not run past its end', () => {
    const bytes = Buffer.from('{"a":"xy"}{"b":1}')
    expect([...scanJson(bytes, { end: 10 })!.keys()]).toEqual(['a'])
    expect(() => scanJson(bytes, { end: 8 })).toThrow(JsonError)
    expect(() => scanJson(Buffer.from('{"a":1}'), { end: 6 })).toThrow(JsonError)
    expect(() => scanJson(Buffer.from('12345'), { end: 3 })).not.toThrow()
  })

  test('nesting past 512 levels is refused instead of exhausting the stack', () => {
    expect(() => scan('['.repeat(512) + ']'.repeat(512))).not.toThrow()
    expect(() => scan('['.repeat(513) + ']'.repeat(513))).toThrow(/nesting deeper than 512/)
    expect(() => scan('['.repeat(100_000))).toThrow(JsonError)
  })

  test.each([
    '',
    '{',
    '{"a":1,}',
    '[1,]',
    '{"a" 1}',
    '01',
    '1.',
    '.5',
    '+1',
    '"\\x"',
    '"\\u12g4"',
    '"a\u0001b"',
    'tru',
    'nul',
    '{"a":1} x',
    '\ufeff{}',
  ])('%j is not JSON, as JSON.parse agrees', (text) => {
    expect(() => JSON.parse(text)).toThrow()
    expect(() => scan(text)).toThrow(JsonError)
  })

  test('bytes that are not UTF-8 inside a string are tolerated, as JSON.parse of the decoded text does', () => {
    const bytes = Buffer.concat([
      Buffer.from('{"a":"'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('"}'),
    ])
    expect([...scanJson(bytes)!.keys()]).toEqual(['a'])
    expect(() => JSON.parse(bytes.toString('utf8'))).not.toThrow()
  })
})
