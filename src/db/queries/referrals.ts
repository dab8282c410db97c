import { and, asc, eq, inArray, sql, type SQL } from 'drizzle-orm'
import { getTableColumns } from 'drizzle-orm'
import { getTableConfig } from 'drizzle-orm/pg-core'
import { accessLog, referralHistory, referrals } from '../schema/index.ts'
import type pg from 'pg'
import { answerBy, prepared, type Database, type Executor } from '../client.ts'
import type { AccessEntry } from '../../core/caller.ts'
import { grouped, groupedWrite, inItemOrder } from '../batch.ts'
import { storeAnswersIn, type AnswerToStore } from '../idempotency.ts'
import { statements } from '../record.ts'
import { RECIPIENT_BLIND_REFERRAL_STATUSES, RECIPIENT_WORKING_STATUSES } from '../../domain/access.ts'
import { OPEN_STATUSES, type ReferralStatus } from '../../domain/vocabulary.ts'

export type ReferralRow = typeof referrals.$inferSelect
export type NewReferralRow = typeof referrals.$inferInsert

const snake = (k: string) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)
/** Every referral column under its TypeScript name, for raw statements that return rows. */
const columnList = (instead: Record<string, string> = {}) =>
  Object.keys(getTableColumns(referrals))
    .map((k) => `${instead[k] ?? `r.${snake(k)}`} AS "${k}"`)
    .join(', ')
const COLUMN_LIST = columnList()
const COLUMNS = sql.raw(COLUMN_LIST)

/** A handoff as its referral's parties see it listed, straight from the read. */
export interface HandoffBrief {
  id: string
  type: string
  status: string
  toOrganisationId: string
  reason: string
  dueBy: string | null
  housingDecision: string | null
  housingDecidedAt: string | null
  createdAt: string
  updatedAt: string
}

/** A step of the referral's status, from its history. */
export interface StatusStep {
  status: string
  at: string
  reasonCode: string | null
}

/** A worker's work contact. */
export interface WorkContactRow {
  workerId: string
  name: string
  role: string
  workPhone: string | null
  workEmail: string | null
}

/** What the referrer hears back, read with the referral: its statuses with their dates, the programme's contact person. */
export interface Feedback {
  statusHistory: StatusStep[]
  programmeContact: WorkContactRow | null
}

/** A referral as the views present it: its row and, where read, its feedback. */
export type ReferralRecord = ReferralRow & Partial<Feedback>

export type ReaderRow = ReferralRow & Feedback & { isRecipient: boolean; handoffs: HandoffBrief[] }

const STATUS_HISTORY = `coalesce((SELECT json_agg(json_build_object('status', x.to_status, 'at', x.at, 'reasonCode', x.reason_code) ORDER BY x.id)
  FROM referral_history x WHERE x.referral_id = r.id AND x.kind = 'status'), '[]')`
const PROGRAMME_CONTACT = `(SELECT json_build_object('workerId', w.id, 'name', w.name, 'role', w.role, 'workPhone', w.work_phone, 'workEmail', w.work_email)
  FROM workers w WHERE w.id = r.assigned_worker_id)`
/** `Feedback` of a referral (`r`) in the statement that reads it. */
const FEEDBACK = `${STATUS_HISTORY} AS "statusHistory", ${PROGRAMME_CONTACT} AS "programmeContact"`

/** The feedback of one referral, for writes that change it in a transaction (read after the change). */
export async function feedbackOf(tx: Executor, id: string): Promise<Feedback> {
  const result = await tx.execute<Feedback & Record<string, unknown>>(
    sql`SELECT ${sql.raw(FEEDBACK)} FROM referrals r WHERE r.id = ${id}::uuid`
  )
  return result.rows[0] ?? { statusHistory: [], programmeContact: null }
}

