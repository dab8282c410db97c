import fp from 'fastify-plugin'
import type pg from 'pg'
import { createDb, type Database } from '../db/client.ts'
import { AccessLogWriter } from '../db/access-log.ts'

declare module 'fastify' {
  interface FastifyInstance {
    db: Database
    pool: pg.Pool
    /** Access-log rows of reads, group-committed. */
    accessLog: AccessLogWriter
  }
}

export default fp(async (app, opts: { url: string, poolSize: number }) => {
  const { pool, db } = createDb(opts.url, opts.poolSize, (err) => app.log.warn({ err }, 'idle PostgreSQL client lost'))
  app.decorate('db', db)
  app.decorate('pool', pool)
  app.decorate('accessLog', new AccessLogWriter(db))
  app.addHook('onClose', async () => { await pool.end() })
}, { name: 'db' })
