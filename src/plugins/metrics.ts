import fp from 'fastify-plugin'
import metricsPlugin from 'fastify-metrics'
import type { FastifyPluginAsync } from 'fastify'

// fastify-metrics' types name an older Fastify instance shape; the runtime plugin is the same.
const metrics = metricsPlugin as unknown as FastifyPluginAsync<Record<string, unknown>>

/** Prometheus metrics at /metrics: request count and latency by route, plus Node's own. */
export default fp(
  async (app) => {
    await app.register(metrics, {
      endpoint: { url: '/metrics', method: 'GET', schema: { hide: true } },
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
