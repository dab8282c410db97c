/**
 * The recorder: the only code that writes referral and handoff history, outbox events and
 * access-log rows, the rows that carry the service's legal promises (DESIGN §2–§4). Transactional
 * code calls the single-row functions with its transaction; the grouped statements of the hot paths
 * splice in the `statements` fragments, so both write the same columns the same way. Who hears of an
 * event is decided by the domain's `EVENT_AUDIENCE` table, here for both.
 */
import type { AccessEntry } from '../core/caller.ts'
import {
  audienceOf,
  EVENT_AUDIENCE,
  REFERRER_HEARS_AS_UPDATE,
  type AudienceType,
  type Party
} from '../domain/audience.ts'
import { batchPerDatabase } from './batch.ts'
import { prepared, type Database, type Executor } from './client.ts'
import {
  accessLog,
  assessmentHistory,
  consentVersions,
  groupSessionHistory,
  handoffHistory,
  housingDecisions,
  outboxEvents,
  referralHistory,
  screeningCorrections
} from './schema/index.ts'

export type ReferralHistoryRow = typeof referralHistory.$inferInsert
export type HandoffHistoryRow = typeof handoffHistory.$inferInsert
export type AssessmentHistoryRow = typeof assessmentHistory.$inferInsert
export type ScreeningCorrectionRow = typeof screeningCorrections.$inferInsert
export type ConsentVersionRow = typeof consentVersions.$inferInsert

/** What an event says: ids, status and a coded reason; never personal data. */
export interface EventFacts {
  type: AudienceType
  referralId?: string | null
  handoffId?: string | null
  status?: string | null
  reasonCode?: string | null
  /** The referral's version after the change. */
  version?: number | null
  outcome?: string | null
  /** The referral's version after a change of one of its handoffs: what its referrer hears of it. */
  referralVersion?: number
}

export async function recordAccess(tx: Executor, referralId: string, entry: AccessEntry): Promise<void> {
  await tx.insert(accessLog).values({ ...entry, referralId })
}

/** One access-log row per referral read or changed together (a group session's attendance). */
export async function recordAccessEach(
  tx: Executor,
  referralIds: readonly string[],
  entry: AccessEntry
): Promise<void> {
  if (referralIds.length > 0)
    await tx.insert(accessLog).values(referralIds.map((referralId) => ({ ...entry, referralId })))
}

export async function recordReferralHistory(tx: Executor, row: ReferralHistoryRow): Promise<void> {
  await tx.insert(referralHistory).values(row)
}

export async function recordHousingDecision(tx: Executor, row: typeof housingDecisions.$inferInsert): Promise<void> {
  await tx.insert(housingDecisions).values(row)
}

export async function recordHandoffHistory(tx: Executor, row: HandoffHistoryRow): Promise<void> {
  await tx.insert(handoffHistory).values(row)
}

export async function recordAssessmentHistory(tx: Executor, row: AssessmentHistoryRow): Promise<void> {
  await tx.insert(assessmentHistory).values(row)
}

/** A version of a group session with its attendance, as saved (recorded, corrected, attendance, deleted). */
export async function recordGroupSessionHistory(
  tx: Executor,
  row: typeof groupSessionHistory.$inferInsert
): Promise<void> {
  await tx.insert(groupSessionHistory).values(row)
}

/** The programme's screening corrections of one save: they are their own history. */
export async function recordScreeningCorrections(tx: Executor, rows: ScreeningCorrectionRow[]): Promise<void> {
  if (rows.length > 0) await tx.insert(screeningCorrections).values(rows)
}

/** Versions of the mother's consent (the first, when it is written late, and the new one). */
export async function recordConsentVersions(tx: Executor, rows: ConsentVersionRow[]): Promise<void> {
  if (rows.length > 0) await tx.insert(consentVersions).values(rows)
}

const eventRow = (event: EventFacts, parties: Partial<Record<Party, string>>) => ({
  type: event.type,
  referralId: event.referralId ?? null,
  handoffId: event.handoffId ?? null,
  status: event.status ?? null,
  reasonCode: event.reasonCode ?? null,
  version: event.version ?? null,
  outcome: event.outcome ?? null,
  audience: audienceOf(event.type, parties)
})

/** An outbox event, told to the parties its type names (`EVENT_AUDIENCE`). */
export async function recordEvent(
  tx: Executor,
  event: EventFacts,
  parties: Partial<Record<Party, string>>
): Promise<void> {
  await tx.insert(outboxEvents).values(eventRow(event, parties))
  const referrer = parties.referrer
  if (REFERRER_HEARS_AS_UPDATE.has(event.type) && referrer !== undefined && event.referralId != null) {
    const heard = audienceOf(event.type, parties).includes(referrer)
    if (!heard)
      await tx.insert(outboxEvents).values({
        type: 'referral.updated',
        referralId: event.referralId,
        version: event.referralVersion ?? null,
        audience: [referrer]
      })
  }
}

