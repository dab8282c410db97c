import { ageInYears, daysBetween } from './dates.ts'
import { groupWork, type GroupWork, type HeldSession } from './group-sessions.ts'
import { OUTCOME_CODES } from './reason-codes.ts'
import { suppressedKeys, type Relation } from './suppression.ts'
import {
  LIFE_DOMAINS,
  SCREENING_CRITERIA,
  TRACKS,
  type LifeDomain,
  type OrganisationType,
  type Track
} from './vocabulary.ts'

/**
 * The impact report (DESIGN §6, README "Impact measurement"): what the city asks of the programme
 * for a period [from, to), overall and per track. Every figure is defined where it is computed;
 * the README carries the same definitions for a reader.
 */

type Criterion = (typeof SCREENING_CRITERIA)[number]

/** One referral of the programme as the report needs it; dates are Belgian calendar days. */
export interface ReportReferral {
  /** Same for every referral of one mother (a pseudonym of her INSZ's blind index, or of her name and birth date). */
  motherKey: string
  track: Track | null
  referrerType: OrganisationType
  referredOn: string
  /** Start of guidance. */
  acceptedOn: string | null
  firstContactOn: string | null
  /** The day guidance ended (completed, failed, cancelled after acceptance), if it did. */
  endedOn: string | null
  endStatus: 'completed' | 'failed' | null
  outcome: string | null
  /** The coded reason a failed guidance ended with. */
  endReasonCode: string | null
  motherBirthDate: string
  expectedDeliveryDate: string | null
  numberOfChildren: number
  livesAloneWithChildren: boolean
  criteria: Record<Criterion, string>
  incomeSource: string
  housingSituation: string
  groupSessions: number
  startScores: Partial<Record<LifeDomain, number>> | null
  endScores: Partial<Record<LifeDomain, number>> | null
  /** Statuses of its income-support handoffs. */
  incomeSupport: string[]
}

export interface Period {
  from: string
  to: string
}

/** A number of people (or referrals); null when withheld. */
export interface Count {
  value: number | null
  suppressed: boolean
}
/** A share or a mean over `n` referrals; null when `n` is withheld or zero. */
export interface Figure {
  value: number | null
  n: number | null
  suppressed: boolean
}
export interface Quantiles {
  median: number | null
  p90: number | null
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
  mothersInGuidance: Count
  mothersStarted: Count
  mothersReached: Count
  mothersNotReached: Count
  guidanceCompleted: Count
  guidanceDroppedOut: Count
  childrenReached: Count
  meanAgeAtStart: Figure
  sharePregnantAtStart: Figure
  meanPregnancyMonthAtStart: Figure
  criteria: Record<Criterion, Figure>
  shareWithoutIncome: Figure
  shareBadHousing: Figure
  shareLivingAlone: Figure
  shareInGroupSessions: Figure
  /** Sessions are not people: their counts are not suppressed. */
  groupWork: GroupWork
  guidanceDays: Quantiles
  progressByDomain: DomainProgress[]
}
export interface SourceFigures {
  organisationType: OrganisationType
  referrals: Count
  shareAccepted: Figure
  daysToAcceptance: Quantiles
  daysToFirstContact: Quantiles
}
export interface ImpactReport {
  overall: Figures
  tracks: Record<Track, Figures>
  referralsReceived: Count
  sources: SourceFigures[]
  outcomes: Array<{ code: string; count: Count }>
  dropOutReasons: Array<{ code: string; count: Count }>
  housingPriority: { granted: Count; allocated: Count; expired: Count }
  incomeSupport: { handoffs: Count; byStatus: Array<{ status: string; count: Count }> }
}

export const BAD_HOUSING = ['poor_quality', 'overcrowded', 'insecure', 'homeless'] as const
const DAYS_PER_MONTH = 30.4375
const PREGNANCY_DAYS = 280
const SCOPES = ['overall', ...TRACKS] as const
type Scope = (typeof SCOPES)[number]

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length
const inPeriod = (day: string | null, p: Period) => day !== null && day >= p.from && day < p.to

/** The nearest-rank quantile `q` of `xs` (sorted here). */
export function quantile(xs: readonly number[], q: number): number {
  const sorted = [...xs].sort((a, b) => a - b)
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!
}

/** The month of pregnancy at the start, or null when she was no longer pregnant. */
export function pregnancyMonthAtStart(startDate: string, expectedDeliveryDate: string | null): number | null {
  if (expectedDeliveryDate === null) return null
  const daysToGo = daysBetween(startDate, expectedDeliveryDate)
  if (daysToGo < 0) return null
  return (PREGNANCY_DAYS - daysToGo) / DAYS_PER_MONTH
}

