import t from 'tap'
import { Queue } from 'bullmq'
import { Redis } from 'ioredis'
import { testContext, REDIS_URL } from '../helpers/context.ts'
import { eventually, startReceiver } from '../helpers/receiver.ts'
import { relayBatch, type RelayDeps } from '../../workers/relay.ts'
import { reconcile } from '../../workers/reconcile.ts'
import pino from 'pino'
import {
  MAINTENANCE_QUEUE,
  WEBHOOK_QUEUE,
  webhookJobId,
  type TimerJob,
  type WebhookJob
} from '../../src/core/queues.ts'
import { workerContext } from '../../workers/context.ts'
import { startMaintenance } from '../../workers/maintenance.ts'
import { timerSpans } from '../../src/domain/timers.ts'
import { claimDelivery, claimForRelay, lapsedLeases } from '../../src/db/queries/events.ts'
import { deliverWebhook, resendLapsed } from '../../workers/webhook-delivery.ts'

const ctx = await testContext(t, { WEBHOOK_ALLOWED_HOSTS: '127.0.0.1' })
const prefix = ctx.config.REDIS_PREFIX

function relayDeps(connection: Redis): RelayDeps {
  const webhooks = new Queue<WebhookJob>(WEBHOOK_QUEUE, { connection, prefix })
  const timers = new Queue<TimerJob>('timers', { connection, prefix })
  for (const q of [webhooks, timers]) q.on('error', () => {}) // expected while Redis is away
  t.teardown(async () => {
    await webhooks.close()
    await timers.close()
  })
  return {
    db: ctx.app.db,
    webhooks,
    email: null,
    firstDelayMs: 0,
    leaseMs: 5000,
    timerDeps: { db: ctx.app.db, timers, spans: timerSpans(ctx.config), horizonMs: 3600_000 }
  }
}

const hospital = await ctx.party('hospital')
const hook = await ctx.send(hospital, 'POST', '/webhooks', {
  url: 'http://127.0.0.1:9/hook',
  eventTypes: ['referral.updated']
})
const endpointId = hook.json().id as string
const event = async () =>
  (
    await ctx.app.pool.query<{ id: string }>(
      "INSERT INTO outbox_events (type, status, audience) VALUES ('referral.updated', 'requested', ARRAY[$1::uuid]) RETURNING id",
      [hospital.organisationId]
    )
  ).rows[0]!.id
const deliveries = async (eventId: string) =>
  (
    await ctx.app.pool.query<{ id: string; endpoint_id: string }>(
      'SELECT id, endpoint_id FROM webhook_deliveries WHERE outbox_event_id = $1',
      [eventId]
    )
  ).rows
const relayed = async (eventId: string) =>
  (await ctx.app.pool.query('SELECT 1 FROM outbox_events WHERE id = $1 AND relayed_at IS NOT NULL', [eventId]))
    .rowCount === 1

t.test('an event becomes one committed delivery row and one job naming it, then counts as relayed', async (t) => {
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 })
  t.teardown(() => connection.disconnect())
  const deps = relayDeps(connection)
  const id = await event()
  t.equal(await relayBatch(deps), 1)
  const rows = await deliveries(id)
  t.same(
    rows.map((r) => r.endpoint_id),
    [endpointId],
    'one delivery for the subscribed endpoint'
  )
  const job = await deps.webhooks.getJob(webhookJobId(rows[0]!.id, 0, 0))
  t.same(job?.data, { deliveryId: rows[0]!.id }, 'the job carries the delivery id only')
  t.ok(await relayed(id))
  t.equal(await relayBatch(deps), 0, 'nothing left')

  // A relay that stopped after Redis and before marking (its lease ran out): relayed again, harmlessly.
  await ctx.app.pool.query('UPDATE outbox_events SET relayed_at = NULL, relay_lease_until = NULL WHERE id = $1', [id])
  t.equal(await relayBatch(deps), 1)
  t.equal((await deliveries(id)).length, 1, 'still one delivery row')
  t.equal((await deps.webhooks.getJobs(['wait', 'delayed', 'active'])).length, 1, 'still one job')
})

