import { ageInYears, daysBetween } from './dates.ts'
import { groupWork, type GroupWork, type HeldSession } from './group-sessions.ts'
import { LIFE_DOMAINS, TRACKS, type LifeDomain, type Track } from './vocabulary.ts'

/** One accepted referral, as the report needs it. Start of guidance = acceptance (issue 7). */
export interface CohortMember {
  /** Same for every referral of one mother (blind index, or name and birth date without INSZ). */
  motherKey: string
  track: Track
  startDate: string
  motherBirthDate: string
  expectedDeliveryDate: string | null
  incomeSource: string
  housingSituation: string
  livesAloneWithChildren: boolean
  groupSessions: number
  completed: boolean
  startScores: Partial<Record<LifeDomain, number>> | null
  endScores: Partial<Record<LifeDomain, number>> | null
}

/** A figure and the number of referrals it was computed over; null and suppressed below the minimum cell. */
export interface Figure {
  value: number | null
  n: number | null
  suppressed: boolean
}
export interface DomainProgress {
  domain: LifeDomain
  n: number | null
  meanStart: number | null
  meanEnd: number | null
  shareImproved: number | null
  suppressed: boolean
}
export interface Figures {
  mothersSupported: Figure
  meanPregnancyMonthAtStart: Figure
  meanAgeAtStart: Figure
  shareWithoutIncome: Figure
  shareBadHousing: Figure
  shareLivingAlone: Figure
  shareInGroupSessions: Figure
  /** Sessions are not people: their counts are not suppressed. */
  groupWork: GroupWork
  progressByDomain: DomainProgress[]
}
export interface ImpactReport {
  overall: Figures
  tracks: Record<Track, Figures>
}

export const BAD_HOUSING = ['poor_quality', 'overcrowded', 'insecure', 'homeless'] as const
const DAYS_PER_MONTH = 30.4375
const PREGNANCY_DAYS = 280

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length

function figure(n: number, value: () => number, minCell: number): Figure {
  return n < minCell ? { value: null, n: null, suppressed: true } : { value: value(), n, suppressed: false }
}

/** The month of pregnancy at the start, or null when she was no longer pregnant. */
export function pregnancyMonthAtStart(startDate: string, expectedDeliveryDate: string | null): number | null {
  if (expectedDeliveryDate === null) return null
  const daysToGo = daysBetween(startDate, expectedDeliveryDate)
  if (daysToGo < 0) return null
  return (PREGNANCY_DAYS - daysToGo) / DAYS_PER_MONTH
}

export function impactFigures(
  members: readonly CohortMember[],
  sessions: readonly HeldSession[],
  minCell: number
): Figures {
  const n = members.length
  const months = members
    .map((m) => pregnancyMonthAtStart(m.startDate, m.expectedDeliveryDate))
    .filter((x): x is number => x !== null)
  const incomeKnown = members.filter((m) => m.incomeSource !== 'unknown')
  const housingKnown = members.filter((m) => m.housingSituation !== 'unknown')
  const assessed = members.filter((m) => m.completed && m.startScores !== null && m.endScores !== null)

  const progressByDomain: DomainProgress[] = []
  for (const domain of LIFE_DOMAINS) {
    const pairs = assessed
      .map((m) => [m.startScores?.[domain], m.endScores?.[domain]] as const)
      .filter((p): p is readonly [number, number] => p[0] !== undefined && p[1] !== undefined)
    if (pairs.length === 0) continue
    progressByDomain.push(
      pairs.length < minCell
        ? { domain, n: null, meanStart: null, meanEnd: null, shareImproved: null, suppressed: true }
        : {
            domain,
            n: pairs.length,
            meanStart: mean(pairs.map((p) => p[0])),
            meanEnd: mean(pairs.map((p) => p[1])),
            shareImproved: pairs.filter((p) => p[1] > p[0]).length / pairs.length,
            suppressed: false
          }
    )
  }

  return {
    mothersSupported: figure(n, () => new Set(members.map((m) => m.motherKey)).size, minCell),
    meanPregnancyMonthAtStart: figure(months.length, () => mean(months), minCell),
    meanAgeAtStart: figure(n, () => mean(members.map((m) => ageInYears(m.motherBirthDate, m.startDate))), minCell),
    shareWithoutIncome: figure(
      incomeKnown.length,
      () => incomeKnown.filter((m) => m.incomeSource === 'none').length / incomeKnown.length,
      minCell
    ),
    shareBadHousing: figure(
      housingKnown.length,
      () =>
        housingKnown.filter((m) => (BAD_HOUSING as readonly string[]).includes(m.housingSituation)).length /
        housingKnown.length,
      minCell
    ),
    shareLivingAlone: figure(n, () => members.filter((m) => m.livesAloneWithChildren).length / n, minCell),
    shareInGroupSessions: figure(n, () => members.filter((m) => m.groupSessions > 0).length / n, minCell),
    groupWork: groupWork(sessions),
    progressByDomain
  }
}

/** The figures overall and per track: the mothers by their track, the sessions by theirs. */
export function impactReport(
  members: readonly CohortMember[],
  sessions: readonly HeldSession[],
  minCell: number
): ImpactReport {
  const tracks = Object.fromEntries(
    TRACKS.map((track) => [
      track,
      impactFigures(
        members.filter((m) => m.track === track),
        sessions.filter((s) => s.track === track),
        minCell
      )
    ])
  ) as Record<Track, Figures>
  return { overall: impactFigures(members, sessions, minCell), tracks }
}

const SCALAR_FIGURES = [
  'mothersSupported',
  'meanPregnancyMonthAtStart',
  'meanAgeAtStart',
  'shareWithoutIncome',
  'shareBadHousing',
  'shareLivingAlone',
  'shareInGroupSessions'
] as const

/** The same report as CSV: one row per figure and track (and per domain for progress). */
export function impactCsv(report: ImpactReport): string {
  const rows = [['figure', 'track', 'domain', 'value', 'n', 'suppressed']]
  const cell = (v: number | null) => (v === null ? '' : String(v))
  for (const [track, figures] of [
    ['all', report.overall] as const,
    ...TRACKS.map((t) => [t, report.tracks[t]] as const)
  ]) {
    for (const name of SCALAR_FIGURES) {
      const f = figures[name]
      rows.push([name, track, '', cell(f.value), cell(f.n), String(f.suppressed)])
    }
    for (const part of ['sessionsHeld', 'attendances', 'meanAttendance'] as const) {
      rows.push([`groupWork.${part}`, track, '', cell(figures.groupWork[part]), '', 'false'])
    }
    for (const p of figures.progressByDomain) {
      for (const part of ['meanStart', 'meanEnd', 'shareImproved'] as const) {
        rows.push([`progress.${part}`, track, p.domain, cell(p[part]), cell(p.n), String(p.suppressed)])
      }
    }
  }
  return `${rows.map((r) => r.join(',')).join('\r\n')}\r\n`
}

/**
 * What identifies a mother across her referrals: her INSZ's blind index, or without one her name and
 * birth date. The report counts her by a pseudonym of it, which pseudonymisation keeps.
 */
export function motherIdentity(r: {
  inszBlindIndex: string | null
  details: { mother: { givenName: string; familyName: string; birthDate: string } }
}): string {
  const m = r.details.mother
  return r.inszBlindIndex ?? `${m.givenName.toLowerCase()}|${m.familyName.toLowerCase()}|${m.birthDate}`
}
