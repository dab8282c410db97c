import pg from 'pg'
import { sql } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/node-postgres'
import * as schema from './schema/index.ts'

/** How long a process waits on PostgreSQL (the config's timeouts for its role). */
export interface Waits {
  connectMs: number
  statementMs: number
  lockMs: number
  /**
   * Someone waits for the answer (the API): then a write must not commit after its statement time
   * is up, for by then the caller may have been told it failed (`answerBy`).
   */
  answered: boolean
}

/** What the command line and tests use: generous, nobody waits on an answer. */
export const PATIENT: Waits = { connectMs: 10_000, statementMs: 0, lockMs: 0, answered: false }

const answeredWithin = new WeakMap<object, number>()

export function createDb(connectionString: string, max: number, onError: (err: Error) => void, waits: Waits = PATIENT) {
  const pool = new pg.Pool({
    connectionString,
    max,
    connectionTimeoutMillis: waits.connectMs,
    options: `-c TimeZone=UTC -c statement_timeout=${waits.statementMs} -c lock_timeout=${waits.lockMs} -c idle_in_transaction_session_timeout=${2 * waits.statementMs}`,
    // PostgreSQL ends a statement at `statement_timeout` by itself; this is for a server that has
    // stopped answering at all (frozen, or the network gone), where only the client can give up.
    ...(waits.statementMs > 0 ? { query_timeout: waits.statementMs + 1000 } : {})
  })
  // An idle client losing its server (PostgreSQL restart) must not crash the process.
  pool.on('error', onError)
  const db = drizzle({ client: pool, schema, casing: 'snake_case' })
  if (waits.answered && waits.statementMs > 0) answeredWithin.set(db, waits.statementMs)
  return { pool, db }
}

/**
 * The latest time a write sent now may commit (null where nobody waits for an answer). A server
 * that froze with the statement in hand would otherwise run and commit it once it resumes, after
 * the caller was answered 503 and may have retried. The statement, or the end of the transaction,
 * calls `opkomst_answer_by` (a migration), which refuses to go on past it; what is left is the
 * moment between that check and the commit record.
 */
export function answerBy(on: Database | pg.ClientBase): string | null {
  const ms = answeredWithin.get(on)
  return ms === undefined ? null : new Date(Date.now() + ms).toISOString()
}

/** A write transaction on `db` (Drizzle's), that commits only while its caller still waits (`answerBy`). */
export async function writeTransaction<T>(db: Database, work: (tx: Transaction) => Promise<T>): Promise<T> {
  const deadline = answerBy(db)
  return db.transaction(async (tx) => {
    const result = await work(tx)
    if (deadline !== null) await tx.execute(sql`SELECT opkomst_answer_by(${deadline}::timestamptz)`)
    return result
  })
}

export type Database = ReturnType<typeof createDb>['db']
/** A database handle or an open transaction: query functions take either. */
export type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0]
export type Executor = Database | Transaction

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

/**
 * Runs `work` in a transaction on one connection of the pool, for statements made with `prepared`;
 * it commits only while its caller still waits (`answerBy`), checked in the message that commits.
 */
export async function inTransaction<T>(db: Database, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const deadline = answerBy(db)
  const client = await db.$client.connect()
  try {
    await client.query('BEGIN')
    const result = await work(client)
    // An ISO instant of our own making: safe to write into the text, which saves a round trip.
    await client.query(deadline === null ? 'COMMIT' : `SELECT opkomst_answer_by('${deadline}'); COMMIT`)
    return result
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {})
    throw err
  } finally {
    client.release()
  }
}
