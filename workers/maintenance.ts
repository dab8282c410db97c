import { Worker, type Job } from 'bullmq'
import { MAINTENANCE_QUEUE, type MaintenanceJob } from '../src/core/queues.ts'
import type { Database } from '../src/db/client.ts'
import { purgeExpiredKeys } from '../src/db/idempotency.ts'
import { onFailure, type WorkerContext } from './context.ts'

const PURGE = 'purge-idempotency-keys'

/** Idempotency keys live 24 hours (DESIGN §5); lookups ignore expired ones, this reclaims the space. */
export async function processMaintenance(db: Database, job: MaintenanceJob): Promise<{ purged: number }> {
  if (job.task !== PURGE) return { purged: 0 }
  return { purged: await purgeExpiredKeys(db) }
}

/** The maintenance queue, its hourly purge and its worker. `schedule` is idempotent: the reconciler calls it too. */
export function startMaintenance(ctx: WorkerContext) {
  const maintenance = ctx.queue<MaintenanceJob>(MAINTENANCE_QUEUE, ctx.connection)
  const schedule = async () => {
    await maintenance.upsertJobScheduler(PURGE, { every: 3600_000 }, { name: PURGE, data: { task: PURGE } })
  }
  const worker = new Worker<MaintenanceJob>(
    MAINTENANCE_QUEUE,
    async (job: Job<MaintenanceJob>) => processMaintenance(ctx.db, job.data),
    ctx.workerOptions()
  )
  onFailure(ctx, worker)
  return {
    schedule,
    worker,
    close: async () => {
      await worker.close()
      await maintenance.close()
    }
  }
}
