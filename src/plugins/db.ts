import fp from 'fastify-plugin'
import type pg from 'pg'
import { createDb, type Database, type Waits } from '../db/client.ts'
import { ProgrammeDirectory } from '../db/programmes.ts'

declare module 'fastify' {
  interface FastifyInstance {
    db: Database
    pool: pg.Pool
    /** The programmes and their service areas, kept while this process hears their changes. */
    programmes: ProgrammeDirectory
  }
}

export default fp(
  async (app, opts: { url: string; poolSize: number; waits: Waits }) => {
    const { pool, db } = createDb(opts.url, opts.poolSize, (err) => app.databaseLost(err), opts.waits)
    pool.on('connect', () => app.databaseConnected())
    app.decorate('db', db)
    app.decorate('pool', pool)
    const programmes = new ProgrammeDirectory(db)
    const listener = programmes.listen(opts.url)
    app.decorate('programmes', programmes)
    app.addHook('onClose', async () => {
      await listener.close()
      await pool.end()
    })
  },
  { name: 'db', dependencies: ['errors'] }
)
