import fp from 'fastify-plugin'
import metricsPlugin from 'fastify-metrics'
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { ProblemError } from '../core/problems.ts'
import { sameKey } from '../domain/api-keys.ts'
import { feedLag, type FeedLag } from '../db/queries/events.ts'

// fastify-metrics' types name an older Fastify instance shape; the runtime plugin is the same.
const metrics = metricsPlugin as unknown as FastifyPluginAsync<Record<string, unknown>>

/**
 * Prometheus metrics at /metrics: request count and latency by route, plus Node's own. They say
 * how the service is used, so they are served only to a scraper holding `METRICS_TOKEN`; without
 * one configured, the route answers 404 like any unknown one.
 */
export default fp(
  async (app, opts: { token: string | undefined }) => {
    const guard = async (request: FastifyRequest, _reply: FastifyReply) => {
      if (opts.token === undefined) throw new ProblemError('not-found', `No route ${request.method} /metrics`)
      const sent = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1]
      if (sent === undefined || !sameKey(sent, opts.token))
        throw new ProblemError('unauthorized', 'Send the metrics token')
    }
    await app.register(metrics, {
      endpoint: {
        url: '/metrics',
        method: 'GET',
        schema: { hide: true },
        onRequest: guard,
        config: { rateLimit: false }
      },
      clearRegisterOnInit: true,
      // The histogram only: a summary computes quantiles on every request, and Prometheus aggregates histograms.
      routeMetrics: {
        enabled: { histogram: true, summary: false },
        registeredRoutesOnly: true,
        groupStatusCodes: false
      }
    })
    // How far the change feed lags, and the age of the transaction holding it back (README: operations).
    let lag: Promise<FeedLag | null> | null = null
    const lagOnce = () => {
      lag ??= feedLag(app.db)
        .catch(() => null)
        .finally(() => setImmediate(() => (lag = null)))
      return lag
    }
    new app.metrics.client.Gauge({
      name: 'opkomst_feed_lag_seconds',
      help: 'Age of the oldest committed event the change feed cannot show yet.',
      async collect() {
        const now = await lagOnce()
        if (now !== null) this.set(now.lagSeconds)
      }
    })
    new app.metrics.client.Gauge({
      name: 'opkomst_feed_holding_seconds',
      help: 'Age of the oldest transaction on the PostgreSQL cluster, which holds the change feed back.',
      async collect() {
        const now = await lagOnce()
        if (now !== null) this.set(now.holdingSeconds)
      }
    })
  },
  { name: 'metrics', dependencies: ['db'] }
)
