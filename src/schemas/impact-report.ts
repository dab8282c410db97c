import { Type, type TSchema } from 'typebox'
import { DateOnly, Nullable, Uuid } from './common.ts'
import { LIFE_DOMAINS, ORGANISATION_TYPES, SCREENING_CRITERIA, TRACKS } from '../domain/vocabulary.ts'

const Int = (description: string) => Type.Integer({ format: 'int32', minimum: 0, maximum: 2147483647, description })
const Suppressed = Type.Boolean({
  description:
    'True when withheld: fewer than REPORT_MIN_CELL people, or a second number withheld so the first cannot be recovered by subtraction.'
})

const Count = (description: string) =>
  Type.Object(
    { value: Nullable(Int('The number; null when withheld.')), suppressed: Suppressed },
    { additionalProperties: false, description }
  )
const Figure = (description: string) =>
  Type.Object(
    {
      value: Nullable(Type.Number({ description: 'The figure; null when withheld or when n is 0.' })),
      n: Nullable(Int('Referrals it was computed over; null when withheld.')),
      suppressed: Suppressed
    },
    { additionalProperties: false, description }
  )
const Quantiles = (description: string) =>
  Type.Object(
    {
      median: Nullable(Type.Number({ description: 'Median (nearest rank), in days.' })),
      p90: Nullable(Type.Number({ description: '90th percentile (nearest rank), in days.' })),
      n: Nullable(Int('Referrals measured; null when withheld.')),
      suppressed: Suppressed
    },
    { additionalProperties: false, description }
  )

const DomainProgress = Type.Object(
  {
    domain: Type.Enum(LIFE_DOMAINS, { description: 'Life domain.' }),
    n: Nullable(Int('Referrals completed in the period with both scores for this domain.')),
    meanStart: Nullable(Type.Number({ description: 'Mean start score (1–5).' })),
    meanEnd: Nullable(Type.Number({ description: 'Mean end score (1–5).' })),
    shareImproved: Nullable(
      Type.Number({ minimum: 0, maximum: 1, description: 'Share whose end score is higher than the start score.' })
    ),
    suppressed: Suppressed
  },
  { title: 'DomainProgress', additionalProperties: false }
)

const GroupWork = Type.Object(
  {
    sessionsHeld: Int('Group sessions held in the period (of this track), not deleted, with at least one mother.'),
    attendances: Int('Mothers present, summed over those sessions (a mother at three sessions counts three times).'),
    meanAttendance: Nullable(
      Type.Number({ minimum: 0, description: 'attendances / sessionsHeld; null without sessions.' })
    )
  },
  {
    title: 'GroupWork',
    additionalProperties: false,
    description: 'Sessions held in [from, to) by their date. Counts of sessions, not of people: never suppressed.'
  }
)

const criteria = Object.fromEntries(
  SCREENING_CRITERIA.map((c) => [c, Figure(`Share \`vulnerable\` on ${c}, over those for whom it is known.`)])
) as unknown as Record<(typeof SCREENING_CRITERIA)[number], TSchema>

export const Figures = Type.Object(
  {
    mothersInGuidance: Count(
      'Distinct mothers in guidance at some point of the period: accepted before its end, guidance not ended before its start.'
    ),
    mothersStarted: Count('Distinct mothers whose guidance started (acceptance) in the period.'),
    mothersReached: Count(
      'Distinct mothers in guidance in the period with a first contact on or before its last day: the mothers (and families) supported.'
    ),
    mothersNotReached: Count('mothersInGuidance − mothersReached: accepted, no first contact yet.'),
    guidanceCompleted: Count('Guidance that ended `completed` in the period (referrals).'),
    guidanceDroppedOut: Count('Guidance that ended `failed` in the period (referrals): drop-out.'),
    childrenReached: Count(
      "Children of the mothers reached: the household's children at referral, plus the expected child when she was pregnant at the start."
    ),
    meanAgeAtStart: Figure("Mean of the mother's age in completed years at the start, over the referrals in guidance."),
    sharePregnantAtStart: Figure('Share pregnant at the start (the due date not passed).'),
    meanPregnancyMonthAtStart: Figure(
      'Mean pregnancy month at the start, over those pregnant then: (280 − days to the due date) / 30.4375.'
    ),
    criteria: Type.Object(criteria, {
      additionalProperties: false,
      description:
        "The six deprivation criteria (the programme's screening where it recorded one, else the referrer's)."
    }),
    shareWithoutIncome: Figure('Share with income source `none`, over those whose income source is known.'),
    shareBadHousing: Figure(
      'Share in bad housing (poor quality, overcrowded, insecure, homeless), over those whose housing is known.'
    ),
    shareLivingAlone: Figure('Share of single parents.'),
    shareInGroupSessions: Figure(
      'Share of the mothers reached who attended at least one group session: the reach of group work.'
    ),
    groupWork: GroupWork,
    guidanceDays: Quantiles(
      'Days from acceptance to the end, over guidance that ended (completed or failed) in the period.'
    ),
    progressByDomain: Type.Array(DomainProgress, {
      maxItems: 12,
      description: 'Over guidance completed in the period with both assessments, per domain present.'
    })
  },
  { additionalProperties: false, title: 'ImpactFigures' }
)

const Source = Type.Object(
  {
    organisationType: Type.Enum(ORGANISATION_TYPES, { description: 'Who referred.' }),
    referrals: Count('Referrals of this source made in the period.'),
    shareAccepted: Figure('Share of them accepted (by now).'),
    daysToAcceptance: Quantiles('Days from referral to acceptance.'),
    daysToFirstContact: Quantiles('Days from referral to first contact.')
  },
  { additionalProperties: false, title: 'ReferralSource' }
)
const Coded = (key: string, description: string) =>
  Type.Array(
    Type.Object(
      { [key]: Type.String({ maxLength: 60, description: 'The code.' }), count: Count('How many.') },
      { additionalProperties: false }
    ),
    { maxItems: 50, description }
  )

