import type { FastifyInstance } from 'fastify'
import { notFound, ProblemError, validationProblem } from '../plugins/errors.ts'
import { lockReferral, insertAccess, type AccessEntry } from '../db/queries/referrals.ts'
import { assessmentsOf, cohort, groupSessionsOf, insertGroupSession, lockAssessment, saveAssessment, type AssessmentRow, type CohortRow } from '../db/queries/impact.ts'
import { findOrganisation } from '../db/queries/organisations.ts'
import { requireVersion, viewOf, type Caller } from './referrals.ts'
import { belgianDate } from '../domain/dates.ts'
import { impactReport, type CohortMember } from '../domain/impact-report.ts'
import type { LifeDomain, Track } from '../domain/vocabulary.ts'

type Deps = Pick<FastifyInstance, 'db' | 'config'>

const entry = (caller: Caller, action: string): AccessEntry => ({
  organisationId: caller.principal.organisationId, clientId: caller.principal.clientId, action, purpose: caller.purpose, requestId: caller.requestId
})

const present = (a: AssessmentRow) => ({ phase: a.phase, assessedOn: a.assessedOn, scores: a.scores, version: a.version })

/** Assessments and attendance are the programme's own record: anyone else gets 404. */
async function asProgramme (deps: Deps, caller: Caller, referralId: string, tx: Parameters<Parameters<Deps['db']['transaction']>[0]>[0]) {
  const row = await lockReferral(tx, referralId)
  if (row === undefined || viewOf(caller.principal, row) !== 'programme') throw notFound('Referral')
  return row
}

export async function putAssessment (deps: Deps, caller: Caller, referralId: string, phase: 'start' | 'end', ifMatch: string | undefined, body: { assessedOn: string, scores: Partial<Record<LifeDomain, number>> }) {
  if (body.assessedOn > belgianDate(caller.at ?? new Date())) throw validationProblem([{ pointer: '/assessedOn', message: 'must not be in the future' }])
  return deps.db.transaction(async (tx) => {
    await asProgramme(deps, caller, referralId, tx)
    const existing = await lockAssessment(tx, referralId, phase)
    if (existing !== undefined) requireVersion(ifMatch, existing.version)
    else if (ifMatch !== undefined && ifMatch !== '*') throw new ProblemError(412, 'precondition-failed', 'Version changed', `There is no ${phase} assessment yet`)
    if (phase === 'end' && await lockAssessment(tx, referralId, 'start') === undefined) {
      throw new ProblemError(409, 'assessment-required', 'Start assessment required', 'Record the start assessment before the end assessment')
    }
    const saved = await saveAssessment(tx, { referralId, phase, ...body }, existing !== undefined)
    await insertAccess(tx, referralId, entry(caller, `assessment:${phase}`))
    return { created: existing === undefined, assessment: present(saved) }
  })
}

export async function getAssessments (deps: Deps, caller: Caller, referralId: string) {
  return deps.db.transaction(async (tx) => {
    await asProgramme(deps, caller, referralId, tx)
    const rows = await assessmentsOf(tx, referralId)
    await insertAccess(tx, referralId, entry(caller, 'assessments'))
    const of = (phase: 'start' | 'end') => { const a = rows.find((r) => r.phase === phase); return a === undefined ? null : present(a) }
    return { start: of('start'), end: of('end') }
  })
}

export async function addGroupSession (deps: Deps, caller: Caller, referralId: string, body: { date: string, topic?: string | undefined }) {
  if (body.date > belgianDate(caller.at ?? new Date())) throw validationProblem([{ pointer: '/date', message: 'must not be in the future' }])
  return deps.db.transaction(async (tx) => {
    await asProgramme(deps, caller, referralId, tx)
    const row = await insertGroupSession(tx, referralId, body.date, body.topic ?? null)
    await insertAccess(tx, referralId, entry(caller, 'group-session'))
    return { id: row.id, date: row.attendedOn, topic: row.topic }
  })
}

export async function listGroupSessions (deps: Deps, caller: Caller, referralId: string) {
  return deps.db.transaction(async (tx) => {
    await asProgramme(deps, caller, referralId, tx)
    await insertAccess(tx, referralId, entry(caller, 'group-sessions'))
    return (await groupSessionsOf(tx, referralId)).map((g) => ({ id: g.id, date: g.attendedOn, topic: g.topic }))
  })
}

export function toMember (row: CohortRow): CohortMember {
  const d = row.details
  return {
    motherKey: row.inszBlindIndex ?? `${d.mother.givenName.toLowerCase()}|${d.mother.familyName.toLowerCase()}|${d.mother.birthDate}`,
    track: row.track,
    startDate: belgianDate(new Date(row.acceptedAt)),
    motherBirthDate: d.mother.birthDate,
    expectedDeliveryDate: d.pregnancy?.expectedDeliveryDate ?? null,
    incomeSource: d.screening.incomeSource,
    housingSituation: d.screening.housingSituation,
    livesAloneWithChildren: d.household.livesAloneWithChildren,
    groupSessions: row.groupSessions,
    completed: row.status === 'completed',
    startScores: row.startScores,
    endScores: row.endScores
  }
}

export async function buildImpactReport (deps: Deps, caller: Caller, q: { from: string, to: string, track?: Track | undefined, programmeId?: string | undefined }) {
  if (q.from >= q.to) throw new ProblemError(400, 'invalid-parameters', 'Invalid request parameters', 'from must be before to', { errors: [{ pointer: '/from', message: 'must be before to' }] })
  let programmeId: string
  if (caller.principal.scopes.includes('admin')) {
    if (q.programmeId === undefined) throw new ProblemError(400, 'invalid-parameters', 'Invalid request parameters', 'The operator names the programme with programmeId', { errors: [{ pointer: '/programmeId', message: 'is required for the operator' }] })
    const programme = await findOrganisation(deps.db, q.programmeId)
    if (programme?.type !== 'programme') throw notFound('Programme')
    programmeId = programme.id
  } else {
    // A programme reports on its own referrals only, whatever programmeId says.
    programmeId = caller.principal.organisationId as string
  }
  const rows = await cohort(deps.db, programmeId, q.from, q.to, q.track)
  const report = impactReport(rows.map(toMember), deps.config.REPORT_MIN_CELL)
  return { programmeId, from: q.from, to: q.to, track: q.track ?? null, minCell: deps.config.REPORT_MIN_CELL, ...report }
}
