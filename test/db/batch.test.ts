import t from 'tap'
import { Batch } from '../../src/db/batch.ts'

t.test('what arrives while one write runs goes together in the next', async (t) => {
  const writes: number[][] = []
  let release: () => void = () => {}
  const batch = new Batch<number, number>(async (items) => {
    writes.push(items)
    if (writes.length === 1)
      await new Promise<void>((resolve) => {
        release = resolve
      })
    return items.map((n) => n * 10)
  })
  const first = batch.submit(1)
  const rest = [batch.submit(2), batch.submit(3), batch.submit(4)]
  await new Promise((resolve) => setImmediate(resolve))
  t.same(writes, [[1]], 'the first goes at once; the others wait for it')
  release()
  t.same(await Promise.all([first, ...rest]), [10, 20, 30, 40], 'each gets its own result')
  t.same(writes, [[1], [2, 3, 4]], 'two writes for four items')
})

t.test('a failed write fails every item it carried, and only those', async (t) => {
  let calls = 0
  const batch = new Batch<string>(async () => {
    if (++calls === 1) throw new Error('database gone')
  })
  const failed = batch.submit('a')
  await t.rejects(failed, /database gone/)
  await t.resolves(batch.submit('b'), 'the next write goes on')
})
