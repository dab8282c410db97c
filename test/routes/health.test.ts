import t from 'tap'
import pg from 'pg'
import { PG_BASE, testContext } from '../helpers/context.ts'
import { startPrivateRedis } from '../helpers/processes.ts'
import { referralBody } from '../helpers/referrals.ts'

t.test('live and ready with PostgreSQL and Redis up', async (t) => {
  const { app } = await testContext(t)
  t.same((await app.inject('/health/live')).json(), { status: 'ok' })
  const ready = await app.inject('/health/ready')
  t.equal(ready.statusCode, 200)
  t.match(ready.json(), { status: 'ok', postgres: 'ok', redis: 'ok', feed: { status: 'ok' } })
  t.ok(ready.headers['x-request-id'], 'every response carries a request id')
  const echoed = await app.inject({ url: '/health/live', headers: { 'x-request-id': 'partner-123' } })
  t.equal(echoed.headers['x-request-id'], 'partner-123', "the caller's request id is kept")
  const junk = await app.inject({ url: '/health/live', headers: { 'x-request-id': 'bad id with spaces' } })
  t.not(junk.headers['x-request-id'], 'bad id with spaces')
})

t.test('ready answers 503 within 2 s, naming Redis, when Redis refuses', async (t) => {
  const { app } = await testContext(t, { REDIS_URL: 'redis://127.0.0.1:1' })
  const started = Date.now()
  const ready = await app.inject('/health/ready')
  t.ok(Date.now() - started < 2000, `answered in ${Date.now() - started} ms`)
  t.equal(ready.statusCode, 503)
  t.match(ready.json(), { status: 'down', postgres: 'ok', redis: 'down' })
})

t.test('ready answers 503 naming PostgreSQL when it is unreachable', async (t) => {
  const { app } = await testContext(t)
  await app.pool.end()
  const ready = await app.inject('/health/ready')
  t.equal(ready.statusCode, 503)
  t.match(ready.json(), { postgres: 'down', redis: 'ok' })
  // onClose would end the pool a second time.
  app.pool.end = async () => {}
})

t.test('metrics are served for Prometheus', async (t) => {
  const token = 'p'.repeat(40)
  const { app } = await testContext(t, { METRICS_TOKEN: token })
  await app.inject('/health/live')
  const metrics = await app.inject({ url: '/metrics', headers: { authorization: `Bearer ${token}` } })
  t.equal(metrics.statusCode, 200)
  t.match(metrics.body, /http_request_duration_seconds_count\{[^}]*route="\/health\/live"/)
})

t.test('a long transaction in another database holds the feed back: measured, and readiness is degraded', async (t) => {
  const token = 'p'.repeat(40)
  const ctx = await testContext(t, { METRICS_TOKEN: token, FEED_LAG_DEGRADED_S: 1 })
  const { app } = ctx
  const hospital = await ctx.party('hospital')
  await ctx.party('programme')
  const elsewhere = new pg.Client({ connectionString: `${PG_BASE}/postgres` })
  await elsewhere.connect()
  t.teardown(() => elsewhere.end())
  await elsewhere.query('BEGIN')
  await elsewhere.query('SELECT pg_current_xact_id()') // holds an id, as any writing transaction does
  t.equal((await ctx.send(hospital, 'POST', '/referrals', referralBody())).statusCode, 201)
  await new Promise((resolve) => setTimeout(resolve, 1500))
  const ready = await app.inject('/health/ready')
  t.equal(ready.statusCode, 200, 'degraded, not down')
  t.match(ready.json(), { status: 'degraded', postgres: 'ok', redis: 'ok', feed: { status: 'lagging' } })
  t.ok(ready.json().feed.lagSeconds >= 1, `lag ${ready.json().feed.lagSeconds} s`)
  t.ok(ready.json().feed.holdingSeconds >= ready.json().feed.lagSeconds, 'held back by that transaction')
  const metrics = await app.inject({ url: '/metrics', headers: { authorization: `Bearer ${token}` } })
  const gauge = (name: string) => Number(new RegExp(`^${name} ([0-9.e+-]+)$`, 'm').exec(metrics.body)?.[1])
  t.ok(gauge('opkomst_feed_lag_seconds') >= 1, 'the lag is a metric')
  t.ok(gauge('opkomst_feed_holding_seconds') >= 1, 'and the age of what holds it back')

  await elsewhere.query('COMMIT')
  // Other test files share this PostgreSQL cluster, and their transactions count too: allow for one.
  const started = Date.now()
  let after = await app.inject('/health/ready')
  while (after.json().status !== 'ok' && Date.now() - started < 15_000) {
    await new Promise((resolve) => setTimeout(resolve, 200))
    after = await app.inject('/health/ready')
  }
  t.match(after.json(), { status: 'ok', feed: { status: 'ok' } }, 'ok again once it ends')
})

t.test('readiness is degraded while Redis refuses writes at its memory limit', async (t) => {
  const redis = await startPrivateRedis(t, ['--maxmemory-policy', 'noeviction'])
  const { app } = await testContext(t, { REDIS_URL: redis.url })
  // Its limit set just under what it holds: every write is refused, as when it has filled up.
  const used = Number(/used_memory:(\d+)/.exec(await app.redis.info('memory'))?.[1])
  await app.redis.config('SET', 'maxmemory', String(used - 64 * 1024))
  await t.rejects(app.redis.set('probe', 'x'), /^OOM/, 'Redis refuses writes')
  const ready = await app.inject('/health/ready')
  t.equal(ready.statusCode, 200)
  t.match(ready.json(), { status: 'degraded', postgres: 'ok', redis: 'full' })
})
