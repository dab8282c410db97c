import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest
} from 'fastify'
import { randomUUID } from 'node:crypto'
import type { DestinationStream, Logger } from 'pino'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { boundedValidatorCompiler, boundJsonDepth } from './plugins/input-bounds.ts'
import type { Config } from './config.ts'
import type { ServiceDeps } from './services/deps.ts'
import { createLogger, requestLineLogger } from './logging.ts'
import { IdentifierCipher } from './crypto/identifier-cipher.ts'
import { loadIdentifierKeys } from './crypto/keys.ts'
import errors from './plugins/errors.ts'
import contractCheck from './plugins/contract-check.ts'
import db from './plugins/db.ts'
import redis from './plugins/redis.ts'
import swagger from './plugins/swagger.ts'
import securityHeaders from './plugins/security-headers.ts'
import metrics from './plugins/metrics.ts'
import auth from './plugins/auth.ts'
import accessDeclarations from './plugins/access-declarations.ts'
import health from './routes/health.ts'
import admin from './routes/admin/organisations.ts'
import erasure from './routes/admin/erasure.ts'
import idempotency from './plugins/idempotency.ts'
import rateLimits from './plugins/rate-limits.ts'
import referrals from './routes/referrals/index.ts'
import groupSessions from './routes/group-sessions.ts'
import assessments from './routes/referrals/assessments.ts'
import consent from './routes/referrals/consent.ts'
import impactReport from './routes/reports/impact-report.ts'
import queues from './plugins/queues.ts'
import events from './routes/events.ts'
import webhooks from './routes/webhooks/index.ts'
import handoffs from './routes/handoffs/index.ts'
import workers from './routes/workers.ts'
import directory from './routes/directory.ts'
import fhir from './routes/fhir.ts'

export interface AppOptions {
  /** Tests pass a stream to read what was logged. */
  logStream?: DestinationStream
  logger?: Logger
  /** The contract `CONTRACT_CHECK` holds answers to, when not the committed one (a test changes it). */
  contract?: Record<string, unknown>
}

/** A caller's request id is kept when it is a UUID or a plain token: nothing else reaches logs or the access log. */
const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/

declare module 'fastify' {
  interface FastifyInstance {
    config: Config
    identifiers: IdentifierCipher
    /** What the services work with, built once here. */
    deps: ServiceDeps
    /** True once the process has begun to close (SIGTERM): long polls answer at once. */
    isClosing: () => boolean
  }
}

/** One log line per request, when it is answered (see `requestLineLogger`). */
class OneLinePerRequest extends LogController {
  constructor(private readonly lines: Logger) {
    super()
  }
  override incomingRequest(): void {}
  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    // The route's pattern, not the URL a caller typed: that may hold anything, personal data too.
    const req = { method: request.method, url: request.routeOptions.url ?? '(no route)', remoteAddress: request.ip }
    const res = { statusCode: reply.statusCode }
    if (error) reply.log.error({ req, res, err: error, responseTime: reply.elapsedTime }, 'request errored')
    else this.lines.info({ reqId: request.id, req, res, responseTime: reply.elapsedTime }, 'request completed')
  }
}

export async function buildApp(config: Config, options: AppOptions = {}): Promise<FastifyInstance> {
  const logger = options.logger ?? createLogger(config.LOG_LEVEL, options.logStream)
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    bodyLimit: config.BODY_LIMIT,
    requestTimeout: config.REQUEST_TIMEOUT_MS,
    connectionTimeout: config.CONNECTION_TIMEOUT_MS,
    requestIdHeader: false,
    logController: new OneLinePerRequest(requestLineLogger(logger)),
    // A caller's request id is kept when it is a sane token, so logs on both sides line up.
    genReqId: (req) => {
      const given = req.headers['x-request-id']
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID()
    },
    ajv: { customOptions: { removeAdditional: false } },
    routerOptions: { ignoreTrailingSlash: true }
  }).withTypeProvider<TypeBoxTypeProvider>()
  app.setValidatorCompiler(boundedValidatorCompiler)
  // JSON only: anything else is 415, not a string handed to a schema.
  app.removeContentTypeParser('text/plain')
  app.removeContentTypeParser('application/json')
  boundJsonDepth(app)

  app.decorate('config', config)
  app.decorate('identifiers', new IdentifierCipher(loadIdentifierKeys(config, (msg) => app.log.warn(msg))))

  // Draining: what is answered once closing has begun ends its connection, or keep-alive would hold
  // the close open; long polls ask `isClosing` and answer at once.
  let closing = false
  app.decorate('isClosing', () => closing)
  app.addHook('preClose', async () => {
    closing = true
  })
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id)
    if (closing) reply.header('connection', 'close')
  })

  await app.register(errors)
  await app.register(contractCheck, options.contract === undefined ? {} : { contract: options.contract })
  await app.register(accessDeclarations)
  await app.register(db, {
    url: config.DATABASE_URL,
    poolSize: config.DATABASE_POOL_SIZE,
    waits: {
      connectMs: config.DATABASE_CONNECT_TIMEOUT_MS,
      statementMs: config.API_STATEMENT_TIMEOUT_MS,
      lockMs: config.API_LOCK_TIMEOUT_MS,
      answered: true
    }
  })
  await app.register(redis, { url: config.REDIS_URL })
  await app.register(swagger)
  await app.register(securityHeaders)
  await app.register(metrics, { token: config.METRICS_TOKEN })
  // Before auth: its limiter must count a request before the key is checked (see the auth plugin's onRoute).
  await app.register(rateLimits)
  await app.register(auth, {
    adminApiKey: config.ADMIN_API_KEY,
    databaseUrl: config.DATABASE_URL,
    cacheMs: config.AUTH_CACHE_MS
  })
  await app.register(idempotency, { waitMs: config.IDEMPOTENCY_WAIT_MS })
  await app.register(queues, { prefix: config.REDIS_PREFIX })
  app.decorate('deps', {
    db: app.db,
    identifiers: app.identifiers,
    config,
    programmes: app.programmes,
    webhooks: app.queues.webhooks,
    warn: (fields, message) => app.log.warn(fields, message)
  })

  await app.register(health)
  await app.register(admin)
  await app.register(erasure)
  await app.register(referrals)
  await app.register(assessments)
  await app.register(groupSessions)
  await app.register(consent)
  await app.register(impactReport)
  await app.register(events)
  await app.register(webhooks)
  await app.register(handoffs)
  await app.register(workers)
  await app.register(directory)
  await app.register(fhir, { prefix: '/fhir' })
  return app
}
