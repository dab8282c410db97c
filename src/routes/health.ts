import { answer } from '../schemas/common.ts'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { FastifyInstance } from 'fastify'
import { feedLag } from '../db/queries/events.ts'

const READY_TIMEOUT_MS = 1500

function within<T>(ms: number, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout
  return Promise.race([
    promise,
    new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error('timeout')), ms)
    })
  ]).finally(() => clearTimeout(timer))
}

const Check = Type.Object(
  {
    status: Type.Enum(['ok', 'degraded', 'down'], {
      description: '`down`: not usable (503); `degraded`: usable, but events reach partners late (see `redis`, `feed`).'
    }),
    postgres: Type.Enum(['ok', 'down'], { description: 'PostgreSQL answered a query.' }),
    redis: Type.Enum(['ok', 'full', 'down'], {
      description: '`full`: Redis refuses writes at its memory limit, so no delivery, e-mail or timer can be queued.'
    }),
    feed: Type.Object(
      {
        status: Type.Enum(['ok', 'lagging', 'unknown']),
        lagSeconds: Type.Number({ description: 'Age of the oldest committed event the change feed cannot show yet.' }),
        holdingSeconds: Type.Number({
          description: 'Age of the oldest transaction on the PostgreSQL cluster, which holds the feed back.'
        })
      },
      { description: '`lagging` beyond FEED_LAG_DEGRADED_S.' }
    )
  },
  {
    title: 'Readiness',
    examples: [{ status: 'ok', postgres: 'ok', redis: 'ok', feed: { status: 'ok', lagSeconds: 0, holdingSeconds: 0 } }]
  }
)

/** Redis answers, and takes a write (at its memory limit with `noeviction` it refuses them). */
async function redisState(app: FastifyInstance): Promise<'ok' | 'full' | 'down'> {
  try {
    await within(READY_TIMEOUT_MS, app.redis.set(`${app.config.REDIS_PREFIX}:health`, '1', 'PX', 10_000))
    return 'ok'
  } catch (err) {
    return /^OOM/.test((err as Error).message) ? 'full' : 'down'
  }
}

const health: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/health/live',
    {
      config: { accessLog: false },
      schema: {
        tags: ['health'],
        operationId: 'getLiveness',
        summary: 'Liveness',
        description: 'The process runs.',
        response: {
          200: answer(
            'The process runs.',
            Type.Object(
              { status: Type.Literal('ok', { description: 'Always `ok`.' }) },
              { examples: [{ status: 'ok' }] }
            )
          )
        }
      }
    },
    async () => ({ status: 'ok' as const })
  )

  app.get(
    '/health/ready',
    {
      config: { accessLog: false },
      schema: {
        tags: ['health'],
        operationId: 'getReadiness',
        summary: 'Readiness',
        description:
          'PostgreSQL and Redis both answer within 1.5 s; otherwise 503 naming the one that is down. 200 with `degraded` when Redis refuses writes or the change feed lags.',
        response: {
          200: answer('Ready, perhaps degraded.', Check),
          503: answer('Not ready: PostgreSQL or Redis is down.', Check)
        }
      }
    },
    async (_request, reply) => {
      const [lag, redis] = await Promise.all([
        within(READY_TIMEOUT_MS, feedLag(app.db)).catch(() => null),
        redisState(app)
      ])
      const postgres = lag === null ? ('down' as const) : ('ok' as const)
      const feed =
        lag === null
          ? { status: 'unknown' as const, lagSeconds: 0, holdingSeconds: 0 }
          : { status: lag.lagSeconds > app.config.FEED_LAG_DEGRADED_S ? ('lagging' as const) : ('ok' as const), ...lag }
      const status =
        postgres === 'down' || redis === 'down'
          ? ('down' as const)
          : redis === 'full' || feed.status === 'lagging'
            ? ('degraded' as const)
            : ('ok' as const)
      return reply.code(status === 'down' ? 503 : 200).send({ status, postgres, redis, feed })
    }
  )
}

export default health