t.test(
  'with Redis away the delivery row is made but the event is not marked, and the next relay sends it',
  async (t) => {
    // A private port nobody listens on: the relay's producer fails fast, as in the workers.
    const away = new Redis('redis://127.0.0.1:1', {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      lazyConnect: true,
      retryStrategy: () => null
    })
    away.on('error', () => {})
    const id = await event()
    await t.rejects(relayBatch(relayDeps(away)))
    t.notOk(await relayed(id), 'the event waits in PostgreSQL')
    t.equal((await deliveries(id)).length, 1, 'its delivery row is committed')

    const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 })
    t.teardown(() => connection.disconnect())
    const deps = relayDeps(connection)
    t.equal(await relayBatch(deps), 1)
    t.ok(await relayed(id))
    const [row] = await deliveries(id)
    t.ok(await deps.webhooks.getJob(webhookJobId(row!.id, 0, 0)), 'its job is in Redis')
  }
)

t.test('every worker relays: a batch taken by a worker that hangs waits only for its lease', async (t) => {
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 })
  t.teardown(() => connection.disconnect())
  const deps = relayDeps(connection)
  while ((await relayBatch(deps)) > 0) {} // what earlier tests left
  const held = await event()
  // A worker takes the batch, then hangs (never queues, never marks).
  const taken = await claimForRelay(ctx.app.db, 200, 400)
  t.same(
    taken.map((e) => e.id),
    [held]
  )
  const later = await event()
  t.equal(await relayBatch(deps), 1, 'another worker relays what came after at once')
  t.ok(await relayed(later))
  t.notOk(await relayed(held), 'but not the batch still held')
  await eventually(
    'the held batch relayed once its lease ran out',
    async () => (await relayBatch(deps)) === 1 || undefined,
    3000
  )
  t.ok(await relayed(held))
  t.equal((await deliveries(held)).length, 1, 'one delivery row for it all the same')
})

t.test('the reconciler queues again only a delivery whose job is gone, not one waiting its turn', async (t) => {
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 })
  t.teardown(() => connection.disconnect())
  const deps = relayDeps(connection)
  await deps.webhooks.obliterate({ force: true })
  const id = await event()
  t.equal(await relayBatch(deps), 1)
  const [row] = await deliveries(id)
  // Due long ago, still pending, nobody holds it: its job is only waiting (no worker runs here).
  await ctx.app.pool.query("UPDATE webhook_deliveries SET created_at = now() - interval '1 minute' WHERE id = $1", [
    row!.id
  ])
  const deliveryIds = async () => (await deps.webhooks.getJobs(['wait', 'delayed', 'active'])).map((j) => j.id)
  t.same(
    (await reconcile({ db: ctx.app.db, webhooks: deps.webhooks, timerDeps: deps.timerDeps })).deliveries,
    0,
    'its waiting job is enough'
  )
  t.same(await deliveryIds(), [webhookJobId(row!.id, 0, 0)])
  await deps.webhooks.remove(webhookJobId(row!.id, 0, 0)) // as if Redis lost it
  t.same(
    (await reconcile({ db: ctx.app.db, webhooks: deps.webhooks, timerDeps: deps.timerDeps })).deliveries,
    1,
    'a lost job is made again'
  )
  t.same(await deliveryIds(), [`${webhookJobId(row!.id, 0, 0)}.reconciled`])
  t.same(
    (await reconcile({ db: ctx.app.db, webhooks: deps.webhooks, timerDeps: deps.timerDeps })).deliveries,
    0,
    'once'
  )
})

