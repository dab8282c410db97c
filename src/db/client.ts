import pg from 'pg'
import { drizzle } from 'drizzle-orm/node-postgres'
import * as schema from './schema/index.ts'

export function createDb(connectionString: string, max: number, onError: (err: Error) => void) {
  const pool = new pg.Pool({ connectionString, max, options: '-c TimeZone=UTC' })
  // An idle client losing its server (PostgreSQL restart) must not crash the process.
  pool.on('error', onError)
  const db = drizzle({ client: pool, schema, casing: 'snake_case' })
  return { pool, db }
}

export type Database = ReturnType<typeof createDb>['db']
/** A database handle or an open transaction: query functions take either. */
export type Executor = Database | Parameters<Parameters<Database['transaction']>[0]>[0]

// Timestamps, dates and intervals (and their arrays) as PostgreSQL writes them: what Drizzle returns.
const AS_TEXT = new Set([1082, 1114, 1115, 1182, 1184, 1185, 1186, 1187, 1231])
const types = {
  getTypeParser: (id: number, format?: 'text' | 'binary') =>
    AS_TEXT.has(id) ? (value: string) => value : pg.types.getTypeParser(id, format)
}

/**
 * A named statement, on the pool or on a connection holding a transaction: PostgreSQL parses and
 * plans it once per connection. For measured hot paths only, where the query builder alone was
 * slower (test/bench/results/HISTORY.md). Rows come back as Drizzle's.
 */
export async function prepared<T extends object>(
  on: Database | pg.ClientBase,
  name: string,
  text: string,
  values: unknown[]
): Promise<T[]> {
  const client = '$client' in on ? on.$client : on
  const { rows } = await client.query<T>({ name, text, values, types } as pg.QueryConfig)
  return rows
}

/** Runs `work` in a transaction on one connection of the pool, for statements made with `prepared`. */
export async function inTransaction<T>(db: Database, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await db.$client.connect()
  try {
    await client.query('BEGIN')
    const result = await work(client)
    await client.query('COMMIT')
    return result
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {})
    throw err
  } finally {
    client.release()
  }
}
