import { sql } from 'drizzle-orm'
import type { Executor } from '../client.ts'
import type { ScreeningField } from '../../domain/screening.ts'
import type { LifeDomain, Track } from '../../domain/vocabulary.ts'
import type { ReferralDetails } from '../../schemas/referrals.ts'

export type CohortRow = {
  id: string
  track: Track
  acceptedAt: string
  status: string
  details: ReferralDetails
  inszBlindIndex: string | null
  motherPseudonym: string | null
  groupSessions: number
  /** The programme's own start-situation values, oldest first. */
  screeningCorrections: Array<{ field: ScreeningField; value: string | number | boolean }>
  startScores: Partial<Record<LifeDomain, number>> | null
  endScores: Partial<Record<LifeDomain, number>> | null
}

/** Referrals of one programme accepted in [from, to) (Belgian calendar days), with what the report needs. */
export async function cohort(
  db: Executor,
  programmeId: string,
  from: string,
  to: string,
  track: Track | undefined
): Promise<CohortRow[]> {
  const result = await db.execute<CohortRow>(sql`
    SELECT r.id, r.track, r.accepted_at AS "acceptedAt", r.status, r.details, r.insz_blind_index AS "inszBlindIndex", r.mother_pseudonym AS "motherPseudonym",
      (SELECT count(*)::int FROM group_session_attendance a JOIN group_sessions g ON g.id = a.session_id
        WHERE a.referral_id = r.id AND g.deleted_at IS NULL) AS "groupSessions",
      coalesce((SELECT json_agg(json_build_object('field', c.field, 'value', c.value) ORDER BY c.id)
        FROM screening_corrections c WHERE c.referral_id = r.id), '[]') AS "screeningCorrections",
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
