import t from 'tap'
import fc from 'fast-check'
import { suppressedKeys, type Relation } from '../../src/domain/suppression.ts'

const MIN_CELL = 5

/**
 * A table as the report publishes it: categories × the two tracks, each category's overall, each
 * track's total and the grand total, all tied by sums.
 */
function table(cells: number[][]) {
  const counts = new Map<string, number>()
  const relations: Relation[] = []
  const tracks = cells[0]!.length
  cells.forEach((row, i) => {
    row.forEach((v, j) => {
      counts.set(`c${i}.${j}`, v)
    })
    counts.set(
      `c${i}.all`,
      row.reduce((a, b) => a + b, 0)
    )
    relations.push({ total: `c${i}.all`, parts: row.map((_, j) => `c${i}.${j}`) })
  })
  for (let j = 0; j < tracks; j++) {
    counts.set(
      `total.${j}`,
      cells.reduce((a, row) => a + row[j]!, 0)
    )
    relations.push({ total: `total.${j}`, parts: cells.map((_, i) => `c${i}.${j}`) })
  }
  counts.set(
    'total.all',
    [...counts].filter(([k]) => k.startsWith('total.')).reduce((a, [, v]) => a + v, 0)
  )
  relations.push({ total: 'total.all', parts: Array.from({ length: tracks }, (_, j) => `total.${j}`) })
  relations.push({ total: 'total.all', parts: cells.map((_, i) => `c${i}.all`) })
  return { counts, relations }
}

/** Every published number of a grid, in a fixed order: the cells, each row's sum, each column's, the grand sum. */
function published(grid: number[][]): number[] {
  const columns = grid[0]!.map((_, j) => grid.reduce((a, row) => a + row[j]!, 0))
  return [...grid.flat(), ...grid.map((row) => row[0]! + row[1]!), ...columns, columns[0]! + columns[1]!]
}
const keysOf = (rows: number) => [
  ...Array.from({ length: rows }, (_, i) => [`c${i}.0`, `c${i}.1`]).flat(),
  ...Array.from({ length: rows }, (_, i) => `c${i}.all`),
  'total.0',
  'total.1',
  'total.all'
]

/**
 * Every value each withheld number can take, given what is published: the withheld inner cells are
 * enumerated from 0 to `bound`, the sums recomputed, and an assignment kept when it reproduces every
 * published number.
 */
function possibleValues(cells: number[][], withheld: Set<string>, bound: number): Map<string, Set<number>> {
  const keys = keysOf(cells.length)
  const truth = published(cells)
  const hidden = keys.map((k) => withheld.has(k))
  const free = cells
    .flatMap((row, i) => row.map((_, j) => [i, j] as const))
    .filter(([i, j]) => withheld.has(`c${i}.${j}`))
  const seen = keys.map(() => new Set<number>())
  const grid = cells.map((row) => [...row])
  // Enough once every withheld number was seen with two values.
  const settled = () => seen.every((values, k) => !hidden[k] || values.size >= 2)
  const visit = (index: number): void => {
    if (index === free.length) {
      const trial = published(grid)
      if (trial.some((v, k) => !hidden[k] && v !== truth[k])) return
      trial.forEach((v, k) => {
        if (hidden[k]) seen[k]!.add(v)
      })
      return
    }
    const [i, j] = free[index]!
    for (let v = 0; v <= bound && !settled(); v++) {
      grid[i]![j] = v
      visit(index + 1)
    }
  }
  visit(0)
  return new Map(keys.flatMap((k, n) => (hidden[n] ? [[k, seen[n]!] as const] : [])))
}

t.test('no withheld count can be derived from the published numbers', async (t) => {
  let tables = 0
  let withheldSeen = 0
  await fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 2 }).chain((rows) =>
        fc.array(fc.array(fc.integer({ min: 0, max: 12 }), { minLength: 2, maxLength: 2 }), {
          minLength: rows,
          maxLength: rows
        })
      ),
      (cells) => {
        tables++
        const { counts, relations } = table(cells)
        const withheld = suppressedKeys(counts, relations, MIN_CELL)
        for (const [k, v] of counts) if (v > 0 && v < MIN_CELL && !withheld.has(k)) return false
        withheldSeen += withheld.size
        const possible = possibleValues(cells, withheld, 25)
        for (const [k, values] of possible)
          if (values.size < 2) throw new Error(`${k} is pinned in ${JSON.stringify(cells)}`)
        return true
      }
    ),
    { numRuns: 300, seed: 20261204 }
  )
  t.ok(tables >= 300 && withheldSeen > 100, `${tables} tables, ${withheldSeen} withheld numbers, none derivable`)
})

t.test('a single small category is withheld with a complement; zeros and large counts stay', async (t) => {
  const counts = new Map([
    ['total', 30],
    ['a', 2],
    ['b', 0],
    ['c', 12],
    ['d', 16]
  ])
  t.same([...suppressedKeys(counts, [{ total: 'total', parts: ['a', 'b', 'c', 'd'] }], MIN_CELL)].sort(), ['a', 'c'])
  const alone = new Map([
    ['total', 3],
    ['a', 3],
    ['b', 0]
  ])
  t.same(
    [...suppressedKeys(alone, [{ total: 'total', parts: ['a', 'b'] }], MIN_CELL)].sort(),
    ['a', 'total'],
    'no non-zero part left: the total goes'
  )
})

t.test('the check finds a count withheld alone: primary suppression is not enough', async (t) => {
  const cells = [
    [2, 9],
    [7, 8]
  ]
  const possible = possibleValues(cells, new Set(['c0.0']), 25)
  t.same([...possible.get('c0.0')!], [2], 'recovered by subtraction')
})
