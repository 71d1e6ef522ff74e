import { mapLimit, startLimit } from '../../src/util/concurrency.js'

/** A call that ends when the test says so. */
function controlled() {
  const started: number[] = []
  const finish = new Map<number, { resolve: (v: number) => void; reject: (e: Error) => void }>()
  const fn = (item: number): Promise<number> =>
    new Promise((resolve, reject) => {
      started.push(item)
      finish.set(item, { resolve, reject })
    })
  return { started, finish, fn }
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

test('startLimit keeps at most `limit` calls in flight, started in the items’ order', async () => {
  const { started, finish, fn } = controlled()
  const results = startLimit([1, 2, 3, 4, 5], 2, fn)
  await tick()
  expect(started).toEqual([1, 2])
  finish.get(2)!.resolve(20)
  await expect(results[1]).resolves.toBe(20)
  await tick()
  expect(started).toEqual([1, 2, 3])
  // A failure frees its slot like a success.
  finish.get(1)!.reject(new Error('one failed'))
  await expect(results[0]).rejects.toThrow('one failed')
  await tick()
  expect(started).toEqual([1, 2, 3, 4])
  for (const item of [3, 4]) finish.get(item)!.resolve(item * 10)
  await tick()
  finish.get(5)!.resolve(50)
  expect(await Promise.all(results.slice(1))).toEqual([20, 30, 40, 50])
})

test('each promise of startLimit settles with its own call, before the others end', async () => {
  const { finish, fn } = controlled()
  const results = startLimit([1, 2], 2, fn)
  await tick()
  finish.get(2)!.resolve(2)
  // Item 1 is still running: item 2's result is there already.
  await expect(results[1]).resolves.toBe(2)
  finish.get(1)!.resolve(1)
  await expect(results[0]).resolves.toBe(1)
})

test('mapLimit keeps the input order and rejects with the first failure', async () => {
  await expect(mapLimit([3, 1, 2], 2, async (n) => n * 2)).resolves.toEqual([6, 2, 4])
  await expect(
    mapLimit([1, 2, 3], 1, async (n) => {
      if (n === 2) throw new Error('two')
      return n
    }),
  ).rejects.toThrow('two')
})
