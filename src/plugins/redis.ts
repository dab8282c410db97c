import fp from 'fastify-plugin'
import { Redis } from 'ioredis'

declare module 'fastify' {
  interface FastifyInstance {
    redis: Redis
  }
}

/** The API's Redis connection fails fast: a request must never hang on a Redis that is away. */
export default fp(
  async (app, opts: { url: string }) => {
    const redis = new Redis(opts.url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: false })
    let down = false
    redis.on('error', (err) => {
      if (!down) app.log.warn({ err: { message: err.message } }, 'Redis unreachable; retrying')
      down = true
    })
    redis.on('ready', () => {
      down = false
    })
    // Give a local Redis a moment to connect, but never block boot on one that is away.
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 2000)
      redis.once('ready', () => {
        clearTimeout(timer)
        resolve()
      })
    })
    app.decorate('redis', redis)
    app.addHook('onClose', async () => {
      redis.disconnect()
    })
  },
  { name: 'redis' }
)
