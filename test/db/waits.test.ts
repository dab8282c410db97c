import t from 'tap'
import pg from 'pg'
import { sql } from 'drizzle-orm'
import { createDb, inTransaction, writeTransaction } from '../../src/db/client.ts'
import { testContext, testDatabase } from '../helpers/context.ts'
import { referralBody } from '../helpers/referrals.ts'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

t.test('a write whose caller stopped waiting never commits', async (t) => {
  const url = await testDatabase(t)
  const { pool, db } = createDb(url, 2, () => {}, {
    connectMs: 2000,
    statementMs: 300,
    lockMs: 300,
    answered: true
  })
  t.teardown(() => pool.end())
  await pool.query('CREATE TABLE waits_probe (name text)')
  const rows = async () => (await pool.query('SELECT name FROM waits_probe ORDER BY name')).rows.map((r) => r.name)

  await writeTransaction(db, async (tx) => {
    await tx.execute(sql`INSERT INTO waits_probe VALUES ('in time')`)
  })
  await t.rejects(
    writeTransaction(db, async (tx) => {
      await tx.execute(sql`INSERT INTO waits_probe VALUES ('drizzle, late')`)
      await sleep(400) // as a server frozen between the statement and the commit would make it
    }),
    { cause: { code: '57014' } }
  )
  await t.rejects(
    inTransaction(db, async (client) => {
      await client.query("INSERT INTO waits_probe VALUES ('prepared, late')")
      await sleep(400)
    }),
    { code: '57014' }
  )
  t.same(await rows(), ['in time'], 'only the write that ended in time is there')
})

t.test('the pool gives up on a PostgreSQL that accepts a connection and never answers', async (t) => {
  // A listener that accepts connections and never says a word: a frozen server, as a client sees it.
  const silent = await import('node:net').then(({ createServer }) => createServer(() => {}))
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
  t.teardown(() => silent.close())
  const { port } = silent.address() as { port: number }
  const { pool } = createDb(`postgres://postgres@127.0.0.1:${port}/nowhere`, 1, () => {}, {
    connectMs: 300,
    statementMs: 300,
    lockMs: 300,
    answered: true
  })
  t.teardown(() => pool.end())
  const started = Date.now()
  await t.rejects(pool.query('SELECT 1'), /timeout/)
  t.ok(Date.now() - started < 2000, `gave up after ${Date.now() - started} ms`)
})

t.test('a request that waits too long for a lock is answered 503 with Retry-After, and changes nothing', async (t) => {
  const ctx = await testContext(t, { API_LOCK_TIMEOUT_MS: 200 })
  const hospital = await ctx.party('hospital')
  const programme = await ctx.party('programme')
  const created = await ctx.send(hospital, 'POST', '/referrals', referralBody())
  const id = created.json().id as string
  const holder = new pg.Client({ connectionString: ctx.config.DATABASE_URL })
  await holder.connect()
  t.teardown(() => holder.end())
  await holder.query('BEGIN')
  await holder.query('SELECT 1 FROM referrals WHERE id = $1 FOR UPDATE', [id])
  const started = Date.now()
  const res = await ctx.send(programme, 'POST', `/referrals/${id}/transitions`, { status: 'received' }, 1)
  t.equal(res.statusCode, 503)
  t.equal(res.headers['retry-after'], '5')
  t.match(res.json(), { type: 'urn:opkomst:problem:unavailable' })
  t.ok(Date.now() - started < 3000, `answered after ${Date.now() - started} ms`)
  await holder.query('ROLLBACK')
  const after = await ctx.send(hospital, 'GET', `/referrals/${id}`)
  t.match(after.json(), { status: 'requested', version: 1 }, 'not changed')
  t.equal(
    (await ctx.send(programme, 'POST', `/referrals/${id}/transitions`, { status: 'received' }, 1)).statusCode,
    200
  )
})
