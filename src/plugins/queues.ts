import fp from 'fastify-plugin'
import { Queue } from 'bullmq'
import { createBullBoard } from '@bull-board/api'
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter'
import { FastifyAdapter } from '@bull-board/fastify'
import { sql } from 'drizzle-orm'
import { ALL_QUEUES, retentionOf, WEBHOOK_QUEUE, type WebhookJob } from '../core/queues.ts'
import { ProblemError } from '../core/problems.ts'
import { PROBLEM_CONTENT_TYPE, problemBody } from './errors.ts'

declare module 'fastify' {
  interface FastifyInstance {
    queues: { webhooks: Queue<WebhookJob>; all: Queue[] }
  }
}

/**
 * The API's handles on the queues (on its fail-fast Redis connection): redeliveries are enqueued
 * from here, Bull Board shows them to the operator at /admin/queues, and /metrics reports depths.
 */
export default fp(
  async (app, opts: { prefix: string }) => {
    const all = ALL_QUEUES.map(
      (name) => new Queue(name, { connection: app.redis, prefix: opts.prefix, defaultJobOptions: retentionOf(name) })
    )
    for (const q of all) q.on('error', () => {}) // Redis being away is reported by /health/ready
    app.decorate('queues', { webhooks: all.find((q) => q.name === WEBHOOK_QUEUE) as Queue<WebhookJob>, all })

    const board = new FastifyAdapter()
    createBullBoard({ queues: all.map((q) => new BullMQAdapter(q, { readOnlyMode: false })), serverAdapter: board })
    board.setBasePath('/admin/queues')
    const operatorOnly = app.requireScope(['admin'])
    await app.register(
      async (scoped) => {
        // Bull Board brings its own error handler, so refusals are answered here, as problems.
        scoped.addHook('onRequest', async (request, reply) => {
          try {
            await operatorOnly(request)
          } catch (err) {
            if (!(err instanceof ProblemError)) throw err
            return reply.code(err.status).type(PROBLEM_CONTENT_TYPE).send(problemBody(err, request))
          }
        })
        await scoped.register(board.registerPlugin() as never)
      },
      { prefix: '/admin/queues' }
    )

    const client = app.metrics.client
    new client.Gauge({
      name: 'opkomst_queue_jobs',
      help: 'Jobs per queue and state.',
      labelNames: ['queue', 'state'],
      async collect() {
        this.reset()
        for (const q of all) {
          const counts = await q.getJobCounts('waiting', 'active', 'delayed', 'failed').catch(() => null)
          for (const [state, n] of Object.entries(counts ?? {})) this.set({ queue: q.name, state }, n)
        }
      }
    })
    // Pending deliveries only, which a partial index holds: the delivered and failed ones are the
    // delivery log, and counting them would scan it on every scrape.
    new client.Gauge({
      name: 'opkomst_webhook_deliveries_pending',
      help: 'Webhook deliveries waiting for an attempt.',
      async collect() {
        const { rows } = await app.db
          .execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM webhook_deliveries WHERE state = 'pending'`)
          .catch(() => ({ rows: [] }))
        if (rows[0] !== undefined) this.set(rows[0].n)
      }
    })
    app.addHook('onClose', async () => {
      await Promise.all(all.map((q) => q.close()))
    })
  },
  { name: 'queues', dependencies: ['redis', 'auth', 'metrics', 'db'] }
)
