import pg from 'pg'
import { drizzle } from 'drizzle-orm/node-postgres'
import * as schema from './schema/index.ts'

export function createDb (connectionString: string, max: number, onError: (err: Error) => void) {
  const pool = new pg.Pool({ connectionString, max, options: '-c TimeZone=UTC' })
  // An idle client losing its server (PostgreSQL restart) must not crash the process.
  pool.on('error', onError)
  const db = drizzle({ client: pool, schema, casing: 'snake_case' })
  return { pool, db }
}

export type Database = ReturnType<typeof createDb>['db']
/** A database handle or an open transaction: query functions take either. */
export type Executor = Database | Parameters<Parameters<Database['transaction']>[0]>[0]