export const ImpactReport = Type.Object(
  {
    programmeIds: Type.Array(Uuid('A programme reported on.'), {
      maxItems: 100,
      description: 'The programmes the figures are of: a programme its own, the city those in its area.'
    }),
    from: DateOnly('First day of the period.'),
    to: DateOnly('Day after the last day of the period.'),
    track: Nullable(Type.Enum(TRACKS, { description: 'The track asked for, if any.' })),
    minCell: Int('Counts below this are withheld.'),
    overall: Figures,
    tracks: Type.Object(
      { opkomst: Figures, opkomst_plus: Figures },
      { additionalProperties: false, description: 'The same figures per track.' }
    ),
    referralsReceived: Count('Referrals made in the period (accepted or not).'),
    sources: Type.Array(Source, {
      maxItems: 20,
      description: 'Where the referrals of the period came from, and how fast they were taken up.'
    }),
    outcomes: Coded('code', 'Guidance completed in the period, by outcome.'),
    dropOutReasons: Coded('code', 'Guidance ended `failed` in the period, by coded reason.'),
    housingPriority: Type.Object(
      {
        granted: Count('Housing priority granted in the period.'),
        allocated: Count('Dwellings allocated in the period.'),
        expired: Count('Grants expired in the period.')
      },
      { additionalProperties: false, description: 'Decisions on housing priority for the mothers, in the period.' }
    ),
    incomeSupport: Type.Object(
      {
        handoffs: Count('Income-support handoffs of the mothers in guidance.'),
        byStatus: Coded('status', 'By their status now.')
      },
      { additionalProperties: false }
    )
  },
  { additionalProperties: false, title: 'ImpactReport', examples: [impactReportExample()] }
)

/** Made-up figures of a year, for the contract's example; Opkomst+'s small counts are withheld. */
export function impactReportExample() {
  const count = (value: number | null) => ({ value, suppressed: value === null })
  const figure = (value: number | null, n: number | null) => ({ value, n, suppressed: n === null })
  const quantiles = (median: number, p90: number, n: number) => ({ median, p90, n, suppressed: false })
  const figures = (n: number, plus: boolean) => ({
    mothersInGuidance: count(n),
    mothersStarted: count(Math.round(n / 2)),
    mothersReached: count(n - 6),
    mothersNotReached: count(plus ? null : 6),
    guidanceCompleted: count(Math.round(n / 3)),
    guidanceDroppedOut: count(plus ? null : 5),
    childrenReached: count(Math.round(n * 1.9)),
    meanAgeAtStart: figure(plus ? 22.4 : 28.9, n),
    sharePregnantAtStart: figure(0.88, n),
    meanPregnancyMonthAtStart: figure(6.9, Math.round(n * 0.88)),
    criteria: Object.fromEntries(SCREENING_CRITERIA.map((c) => [c, figure(0.5, n - 3)])),
    shareWithoutIncome: figure(plus ? 0.4 : 0.3, n - 2),
    shareBadHousing: figure(0.41, n - 2),
    shareLivingAlone: figure(plus ? 0.5 : 0.2, n),
    shareInGroupSessions: figure(plus ? 0.06 : 0.33, n - 6),
    groupWork: { sessionsHeld: plus ? 4 : 40, attendances: plus ? 9 : 320, meanAttendance: plus ? 2.25 : 8 },
    guidanceDays: quantiles(plus ? 540 : 260, plus ? 690 : 320, Math.round(n / 3) + 5),
    progressByDomain: [
      { domain: 'income', n: Math.round(n / 3), meanStart: 1.8, meanEnd: 3.1, shareImproved: 0.76, suppressed: false }
    ]
  })
  return {
    programmeIds: ['6fa459ea-ee8a-3ca4-894e-db77e160355e'],
    from: '2026-01-01',
    to: '2027-01-01',
    track: null,
    minCell: 5,
    overall: figures(80, false),
    tracks: { opkomst: figures(48, false), opkomst_plus: figures(32, true) },
    referralsReceived: count(74),
    sources: [
      {
        organisationType: 'hospital',
        referrals: count(52),
        shareAccepted: figure(0.9, 52),
        daysToAcceptance: quantiles(3, 8, 47),
        daysToFirstContact: quantiles(9, 21, 44)
      }
    ],
    outcomes: [
      { code: 'guidance_completed', count: count(24) },
      { code: 'transferred', count: count(3) }
    ],
    dropOutReasons: [{ code: 'unreachable', count: count(5) }],
    housingPriority: { granted: count(9), allocated: count(6), expired: count(null) },
    incomeSupport: { handoffs: count(21), byStatus: [{ status: 'completed', count: count(17) }] }
  }
}

export const ReportQuery = Type.Object(
  {
    from: DateOnly('First day of the period.'),
    to: DateOnly('Day after the last day of the period.'),
    track: Type.Optional(Type.Enum(TRACKS, { description: 'Only this track.' })),
    programmeId: Type.Optional(
      Uuid('The city: only this programme of its area (a programme always gets its own figures).')
    ),
    dialect: Type.Optional(
      Type.Enum(['excel-nl', 'rfc4180'], {
        description:
          'For `Accept: text/csv`: `excel-nl` (`;`, decimal comma, UTF-8 BOM: what Dutch-language Excel reads) or `rfc4180` (`,`, decimal point). Default `excel-nl`.'
      })
    )
  },
  { additionalProperties: false }
)
