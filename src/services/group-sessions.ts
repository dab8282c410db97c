import { accessEntry, requireVersion, type Caller } from '../core/caller.ts'
import { notFound, validationProblem, type FieldError } from '../core/problems.ts'
import { writeTransaction, type Executor } from '../db/client.ts'
import {
  attendeeRows,
  attendeesOf,
  groupSessionEverOf,
  groupSessionHistoryOf,
  groupSessionOf,
  groupSessionPage,
  insertGroupSession,
  replaceAttendance,
  sessionsAttendedBy,
  updateGroupSession,
  type GroupSessionFields,
  type GroupSessionRow
} from '../db/queries/group-sessions.ts'
import { lockReferral } from '../db/queries/referrals.ts'
import { recordAccess, recordAccessEach, recordGroupSessionHistory } from '../db/record.ts'
import { viewOf } from '../domain/access.ts'
import { belgianDate, isoInstant } from '../domain/dates.ts'
import { attendeeProblem, repeatedAttendees, type AttendeeFacts } from '../domain/group-sessions.ts'
import type { GroupSessionTheme, Track } from '../domain/vocabulary.ts'
import { sql } from 'drizzle-orm'
import type { ServiceDeps } from './deps.ts'
import { activeWorker } from './workers.ts'

type Deps = Pick<ServiceDeps, 'db'>

export interface GroupSessionInput {
  heldOn: string
  theme: GroupSessionTheme
  track: Track
  place: string
  title?: string | undefined
  facilitatorWorkerId: string
}
export type GroupSessionPatch = {
  [K in Exclude<keyof GroupSessionInput, 'title'>]?: GroupSessionInput[K] | undefined
} & {
  title?: string | null | undefined
}

/** What a session says (its history keeps the same fields per version). */
const fieldsOf = (s: GroupSessionRow): GroupSessionFields => ({
  heldOn: s.heldOn,
  theme: s.theme,
  track: s.track,
  place: s.place,
  title: s.title,
  facilitatorWorkerId: s.facilitatorWorkerId
})

const present = (s: GroupSessionRow, referralIds: readonly string[]) => ({
  id: s.id,
  ...fieldsOf(s),
  referralIds: [...referralIds],
  version: s.version,
  createdAt: isoInstant(s.createdAt),
  updatedAt: isoInstant(s.updatedAt)
})
export type GroupSession = ReturnType<typeof present>

/** Group work is the programme's own record; anyone else has no sessions to see (404). */
function programmeOf(caller: Caller): string {
  if (caller.principal.organisationType !== 'programme' || caller.principal.organisationId === null)
    throw notFound('Group session')
  return caller.principal.organisationId
}

async function ownSession(tx: Executor, caller: Caller, id: string, lock: boolean): Promise<GroupSessionRow> {
  const session = await groupSessionOf(tx, programmeOf(caller), id, lock)
  if (session === undefined) throw notFound('Group session')
  return session
}

/** Why each listed referral that cannot attend a session on `heldOn` cannot, with its position. */
async function attendanceProblems(
  tx: Executor,
  caller: Caller,
  heldOn: string,
  referralIds: readonly string[]
): Promise<Array<{ at: number; referralId: string; message: string }>> {
  const facts = new Map<string, AttendeeFacts>()
  for (const row of await attendeeRows(tx, referralIds)) {
    facts.set(row.id, {
      own: viewOf(caller.principal, row) === 'programme',
      guidanceStartedOn: row.acceptedAt === null ? null : belgianDate(new Date(row.acceptedAt)),
      guidanceEndedOn: row.endedAt === null ? null : belgianDate(new Date(row.endedAt))
    })
  }
  return referralIds.flatMap((referralId, at) => {
    const message = attendeeProblem(heldOn, facts.get(referralId.toLowerCase()))
    return message === null ? [] : [{ at, referralId, message }]
  })
}