t.test('after Redis lost its data the reconciler makes the repeating purge and retention job again', async (t) => {
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null })
  t.teardown(() => connection.disconnect())
  const deps = relayDeps(connection)
  const ctxForWorkers = workerContext({
    config: ctx.config,
    logger: pino({ level: 'silent' }),
    db: ctx.app.db,
    identifiers: ctx.app.identifiers,
    connection,
    producer: connection
  })
  const maintenance = startMaintenance(ctxForWorkers)
  t.teardown(() => maintenance.close())
  const queue = new Queue(MAINTENANCE_QUEUE, { connection, prefix })
  t.teardown(() => queue.close())
  await queue.obliterate({ force: true }) // as if Redis restarted empty
  t.same(await queue.getJobSchedulers(), [], 'the schedule is gone')
  await reconcile({
    db: ctx.app.db,
    webhooks: deps.webhooks,
    timerDeps: deps.timerDeps,
    schedules: [maintenance.schedule]
  })
  t.same(
    (await queue.getJobSchedulers()).map((s) => s.key).sort(),
    ['pseudonymise-closed-referrals', 'purge-idempotency-keys'],
    'the reconciler made it again'
  )
})

t.test('a delivery whose sender died is queued again once its lease runs out, not after stall detection', async (t) => {
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 })
  t.teardown(() => connection.disconnect())
  const deps = relayDeps(connection)
  const id = await event()
  t.equal(await relayBatch(deps), 1)
  const [row] = await deliveries(id)
  // A worker takes it (its BullMQ job looks active meanwhile), then is killed before recording anything.
  t.ok(await claimDelivery(ctx.app.db, row!.id, 300))
  t.equal(await resendLapsed(deps), 0, 'not while the lease holds')
  await new Promise((resolve) => setTimeout(resolve, 400))
  t.equal(await resendLapsed(deps), 1)
  const [lapsed] = await lapsedLeases(ctx.app.db, 10)
  const job = await deps.webhooks.getJob(webhookJobId(row!.id, 0, 0, `lapsed-${Date.parse(lapsed!.lease as string)}`))
  t.same(job?.data, { deliveryId: row!.id }, 'a job of its own, beside the stalled one')
  t.equal(await resendLapsed(deps), 1, 'queued again harmlessly until a worker takes it')
  t.ok(await claimDelivery(ctx.app.db, row!.id, 60_000), 'and another worker can take it')
  t.equal(await resendLapsed(deps), 0)
})

t.test('a worker that stops hands back the delivery it is sending, for another to send at once', async (t) => {
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 })
  t.teardown(() => connection.disconnect())
  const deps = relayDeps(connection)
  const rx = await startReceiver(t, () => 'hang')
  const slow = await ctx.send(hospital, 'POST', '/webhooks', { url: rx.url, eventTypes: ['referral.updated'] })
  await ctx.app.pool.query('UPDATE webhook_endpoints SET disabled_at = now() WHERE id <> $1', [slow.json().id])
  t.teardown(() => ctx.app.pool.query('UPDATE webhook_endpoints SET disabled_at = NULL'))
  const id = await event()
  t.equal(await relayBatch(deps), 1)
  const [row] = (await deliveries(id)).filter((d) => d.endpoint_id === slow.json().id)
  const stopping = new AbortController()
  const sending = deliverWebhook(
    {
      db: ctx.app.db,
      identifiers: ctx.app.identifiers,
      webhooks: deps.webhooks,
      email: null,
      schedule: [0, 1000],
      timeoutMs: 30_000,
      leaseMs: 60_000,
      allowedHosts: ['127.0.0.1'],
      fhirBase: 'http://localhost/fhir'
    },
    row!.id,
    stopping.signal
  )
  await eventually('the attempt under way', () => rx.received.length === 1 || undefined)
  const started = Date.now()
  stopping.abort()
  t.equal(await sending, 'handed-back')
  t.ok(Date.now() - started < 1000, 'at once, not after the 30 s timeout')
  const { rows } = await ctx.app.pool.query(
    'SELECT state, attempts, lease_until FROM webhook_deliveries WHERE id = $1',
    [row!.id]
  )
  t.same(rows[0], { state: 'pending', attempts: 0, lease_until: null }, 'free for another worker, no attempt counted')
  const jobs = await deps.webhooks.getJobs(['wait', 'delayed'])
  t.ok(
    jobs.some((j) => j.id?.startsWith(`d.${row!.id}.0.0.handed-back-`)),
    'and queued for one'
  )
})