/** A referral's handoffs as `HandoffBrief`s, in the statement that reads it (`r`). */
const HANDOFF_BRIEFS = `coalesce((SELECT json_agg(json_build_object('id', h.id, 'type', h.type, 'status', h.status,
  'toOrganisationId', h.to_organisation_id, 'reason', h.reason, 'dueBy', h.due_by, 'housingDecision', h.housing_decision, 'housingDecidedAt', h.housing_decided_at,
  'createdAt', h.created_at, 'updatedAt', h.updated_at) ORDER BY h.created_at, h.id) FROM handoffs h WHERE h.referral_id = r.id), '[]')`

/** At a version the reader holds (`If-None-Match`), the heavy columns stay in the database. */
const HELD = "r.version = ANY(string_to_array(q.held, ',')::int[])"
const READER_COLUMNS = columnList({
  details: `CASE WHEN ${HELD} THEN NULL ELSE r.details END`,
  inszCiphertext: `CASE WHEN ${HELD} THEN NULL ELSE r.insz_ciphertext END`
})

/**
 * `recipientAccess` in SQL, for the read that finds a referral (`r`) for a party (`q.party`, of type
 * `q.party_type`): it holds a handoff of it still at work, the consent stands and names its type,
 * and the referral is not in error. Built from the same domain constants.
 */
const RECIPIENT_SEES = `EXISTS (SELECT 1 FROM handoffs h WHERE h.referral_id = r.id AND h.to_organisation_id = q.party
    AND h.status = ANY('{${RECIPIENT_WORKING_STATUSES.join(',')}}'::text[]))
  AND r.consent_withdrawn_at IS NULL AND r.status <> ALL('{${RECIPIENT_BLIND_REFERRAL_STATUSES.join(',')}}'::text[])
  AND (r.details->'consent'->'sharingScope') ? q.party_type`

interface ReaderQuery {
  id: string
  party: string | null
  /** The party's organisation type, which the mother's consent must name for a recipient to read. */
  partyType: string
  recipients: boolean
  heldVersions: readonly number[]
  entry: AccessEntry
}

/** Every referral column's name as `columnList` gives it, to select them again from a CTE. */
const COLUMN_NAMES = Object.keys(getTableColumns(referrals))
  .map((k) => `"${k}"`)
  .join(', ')

// Reads by primary key that arrive while one runs go together in the next statement (`grouped`),
// which also appends their access-log rows: one round trip and one commit for both.
const readForReaders = grouped<ReaderQuery, ReaderRow>(async (db, queries) =>
  prepared(
    db,
    'referrals_for_readers',
    `
  WITH found AS (
    SELECT q.n, q.organisation_id AS log_organisation_id, q.client_id AS log_client_id, q.worker_id AS log_worker_id, q.action AS log_action, q.purpose AS log_purpose, q.request_id AS log_request_id,
      ${READER_COLUMNS},
      (${RECIPIENT_SEES}) AS "isRecipient",
      CASE WHEN ${HELD} THEN '[]' ELSE ${HANDOFF_BRIEFS} END AS handoffs,
      CASE WHEN ${HELD} THEN '[]' ELSE ${STATUS_HISTORY} END AS "statusHistory",
      CASE WHEN ${HELD} THEN NULL ELSE ${PROGRAMME_CONTACT} END AS "programmeContact"
    FROM unnest($1::uuid[], $2::uuid[], $3::bool[], $4::text[], $5::uuid[], $6::uuid[], $7::text[], $8::text[], $9::text[], $10::text[], $11::uuid[])
      WITH ORDINALITY AS q(id, party, recipients, held, organisation_id, client_id, action, purpose, request_id, party_type, worker_id, n)
    JOIN referrals r ON r.id = q.id
    WHERE q.party IS NULL OR r.referrer_organisation_id = q.party OR r.programme_organisation_id = q.party
      OR (q.recipients AND ${RECIPIENT_SEES})
  ), logged AS (
    ${statements.accessLog(
      {
        organisationId: 'log_organisation_id',
        clientId: 'log_client_id',
        onBehalfOfWorkerId: 'log_worker_id',
        referralId: '"id"',
        action: 'log_action',
        purpose: 'log_purpose',
        requestId: 'log_request_id'
      },
      'found'
    )}
  )
  SELECT n, ${COLUMN_NAMES}, "isRecipient", handoffs, "statusHistory", "programmeContact" FROM found`,
    [
      queries.map((q) => q.id),
      queries.map((q) => q.party),
      queries.map((q) => q.recipients),
      queries.map((q) => q.heldVersions.join(',')),
      queries.map((q) => q.entry.organisationId),
      queries.map((q) => q.entry.clientId),
      queries.map((q) => q.entry.action),
      queries.map((q) => q.entry.purpose),
      queries.map((q) => q.entry.requestId),
      queries.map((q) => q.partyType),
      queries.map((q) => q.entry.onBehalfOfWorkerId)
    ]
  )
)

