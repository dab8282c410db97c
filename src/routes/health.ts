import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'

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

const Check = Type.Object({
  status: Type.Enum(['ok', 'down'], { description: 'Whether the service is usable.' }),
  postgres: Type.Enum(['ok', 'down'], { description: 'PostgreSQL answered a query.' }),
  redis: Type.Enum(['ok', 'down'], { description: 'Redis answered a PING.' })
})

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
        response: { 200: Type.Object({ status: Type.Literal('ok', { description: 'Always `ok`.' }) }) }
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
        description: 'PostgreSQL and Redis both answer within 1.5 s; otherwise 503 naming the one that is down.',
        response: { 200: Check, 503: Check }
      }
    },
    async (_request, reply) => {
      const [postgres, redis] = await Promise.all([
        within(READY_TIMEOUT_MS, app.pool.query('SELECT 1')).then(
          () => 'ok' as const,
          () => 'down' as const
        ),
        within(READY_TIMEOUT_MS, app.redis.ping()).then(
          () => 'ok' as const,
          () => 'down' as const
        )
      ])
      const status = postgres === 'ok' && redis === 'ok' ? ('ok' as const) : ('down' as const)
      return reply.code(status === 'ok' ? 200 : 503).send({ status, postgres, redis })
    }
  )
}

export default health
