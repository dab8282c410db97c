import { Worker, type Job } from 'bullmq'
import { MAINTENANCE_QUEUE, type MaintenanceJob } from '../src/core/queues.ts'
import { purgeExpiredKeys } from '../src/db/idempotency.ts'
import { pseudonymiseExpired } from '../src/services/retention.ts'
import { onFailure, type WorkerContext } from './context.ts'

const PURGE = 'purge-idempotency-keys'
const PSEUDONYMISE = 'pseudonymise-closed-referrals'

/**
 * Idempotency keys live 24 hours (DESIGN §5): lookups ignore expired ones, the hourly purge reclaims
 * the space. Closed referrals past RETENTION_AFTER_CLOSURE are pseudonymised daily.
 */
export async function processMaintenance(
  deps: Parameters<typeof pseudonymiseExpired>[0],
  job: MaintenanceJob
): Promise<{ purged: number } | { pseudonymised: number }> {
  if (job.task === PSEUDONYMISE) return { pseudonymised: await pseudonymiseExpired(deps) }
  return { purged: await purgeExpiredKeys(deps.db) }
}

/** The maintenance queue, its hourly purge and its worker. `schedule` is idempotent: the reconciler calls it too. */
export function startMaintenance(ctx: WorkerContext) {
  const maintenance = ctx.queue<MaintenanceJob>(MAINTENANCE_QUEUE, ctx.connection)
  const schedule = async () => {
    await maintenance.upsertJobScheduler(PURGE, { every: 3600_000 }, { name: PURGE, data: { task: PURGE } })
    // Daily at 03:00 Brussels time, when the service is quiet.
    await maintenance.upsertJobScheduler(
      PSEUDONYMISE,
      { pattern: '0 3 * * *', tz: 'Europe/Brussels' },
      { name: PSEUDONYMISE, data: { task: PSEUDONYMISE } }
    )
  }
  const worker = new Worker<MaintenanceJob>(
    MAINTENANCE_QUEUE,
    async (job: Job<MaintenanceJob>) =>
      processMaintenance({ db: ctx.db, identifiers: ctx.identifiers, config: ctx.config }, job.data),
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
