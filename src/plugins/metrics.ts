import fp from 'fastify-plugin'
import metricsPlugin from 'fastify-metrics'
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { ProblemError } from '../core/problems.ts'
import { sameKey } from '../domain/api-keys.ts'

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
  },
  { name: 'metrics' }
)
