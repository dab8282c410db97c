import { sql } from 'drizzle-orm'
import type { Executor } from '../client.ts'
import type { ScreeningField } from '../../domain/screening.ts'
import type { LifeDomain, OrganisationType, Track } from '../../domain/vocabulary.ts'
import type { ReferralDetails } from '../../schemas/referrals.ts'

export type ReportRow = {
  id: string
  track: Track | null
  status: string
  referrerType: OrganisationType
  referredAt: string
  acceptedAt: string | null
  firstContactOn: string | null
  endedAt: string | null
  outcome: string | null
  statusReasonCode: string | null
  details: ReferralDetails
  inszBlindIndex: string | null
  motherPseudonym: string | null
  groupSessions: number
  /** The programme's own start-situation values, oldest first. */
  screeningCorrections: Array<{ field: ScreeningField; value: string | number | boolean }>
  startScores: Partial<Record<LifeDomain, number>> | null
  endScores: Partial<Record<LifeDomain, number>> | null
  incomeSupport: string[]
}

/** One parameter holding a PostgreSQL array literal of ids (ids only: they never need quoting). */
export const uuidArray = (ids: readonly string[]) => `{${ids.join(',')}}`

const belgian = (day: string) => sql`(${day}::timestamp AT TIME ZONE 'Europe/Brussels')`

/**
 * The programme's referrals the report for [from, to) reads (Belgian calendar days): those made in
 * the period and those in guidance at some point of it (accepted before its end, not ended before
 * its start). Entered-in-error referrals are no one's figures.
 */
export async function reportReferrals(
  db: Executor,
  programmeIds: readonly string[],
  from: string,
  to: string,
  track: Track | undefined
): Promise<ReportRow[]> {
  if (programmeIds.length === 0) return []
  const result = await db.execute<ReportRow>(sql`
    SELECT r.id, r.track, r.status, o.type AS "referrerType", r.created_at AS "referredAt",
      r.accepted_at AS "acceptedAt", r.first_contact_on::text AS "firstContactOn", ended.at AS "endedAt",
      r.outcome, r.status_reason_code AS "statusReasonCode",
      r.details, r.insz_blind_index AS "inszBlindIndex", r.mother_pseudonym AS "motherPseudonym",
      (SELECT count(*)::int FROM group_session_attendance a JOIN group_sessions g ON g.id = a.session_id
        WHERE a.referral_id = r.id AND g.deleted_at IS NULL) AS "groupSessions",
      coalesce((SELECT json_agg(json_build_object('field', c.field, 'value', c.value) ORDER BY c.id)
        FROM screening_corrections c WHERE c.referral_id = r.id), '[]') AS "screeningCorrections",
      s.scores AS "startScores", e.scores AS "endScores",
      coalesce((SELECT json_agg(h.status ORDER BY h.id) FROM handoffs h
        WHERE h.referral_id = r.id AND h.type = 'income_support'), '[]') AS "incomeSupport"
    FROM referrals r
    JOIN organisations o ON o.id = r.referrer_organisation_id
    LEFT JOIN LATERAL (SELECT max(h.at) AS at FROM referral_history h
      WHERE h.referral_id = r.id AND h.kind = 'status' AND h.to_status IN ('completed', 'failed', 'cancelled', 'rejected')
    ) ended ON r.accepted_at IS NOT NULL
    LEFT JOIN assessments s ON s.referral_id = r.id AND s.phase = 'start'
    LEFT JOIN assessments e ON e.referral_id = r.id AND e.phase = 'end'
    WHERE r.programme_organisation_id = ANY(${uuidArray(programmeIds)}::uuid[])
      AND r.status <> 'entered-in-error'
      AND ((r.created_at >= ${belgian(from)} AND r.created_at < ${belgian(to)})
        OR (r.accepted_at < ${belgian(to)} AND (ended.at IS NULL OR ended.at >= ${belgian(from)})))
      ${track === undefined ? sql`` : sql`AND r.track = ${track}`}`)
  return result.rows
}

/** Housing-priority decisions on the programmes' referrals in [from, to), by decision. */
export async function housingDecisionCounts(
  db: Executor,
  programmeIds: readonly string[],
  from: string,
  to: string,
  track: Track | undefined
): Promise<{ granted: number; allocated: number; expired: number }> {
  const counts = { granted: 0, allocated: 0, expired: 0 }
  if (programmeIds.length === 0) return counts
  const result = await db.execute<{ decision: string; n: number }>(sql`
    SELECT d.decision, count(*)::int AS n
    FROM housing_decisions d JOIN handoffs h ON h.id = d.handoff_id JOIN referrals r ON r.id = h.referral_id
    WHERE r.programme_organisation_id = ANY(${uuidArray(programmeIds)}::uuid[])
      AND r.status <> 'entered-in-error'
      AND d.at >= ${belgian(from)} AND d.at < ${belgian(to)}
      ${track === undefined ? sql`` : sql`AND r.track = ${track}`}
    GROUP BY d.decision`)
  for (const { decision, n } of result.rows) if (decision in counts) counts[decision as keyof typeof counts] = n
  return counts
}