/**
 * An event raised at most once per subject (deadlines, expiries: the partial unique indexes of
 * `outbox_events`), however often or by how many workers its timer fires. True when raised now.
 */
export async function raiseOnce(
  tx: Executor,
  event: EventFacts,
  parties: Partial<Record<Party, string>>
): Promise<boolean> {
  const rows = await tx
    .insert(outboxEvents)
    .values(eventRow(event, parties))
    .onConflictDoNothing()
    .returning({ id: outboxEvents.id })
  return rows.length > 0
}

/** A `ping` for one webhook endpoint (it stays out of the change feed); answers its event id. */
export async function recordPing(tx: Executor, organisationId: string, endpointId: string): Promise<string> {
  const [row] = await tx
    .insert(outboxEvents)
    .values({ type: 'ping', audience: [organisationId], endpointId })
    .returning({ eventId: outboxEvents.eventId })
  return row!.eventId
}

const appendAccessRows = batchPerDatabase<Array<AccessEntry & { referralId: string }>>(async (db, items) => {
  const rows = items.flat()
  await prepared(
    db,
    'access_log_append',
    `INSERT INTO access_log (organisation_id, client_id, on_behalf_of_worker_id, referral_id, action, purpose, request_id)
    SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::text[], $6::text[], $7::text[])`,
    [
      rows.map((r) => r.organisationId),
      rows.map((r) => r.clientId),
      rows.map((r) => r.onBehalfOfWorkerId),
      rows.map((r) => r.referralId),
      rows.map((r) => r.action),
      rows.map((r) => r.purpose),
      rows.map((r) => r.requestId)
    ]
  )
})

/**
 * Access-log rows of many referrals read at once (a list page), group-committed with those of
 * concurrent pages (see `Batch`): resolves once committed; rejects when they could not be (then the
 * page must not be answered).
 */
export async function recordAccessToMany(
  db: Database,
  referralIds: readonly string[],
  entry: AccessEntry
): Promise<void> {
  if (referralIds.length === 0) return
  await appendAccessRows(
    db,
    referralIds.map((referralId) => ({ ...entry, referralId }))
  )
}

/** Column expressions of a grouped statement, keyed by the column they fill. */
type Columns<K extends string> = Record<K, string>

/**
 * The same rows as SQL text, for the grouped statements of the hot paths: each fragment is an
 * `INSERT … SELECT` over `source` (a FROM clause of the statement it is spliced into).
 */
export const statements = {
  accessLog(
    c: Columns<
      'organisationId' | 'clientId' | 'onBehalfOfWorkerId' | 'referralId' | 'action' | 'purpose' | 'requestId'
    >,
    source: string
  ): string {
    return `INSERT INTO access_log (organisation_id, client_id, on_behalf_of_worker_id, referral_id, action, purpose, request_id)
      SELECT ${c.organisationId}, ${c.clientId}, ${c.onBehalfOfWorkerId}, ${c.referralId}, ${c.action}, ${c.purpose}, ${c.requestId} FROM ${source}`
  },

  referralHistory(
    c: Columns<
      | 'referralId'
      | 'fromStatus'
      | 'toStatus'
      | 'byOrganisationId'
      | 'byClientId'
      | 'byWorkerId'
      | 'assignedWorkerId'
      | 'reasonCode'
      | 'reason'
      | 'at'
    >,
    source: string
  ): string {
    return `INSERT INTO referral_history (referral_id, from_status, to_status, by_organisation_id, by_client_id, by_worker_id, assigned_worker_id, reason_code, reason, at)
      SELECT ${c.referralId}, ${c.fromStatus}, ${c.toStatus}, ${c.byOrganisationId}, ${c.byClientId}, ${c.byWorkerId}, ${c.assignedWorkerId}, ${c.reasonCode}, ${c.reason}, ${c.at}
      FROM ${source}`
  },

  /** `parties`: the SQL expression of each party's organisation id in `source`. */
  event(
    type: AudienceType,
    c: Columns<'referralId' | 'status' | 'reasonCode' | 'version' | 'outcome'>,
    parties: Partial<Record<Party, string>>,
    source: string
  ): string {
    const audience = EVENT_AUDIENCE[type].map((p) => parties[p]).filter((e) => e !== undefined)
    return `INSERT INTO outbox_events (type, referral_id, status, reason_code, version, outcome, audience)
      SELECT '${type}', ${c.referralId}, ${c.status}, ${c.reasonCode}, ${c.version}, ${c.outcome}, ARRAY[${audience.join(', ')}]::uuid[] FROM ${source}`
  }
}
