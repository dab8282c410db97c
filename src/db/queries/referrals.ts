import { and, asc, eq, inArray, ne, sql, type SQL } from 'drizzle-orm'
import { getTableColumns } from 'drizzle-orm'
import { accessLog, outboxEvents, referralHistory, referrals } from '../schema/index.ts'
import type { Executor } from '../client.ts'
import { OPEN_STATUSES } from '../../domain/vocabulary.ts'

export type ReferralRow = typeof referrals.$inferSelect
export type NewReferralRow = typeof referrals.$inferInsert

export interface AccessEntry {
  organisationId: string | null
  clientId: string | null
  action: string
  purpose: string
  requestId: string
}

const snake = (k: string) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)
/** Every referral column under its TypeScript name, for raw statements that return rows. */
const COLUMNS = sql.raw(Object.keys(getTableColumns(referrals)).map((k) => `r.${snake(k)} AS "${k}"`).join(', '))

/**
 * Reads one referral the caller is a party of and appends its access-log row in the same
 * statement: one round trip and one commit, and no answer without its log row.
 * `party` null means any referral (the operator).
 */
export async function readReferralLogged (db: Executor, id: string, party: string | null, entry: AccessEntry, recipients = false): Promise<(ReferralRow & { isRecipient: boolean }) | undefined> {
  // A handoff recipient is a reader too, while consent stands (`recipients`: only where it may read).
  const recipient = recipients
    ? sql`(consent_withdrawn_at IS NULL AND EXISTS (SELECT 1 FROM handoffs h WHERE h.referral_id = referrals.id AND h.to_organisation_id = ${party}::uuid))`
    : sql`false`
  const result = await db.execute<ReferralRow & { isRecipient: boolean }>(sql`
    WITH r AS (
      SELECT *, ${recipient} AS is_recipient FROM referrals
      WHERE id = ${id} AND (${party}::uuid IS NULL OR referrer_organisation_id = ${party}::uuid OR programme_organisation_id = ${party}::uuid OR ${recipient})
    ), logged AS (
      INSERT INTO access_log (organisation_id, client_id, referral_id, action, purpose, request_id)
      SELECT ${entry.organisationId}::uuid, ${entry.clientId}::uuid, r.id, ${entry.action}, ${entry.purpose}, ${entry.requestId} FROM r
    )
    SELECT ${COLUMNS}, r.is_recipient AS "isRecipient" FROM r`)
  return result.rows[0]
}

export interface ReferralFilter {
  side: 'referrer' | 'programme'
  organisationId: string
  status?: string | undefined
  track?: string | undefined
  updatedSince?: string | undefined
  after?: [string, string] | null
  limit: number
}

/** A keyset page (updated_at, id) of one side's referrals, with one access-log row per referral. */
export async function listReferralsLogged (db: Executor, f: ReferralFilter, entry: AccessEntry): Promise<ReferralRow[]> {
  const sideColumn = sql.raw(f.side === 'programme' ? 'programme_organisation_id' : 'referrer_organisation_id')
  const conditions: SQL[] = [sql`${sideColumn} = ${f.organisationId}::uuid`]
  if (f.status !== undefined) conditions.push(sql`status = ${f.status}`)
  if (f.track !== undefined) conditions.push(sql`track = ${f.track}`)
  if (f.updatedSince !== undefined) conditions.push(sql`updated_at >= ${f.updatedSince}::timestamptz`)
  if (f.after != null) conditions.push(sql`(updated_at, id) > (${f.after[0]}::timestamptz, ${f.after[1]}::uuid)`)
  const result = await db.execute<ReferralRow>(sql`
    WITH r AS (
      SELECT * FROM referrals WHERE ${sql.join(conditions, sql` AND `)}
      ORDER BY updated_at, id LIMIT ${f.limit}
    ), logged AS (
      INSERT INTO access_log (organisation_id, client_id, referral_id, action, purpose, request_id)
      SELECT ${entry.organisationId}::uuid, ${entry.clientId}::uuid, r.id, ${entry.action}, ${entry.purpose}, ${entry.requestId} FROM r
    )
    SELECT ${COLUMNS} FROM r ORDER BY r.updated_at, r.id`)
  return result.rows
}

export async function findReferral (db: Executor, id: string): Promise<ReferralRow | undefined> {
  const [row] = await db.select().from(referrals).where(eq(referrals.id, id))
  return row
}

export async function lockReferral (tx: Executor, id: string): Promise<ReferralRow | undefined> {
  const [row] = await tx.select().from(referrals).where(eq(referrals.id, id)).for('update')
  return row
}

/** Open referrals of the same mother (same blind index), oldest first. */
export async function openReferralsOfMother (tx: Executor, blindIndex: string, exceptId?: string) {
  return tx.select({ id: referrals.id, referrerOrganisationId: referrals.referrerOrganisationId })
    .from(referrals)
    .where(and(eq(referrals.inszBlindIndex, blindIndex), inArray(referrals.status, [...OPEN_STATUSES]), exceptId === undefined ? undefined : ne(referrals.id, exceptId)))
    .orderBy(asc(referrals.createdAt))
}

/** Serialises intake of the same mother, so two concurrent posts cannot both miss each other. */
export async function lockMother (tx: Executor, blindIndex: string): Promise<void> {
  await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended(${blindIndex}, 0))`)
}

export async function insertReferral (tx: Executor, row: NewReferralRow): Promise<ReferralRow> {
  const [inserted] = await tx.insert(referrals).values(row).returning()
  return inserted!
}

export async function updateReferral (tx: Executor, id: string, set: Partial<NewReferralRow>): Promise<ReferralRow> {
  const [updated] = await tx.update(referrals)
    .set({ ...set, version: sql`${referrals.version} + 1`, updatedAt: sql`clock_timestamp()` })
    .where(eq(referrals.id, id))
    .returning()
  return updated!
}

export async function insertHistory (tx: Executor, row: typeof referralHistory.$inferInsert): Promise<void> {
  await tx.insert(referralHistory).values(row)
}

export async function insertEvent (tx: Executor, row: typeof outboxEvents.$inferInsert): Promise<void> {
  await tx.insert(outboxEvents).values(row)
}

export async function insertAccess (tx: Executor, referralId: string, entry: AccessEntry): Promise<void> {
  await tx.insert(accessLog).values({ ...entry, referralId })
}

export async function historyOf (db: Executor, referralId: string) {
  return db.select().from(referralHistory).where(eq(referralHistory.referralId, referralId)).orderBy(asc(referralHistory.id))
}

export async function accessLogOf (db: Executor, referralId: string, afterId: number, limit: number) {
  return db.select().from(accessLog)
    .where(and(eq(accessLog.referralId, referralId), sql`${accessLog.id} > ${afterId}`))
    .orderBy(asc(accessLog.id)).limit(limit)
}
