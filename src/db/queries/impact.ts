import { and, asc, eq, sql } from 'drizzle-orm'
import { assessments, groupSessions } from '../schema/index.ts'
import type { Executor } from '../client.ts'
import type { LifeDomain, Track } from '../../domain/vocabulary.ts'
import type { ReferralDetails } from '../../schemas/referrals.ts'

export type AssessmentRow = typeof assessments.$inferSelect

export async function hasAssessment (db: Executor, referralId: string, phase: 'start' | 'end'): Promise<boolean> {
  const rows = await db.select({ phase: assessments.phase }).from(assessments).where(and(eq(assessments.referralId, referralId), eq(assessments.phase, phase)))
  return rows.length > 0
}

export async function assessmentsOf (db: Executor, referralId: string): Promise<AssessmentRow[]> {
  return db.select().from(assessments).where(eq(assessments.referralId, referralId))
}

export async function lockAssessment (db: Executor, referralId: string, phase: 'start' | 'end'): Promise<AssessmentRow | undefined> {
  const [row] = await db.select().from(assessments).where(and(eq(assessments.referralId, referralId), eq(assessments.phase, phase))).for('update')
  return row
}

export async function saveAssessment (db: Executor, row: { referralId: string, phase: 'start' | 'end', assessedOn: string, scores: Partial<Record<LifeDomain, number>> }, replace: boolean): Promise<AssessmentRow> {
  const [saved] = replace
    ? await db.update(assessments).set({ assessedOn: row.assessedOn, scores: row.scores, version: sql`${assessments.version} + 1`, updatedAt: sql`now()` })
      .where(and(eq(assessments.referralId, row.referralId), eq(assessments.phase, row.phase))).returning()
    : await db.insert(assessments).values(row).returning()
  return saved!
}

export async function insertGroupSession (db: Executor, referralId: string, attendedOn: string, topic: string | null) {
  const [row] = await db.insert(groupSessions).values({ referralId, attendedOn, topic }).returning()
  return row!
}

export async function groupSessionsOf (db: Executor, referralId: string) {
  return db.select().from(groupSessions).where(eq(groupSessions.referralId, referralId)).orderBy(asc(groupSessions.attendedOn), asc(groupSessions.id))
}

export type CohortRow = {
  id: string
  track: Track
  acceptedAt: string
  status: string
  details: ReferralDetails
  inszBlindIndex: string | null
  groupSessions: number
  startScores: Partial<Record<LifeDomain, number>> | null
  endScores: Partial<Record<LifeDomain, number>> | null
}

/** Referrals of one programme accepted in [from, to) (Belgian calendar days), with what the report needs. */
export async function cohort (db: Executor, programmeId: string, from: string, to: string, track: Track | undefined): Promise<CohortRow[]> {
  const result = await db.execute<CohortRow>(sql`
    SELECT r.id, r.track, r.accepted_at AS "acceptedAt", r.status, r.details, r.insz_blind_index AS "inszBlindIndex",
      (SELECT count(*)::int FROM group_sessions g WHERE g.referral_id = r.id) AS "groupSessions",
      s.scores AS "startScores", e.scores AS "endScores"
    FROM referrals r
    LEFT JOIN assessments s ON s.referral_id = r.id AND s.phase = 'start'
    LEFT JOIN assessments e ON e.referral_id = r.id AND e.phase = 'end'
    WHERE r.programme_organisation_id = ${programmeId}::uuid
      AND r.accepted_at >= (${from}::timestamp AT TIME ZONE 'Europe/Brussels')
      AND r.accepted_at < (${to}::timestamp AT TIME ZONE 'Europe/Brussels')
      AND r.track IS NOT NULL AND r.status <> 'entered-in-error'
      ${track === undefined ? sql`` : sql`AND r.track = ${track}`}`)
  return result.rows
}
