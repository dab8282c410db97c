import { and, asc, desc, eq, gte, inArray, isNull, lt, sql, type SQL } from 'drizzle-orm'
import { groupSessionAttendance, groupSessionHistory, groupSessions, referrals } from '../schema/index.ts'
import type { Executor } from '../client.ts'
import { uuidArray } from './impact-report.ts'
import type { Track } from '../../domain/vocabulary.ts'

export type GroupSessionRow = typeof groupSessions.$inferSelect
export type GroupSessionFields = Pick<
  GroupSessionRow,
  'heldOn' | 'theme' | 'track' | 'place' | 'title' | 'facilitatorWorkerId'
>

export async function insertGroupSession(
  db: Executor,
  row: GroupSessionFields & { programmeOrganisationId: string }
): Promise<GroupSessionRow> {
  const [saved] = await db.insert(groupSessions).values(row).returning()
  return saved!
}

/** A session of the programme that is not deleted; `lock` holds it for this transaction. */
export async function groupSessionOf(
  db: Executor,
  programmeId: string,
  id: string,
  lock = false
): Promise<GroupSessionRow | undefined> {
  const query = db
    .select()
    .from(groupSessions)
    .where(
      and(
        eq(groupSessions.id, id),
        eq(groupSessions.programmeOrganisationId, programmeId),
        isNull(groupSessions.deletedAt)
      )
    )
  const [row] = lock ? await query.for('update') : await query
  return row
}

/** Whether the programme ever held this session, deleted or not: its history stays readable. */
export async function groupSessionEverOf(db: Executor, programmeId: string, id: string): Promise<boolean> {
  const rows = await db
    .select({ id: groupSessions.id })
    .from(groupSessions)
    .where(and(eq(groupSessions.id, id), eq(groupSessions.programmeOrganisationId, programmeId)))
  return rows.length > 0
}

/** Changes a session (or marks it deleted) and answers it with its next version. */
export async function updateGroupSession(
  db: Executor,
  id: string,
  changes: Partial<GroupSessionFields> & { deletedAt?: SQL }
): Promise<GroupSessionRow> {
  const [row] = await db
    .update(groupSessions)
    .set({ ...changes, version: sql`${groupSessions.version} + 1`, updatedAt: sql`now()` })
    .where(eq(groupSessions.id, id))
    .returning()
  return row!
}

export async function attendeesOf(db: Executor, sessionId: string): Promise<string[]> {
  const rows = await db
    .select({ referralId: groupSessionAttendance.referralId })
    .from(groupSessionAttendance)
    .where(eq(groupSessionAttendance.sessionId, sessionId))
    .orderBy(asc(groupSessionAttendance.referralId))
  return rows.map((r) => r.referralId)
}

export async function replaceAttendance(db: Executor, sessionId: string, referralIds: readonly string[]) {
  await db.delete(groupSessionAttendance).where(eq(groupSessionAttendance.sessionId, sessionId))
  if (referralIds.length > 0)
    await db.insert(groupSessionAttendance).values(referralIds.map((referralId) => ({ sessionId, referralId })))
}

/** What the attendance rules need of each listed referral: its parties and the span of its guidance. */
export async function attendeeRows(db: Executor, referralIds: readonly string[]) {
  if (referralIds.length === 0) return []
  return db
    .select({
      id: referrals.id,
      referrerOrganisationId: referrals.referrerOrganisationId,
      programmeOrganisationId: referrals.programmeOrganisationId,
      acceptedAt: referrals.acceptedAt,
      status: referrals.status,
      // Written out: drizzle leaves columns unqualified inside a selected fragment.
      endedAt: sql<string | null>`(SELECT max(h.at) FROM referral_history h
        WHERE h.referral_id = referrals.id AND h.kind = 'status' AND h.to_status IN ('completed', 'failed'))`
    })
    .from(referrals)
    .where(inArray(referrals.id, [...referralIds]))
}

/** A page of a programme's sessions, newest first, each with how many attended. */
export async function groupSessionPage(
  db: Executor,
  programmeId: string,
  f: { from?: string | undefined; to?: string | undefined; track?: Track | undefined },
  after: [string, string] | null,
  limit: number
) {
  const conditions = [eq(groupSessions.programmeOrganisationId, programmeId), isNull(groupSessions.deletedAt)]
  if (f.from !== undefined) conditions.push(gte(groupSessions.heldOn, f.from))
  if (f.to !== undefined) conditions.push(lt(groupSessions.heldOn, f.to))
  if (f.track !== undefined) conditions.push(eq(groupSessions.track, f.track))
  if (after !== null)
    conditions.push(sql`(${groupSessions.heldOn}, ${groupSessions.id}) < (${after[0]}::date, ${after[1]}::uuid)`)
  return db
    .select({
      session: groupSessions,
      attendees: sql<number>`(SELECT count(*)::int FROM group_session_attendance a WHERE a.session_id = group_sessions.id)`
    })
    .from(groupSessions)
    .where(and(...conditions))
    .orderBy(desc(groupSessions.heldOn), desc(groupSessions.id))
    .limit(limit + 1)
}

/** The sessions one mother attended, oldest first. */
export async function sessionsAttendedBy(db: Executor, referralId: string): Promise<GroupSessionRow[]> {
  const rows = await db
    .select({ session: groupSessions })
    .from(groupSessionAttendance)
    .innerJoin(groupSessions, eq(groupSessions.id, groupSessionAttendance.sessionId))
    .where(and(eq(groupSessionAttendance.referralId, referralId), isNull(groupSessions.deletedAt)))
    .orderBy(asc(groupSessions.heldOn), asc(groupSessions.id))
  return rows.map((r) => r.session)
}

export async function groupSessionHistoryOf(db: Executor, sessionId: string) {
  return db
    .select()
    .from(groupSessionHistory)
    .where(eq(groupSessionHistory.sessionId, sessionId))
    .orderBy(asc(groupSessionHistory.id))
}

/** Sessions of the programmes held in [from, to) and not deleted, with how many mothers in the report came. */
export async function heldSessions(
  db: Executor,
  programmeIds: readonly string[],
  from: string,
  to: string,
  track: Track | undefined
): Promise<Array<{ track: Track; attendees: number }>> {
  const result = await db.execute<{ track: Track; attendees: number }>(sql`
    SELECT s.track,
      (SELECT count(*)::int FROM group_session_attendance a JOIN referrals r ON r.id = a.referral_id
        WHERE a.session_id = s.id AND r.status <> 'entered-in-error') AS attendees
    FROM group_sessions s
    WHERE s.programme_organisation_id = ANY(${uuidArray(programmeIds)}::uuid[]) AND s.deleted_at IS NULL
      AND s.held_on >= ${from}::date AND s.held_on < ${to}::date
      ${track === undefined ? sql`` : sql`AND s.track = ${track}`}`)
  return result.rows
}