/** In guidance at some point of the period: accepted before its end, not ended before its start. */
export const inGuidance = (r: ReportReferral, p: Period) =>
  r.acceptedOn !== null && r.acceptedOn < p.to && (r.endedOn === null || r.endedOn >= p.from)
/** Reached: first contact made by the end of the period. */
const reached = (r: ReportReferral, p: Period) => r.firstContactOn !== null && r.firstContactOn < p.to
const mothers = (rs: readonly ReportReferral[]) => new Set(rs.map((r) => r.motherKey)).size

/**
 * The numbers of the report before suppression, each under a key (`scope.figure`, `scope.figure.n`),
 * and the sums that tie them; the figures are assembled from these once suppression has run.
 */
class Ledger {
  readonly counts = new Map<string, number>()
  readonly values = new Map<string, number | null>()
  readonly relations: Relation[] = []
  count(key: string, value: number): void {
    this.counts.set(key, value)
  }
  figure(key: string, n: number, value: () => number): void {
    this.counts.set(`${key}.n`, n)
    this.values.set(key, n === 0 ? null : value())
  }
  quantiles(key: string, xs: readonly number[]): void {
    this.counts.set(`${key}.n`, xs.length)
    this.values.set(`${key}.median`, xs.length === 0 ? null : quantile(xs, 0.5))
    this.values.set(`${key}.p90`, xs.length === 0 ? null : quantile(xs, 0.9))
  }
  relate(total: string, parts: readonly string[]): void {
    this.relations.push({ total, parts })
  }
}

function measureScope(
  ledger: Ledger,
  scope: Scope,
  all: readonly ReportReferral[],
  p: Period,
  sessions: HeldSession[]
) {
  const rs = all.filter((r) => inGuidance(r, p))
  const at = (name: string) => `${scope}.${name}`
  const reachedRs = rs.filter((r) => reached(r, p))
  ledger.count(at('mothersInGuidance'), mothers(rs))
  ledger.count(at('mothersStarted'), mothers(rs.filter((r) => inPeriod(r.acceptedOn, p))))
  ledger.count(at('mothersReached'), mothers(reachedRs))
  ledger.count(at('mothersNotReached'), mothers(rs) - mothers(reachedRs))
  ledger.relate(at('mothersInGuidance'), [at('mothersReached'), at('mothersNotReached')])
  const ended = rs.filter((r) => inPeriod(r.endedOn, p))
  ledger.count(at('guidanceCompleted'), ended.filter((r) => r.endStatus === 'completed').length)
  ledger.count(at('guidanceDroppedOut'), ended.filter((r) => r.endStatus === 'failed').length)
  // A child per child in her household at referral, and the one expected when she was pregnant at the start.
  const children = new Map<string, number>()
  for (const r of reachedRs) {
    const expected = pregnancyMonthAtStart(r.acceptedOn!, r.expectedDeliveryDate) === null ? 0 : 1
    children.set(r.motherKey, Math.max(children.get(r.motherKey) ?? 0, r.numberOfChildren + expected))
  }
  ledger.count(
    at('childrenReached'),
    [...children.values()].reduce((a, b) => a + b, 0)
  )

  const n = rs.length
  ledger.figure(at('meanAgeAtStart'), n, () => mean(rs.map((r) => ageInYears(r.motherBirthDate, r.acceptedOn!))))
  const months = rs
    .map((r) => pregnancyMonthAtStart(r.acceptedOn!, r.expectedDeliveryDate))
    .filter((m): m is number => m !== null)
  ledger.figure(at('sharePregnantAtStart'), n, () => months.length / n)
  ledger.figure(at('meanPregnancyMonthAtStart'), months.length, () => mean(months))
  for (const c of SCREENING_CRITERIA) {
    const known = rs.filter((r) => r.criteria[c] !== 'unknown')
    ledger.figure(
      at(`criteria.${c}`),
      known.length,
      () => known.filter((r) => r.criteria[c] === 'vulnerable').length / known.length
    )
  }
  const incomeKnown = rs.filter((r) => r.incomeSource !== 'unknown')
  ledger.figure(
    at('shareWithoutIncome'),
    incomeKnown.length,
    () => incomeKnown.filter((r) => r.incomeSource === 'none').length / incomeKnown.length
  )
  const housingKnown = rs.filter((r) => r.housingSituation !== 'unknown')
  ledger.figure(
    at('shareBadHousing'),
    housingKnown.length,
    () =>
      housingKnown.filter((r) => (BAD_HOUSING as readonly string[]).includes(r.housingSituation)).length /
      housingKnown.length
  )
  ledger.figure(at('shareLivingAlone'), n, () => rs.filter((r) => r.livesAloneWithChildren).length / n)
  ledger.figure(
    at('shareInGroupSessions'),
    reachedRs.length,
    () => reachedRs.filter((r) => r.groupSessions > 0).length / reachedRs.length
  )
  ledger.quantiles(
    at('guidanceDays'),
    ended.filter((r) => r.endStatus !== null).map((r) => daysBetween(r.acceptedOn!, r.endedOn!))
  )
  const completed = ended.filter((r) => r.endStatus === 'completed' && r.startScores !== null && r.endScores !== null)
  for (const domain of LIFE_DOMAINS) {
    const pairs = completed
      .map((r) => [r.startScores?.[domain], r.endScores?.[domain]] as const)
      .filter((pair): pair is readonly [number, number] => pair[0] !== undefined && pair[1] !== undefined)
    ledger.count(at(`progress.${domain}.n`), pairs.length)
    ledger.values.set(at(`progress.${domain}.meanStart`), pairs.length === 0 ? null : mean(pairs.map((x) => x[0])))
    ledger.values.set(at(`progress.${domain}.meanEnd`), pairs.length === 0 ? null : mean(pairs.map((x) => x[1])))
    ledger.values.set(
      at(`progress.${domain}.shareImproved`),
      pairs.length === 0 ? null : pairs.filter((x) => x[1] > x[0]).length / pairs.length
    )
  }
  return groupWork(sessions)
}

