import { Redis } from 'ioredis'
import type { Logger } from 'pino'
import type { Config } from '../src/config.ts'
import { IdentifierCipher } from '../src/crypto/identifier-cipher.ts'
import { loadIdentifierKeys } from '../src/crypto/keys.ts'
import { createDb } from '../src/db/client.ts'
import { safeError } from '../src/logging.ts'
import { workerContext } from './context.ts'
import { startEmail } from './email.ts'
import { startMaintenance } from './maintenance.ts'
import { startReconciler } from './reconcile.ts'
import { startRelay } from './relay.ts'
import { startTimers } from './timers.ts'
import { startDeliveries } from './webhook-delivery.ts'

export class RedisPolicyError extends Error {
  override name = 'RedisPolicyError'
}

/** BullMQ loses jobs when Redis evicts keys: refuse to run on any other policy. */
export async function assertNoEviction(redis: Redis): Promise<void> {
  const [, policy] = (await redis.config('GET', 'maxmemory-policy')) as [string, string]
  if (policy !== 'noeviction') {
    throw new RedisPolicyError(
      `Redis maxmemory-policy is "${policy}"; the workers need "noeviction" (redis-server --maxmemory-policy noeviction)`
    )
  }
}

export interface Workers {
  close: () => Promise<void>
}

/** Starts every queue's worker, the relay and the reconciler; `close` stops them in the reverse order. */
export async function startWorkers(config: Config, logger: Logger): Promise<Workers> {
  const connection = new Redis(config.REDIS_URL, { maxRetriesPerRequest: null })
  connection.on('error', (err) => logger.warn({ err: { message: err.message } }, 'worker Redis connection error'))
  try {
    await assertNoEviction(connection)
  } catch (err) {
    connection.disconnect()
    throw err
  }
  const producer = new Redis(config.REDIS_URL, { enableOfflineQueue: false, maxRetriesPerRequest: 1 })
  producer.on('error', () => {})
  const { pool, db } = createDb(
    config.DATABASE_URL,
    config.DATABASE_POOL_SIZE,
    (err) => logger.warn({ err: safeError(err) }, 'idle PostgreSQL client lost'),
    {
      connectMs: config.DATABASE_CONNECT_TIMEOUT_MS,
      statementMs: config.WORKER_STATEMENT_TIMEOUT_MS,
      lockMs: config.WORKER_LOCK_TIMEOUT_MS,
      answered: false
    }
  )
  const identifiers = new IdentifierCipher(loadIdentifierKeys(config, (m) => logger.warn(m)))
  const ctx = workerContext({ config, logger, db, identifiers, connection, producer })

  const maintenance = startMaintenance(ctx)
  await maintenance.schedule()
  const email = startEmail(ctx)
  const deliveries = startDeliveries(ctx, email?.email ?? null)
  const timers = startTimers(ctx)
  const reconciler = startReconciler(ctx, {
    db,
    webhooks: deliveries.webhooks,
    timerDeps: timers.deps,
    schedules: [maintenance.schedule]
  })
  const relay = startRelay(ctx, timers.deps, deliveries.firstDelayMs)
  logger.info('workers started')

  return {
    close: async () => {
      // What feeds the queues first, then the workers (they finish their current job), then Redis and the pool.
      reconciler.close()
      await relay.close()
      await Promise.all([deliveries.close(), timers.close(), maintenance.close(), email?.close()])
      connection.disconnect()
      producer.disconnect()
      await pool.end()
    }
  }
}
