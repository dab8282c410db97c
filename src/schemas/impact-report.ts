import { Type } from 'typebox'
import { DateOnly, Nullable, Uuid } from './common.ts'
import { LIFE_DOMAINS, TRACKS } from '../domain/vocabulary.ts'

const Figure = (description: string) =>
  Type.Object(
    {
      value: Nullable(Type.Number({ description: 'The figure; null when suppressed.' })),
      n: Nullable(
        Type.Integer({
          format: 'int32',
          minimum: 0,
          maximum: 2147483647,
          description: 'Referrals it was computed over; null when suppressed.'
        })
      ),
      suppressed: Type.Boolean({
        description: 'True when n is below REPORT_MIN_CELL, so a small group cannot be recognised.'
      })
    },
    { additionalProperties: false, description }
  )

const DomainProgress = Type.Object(
  {
    domain: Type.Enum(LIFE_DOMAINS, { description: 'Life domain.' }),
    n: Nullable(
      Type.Integer({
        format: 'int32',
        minimum: 0,
        maximum: 2147483647,
        description: 'Completed referrals with both scores for this domain.'
      })
    ),
    meanStart: Nullable(Type.Number({ description: 'Mean start score.' })),
    meanEnd: Nullable(Type.Number({ description: 'Mean end score.' })),
    shareImproved: Nullable(
      Type.Number({ minimum: 0, maximum: 1, description: 'Share whose end score is higher than the start score.' })
    ),
    suppressed: Type.Boolean({ description: 'True when n is below REPORT_MIN_CELL.' })
  },
  { title: 'DomainProgress', additionalProperties: false }
)

const Count = (description: string) => Type.Integer({ format: 'int32', minimum: 0, maximum: 2147483647, description })

const GroupWork = Type.Object(
  {
    sessionsHeld: Count('Group sessions held in the period (of this track), not deleted, with at least one mother.'),
    attendances: Count('Mothers present, summed over those sessions (a mother at three sessions counts three times).'),
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

export const Figures = Type.Object(
  {
    mothersSupported: Figure('Distinct mothers accepted in the period (a mother referred twice counts once).'),
    meanPregnancyMonthAtStart: Figure(
      'Mean pregnancy month at the start, over those pregnant then: (280 − days to the due date) / 30.4375.'
    ),
    meanAgeAtStart: Figure("Mean of the mother's age in completed years at the start."),
    shareWithoutIncome: Figure('Share with income source `none`, over those whose income source is known.'),
    shareBadHousing: Figure(
      'Share in bad housing (poor quality, overcrowded, insecure, homeless), over those whose housing is known.'
    ),
    shareLivingAlone: Figure('Share of single parents.'),
    shareInGroupSessions: Figure(
      'Share of the mothers reached by group work: who attended at least one group session (any time in her guidance).'
    ),
    groupWork: GroupWork,
    progressByDomain: Type.Array(DomainProgress, {
      maxItems: 1000,
      description: 'Over completed referrals with both assessments, per domain present.'
    })
  },
  { additionalProperties: false, title: 'ImpactFigures' }
)

export const ImpactReport = Type.Object(
  {
    programmeId: Uuid('The programme reported on.'),
    from: DateOnly('First day of the period (acceptance on or after it).'),
    to: DateOnly('Day after the period (acceptance before it).'),
    track: Nullable(Type.Enum(TRACKS, { description: 'The track asked for, if any.' })),
    minCell: Type.Integer({
      format: 'int32',
      minimum: 0,
      maximum: 2147483647,
      description: 'Figures over fewer referrals than this are suppressed.'
    }),
    overall: Figures,
    tracks: Type.Object(
      { opkomst: Figures, opkomst_plus: Figures },
      { additionalProperties: false, description: 'The same figures per track.' }
    )
  },
  { additionalProperties: false, title: 'ImpactReport', examples: [impactReportExample()] }
)

/** Made-up figures of a year, for the contract's example; one track's are suppressed (too few). */
export function impactReportExample() {
  const figure = (value: number | null, n: number | null) => ({ value, n, suppressed: n === null })
  const figures = (n: number | null, scale: number) => ({
    mothersSupported: figure(n, n),
    meanPregnancyMonthAtStart: figure(n === null ? null : 5.4, n === null ? null : Math.round(n * 0.8)),
    meanAgeAtStart: figure(n === null ? null : 27.9 + scale, n),
    shareWithoutIncome: figure(n === null ? null : 0.42, n),
    shareBadHousing: figure(n === null ? null : 0.61, n),
    shareLivingAlone: figure(n === null ? null : 0.38, n),
    shareInGroupSessions: figure(n === null ? null : 0.55, n),
    groupWork: { sessionsHeld: 44, attendances: 352, meanAttendance: 8 },
    progressByDomain:
      n === null
        ? []
        : [{ domain: 'income', n: 21, meanStart: 1.8, meanEnd: 3.1, shareImproved: 0.76, suppressed: false }]
  })
  return {
    programmeId: '6fa459ea-ee8a-3ca4-894e-db77e160355e',
    from: '2026-01-01',
    to: '2027-01-01',
    track: null,
    minCell: 5,
    overall: figures(80, 0),
    tracks: { opkomst: figures(77, 0.2), opkomst_plus: figures(null, 0) }
  }
}

export const ReportQuery = Type.Object(
  {
    from: DateOnly('First day of the period.'),
    to: DateOnly('Day after the last day of the period.'),
    track: Type.Optional(Type.Enum(TRACKS, { description: 'Only this track.' })),
    programmeId: Type.Optional(Uuid('The programme (operator only; a programme always gets its own).'))
  },
  { additionalProperties: false }
)
