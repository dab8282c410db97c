import pg from 'pg'
import { fileURLToPath } from 'node:url'
import { drizzle } from 'drizzle-orm/node-postgres'
import { migrate } from 'drizzle-orm/node-postgres/migrator'

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../migrations', import.meta.url))
const MIGRATION_LOCK = 7_150_412_024

/** Creates the database named in `url` when it does not exist yet. */
export async function ensureDatabase(url: string): Promise<void> {
  const target = new URL(url)
  const name = decodeURIComponent(target.pathname.slice(1))
  const admin = new URL(url)
  admin.pathname = '/postgres'
  const client = new pg.Client({ connectionString: admin.toString() })
  await client.connect()
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])
    if (found.rowCount === 0) {
      await client.query(`CREATE DATABASE "${name.replaceAll('"', '""')}"`).catch((err: { code?: string }) => {
        if (err.code !== '42P04') throw err // another process created it first
      })
    }
  } finally {
    await client.end()
  }
}

/**
 * Applies pending migrations; processes starting together wait for each other. A migration has no
 * statement limit, but waits at most `lockTimeoutMs` for a table's lock: behind a long transaction
 * it fails (and the process with it, to be started again) rather than holding every request that
 * queues behind its lock.
 */
export async function migrateDatabase(url: string, lockTimeoutMs = 10_000): Promise<void> {
  await ensureDatabase(url)
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK])
    await client.query(`SET lock_timeout = ${Math.trunc(lockTimeoutMs)}`)
    await migrate(drizzle({ client }), { migrationsFolder: MIGRATIONS_FOLDER })
  } finally {
    await client.end()
  }
}
