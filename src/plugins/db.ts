import fp from 'fastify-plugin'
import type pg from 'pg'
import { createDb, type Database } from '../db/client.ts'

declare module 'fastify' {
  interface FastifyInstance {
    db: Database
    pool: pg.Pool
  }
}

export default fp(async (app, opts: { url: string, poolSize: number }) => {
  const { pool, db } = createDb(opts.url, opts.poolSize, (err) => app.log.warn({ err }, 'idle PostgreSQL client lost'))
  app.decorate('db', db)
  app.decorate('pool', pool)
  app.addHook('onClose', async () => { await pool.end() })
}, { name: 'db' })
