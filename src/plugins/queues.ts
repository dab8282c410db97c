import fp from 'fastify-plugin'
import { Queue } from 'bullmq'
import { createBullBoard } from '@bull-board/api'
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter'
import { FastifyAdapter } from '@bull-board/fastify'
import { sql } from 'drizzle-orm'
import { ALL_QUEUES, JOB_RETENTION, WEBHOOK_QUEUE, type WebhookJob } from '../jobs/queues.ts'

declare module 'fastify' {
  interface FastifyInstance {
    queues: { webhooks: Queue<WebhookJob>, all: Queue[] }
  }
}

/**
 * The API's handles on the queues (on its fail-fast Redis connection): redeliveries are enqueued
 * from here, Bull Board shows them to the operator at /admin/queues, and /metrics reports depths.
 */
export default fp(async (app, opts: { prefix: string }) => {
  const all = ALL_QUEUES.map((name) => new Queue(name, { connection: app.redis, prefix: opts.prefix, defaultJobOptions: JOB_RETENTION }))
  for (const q of all) q.on('error', () => {}) // Redis being away is reported by /health/ready
  app.decorate('queues', { webhooks: all.find((q) => q.name === WEBHOOK_QUEUE) as Queue<WebhookJob>, all })

  const board = new FastifyAdapter()
  createBullBoard({ queues: all.map((q) => new BullMQAdapter(q, { readOnlyMode: false })), serverAdapter: board })
  board.setBasePath('/admin/queues')
  await app.register(async (scoped) => {
    scoped.addHook('onRequest', app.requireScope(['admin']))
    await scoped.register(board.registerPlugin() as never)
  }, { prefix: '/admin/queues' })

  const client = app.metrics.client
  new client.Gauge({
    name: 'opkomst_queue_jobs',
    help: 'Jobs per queue and state.',
    labelNames: ['queue', 'state'],
    async collect () {
      this.reset()
      for (const q of all) {
        const counts = await q.getJobCounts('waiting', 'active', 'delayed', 'failed').catch(() => null)
        for (const [state, n] of Object.entries(counts ?? {})) this.set({ queue: q.name, state }, n)
      }
    }
  })
  new client.Gauge({
    name: 'opkomst_webhook_deliveries',
    help: 'Webhook deliveries by outcome.',
    labelNames: ['state'],
    async collect () {
      this.reset()
      const { rows } = await app.db.execute<{ state: string, n: number }>(sql`SELECT state, count(*)::int AS n FROM webhook_deliveries GROUP BY state`).catch(() => ({ rows: [] }))
      for (const r of rows) this.set({ state: r.state }, r.n)
    }
  })
  app.addHook('onClose', async () => { await Promise.all(all.map((q) => q.close())) })
}, { name: 'queues', dependencies: ['redis', 'auth', 'metrics', 'db'] })