/** Counts by `key` of `rs`, in the order of `codes` (others after), zeros kept. */
function tally<T>(rs: readonly T[], key: (r: T) => string | null, codes: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>(codes.map((c) => [c, 0]))
  for (const r of rs) {
    const k = key(r)
    if (k !== null) counts.set(k, (counts.get(k) ?? 0) + 1)
  }
  return counts
}

/**
 * The report: `referrals` are the programme's (entered-in-error ones left out), `sessions` its
 * group sessions held in the period, `housing` its housing-priority decisions in the period.
 */
export function impactReport(
  referrals: readonly ReportReferral[],
  sessions: readonly HeldSession[],
  housing: { granted: number; allocated: number; expired: number },
  period: Period,
  minCell: number
): ImpactReport {
  const ledger = new Ledger()
  const work = new Map<Scope, GroupWork>()
  for (const scope of SCOPES) {
    const rs = scope === 'overall' ? referrals : referrals.filter((r) => r.track === scope)
    const ss = scope === 'overall' ? [...sessions] : sessions.filter((s) => s.track === scope)
    work.set(scope, measureScope(ledger, scope, rs, period, ss))
  }
  // Overall = the two tracks, for every count the tracks publish.
  for (const key of [...ledger.counts.keys()].filter((k) => k.startsWith('overall.')))
    ledger.relate(
      key,
      TRACKS.map((t) => key.replace(/^overall\./, `${t}.`))
    )

  const received = referrals.filter((r) => inPeriod(r.referredOn, period))
  ledger.count('referralsReceived', received.length)
  const sourceTypes = [...new Set(received.map((r) => r.referrerType))].sort()
  for (const type of sourceTypes) {
    const of = received.filter((r) => r.referrerType === type)
    const accepted = of.filter((r) => r.acceptedOn !== null)
    ledger.figure(`sources.${type}.shareAccepted`, of.length, () => accepted.length / of.length)
    ledger.quantiles(
      `sources.${type}.daysToAcceptance`,
      accepted.map((r) => daysBetween(r.referredOn, r.acceptedOn!))
    )
    ledger.quantiles(
      `sources.${type}.daysToFirstContact`,
      of.filter((r) => r.firstContactOn !== null).map((r) => daysBetween(r.referredOn, r.firstContactOn!))
    )
  }
  ledger.relate(
    'referralsReceived',
    sourceTypes.map((t) => `sources.${t}.shareAccepted.n`)
  )

  const ended = referrals.filter((r) => inGuidance(r, period) && inPeriod(r.endedOn, period))
  const outcomes = tally(
    ended.filter((r) => r.endStatus === 'completed'),
    (r) => r.outcome,
    OUTCOME_CODES.filter((c) => c === 'guidance_completed' || c === 'transferred')
  )
  const reasons = tally(
    ended.filter((r) => r.endStatus === 'failed'),
    (r) => r.endReasonCode ?? 'unknown',
    []
  )
  for (const [code, n] of outcomes) ledger.count(`outcomes.${code}`, n)
  ledger.relate(
    'overall.guidanceCompleted',
    [...outcomes.keys()].map((c) => `outcomes.${c}`)
  )
  for (const [code, n] of reasons) ledger.count(`dropOut.${code}`, n)
  ledger.relate(
    'overall.guidanceDroppedOut',
    [...reasons.keys()].map((c) => `dropOut.${c}`)
  )
  for (const [decision, n] of Object.entries(housing)) ledger.count(`housing.${decision}`, n)
  const support = referrals.filter((r) => inGuidance(r, period)).flatMap((r) => r.incomeSupport)
  const statuses = tally(support, (s) => s, [])
  ledger.count('incomeSupport', support.length)
  for (const [status, n] of statuses) ledger.count(`incomeSupport.${status}`, n)
  ledger.relate(
    'incomeSupport',
    [...statuses.keys()].map((s) => `incomeSupport.${s}`)
  )

  const withheld = suppressedKeys(ledger.counts, ledger.relations, minCell)
  const count = (key: string): Count =>
    withheld.has(key) ? { value: null, suppressed: true } : { value: ledger.counts.get(key) ?? 0, suppressed: false }
  const figure = (key: string): Figure => {
    const n = ledger.counts.get(`${key}.n`) ?? 0
    return withheld.has(`${key}.n`)
      ? { value: null, n: null, suppressed: true }
      : { value: ledger.values.get(key) ?? null, n, suppressed: false }
  }
  const quantiles = (key: string): Quantiles =>
    withheld.has(`${key}.n`)
      ? { median: null, p90: null, n: null, suppressed: true }
      : {
          median: ledger.values.get(`${key}.median`) ?? null,
          p90: ledger.values.get(`${key}.p90`) ?? null,
          n: ledger.counts.get(`${key}.n`) ?? 0,
          suppressed: false
        }
  const figures = (scope: Scope): Figures => {
    const at = (name: string) => `${scope}.${name}`
    return {
      mothersInGuidance: count(at('mothersInGuidance')),
      mothersStarted: count(at('mothersStarted')),
      mothersReached: count(at('mothersReached')),
      mothersNotReached: count(at('mothersNotReached')),
      guidanceCompleted: count(at('guidanceCompleted')),
      guidanceDroppedOut: count(at('guidanceDroppedOut')),
      childrenReached: count(at('childrenReached')),
      meanAgeAtStart: figure(at('meanAgeAtStart')),
      sharePregnantAtStart: figure(at('sharePregnantAtStart')),
      meanPregnancyMonthAtStart: figure(at('meanPregnancyMonthAtStart')),
      criteria: Object.fromEntries(SCREENING_CRITERIA.map((c) => [c, figure(at(`criteria.${c}`))])) as Record<
        Criterion,
        Figure
      >,
      shareWithoutIncome: figure(at('shareWithoutIncome')),
      shareBadHousing: figure(at('shareBadHousing')),
      shareLivingAlone: figure(at('shareLivingAlone')),
      shareInGroupSessions: figure(at('shareInGroupSessions')),
      groupWork: work.get(scope)!,
      guidanceDays: quantiles(at('guidanceDays')),
      progressByDomain: LIFE_DOMAINS.filter((d) => (ledger.counts.get(at(`progress.${d}.n`)) ?? 0) > 0).map(
        (domain) => {
          const key = at(`progress.${domain}`)
          return withheld.has(`${key}.n`)
            ? { domain, n: null, meanStart: null, meanEnd: null, shareImproved: null, suppressed: true }
            : {
                domain,
                n: ledger.counts.get(`${key}.n`)!,
                meanStart: ledger.values.get(`${key}.meanStart`)!,
                meanEnd: ledger.values.get(`${key}.meanEnd`)!,
                shareImproved: ledger.values.get(`${key}.shareImproved`)!,
                suppressed: false
              }
        }
      )
    }
  }
  return {
    overall: figures('overall'),
    tracks: Object.fromEntries(TRACKS.map((t) => [t, figures(t)])) as Record<Track, Figures>,
    referralsReceived: count('referralsReceived'),
    sources: sourceTypes.map((type) => ({
      organisationType: type,
      referrals: count(`sources.${type}.shareAccepted.n`),
      shareAccepted: figure(`sources.${type}.shareAccepted`),
      daysToAcceptance: quantiles(`sources.${type}.daysToAcceptance`),
      daysToFirstContact: quantiles(`sources.${type}.daysToFirstContact`)
    })),
    outcomes: [...outcomes.keys()].map((code) => ({ code, count: count(`outcomes.${code}`) })),
    dropOutReasons: [...reasons.keys()].map((code) => ({ code, count: count(`dropOut.${code}`) })),
    housingPriority: {
      granted: count('housing.granted'),
      allocated: count('housing.allocated'),
      expired: count('housing.expired')
    },
    incomeSupport: {
      handoffs: count('incomeSupport'),
      byStatus: [...statuses.keys()].map((status) => ({ status, count: count(`incomeSupport.${status}`) }))
    }
  }
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
