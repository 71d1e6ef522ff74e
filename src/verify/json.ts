/**
 * The first key that appears twice in one object of `text`, or undefined. `text` must already be
 * valid JSON (JSON.parse accepted it); keys are compared after unescaping, so `"a"` and `"\u0061"`
 * are the same key. Linear and iterative: no recursion, whatever the nesting.
 *
 * Signed payloads are refused when they repeat a key (security catalog T29): JSON.parse keeps the
 * last value and other parsers may keep the first, and two readings of one signature are the
 * CVE-2021-41190 class of bug at the JSON layer.
 */
export function duplicateKey(text: string): string | undefined {
  // One entry per open container: the keys seen in an object, null for an array.
  const stack: (Set<string> | null)[] = []
  let expectKey = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 0x22) {
      let j = i + 1
      let escaped = false
      for (; j < text.length; j++) {
        const d = text.charCodeAt(j)
        if (d === 0x5c) {
          escaped = true
          j++
        } else if (d === 0x22) break
      }
      const keys = stack[stack.length - 1]
      if (expectKey && keys) {
        const key = escaped ? (JSON.parse(text.slice(i, j + 1)) as string) : text.slice(i + 1, j)
        if (keys.has(key)) return key
        keys.add(key)
        expectKey = false
      }
      i = j
    } else if (c === 0x7b) {
      stack.push(new Set())
      expectKey = true
    } else if (c === 0x5b) {
      stack.push(null)
      expectKey = false
    } else if (c === 0x7d || c === 0x5d) {
      stack.pop()
      expectKey = false
    } else if (c === 0x2c) {
      expectKey = stack[stack.length - 1] instanceof Set
    } else if (c === 0x3a) {
      expectKey = false
    }
  }
  return undefined
}
