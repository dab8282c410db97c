import { accessEntry, requireVersion, type Caller } from '../core/caller.ts'
import { writeTransaction } from '../db/client.ts'
import { notFound, ProblemError, validationProblem } from '../core/problems.ts'
import type { Executor } from '../db/client.ts'
import {
  assessmentsOf,
  groupSessionsOf,
  insertGroupSession,
  lockAssessment,
  saveAssessment,
  type AssessmentRow
} from '../db/queries/assessments.ts'
import { lockReferral } from '../db/queries/referrals.ts'
import { recordAccess } from '../db/record.ts'
import { viewOf } from '../domain/access.ts'
import { belgianDate } from '../domain/dates.ts'
import { outsideGuidance } from '../domain/referral-rules.ts'
import type { LifeDomain } from '../domain/vocabulary.ts'
import type { ServiceDeps } from './deps.ts'

type Deps = Pick<ServiceDeps, 'db'>

const present = (a: AssessmentRow) => ({
  phase: a.phase,
  assessedOn: a.assessedOn,
  scores: a.scores,
  version: a.version
})

/** Assessments and attendance are the programme's own record: anyone else gets 404. */
async function asProgramme(caller: Caller, referralId: string, tx: Executor) {
  const row = await lockReferral(tx, referralId)
  if (row === undefined || viewOf(caller.principal, row) !== 'programme') throw notFound('Referral')
  return row
}

/** An assessment or a session is a day of the mother's guidance: 422 naming the field otherwise. */
function inGuidance(caller: Caller, referral: { acceptedAt: string | null }, day: string, pointer: string): void {
  const started = referral.acceptedAt === null ? null : belgianDate(new Date(referral.acceptedAt))
  const problem = outsideGuidance(day, started, belgianDate(caller.clock.now()))
  if (problem !== null) throw validationProblem([{ pointer, message: problem }])
}

export async function putAssessment(
  deps: Deps,
  caller: Caller,
  referralId: string,
  phase: 'start' | 'end',
  ifMatch: string | undefined,
  body: { assessedOn: string; scores: Partial<Record<LifeDomain, number>> }
) {
  return writeTransaction(deps.db, async (tx) => {
    const referral = await asProgramme(caller, referralId, tx)
    inGuidance(caller, referral, body.assessedOn, '/assessedOn')
    const existing = await lockAssessment(tx, referralId, phase)
    if (existing !== undefined) requireVersion(ifMatch, existing.version, `${phase} assessment`)
    else if (ifMatch !== undefined && ifMatch !== '*')
      throw new ProblemError('precondition-failed', `There is no ${phase} assessment yet`)
    if (phase === 'end' && (await lockAssessment(tx, referralId, 'start')) === undefined) {
      throw new ProblemError('assessment-required', 'Record the start assessment before the end assessment')
    }
    const saved = await saveAssessment(tx, { referralId, phase, ...body }, existing !== undefined)
    await recordAccess(tx, referralId, accessEntry(caller))
    return { created: existing === undefined, assessment: present(saved) }
  })
}

export async function getAssessments(deps: Deps, caller: Caller, referralId: string) {
  return deps.db.transaction(async (tx) => {
    await asProgramme(caller, referralId, tx)
    const rows = await assessmentsOf(tx, referralId)
    await recordAccess(tx, referralId, accessEntry(caller))
    const of = (phase: 'start' | 'end') => {
      const a = rows.find((r) => r.phase === phase)
      return a === undefined ? null : present(a)
    }
    return { start: of('start'), end: of('end') }
  })
}

export async function addGroupSession(
  deps: Deps,
  caller: Caller,
  referralId: string,
  body: { date: string; topic?: string | undefined }
) {
  return writeTransaction(deps.db, async (tx) => {
    const referral = await asProgramme(caller, referralId, tx)
    inGuidance(caller, referral, body.date, '/date')
    const row = await insertGroupSession(tx, referralId, body.date, body.topic ?? null)
    await recordAccess(tx, referralId, accessEntry(caller))
    return { id: row.id, date: row.attendedOn, topic: row.topic }
  })
}

export async function listGroupSessions(deps: Deps, caller: Caller, referralId: string) {
  return deps.db.transaction(async (tx) => {
    await asProgramme(caller, referralId, tx)
    await recordAccess(tx, referralId, accessEntry(caller))
    return (await groupSessionsOf(tx, referralId)).map((g) => ({ id: g.id, date: g.attendedOn, topic: g.topic }))
  })
}
