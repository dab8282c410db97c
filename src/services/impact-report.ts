import type { Caller } from '../core/caller.ts'
import { invalidParameters, notFound } from '../core/problems.ts'
import { heldSessions } from '../db/queries/group-sessions.ts'
import { housingDecisionCounts, reportReferrals, type ReportRow } from '../db/queries/impact-report.ts'
import { findOrganisation, programmeAreas } from '../db/queries/organisations.ts'
import { belgianDate } from '../domain/dates.ts'
import { impactReport, motherIdentity, type ReportReferral } from '../domain/impact-report.ts'
import { serviceAreaOverlaps } from '../domain/routing.ts'
import { effectiveSituation, referrerSituation } from '../domain/screening.ts'
import type { Track } from '../domain/vocabulary.ts'
import type { ServiceDeps } from './deps.ts'

type Deps = Pick<ServiceDeps, 'db' | 'config' | 'identifiers'>

const day = (instant: string | null) => (instant === null ? null : belgianDate(new Date(instant)))

export function toReportReferral(row: ReportRow, pseudonym: (identity: string) => string): ReportReferral {
  const d = row.details
  // The programme's value of a start-situation field where it recorded one, else the referrer's.
  const start = effectiveSituation(referrerSituation(d), row.screeningCorrections)
  const endStatus = row.status === 'completed' || row.status === 'failed' ? row.status : null
  return {
    motherKey: row.motherPseudonym ?? pseudonym(motherIdentity(row)),
    track: row.track,
    referrerType: row.referrerType,
    referredOn: belgianDate(new Date(row.referredAt)),
    acceptedOn: day(row.acceptedAt),
    firstContactOn: row.firstContactOn,
    endedOn: day(row.endedAt),
    endStatus,
    outcome: row.outcome,
    endReasonCode: endStatus === 'failed' ? row.statusReasonCode : null,
    motherBirthDate: d.mother.birthDate,
    expectedDeliveryDate: d.pregnancy?.expectedDeliveryDate ?? null,
    numberOfChildren: start.numberOfChildren,
    livesAloneWithChildren: start.livesAloneWithChildren,
    criteria: {
      income: start.income,
      employment: start.employment,
      education: start.education,
      housing: start.housing,
      childDevelopment: start.childDevelopment,
      health: start.health
    },
    incomeSource: start.incomeSource,
    housingSituation: start.housingSituation,
    groupSessions: row.groupSessions,
    startScores: row.startScores,
    endScores: row.endScores,
    incomeSupport: row.incomeSupport
  }
}

/**
 * The programmes a caller reports on: a programme its own; the city those whose service area lies
 * in its own (or the one of them it names). Nobody else holds `reports:read`.
 */
async function reportedProgrammes(deps: Deps, caller: Caller, programmeId: string | undefined): Promise<string[]> {
  const self = caller.principal.organisationId
  if (caller.principal.organisationType === 'city' && self !== null) {
    const city = await findOrganisation(deps.db, self)
    const inArea = serviceAreaOverlaps(await programmeAreas(deps.db), null, city?.serviceArea ?? []).map(
      (o) => o.programmeId
    )
    if (programmeId === undefined) return inArea.sort()
    if (!inArea.includes(programmeId)) throw notFound('Programme')
    return [programmeId]
  }
  // A programme reports on its own referrals only, whatever programmeId says.
  return self === null ? [] : [self]
}

export async function buildImpactReport(
  deps: Deps,
  caller: Caller,
  q: { from: string; to: string; track?: Track | undefined; programmeId?: string | undefined }
) {
  if (q.from >= q.to) throw invalidParameters([{ pointer: '/from', message: 'must be before to' }])
  const programmeIds = await reportedProgrammes(deps, caller, q.programmeId)
  const [rows, sessions, housing] = await Promise.all([
    reportReferrals(deps.db, programmeIds, q.from, q.to, q.track),
    heldSessions(deps.db, programmeIds, q.from, q.to, q.track),
    housingDecisionCounts(deps.db, programmeIds, q.from, q.to, q.track)
  ])
  const pseudonym = (identity: string) => deps.identifiers.pseudonym(identity)
  const report = impactReport(
    rows.map((row) => toReportReferral(row, pseudonym)),
    sessions,
    housing,
    { from: q.from, to: q.to },
    deps.config.REPORT_MIN_CELL
  )
  return {
    programmeIds,
    from: q.from,
    to: q.to,
    track: q.track ?? null,
    minCell: deps.config.REPORT_MIN_CELL,
    ...report
  }
}

/** The names of the programmes a report is of, for its title. */
export async function programmeNames(deps: Deps, ids: readonly string[]): Promise<string[]> {
  const names: string[] = []
  for (const id of ids) {
    const programme = await findOrganisation(deps.db, id)
    if (programme !== undefined) names.push(programme.name)
  }
  return names
}
