import t from 'tap'
import { Redis } from 'ioredis'
import { testContext } from '../helpers/context.ts'
import { referralBody } from '../helpers/referrals.ts'
import { eventually } from '../helpers/receiver.ts'
import { inProcessWorkers, FAST_EVENTS } from '../helpers/workers.ts'
import { startPrivateRedis } from '../helpers/processes.ts'

const redis = await startPrivateRedis(t)
const ctx = await testContext(t, {
  ...FAST_EVENTS,
  REDIS_URL: redis.url,
  ACK_DEADLINE: '2s',
  FIRST_CONTACT_DEADLINE: '2s'
})
const { app } = ctx
const programme = await ctx.party('programme')
const hospital = await ctx.party('hospital')
const refer = async () =>
  (
    await app.inject({
      method: 'POST',
      url: '/referrals',
      headers: hospital.headers,
      payload: referralBody({ mother: { ...referralBody().mother, insz: undefined, inszAbsentReason: 'unknown' } })
    })
  ).json().id as string
const events = async (type: string, referralId: string) =>
  (await app.pool.query('SELECT audience FROM outbox_events WHERE type = $1 AND referral_id = $2', [type, referralId]))
    .rows

t.test(
  'an unacknowledged referral raises referral.overdue once; one acknowledged in time raises nothing',
  async (t) => {
    const workers = await inProcessWorkers(t, ctx.config)
    const late = await refer()
    const prompt = await refer()
    t.equal(
      (
        await app.inject({
          method: 'POST',
          url: `/referrals/${prompt}/transitions`,
          headers: { ...programme.headers, 'if-match': '"1"' },
          payload: { status: 'received' }
        })
      ).statusCode,
      200
    )
    const raised = await eventually(
      'overdue',
      async () => (await events('referral.overdue', late)).length > 0 || undefined,
      15_000
    )
    t.ok(raised)
    await new Promise((resolve) => setTimeout(resolve, 2500))
    const overdue = await events('referral.overdue', late)
    t.equal(overdue.length, 1, 'once')
    t.same(
      [...overdue[0].audience].sort(),
      [programme.organisationId, hospital.organisationId].sort(),
      'to the programme and the referrer'
    )
    t.equal((await events('referral.overdue', prompt)).length, 0, 'acknowledged in time: nothing')
    const inFeed = await eventually(
      'the feed',
      async () =>
        (await app.inject({ url: '/events', headers: hospital.headers }))
          .json()
          .items.some(
            (e: { type: string; referralId: string }) => e.type === 'referral.overdue' && e.referralId === late
          ) || undefined
    )
    t.ok(inFeed, 'the referrer sees it in its feed')

    const accepted = await refer()
    await app.inject({
      method: 'POST',
      url: `/referrals/${accepted}/transitions`,
      headers: { ...programme.headers, 'if-match': '"1"' },
      payload: { status: 'accepted', track: 'opkomst' }
    })
    await eventually(
      'first contact overdue',
      async () => (await events('referral.first_contact_overdue', accepted)).length === 1 || undefined,
      15_000
    )
    t.same(
      (await events('referral.first_contact_overdue', accepted))[0].audience,
      [programme.organisationId],
      'the programme is reminded'
    )
    await workers.close()
  }
)

t.test('after the private Redis is flushed and the worker restarted, a pending deadline still fires', async (t) => {
  const first = await inProcessWorkers(t, ctx.config)
  const pending = await refer()
  await eventually(
    'relayed',
    async () =>
      (await app.pool.query('SELECT 1 FROM outbox_events WHERE referral_id = $1 AND relayed_at IS NOT NULL', [pending]))
        .rowCount === 1 || undefined
  )
  await first.close()
  const admin = new Redis(redis.url)
  await admin.flushall() // the test's own Redis, never the shared one
  t.equal(await admin.dbsize(), 0, 'the timer job is gone from Redis')
  admin.disconnect()
  await inProcessWorkers(t, ctx.config)
  await eventually(
    'overdue after restart',
    async () => (await events('referral.overdue', pending)).length === 1 || undefined,
    15_000
  )
  t.pass('the reconciler re-created the deadline from PostgreSQL')
})
