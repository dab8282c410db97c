import type { Caller } from '../core/caller.ts'
import { invalidParameters, notFound } from '../core/problems.ts'
import { heldSessions } from '../db/queries/group-sessions.ts'
import { cohort, type CohortRow } from '../db/queries/impact-report.ts'
import { findOrganisation } from '../db/queries/organisations.ts'
import { belgianDate } from '../domain/dates.ts'
import { effectiveSituation, referrerSituation } from '../domain/screening.ts'
import { impactReport, motherIdentity, type CohortMember } from '../domain/impact-report.ts'
import type { Track } from '../domain/vocabulary.ts'
import type { ServiceDeps } from './deps.ts'

type Deps = Pick<ServiceDeps, 'db' | 'config' | 'identifiers'>

export function toMember(row: CohortRow, pseudonym: (identity: string) => string): CohortMember {
  const d = row.details
  // The programme's value of a start-situation field where it recorded one, else the referrer's.
  const start = effectiveSituation(referrerSituation(d), row.screeningCorrections)
  return {
    motherKey: row.motherPseudonym ?? pseudonym(motherIdentity(row)),
    track: row.track,
    startDate: belgianDate(new Date(row.acceptedAt)),
    motherBirthDate: d.mother.birthDate,
    expectedDeliveryDate: d.pregnancy?.expectedDeliveryDate ?? null,
    incomeSource: start.incomeSource,
    housingSituation: start.housingSituation,
    livesAloneWithChildren: start.livesAloneWithChildren,
    groupSessions: row.groupSessions,
    completed: row.status === 'completed',
    startScores: row.startScores,
    endScores: row.endScores
  }
}

export async function buildImpactReport(
  deps: Deps,
  caller: Caller,
  q: { from: string; to: string; track?: Track | undefined; programmeId?: string | undefined }
) {
  if (q.from >= q.to) throw invalidParameters([{ pointer: '/from', message: 'must be before to' }])
  let programmeId: string
  if (caller.principal.scopes.includes('admin')) {
    if (q.programmeId === undefined)
      throw invalidParameters([{ pointer: '/programmeId', message: 'is required for the operator' }])
    const programme = await findOrganisation(deps.db, q.programmeId)
    if (programme?.type !== 'programme') throw notFound('Programme')
    programmeId = programme.id
  } else {
    // A programme reports on its own referrals only, whatever programmeId says.
    programmeId = caller.principal.organisationId as string
  }
  const rows = await cohort(deps.db, programmeId, q.from, q.to, q.track)
  const sessions = await heldSessions(deps.db, programmeId, q.from, q.to, q.track)
  const pseudonym = (identity: string) => deps.identifiers.pseudonym(identity)
  const report = impactReport(
    rows.map((row) => toMember(row, pseudonym)),
    sessions,
    deps.config.REPORT_MIN_CELL
  )
  return {
    programmeId,
    from: q.from,
    to: q.to,
    track: q.track ?? null,
    minCell: deps.config.REPORT_MIN_CELL,
    ...report
  }
}
