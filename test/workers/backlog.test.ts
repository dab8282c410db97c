import t from 'tap'
import { testContext } from '../helpers/context.ts'
import { startReceiver, eventually } from '../helpers/receiver.ts'
import { inProcessWorkers, FAST_EVENTS } from '../helpers/workers.ts'

// The reconciler runs once a minute here, so it cannot hide a delivery job that ran too early.
const ctx = await testContext(t, { ...FAST_EVENTS, RECONCILE_INTERVAL_MS: 60_000 })

t.test('a backlog waiting in PostgreSQL is delivered as soon as the workers start, each event once', async (t) => {
  const hospital = await ctx.party('hospital')
  const rx = await startReceiver(t)
  await ctx.app.inject({
    method: 'POST',
    url: '/webhooks',
    headers: hospital.headers,
    payload: { url: rx.url, eventTypes: ['referral.updated'] }
  })
  await ctx.app.pool.query(
    "INSERT INTO outbox_events (type, status, audience) SELECT 'referral.updated', 'requested', ARRAY[$1::uuid] FROM generate_series(1, 300)",
    [hospital.organisationId]
  )
  const started = Date.now()
  await inProcessWorkers(t, ctx.config)
  // Well under the minute a skipped job would wait for the reconciler, even on a loaded CI machine.
  await eventually('300 deliveries', () => rx.received.length >= 300 || undefined, 30_000)
  t.ok(Date.now() - started < 30_000, `cleared in ${Date.now() - started} ms`)
  await new Promise((resolve) => setTimeout(resolve, 500))
  t.equal(new Set(rx.received.map((r) => r.headers['webhook-id'])).size, 300)
  t.equal(rx.received.length, 300, 'none twice')
})
