import t from 'tap'
import { testContext } from '../helpers/context.ts'

const ctx = await testContext(t)
const { app } = ctx

t.test('Bull Board at /admin/queues is for the operator only', async (t) => {
  t.equal((await app.inject('/admin/queues')).statusCode, 401)
  const hospital = await ctx.party('hospital')
  t.equal((await app.inject({ url: '/admin/queues', headers: hospital.headers })).statusCode, 403)
  const board = await app.inject({ url: '/admin/queues', headers: ctx.admin })
  t.equal(board.statusCode, 200)
  t.match(board.body, /<html/i)
  const api = await app.inject({ url: '/admin/queues/api/queues', headers: ctx.admin })
  t.equal(api.statusCode, 200)
  t.match(api.body, /webhook-deliveries/)
})

t.test('queue depth and pending deliveries are in /metrics, for the holder of the metrics token only', async (t) => {
  const token = 'm'.repeat(40)
  const withToken = await testContext(t, { METRICS_TOKEN: token })
  t.equal((await withToken.app.inject('/metrics')).statusCode, 401, 'not without the token')
  t.equal((await withToken.app.inject({ url: '/metrics', headers: { authorization: 'Bearer wrong' } })).statusCode, 401)
  const metrics = await withToken.app.inject({ url: '/metrics', headers: { authorization: `Bearer ${token}` } })
  t.equal(metrics.statusCode, 200)
  t.match(metrics.body, /opkomst_queue_jobs\{queue="webhook-deliveries",state="waiting"\} \d+/)
  t.match(metrics.body, /opkomst_webhook_deliveries_pending \d+/)
  t.equal((await app.inject('/metrics')).statusCode, 404, 'no token configured: not served at all')
})