/**
 * One referral the caller may read, with its handoffs (grouped with concurrent reads), and the
 * access-log row of that read, committed before this resolves. Nothing found, nothing logged. At one
 * of `heldVersions` only its parties, version and dates are worth reading (the answer is 304).
 * `party` null means any referral (the operator); `recipients`: a handoff recipient may read it too,
 * while its access holds (`RECIPIENT_SEES`).
 */
export async function referralForReader(
  db: Database,
  id: string,
  reader: { party: string | null; partyType: string; recipients: boolean; heldVersions?: readonly number[] },
  entry: AccessEntry
): Promise<ReaderRow | undefined> {
  return readForReaders(db, {
    id,
    party: reader.party,
    partyType: reader.partyType,
    recipients: reader.recipients,
    heldVersions: reader.heldVersions ?? [],
    entry
  })
}

export interface ReferralFilter {
  /** Whose: the referrer's or the programme's own, or (the operator) all. */
  side: 'referrer' | 'programme' | 'operator'
  organisationId: string | null
  status?: string | undefined
  externalReference?: string | undefined
  track?: string | undefined
  assignedWorkerId?: string | undefined
  updatedSince?: string | undefined
  /** Bounds on the last change (FHIR `_lastUpdated=gt…`), each a comparison with an instant. */
  updated?: ReadonlyArray<{ op: '>' | '>=' | '<' | '<='; at: string }> | undefined
  referrerId?: string | undefined
  programmeId?: string | undefined
  after?: [string, string] | null
  limit: number
}

/** A keyset page (updated_at, id) of one side's referrals (the caller appends their access-log rows). */
export async function listReferralPage(db: Executor, f: ReferralFilter): Promise<Array<ReferralRow & Feedback>> {
  const conditions: SQL[] = []
  if (f.side !== 'operator') {
    const sideColumn = sql.raw(f.side === 'programme' ? 'programme_organisation_id' : 'referrer_organisation_id')
    conditions.push(sql`${sideColumn} = ${f.organisationId}::uuid`)
  }
  if (f.externalReference !== undefined) conditions.push(sql`external_reference = ${f.externalReference}`)
  if (f.status !== undefined) conditions.push(sql`status = ${f.status}`)
  if (f.track !== undefined) conditions.push(sql`track = ${f.track}`)
  if (f.assignedWorkerId !== undefined) conditions.push(sql`assigned_worker_id = ${f.assignedWorkerId}::uuid`)
  if (f.updatedSince !== undefined) conditions.push(sql`updated_at >= ${f.updatedSince}::timestamptz`)
  for (const bound of f.updated ?? []) conditions.push(sql`updated_at ${sql.raw(bound.op)} ${bound.at}::timestamptz`)
  if (f.referrerId !== undefined) conditions.push(sql`referrer_organisation_id = ${f.referrerId}::uuid`)
  if (f.programmeId !== undefined) conditions.push(sql`programme_organisation_id = ${f.programmeId}::uuid`)
  if (f.after != null) conditions.push(sql`(updated_at, id) > (${f.after[0]}::timestamptz, ${f.after[1]}::uuid)`)
  const result = await db.execute<ReferralRow & Feedback & Record<string, unknown>>(sql`
    SELECT ${COLUMNS}, ${sql.raw(f.side === 'operator' ? `'[]'::json AS "statusHistory", NULL AS "programmeContact"` : FEEDBACK)} FROM referrals r WHERE ${conditions.length === 0 ? sql`true` : sql.join(conditions, sql` AND `)}
    ORDER BY r.updated_at, r.id LIMIT ${f.limit}`)
  return result.rows
}

