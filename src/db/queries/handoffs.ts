import { and, asc, eq, inArray, or, sql, type SQL } from 'drizzle-orm'
import { handoffHistory, handoffs, housingDecisions, referrals } from '../schema/index.ts'
import type { Executor } from '../client.ts'
import { OPEN_HANDOFF_STATUSES } from '../../domain/handoffs.ts'
import type { WorkContactRow } from './referrals.ts'

export type HandoffRow = typeof handoffs.$inferSelect

export async function insertHandoff(tx: Executor, row: typeof handoffs.$inferInsert): Promise<HandoffRow> {
  const [r] = await tx.insert(handoffs).values(row).returning()
  return r!
}

export async function handoffsOfReferral(db: Executor, referralId: string): Promise<HandoffRow[]> {
  return db
    .select()
    .from(handoffs)
    .where(eq(handoffs.referralId, referralId))
    .orderBy(asc(handoffs.createdAt), asc(handoffs.id))
}

/** The handoffs of several referrals (a list page), in one query. */
export async function handoffsOfReferrals(db: Executor, referralIds: readonly string[]): Promise<HandoffRow[]> {
  if (referralIds.length === 0) return []
  return db
    .select()
    .from(handoffs)
    .where(inArray(handoffs.referralId, [...referralIds]))
    .orderBy(asc(handoffs.createdAt), asc(handoffs.id))
}

/** What of a handoff's referral decides who hears of it and what its recipient may see. */
const referralFacts = {
  referrerOrganisationId: referrals.referrerOrganisationId,
  programmeOrganisationId: referrals.programmeOrganisationId,
  referralStatus: referrals.status,
  consentWithdrawnAt: referrals.consentWithdrawnAt,
  sharingScope: sql<string[]>`${referrals.details}->'consent'->'sharingScope'`,
  /** The recipient's contact person, by their work contact. */
  contact: sql<WorkContactRow | null>`(SELECT json_build_object('workerId', w.id, 'name', w.name, 'role', w.role,
    'workPhone', w.work_phone, 'workEmail', w.work_email) FROM workers w WHERE w.id = ${handoffs.contactWorkerId})`
}

/** A handoff with its referral's parties, locked for a change when asked. */
export async function handoffWithParties(db: Executor, id: string, lock = false) {
  const q = db
    .select({ handoff: handoffs, ...referralFacts })
    .from(handoffs)
    .innerJoin(referrals, eq(referrals.id, handoffs.referralId))
    .where(eq(handoffs.id, id))
  const [row] = lock ? await q.for('update', { of: handoffs }) : await q
  return row
}

/**
 * A handoff and its referral's facts, both locked for a change: the referral first, as every write
 * that touches both takes them (consent withdrawal locks the referral, then cancels its handoffs).
 */
export async function lockHandoffWithParties(tx: Executor, id: string) {
  const [owner] = await tx.select({ referralId: handoffs.referralId }).from(handoffs).where(eq(handoffs.id, id))
  if (owner === undefined) return undefined
  await tx.select({ id: referrals.id }).from(referrals).where(eq(referrals.id, owner.referralId)).for('update')
  return handoffWithParties(tx, id, true)
}

/**
 * A handoff changed: its referral's version and `updatedAt` move too (the referrer's and the
 * programme's views show the handoff), so a conditional GET or an `updatedSince` poll sees it.
 */
export async function touchReferralOf(tx: Executor, referralId: string): Promise<number> {
  const [row] = await tx
    .update(referrals)
    .set({ version: sql`${referrals.version} + 1`, updatedAt: sql`clock_timestamp()` })
    .where(eq(referrals.id, referralId))
    .returning({ version: referrals.version })
  return row!.version
}

export async function updateHandoff(
  tx: Executor,
  id: string,
  set: Partial<typeof handoffs.$inferInsert>
): Promise<HandoffRow> {
  const [r] = await tx
    .update(handoffs)
    .set({ ...set, version: sql`${handoffs.version} + 1`, updatedAt: sql`clock_timestamp()` })
    .where(eq(handoffs.id, id))
    .returning()
  return r!
}

export async function handoffHistoryOf(db: Executor, id: string) {
  return db.select().from(handoffHistory).where(eq(handoffHistory.handoffId, id)).orderBy(asc(handoffHistory.id))
}

