import { Queue, Worker } from 'bullmq'
import { Redis } from 'ioredis'
import type { Logger } from 'pino'
import type { Config } from '../src/config.ts'
import { createDb } from '../src/db/client.ts'
import { JOB_RETENTION, MAINTENANCE_QUEUE, type MaintenanceJob } from '../src/jobs/queues.ts'
import { processMaintenance } from './maintenance.ts'

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
  // Workers wait for Redis rather than fail a command (BullMQ's production advice).
  const connection = new Redis(config.REDIS_URL, { maxRetriesPerRequest: null })
  connection.on('error', (err) => logger.warn({ err: { message: err.message } }, 'worker Redis connection error'))
  try {
    await assertNoEviction(connection)
  } catch (err) {
    connection.disconnect()
    throw err
  }
  const { pool, db } = createDb(config.DATABASE_URL, config.DATABASE_POOL_SIZE, (err) => logger.warn({ err }, 'idle PostgreSQL client lost'))
  const prefix = config.REDIS_PREFIX

  const maintenance = new Queue<MaintenanceJob>(MAINTENANCE_QUEUE, { connection, prefix, defaultJobOptions: JOB_RETENTION })
  await maintenance.upsertJobScheduler('purge-idempotency-keys', { every: 3600_000 }, { name: 'purge-idempotency-keys', data: { task: 'purge-idempotency-keys' } })

  const workers = [
    new Worker<MaintenanceJob>(MAINTENANCE_QUEUE, async (job) => processMaintenance(db, job.data), { connection, prefix })
  ]
  for (const worker of workers) {
    worker.on('error', (err) => logger.error({ err }, `worker ${worker.name} error`))
    worker.on('failed', (job, err) => logger.warn({ jobId: job?.id, err: { message: err.message } }, `job failed in ${worker.name}`))
  }
  logger.info({ queues: workers.map((w) => w.name) }, 'workers started')

  return {
    close: async () => {
      // Workers first (they finish their current job), then the queue, Redis and the pool.
      await Promise.all(workers.map((w) => w.close()))
      await maintenance.close()
      connection.disconnect()
      await pool.end()
    }
  }
}