/** What deciding on a change needs of a referral (not its details); read grouped with concurrent reads. */
export type ReferralHead = Pick<
  ReferralRow,
  'id' | 'status' | 'statusBeforeHold' | 'version' | 'referrerOrganisationId' | 'programmeOrganisationId'
>

const readHeads = grouped<string, ReferralHead>(async (db, ids) =>
  prepared(
    db,
    'referral_heads',
    `SELECT q.n, r.id, r.status,
  r.status_before_hold AS "statusBeforeHold", r.version, r.referrer_organisation_id AS "referrerOrganisationId", r.programme_organisation_id AS "programmeOrganisationId"
  FROM unnest($1::uuid[]) WITH ORDINALITY AS q(id, n) JOIN referrals r ON r.id = q.id`,
    [ids]
  )
)

export async function referralHead(db: Database, id: string): Promise<ReferralHead | undefined> {
  return readHeads(db, id)
}

export async function findReferral(db: Executor, id: string): Promise<ReferralRow | undefined> {
  const [row] = await db.select().from(referrals).where(eq(referrals.id, id))
  return row
}

export async function lockReferral(tx: Executor, id: string): Promise<ReferralRow | undefined> {
  const [row] = await tx.select().from(referrals).where(eq(referrals.id, id)).for('update')
  return row
}

/** Open referrals of the same mother (same blind index), oldest first. */
export async function openReferralsOfMother(
  on: Database | pg.ClientBase,
  blindIndex: string
): Promise<Array<{ id: string; referrerOrganisationId: string }>> {
  return prepared(
    on,
    'open_referrals_of_mother',
    `SELECT id, referrer_organisation_id AS "referrerOrganisationId" FROM referrals
    WHERE insz_blind_index = $1 AND status = ANY($2::text[]) ORDER BY created_at`,
    [blindIndex, [...OPEN_STATUSES]]
  )
}

