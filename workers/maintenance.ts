import type { Database } from '../src/db/client.ts'
import { purgeExpiredKeys } from '../src/db/idempotency.ts'
import type { MaintenanceJob } from '../src/core/queues.ts'

/** Idempotency keys live 24 hours (DESIGN §5); lookups ignore expired ones, this reclaims the space. */
export async function processMaintenance (db: Database, job: MaintenanceJob): Promise<{ purged: number }> {
  if (job.task !== 'purge-idempotency-keys') return { purged: 0 }
  return { purged: await purgeExpiredKeys(db) }
}
