import t from 'tap'
import { randomUUID } from 'node:crypto'
import { testContext } from '../../helpers/context.ts'
import { referralBody } from '../../helpers/referrals.ts'
import { recordAccessToMany } from '../../../src/db/record.ts'

const ctx = await testContext(t)
const { app } = ctx
const hospital = await ctx.party('hospital')
await ctx.party('programme', { serviceArea: ['2800'] })
const entry = {
  organisationId: hospital.organisationId,
  clientId: hospital.clientId,
  action: 'read',
  purpose: 'test',
  requestId: 'req-1',
  onBehalfOfWorkerId: null
}

t.test(
  'reads that arrive together share one commit for their log rows, and each has its row when it resolves',
  async (t) => {
    const ids = Array.from({ length: 50 }, () => randomUUID())
    await Promise.all(ids.map((id) => recordAccessToMany(app.db, [id], entry)))
    const { rows } = await app.pool.query<{ n: number; commits: number }>(
      'SELECT count(*)::int AS n, count(DISTINCT xmin::text)::int AS commits FROM access_log WHERE referral_id = ANY($1::uuid[])',
      [ids]
    )
    t.equal(rows[0]!.n, 50, 'all 50 rows are committed when the appends resolve')
    // The first is written at once; the 49 that came while it was being written go in one more.
    t.equal(rows[0]!.commits, 2)
  }
)

t.test('rows that cannot be written reject every append of their batch, and none is half-written', async (t) => {
  const good = randomUUID()
  const results = await Promise.allSettled([
    recordAccessToMany(app.db, [randomUUID()], entry),
    recordAccessToMany(app.db, [good], entry),
    recordAccessToMany(app.db, ['not-a-uuid'], entry)
  ])
  t.equal(results[0]!.status, 'fulfilled', 'the first went alone')
  t.same(
    results.slice(1).map((r) => r.status),
    ['rejected', 'rejected'],
    'its batch failed as a whole'
  )
  t.equal((await app.pool.query('SELECT 1 FROM access_log WHERE referral_id = $1', [good])).rowCount, 0)
  await recordAccessToMany(app.db, [good], entry)
  t.equal(
    (await app.pool.query('SELECT 1 FROM access_log WHERE referral_id = $1', [good])).rowCount,
    1,
    'the writer goes on'
  )
})

t.test('a read whose log row cannot be committed is not answered with the referral', async (t) => {
  const id = (await ctx.send(hospital, 'POST', '/referrals', referralBody())).json().id as string
  // A trigger that refuses this referral's read rows, as a full disk or a lost connection would.
  await app.pool.query(
    `CREATE FUNCTION refuse_read() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$`
  )
  await app.pool.query(
    `CREATE TRIGGER refuse_read BEFORE INSERT ON access_log FOR EACH ROW WHEN (NEW.action = 'read') EXECUTE FUNCTION refuse_read()`
  )
  t.teardown(() => app.pool.query('DROP TRIGGER refuse_read ON access_log; DROP FUNCTION refuse_read()'))
  const read = await ctx.send(hospital, 'GET', `/referrals/${id}`)
  t.equal(read.statusCode, 500)
  t.match(read.headers['content-type'], /^application\/problem\+json/)
  t.notOk(read.body.includes('Testmoeder') || read.body.includes(id), 'nothing of the referral in the answer')
})