/** Serialises intake of the same mother, so two concurrent posts cannot both miss each other. */
export async function lockMother(client: pg.ClientBase, blindIndex: string): Promise<void> {
  await prepared(client, 'lock_mother', 'SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [blindIndex])
}

/** The access-log row of each item of a grouped write (`q`) that changed its referral (`r`). */
const ACCESS_OF_ITEM = {
  organisationId: 'q.organisation_id',
  clientId: 'q.client_id',
  onBehalfOfWorkerId: 'q.worker_id',
  referralId: 'r.id',
  action: 'q.action',
  purpose: 'q.purpose',
  requestId: 'q.request_id'
}

/** A referrer's `externalReference` is unique per referrer: intake learns a repeat from this constraint. */
const EXTERNAL_REFERENCE_UNIQUE = getTableConfig(referrals).uniqueConstraints[0]!.getName()

/** A referral intake writes, with who sent it and the answer it gets. */
export interface NewReferral {
  row: {
    id: string
    referrerOrganisationId: string
    programmeOrganisationId: string
    externalReference: string
    details: unknown
    inszCiphertext: string | null
    inszBlindIndex: string | null
    possibleDuplicateOf: string | null
    /** The referral's time, which its answer already says. */
    at: string
  }
  entry: AccessEntry
  /** The answer; stored `sealed` under the request's key when `store` is given. */
  answer: { body: string; store: AnswerToStore | null; sealed: Buffer | null }
}

/** The answer as sent; or, when the referrer already used its `externalReference`, nothing written. */
export type IntakeResult = { answer: string } | { duplicateExternalReference: true }

/**
 * New referrals with their history rows, events and access-log rows, in one prepared statement,
 * each at its `at`. Each answers with its `answer.body`, whose sealed copy is stored under the
 * request's idempotency key if it has one (in the same commit: a replay is byte for byte): in the
 * row claimed for it, or in a new one, which fails the statement if the key is in use. A referral whose
 * `externalReference` its referrer already used is not written, and has no row (nor its key).
 */
async function intakeStatement(on: Database | pg.ClientBase, items: readonly NewReferral[]): Promise<IntakeResult[]> {
  // One JSON document for the batch, not an array per column: pg escapes each element of an array
  // parameter in JavaScript, which showed in an intake's garbage (HISTORY.md).
  const batch = JSON.stringify(
    items.map(({ row, entry, answer }, i) => ({
      n: i + 1,
      id: row.id,
      referrer: row.referrerOrganisationId,
      programme: row.programmeOrganisationId,
      external_reference: row.externalReference,
      details: row.details,
      insz_ciphertext: row.inszCiphertext,
      insz_blind_index: row.inszBlindIndex,
      possible_duplicate_of: row.possibleDuplicateOf,
      at: row.at,
      client_id: entry.clientId,
      organisation_id: entry.organisationId,
      worker_id: entry.onBehalfOfWorkerId,
      action: entry.action,
      purpose: entry.purpose,
      request_id: entry.requestId,
      body: answer.sealed?.toString('base64'),
      principal: answer.store?.principal,
      key: answer.store?.key,
      status: answer.store?.status,
      headers: answer.store?.headers,
      request_hash: answer.store?.requestHash,
      claimed: answer.store?.claimed
    }))
  )
  const rows = await prepared<{ n: string }>(
    on,
    'intake_referrals',
    `
    WITH q AS (
      SELECT q.* FROM opkomst_answer_by($2::timestamptz), json_to_recordset($1::json) AS q(n int, id uuid, referrer uuid, programme uuid, external_reference text, details jsonb,
        insz_ciphertext text, insz_blind_index text, possible_duplicate_of uuid, at timestamptz,
        client_id uuid, organisation_id uuid, worker_id uuid, action text, purpose text, request_id text, body text, principal text, key text, status int, headers text,
        request_hash text, claimed boolean)
    ), r AS (
      INSERT INTO referrals (id, referrer_organisation_id, programme_organisation_id, external_reference, status, details, insz_ciphertext, insz_blind_index,
        possible_duplicate_of, created_at, updated_at)
      SELECT id, referrer, programme, external_reference, 'requested', details, insz_ciphertext, insz_blind_index, possible_duplicate_of,
        at, at FROM q ORDER BY n
      ON CONFLICT ON CONSTRAINT "${EXTERNAL_REFERENCE_UNIQUE}" DO NOTHING
      RETURNING id, referrer_organisation_id, programme_organisation_id, created_at
    ), history AS (
      ${statements.referralHistory(
        {
          referralId: 'r.id',
          fromStatus: 'NULL',
          toStatus: "'requested'",
          byOrganisationId: 'r.referrer_organisation_id',
          byClientId: 'q.client_id',
          byWorkerId: 'q.worker_id',
          assignedWorkerId: 'NULL',
          reasonCode: 'NULL',
          reason: 'NULL',
          at: 'r.created_at'
        },
        'r JOIN q USING (id)'
      )}
    ), event AS (
      ${statements.event(
        'referral.created',
        { referralId: 'r.id', status: "'requested'", reasonCode: 'NULL', version: '1', outcome: 'NULL' },
        { referrer: 'r.referrer_organisation_id', programme: 'r.programme_organisation_id' },
        'r'
      )}
    ), logged AS (
      ${statements.accessLog(ACCESS_OF_ITEM, 'r JOIN q USING (id)')}
    ), answer AS (
      SELECT q.n, q.principal, q.key, q.status, q.headers, q.request_hash, q.claimed, decode(q.body, 'base64') AS body
      FROM r JOIN q USING (id) WHERE q.key IS NOT NULL
    ), ${storeAnswersIn('answer')}
    SELECT q.n FROM r JOIN q USING (id)`,
    [batch, answerBy(on)]
  )
  return inItemOrder(items, rows).map((row, i) =>
    row === undefined ? { duplicateExternalReference: true } : { answer: (items[i] as NewReferral).answer.body }
  )
}

/** A referral intake writes in a transaction of its own (`client`), after checks on the mother. */
export async function insertReferralIn(client: pg.ClientBase, item: NewReferral): Promise<IntakeResult> {
  return (await intakeStatement(client, [item]))[0]!
}

/**
 * A referral intake writes, grouped with the intakes that arrive while a statement runs (as reads
 * are): one statement and one commit for them all (two statements at a time measured worse).
 */
export const insertReferral: (db: Database, item: NewReferral) => Promise<IntakeResult> = groupedWrite(intakeStatement)

/** The columns a transition may set, with their SQL types; a column a transition does not name keeps its value. */
const TRANSITION_COLUMNS = {
  status: 'text',
  statusBeforeHold: 'text',
  statusReasonCode: 'text',
  statusReason: 'text',
  redirectSuggestion: 'text',
  track: 'text',
  assignedWorkerId: 'uuid',
  acceptedAt: 'timestamptz',
  firstContactOn: 'date',
  outcome: 'text',
  outcomeNote: 'text'
} as const
export type TransitionSet = Partial<Record<keyof typeof TRANSITION_COLUMNS, string | null>>

/** A change of status: the referral's new values, if it is still at `expectedVersion`, and what it leaves behind. */
export interface Transition {
  id: string
  expectedVersion: number
  set: TransitionSet
  history: {
    fromStatus: ReferralStatus
    toStatus: ReferralStatus
    byOrganisationId: string | null
    byClientId: string | null
    byWorkerId: string | null
    assignedWorkerId: string | null
    reasonCode: string | null
    reason: string | null
    at: string
  }
  entry: AccessEntry
}

const TRANSITION_SETS = Object.entries(TRANSITION_COLUMNS)
  .map(
    ([key, type]) =>
      `${snake(key)} = CASE WHEN q.set ? '${key}' THEN (q.set ->> '${key}')::${type} ELSE r.${snake(key)} END`
  )
  .join(', ')

/**
 * Changes referrals still at their expected version, each with its history row, its event and its
 * access-log row, in one statement; answers each changed referral with its handoffs, and undefined
 * for one changed meanwhile (or gone). Two changes of one referral in one statement: one is made.
 */
async function transitionStatement(db: Database, items: readonly Transition[]): Promise<Array<ReaderRow | undefined>> {
  const batch = JSON.stringify(
    items.map(({ id, expectedVersion, set, history, entry }, i) => ({
      n: i + 1,
      id,
      version: expectedVersion,
      set,
      from_status: history.fromStatus,
      to_status: history.toStatus,
      by_organisation_id: history.byOrganisationId,
      by_client_id: history.byClientId,
      by_worker_id: history.byWorkerId,
      assigned_worker_id: history.assignedWorkerId,
      reason_code: history.reasonCode,
      reason: history.reason,
      at: history.at,
      organisation_id: entry.organisationId,
      client_id: entry.clientId,
      worker_id: entry.onBehalfOfWorkerId,
      action: entry.action,
      purpose: entry.purpose,
      request_id: entry.requestId
    }))
  )
  const rows = await prepared<ReaderRow & { n: string }>(
    db,
    'transition_referrals',
    `
    WITH q AS (
      SELECT q.* FROM opkomst_answer_by($2::timestamptz), json_to_recordset($1::json) AS q(n int, id uuid, version int, set jsonb, from_status text, to_status text, by_organisation_id uuid,
        by_client_id uuid, by_worker_id uuid, assigned_worker_id uuid, reason_code text, reason text, at timestamptz, organisation_id uuid, client_id uuid,
        worker_id uuid, action text, purpose text, request_id text)
    ), changed AS (
      UPDATE referrals r SET ${TRANSITION_SETS}, version = r.version + 1, updated_at = clock_timestamp()
      FROM q WHERE r.id = q.id AND r.version = q.version
      RETURNING q.n, r.*
    ), history AS (
      ${statements.referralHistory(
        {
          referralId: 'r.id',
          fromStatus: 'q.from_status',
          toStatus: 'q.to_status',
          byOrganisationId: 'q.by_organisation_id',
          byClientId: 'q.by_client_id',
          byWorkerId: 'q.by_worker_id',
          assignedWorkerId: 'q.assigned_worker_id',
          reasonCode: 'q.reason_code',
          reason: 'q.reason',
          at: 'q.at'
        },
        'changed r JOIN q USING (n)'
      )}
    ), event AS (
      ${statements.event(
        'referral.status_changed',
        {
          referralId: 'r.id',
          status: 'r.status',
          reasonCode: 'r.status_reason_code',
          version: 'r.version',
          outcome: 'r.outcome'
        },
        { referrer: 'r.referrer_organisation_id', programme: 'r.programme_organisation_id' },
        'changed r'
      )}
    ), logged AS (
      ${statements.accessLog(ACCESS_OF_ITEM, 'changed r JOIN q USING (n)')}
    )
    SELECT r.n, ${COLUMN_LIST}, false AS "isRecipient", ${HANDOFF_BRIEFS} AS handoffs, ${PROGRAMME_CONTACT} AS "programmeContact",
      -- The history row written above is not visible to this statement: its step is added here.
      ${STATUS_HISTORY}::jsonb || jsonb_build_array(jsonb_build_object('status', q.to_status, 'at', q.at, 'reasonCode', q.reason_code)) AS "statusHistory"
    FROM changed r JOIN q USING (n)`,
    [batch, answerBy(db)]
  )
  return inItemOrder(items, rows)
}

/**
 * Changes a referral if it is still at `expectedVersion` (see `transitionStatement`), grouped with
 * the changes that arrive while a statement runs: one round trip and one commit for them all.
 */
export const updateReferralIfAt: (db: Database, item: Transition) => Promise<ReaderRow | undefined> =
  groupedWrite(transitionStatement)

export async function updateReferral(tx: Executor, id: string, set: Partial<NewReferralRow>): Promise<ReferralRow> {
  const [updated] = await tx
    .update(referrals)
    .set({ ...set, version: sql`${referrals.version} + 1`, updatedAt: sql`clock_timestamp()` })
    .where(eq(referrals.id, id))
    .returning()
  return updated!
}

/** When a completed or failed referral's guidance ended: its last move to either. */
export async function guidanceEndedAt(db: Executor, referralId: string): Promise<string | null> {
  const [row] = await db
    .select({ at: sql<string | null>`max(${referralHistory.at})` })
    .from(referralHistory)
    .where(
      and(
        eq(referralHistory.referralId, referralId),
        eq(referralHistory.kind, 'status'),
        inArray(referralHistory.toStatus, ['completed', 'failed'])
      )
    )
  return row?.at ?? null
}

export async function historyOf(db: Executor, referralId: string) {
  return db
    .select()
    .from(referralHistory)
    .where(eq(referralHistory.referralId, referralId))
    .orderBy(asc(referralHistory.id))
}

export async function accessLogOf(db: Executor, referralId: string, afterId: number, limit: number) {
  return db
    .select()
    .from(accessLog)
    .where(and(eq(accessLog.referralId, referralId), sql`${accessLog.id} > ${afterId}`))
    .orderBy(asc(accessLog.id))
    .limit(limit)
}
