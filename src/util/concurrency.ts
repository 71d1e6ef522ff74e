/**
 * Starts `fn` on every item, at most `limit` at a time in the items' order, and returns one
 * promise per item that settles as its call does: a caller can act on each result as it comes.
 * A failed call frees its slot like any other; the caller must handle every promise.
 */
export function startLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R>[] {
  let free = limit
  const waiting: (() => void)[] = []
  const slot = (): Promise<void> =>
    free > 0 ? (free--, Promise.resolve()) : new Promise((resolve) => waiting.push(resolve))
  const release = (): void => {
    const next = waiting.shift()
    if (next !== undefined) next()
    else free++
  }
  return items.map(async (item) => {
    await slot()
    try {
      return await fn(item)
    } finally {
      release()
    }
  })
}

/** Maps with at most `limit` calls in flight, keeping the input order. */
export function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  return Promise.all(startLimit(items, limit, fn))
}
