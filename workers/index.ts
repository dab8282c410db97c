import { Queue, Worker, type Job } from 'bullmq'
import { Redis } from 'ioredis'
import type { Logger } from 'pino'
import type { Config } from '../src/config.ts'
import { createDb } from '../src/db/client.ts'
import { IdentifierCipher } from '../src/crypto/identifier-cipher.ts'
import { loadIdentifierKeys } from '../src/crypto/keys.ts'
import { parseSchedule } from '../src/domain/deadlines.ts'
import { timerSpans } from '../src/domain/timers.ts'
import { allowedHosts } from '../src/services/webhook-target.ts'
import {
  EMAIL_QUEUE, retentionOf, MAINTENANCE_QUEUE, TIMER_QUEUE, WEBHOOK_QUEUE,
  type EmailJob, type MaintenanceJob, type TimerJob, type WebhookJob
} from '../src/core/queues.ts'
import { processMaintenance } from './maintenance.ts'
import { deliverWebhook, type DeliveryDeps } from './webhook-delivery.ts'
import { startRelay } from './relay.ts'
import { fireTimer, type TimerDeps } from './timers.ts'
import { createTransport, sendNotice } from './email.ts'
import { reconcile } from './reconcile.ts'
import { safeError } from '../src/logging.ts'

export class RedisPolicyError extends Error {
  override name = 'RedisPolicyError'
}

/** BullMQ loses jobs when Redis evicts keys: refuse to run on any other policy. */
export async function assertNoEviction (redis: Redis): Promise<void> {
  const [, policy] = await redis.config('GET', 'maxmemory-policy') as [string, string]
  if (policy !== 'noeviction') {
    throw new RedisPolicyError(`Redis maxmemory-policy is "${policy}"; the workers need "noeviction" (redis-server --maxmemory-policy noeviction)`)
  }
}

export interface Workers { close: () => Promise<void> }