export async function openHandoffsOfReferral(tx: Executor, referralId: string): Promise<HandoffRow[]> {
  return tx
    .select()
    .from(handoffs)
    .where(and(eq(handoffs.referralId, referralId), inArray(handoffs.status, [...OPEN_HANDOFF_STATUSES])))
    .for('update')
}

export interface HandoffFilter {
  organisationId: string
  status?: string | undefined
  type?: string | undefined
  updatedSince?: string | undefined
  after: [string, string] | null
  limit: number
}

/** What an organisation sent or received, keyset on (updated_at, id), with what decides what it may see of each. */
export async function listHandoffs(db: Executor, f: HandoffFilter) {
  const conditions: SQL[] = [
    or(eq(handoffs.fromOrganisationId, f.organisationId), eq(handoffs.toOrganisationId, f.organisationId)) as SQL
  ]
  if (f.status !== undefined) conditions.push(sql`${handoffs.status} = ${f.status}`)
  if (f.type !== undefined) conditions.push(sql`${handoffs.type} = ${f.type}`)
  if (f.updatedSince !== undefined) conditions.push(sql`${handoffs.updatedAt} >= ${f.updatedSince}::timestamptz`)
  if (f.after !== null)
    conditions.push(sql`(${handoffs.updatedAt}, ${handoffs.id}) > (${f.after[0]}::timestamptz, ${f.after[1]}::uuid)`)
  return db
    .select({ handoff: handoffs, ...referralFacts })
    .from(handoffs)
    .innerJoin(referrals, eq(referrals.id, handoffs.referralId))
    .where(and(...conditions))
    .orderBy(asc(handoffs.updatedAt), asc(handoffs.id))
    .limit(f.limit)
}

/** Granted housing priorities not allocated (of `ids`, or all): each waits on its expiry timer. */
/**
 * Open handoffs with a `dueBy` whose overdue notice is not raised yet: these, or all of them (the
 * reconcile). Closed handoffs raise nothing.
 */
export async function handoffsAwaitingDue(db: Executor, ids?: readonly string[]) {
  if (ids !== undefined && ids.length === 0) return []
  return db
    .select({ id: handoffs.id, status: handoffs.status, dueBy: handoffs.dueBy })
    .from(handoffs)
    .where(
      and(
        inArray(handoffs.status, [...OPEN_HANDOFF_STATUSES]),
        sql`${handoffs.dueBy} IS NOT NULL`,
        sql`NOT EXISTS (SELECT 1 FROM outbox_events e WHERE e.type = 'handoff.overdue' AND e.handoff_id = ${handoffs.id})`,
        ids === undefined ? undefined : inArray(handoffs.id, [...ids])
      )
    )
}

export async function grantedPriorities(db: Executor, ids?: readonly string[]) {
  if (ids !== undefined && ids.length === 0) return []
  return db
    .select({ id: handoffs.id, validThrough: handoffs.housingValidThrough })
    .from(handoffs)
    .where(
      and(
        inArray(handoffs.housingDecision, ['granted', 'extended']),
        ids === undefined ? undefined : inArray(handoffs.id, [...ids])
      )
    )
}

/**
 * A standing priority past its last day becomes `expired`: stored only if it still stands through
 * `validThrough`, so of the timers that fire for it one stores it; answers the row it stored.
 */
export async function expirePriority(tx: Executor, id: string, validThrough: string, at: string) {
  const [row] = await tx
    .update(handoffs)
    .set({
      housingDecision: 'expired',
      housingDecidedAt: at,
      version: sql`${handoffs.version} + 1`,
      updatedAt: sql`clock_timestamp()`
    })
    .where(
      and(
        eq(handoffs.id, id),
        inArray(handoffs.housingDecision, ['granted', 'extended']),
        eq(handoffs.housingValidThrough, validThrough)
      )
    )
    .returning()
  return row
}

export async function housingDecisionsOf(db: Executor, handoffId: string) {
  return db
    .select()
    .from(housingDecisions)
    .where(eq(housingDecisions.handoffId, handoffId))
    .orderBy(asc(housingDecisions.id))
}
