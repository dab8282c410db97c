import type { Database } from './client.ts'
import { isDatabaseUnavailable } from './unavailable.ts'

/**
 * Many small statements as one (group commit, for writes). Each caller waits until the statement
 * that carries its item has answered (committed), so nothing is answered before it is written; but
 * the items that arrive while one statement runs go together in the next: one round trip (and one
 * commit) for many requests instead of one each, which costs more than the rest of a request here.
 * One statement at a time (two measured worse); the first item after a quiet spell goes at once.
 * Not for work on the way to an answer that PostgreSQL does better in parallel: a worker's delivery
 * claims measured slower grouped (one backend's UPDATE of many rows against many backends' UPDATEs of
 * one); its delivered records, after the send, are grouped. Figures: test/bench/results/HISTORY.md.
 */
export class Batch<Item, Result = void> {
  private waiting: Array<{ item: Item; resolve: (result: Result) => void; reject: (err: unknown) => void }> = []
  private running = false

  /** `write` answers one result per item, in order (or nothing); if it throws, every item of that batch fails. */
  // biome-ignore lint/suspicious/noConfusingVoidType: a write with no result per item returns nothing
  constructor(private readonly write: (items: Item[]) => Promise<Result[] | void>) {}

  submit(item: Item): Promise<Result> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ item, resolve, reject })
      if (!this.running) void this.drain()
    })
  }

  private async drain(): Promise<void> {
    this.running = true
    while (this.waiting.length > 0) {
      const batch = this.waiting
      this.waiting = []
      try {
        const results = await this.write(batch.map((w) => w.item))
        for (const [i, w] of batch.entries()) w.resolve(results?.[i] as Result)
      } catch (err) {
        for (const w of batch) w.reject(err)
        // A PostgreSQL that could not answer this statement will not answer the next one sooner:
        // what waits for it fails now rather than after a timeout of its own (503 either way).
        if (isDatabaseUnavailable(err)) {
          const queued = this.waiting
          this.waiting = []
          for (const w of queued) w.reject(err)
        }
      }
    }
    this.running = false
  }
}

/** A `Batch` per database handle, made on first use: `write` gets the handle and the items. */
export function batchPerDatabase<Item, Result = void>(
  // biome-ignore lint/suspicious/noConfusingVoidType: as Batch's write
  write: (db: Database, items: Item[]) => Promise<Result[] | void>
) {
  const batches = new WeakMap<Database, Batch<Item, Result>>()
  return (db: Database, item: Item): Promise<Result> => {
    let batch = batches.get(db)
    if (batch === undefined) {
      batch = new Batch((items) => write(db, items))
      batches.set(db, batch)
    }
    return batch.submit(item)
  }
}

/**
 * A statement run for many items at once, one `Batch` per database handle. It answers with rows that
 * say which item they belong to (`n`, counted from 1, as `WITH ORDINALITY` does); an item without
 * a row gets undefined.
 */
export function grouped<Item, Row>(
  statement: (db: Database, items: Item[]) => Promise<Array<Row & { n: string | number }>>
) {
  return batchPerDatabase<Item, Row | undefined>(async (db, items) => inItemOrder(items, await statement(db, items)))
}

/** Rows that name their item (`n`, counted from 1) as one entry per item, in order; undefined for an item without a row. */
export function inItemOrder<Row>(
  items: readonly unknown[],
  rows: Array<Row & { n: string | number }>
): Array<Row | undefined> {
  const byItem = new Map<number, Row>()
  for (const { n, ...row } of rows) byItem.set(Number(n), row as Row)
  return items.map((_, i) => byItem.get(i + 1))
}

/**
 * A write run for many items at once, like `grouped`, answering one result per item. When the
 * statement fails, it is run again for each item on its own, so that what failed it fails only
 * its own request and the others are written.
 */
export function groupedWrite<Item, Result>(statement: (db: Database, items: Item[]) => Promise<Result[]>) {
  const write = batchPerDatabase<Item, { written: Result } | { failed: unknown }>(async (db, items) => {
    const run = async (some: Item[]) => (await statement(db, some)).map((written) => ({ written }))
    try {
      return await run(items)
    } catch (err) {
      // A database that cannot answer fails them all at once (and what waits behind them, `Batch`).
      if (items.length === 1 || isDatabaseUnavailable(err)) throw err
      return Promise.all(
        items.map((item) =>
          run([item]).then(
            ([result]) => result!,
            (failed: unknown) => ({ failed })
          )
        )
      )
    }
  })
  return async (db: Database, item: Item): Promise<Result> => {
    const result = await write(db, item)
    if ('failed' in result) throw result.failed
    return result.written
  }
}