export async function startWorkers (config: Config, logger: Logger): Promise<Workers> {
  // Workers wait for Redis rather than fail a command (BullMQ's production advice)...
  const connection = new Redis(config.REDIS_URL, { maxRetriesPerRequest: null })
  connection.on('error', (err) => logger.warn({ err: { message: err.message } }, 'worker Redis connection error'))
  try {
    await assertNoEviction(connection)
  } catch (err) {
    connection.disconnect()
    throw err
  }
  // ...but the relay fails fast, so that its PostgreSQL transaction never waits on an absent Redis.
  const producer = new Redis(config.REDIS_URL, { enableOfflineQueue: false, maxRetriesPerRequest: 1 })
  producer.on('error', () => {})
  const { pool, db } = createDb(config.DATABASE_URL, config.DATABASE_POOL_SIZE, (err) => logger.warn({ err }, 'idle PostgreSQL client lost'))
  const identifiers = new IdentifierCipher(loadIdentifierKeys(config, (m) => logger.warn(m)))
  const prefix = config.REDIS_PREFIX
  const queue = <T>(name: string, conn: Redis) => new Queue<T>(name, { connection: conn, prefix, defaultJobOptions: retentionOf(name) })

  const webhooks = queue<WebhookJob>(WEBHOOK_QUEUE, connection)
  const timersQueue = queue<TimerJob>(TIMER_QUEUE, connection)
  const maintenance = queue<MaintenanceJob>(MAINTENANCE_QUEUE, connection)
  const email = config.SMTP_URL === undefined ? null : queue<EmailJob>(EMAIL_QUEUE, connection)
  const relayQueues = {
    webhooks: queue<WebhookJob>(WEBHOOK_QUEUE, producer),
    timers: queue<TimerJob>(TIMER_QUEUE, producer),
    email: config.SMTP_URL === undefined ? null : queue<EmailJob>(EMAIL_QUEUE, producer)
  }
  if (email === null) logger.info('SMTP_URL is not set: e-mail notices are off')

  const schedule = parseSchedule(config.WEBHOOK_RETRY_SCHEDULE) as number[]
  const spans = timerSpans(config)
  // Redis holds the deadlines of the next hours only: bounded memory, and a reconcile that stays cheap.
  const timerDeps: TimerDeps = { db, timers: timersQueue, spans, horizonMs: Math.max(6 * 3600_000, 2 * config.RECONCILE_INTERVAL_MS) }
  const deliveryDeps: DeliveryDeps = {
    db, identifiers, webhooks, email, schedule, timeoutMs: config.WEBHOOK_TIMEOUT_MS, leaseMs: config.WEBHOOK_LEASE_MS, allowedHosts: allowedHosts(config.WEBHOOK_ALLOWED_HOSTS)
  }
  const transport = config.SMTP_URL === undefined ? null : createTransport(config.SMTP_URL)

  await maintenance.upsertJobScheduler('purge-idempotency-keys', { every: 3600_000 }, { name: 'purge-idempotency-keys', data: { task: 'purge-idempotency-keys' } })
  // A Redis that lost its data loses no deadline and no delivery: rebuild from PostgreSQL now, and
  // every so often on a plain timer (a repeatable job would be lost with the data it should repair).
  // In the background: the relay and the workers start at once.
  reconcile({ db, webhooks, timerDeps }).then(
    (rebuilt) => logger.info(rebuilt, 'reconciled jobs from PostgreSQL'),
    (err: Error) => logger.warn({ err: safeError(err) }, 'reconcile postponed'))
  const reconciling = setInterval(() => {
    reconcile({ db, webhooks, timerDeps }).catch((err: Error) => logger.warn({ err: safeError(err) }, 'reconcile postponed'))
  }, config.RECONCILE_INTERVAL_MS)

  const lock = { lockDuration: config.WORKER_LOCK_MS, stalledInterval: config.WORKER_LOCK_MS }
  const workers: Worker[] = [
    new Worker<MaintenanceJob>(MAINTENANCE_QUEUE, async (job: Job<MaintenanceJob>) => processMaintenance(db, job.data), { connection, prefix, ...lock }),
    new Worker<WebhookJob>(WEBHOOK_QUEUE, async (job: Job<WebhookJob>) => deliverWebhook(deliveryDeps, job.data.deliveryId), { connection, prefix, concurrency: config.WEBHOOK_CONCURRENCY, ...lock }),
    new Worker<TimerJob>(TIMER_QUEUE, async (job: Job<TimerJob>) => fireTimer(timerDeps, job.data), { connection, prefix, concurrency: 5, ...lock })
  ]
  if (email !== null && transport !== null) {
    workers.push(new Worker<EmailJob>(EMAIL_QUEUE, async (job: Job<EmailJob>) => sendNotice({ db, transport, from: config.SMTP_FROM, baseUrl: config.PUBLIC_BASE_URL }, job.data), {
      connection, prefix, concurrency: 2, ...lock
    }))
  }
  for (const worker of workers) {
    worker.on('error', (err) => logger.error({ err: safeError(err) }, `worker ${worker.name} error`))
    worker.on('failed', (job, err) => logger.warn({ jobId: job?.id, err: safeError(err) }, `job failed in ${worker.name}`))
  }
  const relay = startRelay({ db, ...relayQueues, timerDeps: { ...timerDeps, timers: relayQueues.timers }, firstDelayMs: schedule[0] ?? 0 }, config.DATABASE_URL, config.RELAY_INTERVAL_MS, logger)
  logger.info({ queues: workers.map((w) => w.name) }, 'workers started')

  return {
    close: async () => {
      // The relay and workers first (they finish their current job), then queues, Redis, the pool.
      clearInterval(reconciling)
      await relay.close()
      await Promise.all(workers.map((w) => w.close()))
      await Promise.all([webhooks, timersQueue, maintenance, email, ...Object.values(relayQueues)].map((q) => q?.close()))
      transport?.close()
      connection.disconnect()
      producer.disconnect()
      await pool.end()
    }
  }
}
