import { accessEntry, requireVersion, type Caller } from '../core/caller.ts'
import { writeTransaction } from '../db/client.ts'
import { notFound, ProblemError, validationProblem } from '../core/problems.ts'
import type { Executor } from '../db/client.ts'
import {
  assessmentHistoryOf,
  assessmentsOf,
  lockAssessment,
  saveAssessment,
  type AssessmentRow
} from '../db/queries/assessments.ts'
import { guidanceEndedAt, lockReferral } from '../db/queries/referrals.ts'
import { recordAccess, recordAssessmentHistory } from '../db/record.ts'
import { viewOf } from '../domain/access.ts'
import {
  mergeAssessment,
  type AssessmentDocument,
  type AssessmentPatch,
  type Notes,
  type Scores
} from '../domain/assessments.ts'
import { belgianDate, isoInstant } from '../domain/dates.ts'
import { outsideGuidance } from '../domain/referral-rules.ts'
import type { ServiceDeps } from './deps.ts'

type Deps = Pick<ServiceDeps, 'db'>

const present = (a: AssessmentRow) => ({
  phase: a.phase,
  assessedOn: a.assessedOn,
  scores: a.scores,
  notes: a.notes,
  version: a.version
})

/** Assessments are the programme's own record: anyone else gets 404. */
async function asProgramme(caller: Caller, referralId: string, tx: Executor) {
  const row = await lockReferral(tx, referralId)
  if (row === undefined || viewOf(caller.principal, row) !== 'programme') throw notFound('Referral')
  return row
}

/**
 * An assessment is a day of the mother's guidance, from acceptance to the day it
 * ended (completed or failed) or today: 422 naming the field otherwise.
 */
async function inGuidance(
  tx: Executor,
  caller: Caller,
  referral: { id: string; acceptedAt: string | null; status: string },
  day: string,
  pointer: string
): Promise<void> {
  const started = referral.acceptedAt === null ? null : belgianDate(new Date(referral.acceptedAt))
  const ended =
    referral.status === 'completed' || referral.status === 'failed' ? await guidanceEndedAt(tx, referral.id) : null
  const problem = outsideGuidance(
    day,
    started,
    belgianDate(caller.clock.now()),
    ended === null ? null : belgianDate(new Date(ended))
  )
  if (problem !== null) throw validationProblem([{ pointer, message: problem }])
}

/** Saves an assessment and its version in the history, with who saved it and the referral's status then. */
async function save(
  tx: Executor,
  caller: Caller,
  referral: { id: string; status: string },
  phase: 'start' | 'end',
  document: AssessmentDocument,
  replace: boolean
) {
  const saved = await saveAssessment(tx, { referralId: referral.id, phase, ...document }, replace)
  await recordAssessmentHistory(tx, {
    referralId: referral.id,
    phase,
    version: saved.version,
    assessedOn: saved.assessedOn,
    scores: saved.scores,
    notes: saved.notes,
    referralStatus: referral.status,
    byOrganisationId: caller.principal.organisationId,
    byClientId: caller.principal.clientId,
    byWorkerId: caller.actingWorkerId
  })
  await recordAccess(tx, referral.id, accessEntry(caller))
  return present(saved)
}

/** Records an assessment, or replaces it whole under `If-Match`. */
export async function putAssessment(
  deps: Deps,
  caller: Caller,
  referralId: string,
  phase: 'start' | 'end',
  ifMatch: string | undefined,
  body: { assessedOn: string; scores: Scores; notes?: Notes | undefined }
) {
  return writeTransaction(deps.db, async (tx) => {
    const referral = await asProgramme(caller, referralId, tx)
    await inGuidance(tx, caller, referral, body.assessedOn, '/assessedOn')
    const existing = await lockAssessment(tx, referralId, phase)
    if (existing !== undefined) requireVersion(ifMatch, existing.version, `${phase} assessment`)
    else if (ifMatch !== undefined && ifMatch !== '*')
      throw new ProblemError('precondition-failed', `There is no ${phase} assessment yet`)
    if (phase === 'end' && (await lockAssessment(tx, referralId, 'start')) === undefined) {
      throw new ProblemError('assessment-required', 'Record the start assessment before the end assessment')
    }
    const document = { assessedOn: body.assessedOn, scores: body.scores, notes: body.notes ?? {} }
    const assessment = await save(tx, caller, referral, phase, document, existing !== undefined)
    return { created: existing === undefined, assessment }
  })
}

/**
 * Changes an assessment under `If-Match`: the scores and notes sent replace theirs, `null` clears
 * one, the rest stays. After completion too (a correction of the end assessment), and then in the
 * history as one.
 */
export async function patchAssessment(
  deps: Deps,
  caller: Caller,
  referralId: string,
  phase: 'start' | 'end',
  ifMatch: string | undefined,
  patch: AssessmentPatch
) {
  return writeTransaction(deps.db, async (tx) => {
    const referral = await asProgramme(caller, referralId, tx)
    const existing = await lockAssessment(tx, referralId, phase)
    if (existing === undefined) throw notFound(`The ${phase} assessment`)
    requireVersion(ifMatch, existing.version, `${phase} assessment`)
    if (patch.assessedOn !== undefined) await inGuidance(tx, caller, referral, patch.assessedOn, '/assessedOn')
    const merged = mergeAssessment(existing, patch)
    if (merged === null) throw validationProblem([{ pointer: '/scores', message: 'would leave no score' }])
    return save(tx, caller, referral, phase, merged, true)
  })
}

/** Every version of an assessment, oldest first. */
export async function assessmentVersions(deps: Deps, caller: Caller, referralId: string, phase: 'start' | 'end') {
  return deps.db.transaction(async (tx) => {
    await asProgramme(caller, referralId, tx)
    await recordAccess(tx, referralId, accessEntry(caller))
    return (await assessmentHistoryOf(tx, referralId, phase)).map((h) => ({
      version: h.version,
      assessedOn: h.assessedOn,
      scores: h.scores,
      notes: h.notes,
      referralStatus: h.referralStatus,
      byOrganisationId: h.byOrganisationId,
      byClientId: h.byClientId,
      byWorkerId: h.byWorkerId,
      at: isoInstant(h.at)
    }))
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
