import { lt, sql } from 'drizzle-orm'
import type { Database } from '../src/db/client.ts'
import { idempotencyKeys } from '../src/db/schema/index.ts'
import type { MaintenanceJob } from '../src/jobs/queues.ts'

/** Idempotency keys live 24 hours (DESIGN §5); lookups ignore expired ones, this reclaims the space. */
export async function processMaintenance (db: Database, job: MaintenanceJob): Promise<{ purged: number }> {
  if (job.task !== 'purge-idempotency-keys') return { purged: 0 }
  const rows = await db.delete(idempotencyKeys).where(lt(idempotencyKeys.expiresAt, sql`now()`)).returning({ key: idempotencyKeys.key })
  return { purged: rows.length }
}
