import pg from 'pg'

export interface Listener {
  close: () => Promise<void>
}

/**
 * LISTENs on `channel` on a connection of its own, and reconnects after `retryMs` when it is lost.
 * `up` runs once listening; `down` when the connection is lost, since notifications may have been
 * missed from then until `up` runs again.
 */
export function listen(
  connectionString: string,
  channel: string,
  retryMs: number,
  on: { notify: () => void; up?: () => void; down?: () => void }
): Listener {
  let closed = false
  let client: pg.Client | null = null
  let retry: NodeJS.Timeout | undefined
  const again = () => {
    on.down?.()
    client = null
    if (!closed) retry = setTimeout(() => void connect(), retryMs)
  }
  const connect = async () => {
    const c = new pg.Client({ connectionString })
    client = c
    c.on('error', () => {
      if (client === c) again()
    })
    c.on('notification', on.notify)
    try {
      await c.connect()
      await c.query(`LISTEN ${pg.escapeIdentifier(channel)}`)
      if (closed) return
      on.up?.()
    } catch {
      if (client === c) again()
      await c.end().catch(() => {})
    }
  }
  void connect()
  return {
    close: async () => {
      closed = true
      clearTimeout(retry)
      await client?.end().catch(() => {})
    }
  }
}

/**
 * What a process keeps of rows that other processes change (API keys, programmes): kept only while
 * it LISTENs on `channel` (a trigger notifies at commit), forgotten on every change, and not kept
 * while the connection is down, since changes may be missed then.
 */
export class KeptWhileListening {
  private listening = false
  private generation = 0

  /** `clear` drops whatever is kept. */
  constructor(private readonly clear: () => void) {}

  listen(databaseUrl: string, channel: string): Listener {
    return listen(databaseUrl, channel, 1000, {
      notify: () => this.forget(),
      up: () => {
        this.forget()
        this.listening = true
      },
      down: () => {
        this.listening = false
        this.forget()
      }
    })
  }

  /** Whether what is kept may be used. */
  get trusted(): boolean {
    return this.listening
  }

  forget(): void {
    this.generation++
    this.clear()
  }

  /** Reads, and hands the result to `keep` unless a change was heard meanwhile (it may postdate the read). */
  async read<T>(read: () => Promise<T>, keep: (value: T) => void): Promise<T> {
    const before = this.generation
    const value = await read()
    if (this.listening && before === this.generation) keep(value)
    return value
  }
}
