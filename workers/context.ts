import { Queue, type Worker, type WorkerOptions } from 'bullmq'
import type { Redis } from 'ioredis'
import type { Logger } from 'pino'
import type { Config } from '../src/config.ts'
import { retentionOf } from '../src/core/queues.ts'
import type { IdentifierCipher } from '../src/crypto/identifier-cipher.ts'
import type { Database } from '../src/db/client.ts'
import { safeError } from '../src/logging.ts'

/** What every queue of a worker process is set up with. */
export interface WorkerContext {
  config: Config
  logger: Logger
  db: Database
  identifiers: IdentifierCipher
  /** Waits for Redis rather than fail a command (BullMQ's production advice): for workers and their own queues. */
  connection: Redis
  /** Fails fast: for the relay, whose PostgreSQL transaction must never wait on an absent Redis. */
  producer: Redis
  queue: <T>(name: string, connection: Redis) => Queue<T>
  workerOptions: (extra?: Partial<WorkerOptions>) => WorkerOptions
}

export function workerContext(parts: Omit<WorkerContext, 'queue' | 'workerOptions'>): WorkerContext {
  const prefix = parts.config.REDIS_PREFIX
  const lock = { lockDuration: parts.config.WORKER_LOCK_MS, stalledInterval: parts.config.WORKER_LOCK_MS }
  return {
    ...parts,
    queue: <T>(name: string, connection: Redis) =>
      new Queue<T>(name, { connection, prefix, defaultJobOptions: retentionOf(name) }),
    workerOptions: (extra = {}) => ({ connection: parts.connection, prefix, ...lock, ...extra })
  }
}

/** Every worker reports its errors and failed jobs, with nothing a job's data or a query could carry. */
export function onFailure(ctx: WorkerContext, worker: Worker): void {
  worker.on('error', (err) => ctx.logger.error({ err: safeError(err) }, `worker ${worker.name} error`))
  worker.on('failed', (job, err) =>
    ctx.logger.warn({ jobId: job?.id, err: safeError(err) }, `job failed in ${worker.name}`)
  )
}
