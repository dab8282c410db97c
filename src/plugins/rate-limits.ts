import fp from 'fastify-plugin'
import rateLimit from '@fastify/rate-limit'
import type { FastifyRequest } from 'fastify'
import { ProblemError } from '../core/problems.ts'
import { isRateLimited } from '../core/rate-limited.ts'

const WINDOW_MS = 60_000

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A bucket of the route's own, tighter than the client's: requests a minute (`RATE_LIMIT_SENSITIVE`). */
    sensitive?: boolean
  }
}

/**
 * Rate limits with @fastify/rate-limit, counted in Redis so that every API process shares them: per
 * client key (known keys are looked up through the auth cache, misses included, so a flood of bad
 * keys costs no queries), per IP address for requests without a known key, and a tighter bucket per
 * client for routes marked `sensitive`. If Redis does not answer, requests pass (`/health/ready`
 * reports Redis). 429 is a problem with `Retry-After` and the RateLimit headers of the IETF draft.
 */
export default fp(
  async (app) => {
    const { config } = app
    if (config.RATE_LIMITS === 'off') return
    // `callerKey` comes from the auth plugin, registered after this one so that its check runs after the limit.
    const bucket = async (request: FastifyRequest) => {
      const caller = await app.callerKey(request)
      return caller === null ? `ip:${request.ip}` : `client:${caller}`
    }
    // Before the plugin's own onRoute hook, which reads each route's `rateLimit`.
    app.addHook('onRoute', (route) => {
      if (route.config?.sensitive === true) {
        route.config.rateLimit = { max: config.RATE_LIMIT_SENSITIVE, timeWindow: WINDOW_MS, keyGenerator: bucket }
      }
      if (!isRateLimited(route.url)) route.config = { ...route.config, rateLimit: false }
    })
    await app.register(rateLimit, {
      global: true,
      hook: 'onRequest',
      redis: app.redis,
      nameSpace: `${config.REDIS_PREFIX}:rate-limit:`,
      skipOnError: true,
      enableDraftSpec: true,
      timeWindow: WINDOW_MS,
      keyGenerator: bucket,
      max: async (_request, key) =>
        key.startsWith('client:') ? config.RATE_LIMIT_PER_CLIENT : config.RATE_LIMIT_UNAUTHENTICATED,
      errorResponseBuilder: (_request, context) =>
        new ProblemError('too-many-requests', `At most ${context.max} requests a minute; retry after ${context.after}`)
    })
    // The policy the draft's RateLimit headers refer to: the limit and its window, in seconds.
    app.addHook('onSend', async (_request, reply, payload) => {
      const limit = reply.getHeader('ratelimit-limit')
      if (limit !== undefined) reply.header('ratelimit-policy', `${limit};w=${WINDOW_MS / 1000}`)
      return payload
    })
  },
  { name: 'rate-limits', dependencies: ['redis'] }
)