/** A session day: not in the future (a session is recorded once held). */
function checkHeldOn(caller: Caller, heldOn: string): void {
  if (heldOn > belgianDate(caller.clock.now()))
    throw validationProblem([{ pointer: '/heldOn', message: 'must not be in the future: record a session once held' }])
}

async function keepVersion(
  tx: Executor,
  caller: Caller,
  change: 'recorded' | 'corrected' | 'attendance' | 'deleted',
  s: GroupSessionRow,
  referralIds: readonly string[]
): Promise<void> {
  await recordGroupSessionHistory(tx, {
    sessionId: s.id,
    version: s.version,
    change,
    ...fieldsOf(s),
    referralIds: [...referralIds],
    byOrganisationId: caller.principal.organisationId,
    byClientId: caller.principal.clientId,
    byWorkerId: caller.actingWorkerId
  })
  await recordAccessEach(tx, referralIds, accessEntry(caller))
}

export async function recordGroupSession(deps: Deps, caller: Caller, input: GroupSessionInput): Promise<GroupSession> {
  const programmeId = programmeOf(caller)
  checkHeldOn(caller, input.heldOn)
  return writeTransaction(deps.db, async (tx) => {
    await activeWorker(tx, programmeId, input.facilitatorWorkerId, '/facilitatorWorkerId')
    const session = await insertGroupSession(tx, {
      programmeOrganisationId: programmeId,
      heldOn: input.heldOn,
      theme: input.theme,
      track: input.track,
      place: input.place.trim(),
      title: input.title?.trim() ?? null,
      facilitatorWorkerId: input.facilitatorWorkerId
    })
    await keepVersion(tx, caller, 'recorded', session, [])
    return present(session, [])
  })
}

/** Corrects a session under `If-Match`; a new day must lie in the guidance of everyone who attended. */
export async function correctGroupSession(
  deps: Deps,
  caller: Caller,
  id: string,
  ifMatch: string | undefined,
  patch: GroupSessionPatch
): Promise<GroupSession> {
  const programmeId = programmeOf(caller)
  return writeTransaction(deps.db, async (tx) => {
    const existing = await ownSession(tx, caller, id, true)
    requireVersion(ifMatch, existing.version, 'group session')
    const referralIds = await attendeesOf(tx, id)
    if (patch.heldOn !== undefined) {
      checkHeldOn(caller, patch.heldOn)
      const problems = await attendanceProblems(tx, caller, patch.heldOn, referralIds)
      if (problems.length > 0)
        throw validationProblem(
          problems.map((p) => ({
            pointer: '/heldOn',
            message: `for an attending mother (${p.referralId}): ${p.message}`
          }))
        )
    }
    if (patch.facilitatorWorkerId !== undefined)
      await activeWorker(tx, programmeId, patch.facilitatorWorkerId, '/facilitatorWorkerId')
    const changes: Partial<GroupSessionFields> = {}
    if (patch.heldOn !== undefined) changes.heldOn = patch.heldOn
    if (patch.theme !== undefined) changes.theme = patch.theme
    if (patch.track !== undefined) changes.track = patch.track
    if (patch.place !== undefined) changes.place = patch.place.trim()
    if (patch.title !== undefined) changes.title = patch.title === null ? null : patch.title.trim()
    if (patch.facilitatorWorkerId !== undefined) changes.facilitatorWorkerId = patch.facilitatorWorkerId
    const session = await updateGroupSession(tx, id, changes)
    await keepVersion(tx, caller, 'corrected', session, referralIds)
    return present(session, referralIds)
  })
}

