import { and, asc, eq, exists, or, sql } from 'drizzle-orm'
import { referrals, workers } from '../schema/index.ts'
import type { Executor } from '../client.ts'

export type WorkerRow = typeof workers.$inferSelect

export async function insertWorker(db: Executor, values: typeof workers.$inferInsert): Promise<WorkerRow> {
  const [row] = await db.insert(workers).values(values).returning()
  return row!
}

export async function workersOf(db: Executor, organisationId: string): Promise<WorkerRow[]> {
  return db
    .select()
    .from(workers)
    .where(eq(workers.organisationId, organisationId))
    .orderBy(asc(workers.name), asc(workers.id))
}

/** A worker of `organisationId`, or undefined (another organisation's worker is not found). */
export async function workerOf(db: Executor, organisationId: string, id: string): Promise<WorkerRow | undefined> {
  const [row] = await db
    .select()
    .from(workers)
    .where(and(eq(workers.id, id), eq(workers.organisationId, organisationId)))
  return row
}

/**
 * A worker by id, if `organisationId` may know their work contact: their own organisation's, or the
 * programme contact of a referral it sent (its view shows them as `programmeContact`).
 */
export async function workerKnownTo(db: Executor, organisationId: string, id: string): Promise<WorkerRow | undefined> {
  const [row] = await db
    .select()
    .from(workers)
    .where(
      and(
        eq(workers.id, id),
        or(
          eq(workers.organisationId, organisationId),
          exists(
            db
              .select({ one: sql`1` })
              .from(referrals)
              .where(and(eq(referrals.assignedWorkerId, id), eq(referrals.referrerOrganisationId, organisationId)))
          )
        )
      )
    )
  return row
}

/** Changes a worker when still at `version`; undefined when not. */
export async function updateWorker(
  db: Executor,
  id: string,
  version: number,
  set: Partial<typeof workers.$inferInsert>
): Promise<WorkerRow | undefined> {
  const [row] = await db
    .update(workers)
    .set({ ...set, version: sql`${workers.version} + 1`, updatedAt: sql`clock_timestamp()` })
    .where(and(eq(workers.id, id), eq(workers.version, version)))
    .returning()
  return row
}
