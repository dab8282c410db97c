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

t.test('queue depth and delivery outcomes are in /metrics', async (t) => {
  const metrics = await app.inject('/metrics')
  t.match(metrics.body, /opkomst_queue_jobs\{queue="webhook-deliveries",state="waiting"\} \d+/)
  t.match(metrics.body, /# HELP opkomst_webhook_deliveries /)
})
