import pg from 'pg'

export interface Listener { close: () => Promise<void> }

/**
 * LISTENs on `channel` on a connection of its own, and reconnects after `retryMs` when it is lost.
 * `up` runs once listening; `down` when the connection is lost, since notifications may have been
 * missed from then until `up` runs again.
 */
export function listen (connectionString: string, channel: string, retryMs: number, on: { notify: () => void, up?: () => void, down?: () => void }): Listener {
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
    c.on('error', () => { if (client === c) again() })
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
