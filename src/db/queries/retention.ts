import { and, inArray, isNull, lt, sql } from 'drizzle-orm'
import type { Executor } from '../client.ts'
import { referrals } from '../schema/index.ts'
import { CLOSED_STATUSES, ERASED } from '../../domain/retention.ts'

/** Closed referrals last changed before `before`, not yet pseudonymised: the daily job's work. */
export async function referralsPastRetention(db: Executor, before: string, limit: number) {
  return db
    .select({ id: referrals.id })
    .from(referrals)
    .where(
      and(
        inArray(referrals.status, [...CLOSED_STATUSES]),
        isNull(referrals.pseudonymisedAt),
        lt(referrals.updatedAt, before)
      )
    )
    .orderBy(referrals.updatedAt)
    .limit(limit)
}

/**
 * Every free text and name the records around a referral hold, erased in the caller's transaction:
 * history reasons, handoffs' reasons and housing explanations, assessment notes, who recorded her
 * consent. Codes, dates, scores and ids stay; so do the access log's rows.
 */
export async function eraseAroundReferral(tx: Executor, referralId: string): Promise<void> {
  const statements = [
    sql`UPDATE referral_history SET reason = NULL WHERE referral_id = ${referralId}`,
    sql`UPDATE handoffs SET reason = ${ERASED}, status_reason = NULL, housing_reason = NULL, allocated_municipality = NULL WHERE referral_id = ${referralId}`,
    sql`UPDATE handoff_history SET reason = NULL WHERE handoff_id IN (SELECT id FROM handoffs WHERE referral_id = ${referralId})`,
    sql`UPDATE housing_decisions SET reason = NULL, municipality = NULL WHERE handoff_id IN (SELECT id FROM handoffs WHERE referral_id = ${referralId})`,
    sql`UPDATE assessments SET notes = '{}' WHERE referral_id = ${referralId}`,
    sql`UPDATE assessment_history SET notes = '{}' WHERE referral_id = ${referralId}`,
    sql`UPDATE consent_versions SET recorded_by = ${ERASED}, document_reference = NULL WHERE referral_id = ${referralId}`
  ]
  for (const statement of statements) await tx.execute(statement)
}
