/**
 * Many small writes as one statement (group commit). Each caller waits until the statement that
 * carries its item has committed, so nothing is answered before it is written; but the items that
 * arrive while one statement runs go together in the next: one round trip and one commit for
 * many requests instead of one each, which costs more than the rest of a request here.
 * One statement at a time; the first item after a quiet spell goes at once.
 */
export class Batch<Item, Result = void> {
  private waiting: Array<{ item: Item, resolve: (result: Result) => void, reject: (err: unknown) => void }> = []
  private running = false

  /** `write` answers one result per item, in order (or nothing); if it throws, every item of that batch fails. */
  constructor (private readonly write: (items: Item[]) => Promise<Result[] | void>) {}

  submit (item: Item): Promise<Result> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ item, resolve, reject })
      if (!this.running) void this.drain()
    })
  }

  private async drain (): Promise<void> {
    this.running = true
    while (this.waiting.length > 0) {
      const batch = this.waiting
      this.waiting = []
      try {
        const results = await this.write(batch.map((w) => w.item))
        batch.forEach((w, i) => w.resolve(results?.[i] as Result))
      } catch (err) {
        for (const w of batch) w.reject(err)
      }
    }
    this.running = false
  }
}
