import t from 'tap'
import { testContext } from '../helpers/context.ts'

t.test('live and ready with PostgreSQL and Redis up', async (t) => {
  const { app } = await testContext(t)
  t.same((await app.inject('/health/live')).json(), { status: 'ok' })
  const ready = await app.inject('/health/ready')
  t.equal(ready.statusCode, 200)
  t.same(ready.json(), { status: 'ok', postgres: 'ok', redis: 'ok' })
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
  t.same(ready.json(), { status: 'down', postgres: 'ok', redis: 'down' })
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