/** Replaces who attended under `If-Match`: each listed mother once, each in guidance on the day. */
export async function replaceGroupSessionAttendance(
  deps: Deps,
  caller: Caller,
  id: string,
  ifMatch: string | undefined,
  referralIds: readonly string[]
): Promise<GroupSession> {
  return writeTransaction(deps.db, async (tx) => {
    const existing = await ownSession(tx, caller, id, true)
    requireVersion(ifMatch, existing.version, 'group session')
    const errors: FieldError[] = repeatedAttendees(referralIds).map(({ at, first }) => ({
      pointer: `/referralIds/${at}`,
      message: `is listed twice (also at /referralIds/${first}): a mother attends a session once`
    }))
    for (const p of await attendanceProblems(tx, caller, existing.heldOn, referralIds))
      errors.push({ pointer: `/referralIds/${p.at}`, message: p.message })
    if (errors.length > 0) throw validationProblem(errors)
    const ids = [...referralIds].map((r) => r.toLowerCase()).sort()
    const before = await attendeesOf(tx, id)
    await replaceAttendance(tx, id, ids)
    const session = await updateGroupSession(tx, id, {})
    await keepVersion(tx, caller, 'attendance', session, [...new Set([...before, ...ids])].sort())
    return present(session, ids)
  })
}

/** Deletes a session under `If-Match`: it leaves the lists and the report; its history stays. */
export async function deleteGroupSession(deps: Deps, caller: Caller, id: string, ifMatch: string | undefined) {
  await writeTransaction(deps.db, async (tx) => {
    const existing = await ownSession(tx, caller, id, true)
    requireVersion(ifMatch, existing.version, 'group session')
    const referralIds = await attendeesOf(tx, id)
    const session = await updateGroupSession(tx, id, { deletedAt: sql`now()` })
    await keepVersion(tx, caller, 'deleted', session, referralIds)
  })
}

export async function readGroupSession(deps: Deps, caller: Caller, id: string): Promise<GroupSession> {
  return deps.db.transaction(async (tx) => {
    const session = await ownSession(tx, caller, id, false)
    const referralIds = await attendeesOf(tx, id)
    await recordAccessEach(tx, referralIds, accessEntry(caller))
    return present(session, referralIds)
  })
}

export async function groupSessionVersions(deps: Deps, caller: Caller, id: string) {
  return deps.db.transaction(async (tx) => {
    if (!(await groupSessionEverOf(tx, programmeOf(caller), id))) throw notFound('Group session')
    const rows = await groupSessionHistoryOf(tx, id)
    await recordAccessEach(tx, [...new Set(rows.flatMap((r) => r.referralIds))].sort(), accessEntry(caller))
    return rows.map((h) => ({
      version: h.version,
      change: h.change,
      heldOn: h.heldOn,
      theme: h.theme,
      track: h.track,
      place: h.place,
      title: h.title,
      facilitatorWorkerId: h.facilitatorWorkerId,
      referralIds: h.referralIds,
      byOrganisationId: h.byOrganisationId,
      byClientId: h.byClientId,
      byWorkerId: h.byWorkerId,
      at: isoInstant(h.at)
    }))
  })
}

/** A page of the programme's sessions, newest first; how many attended, not who. */
export async function listGroupSessions(
  deps: Deps,
  caller: Caller,
  q: { from?: string | undefined; to?: string | undefined; track?: Track | undefined },
  after: [string, string] | null,
  limit: number
) {
  const rows = await groupSessionPage(deps.db, programmeOf(caller), q, after, limit)
  const page = rows.slice(0, limit)
  const last = page.at(-1)
  return {
    items: page.map(({ session, attendees }) => {
      const { referralIds: _, ...summary } = present(session, [])
      return { ...summary, attendees }
    }),
    next: rows.length > limit && last !== undefined ? [last.session.heldOn, last.session.id] : null
  }
}

/** The sessions one mother attended, for her referral's record. */
export async function sessionsOfReferral(deps: Deps, caller: Caller, referralId: string) {
  return deps.db.transaction(async (tx) => {
    const row = await lockReferral(tx, referralId)
    if (row === undefined || viewOf(caller.principal, row) !== 'programme') throw notFound('Referral')
    await recordAccess(tx, referralId, accessEntry(caller))
    return (await sessionsAttendedBy(tx, referralId)).map((s) => ({
      id: s.id,
      heldOn: s.heldOn,
      theme: s.theme,
      track: s.track,
      place: s.place,
      title: s.title
    }))
  })
}
