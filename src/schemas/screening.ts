import { Type, type TSchema } from 'typebox'
import { SCREENING_FIELDS, type ScreeningField } from '../domain/screening.ts'
import { DateTime, Nullable, Uuid } from './common.ts'
import { ids, referralExample } from './examples.ts'
import { Household, ScreeningSchema } from './referrals.ts'

/** Each field's schema, as the referrer sends it. */
const FIELD = { ...ScreeningSchema.properties, ...Household.properties } as Record<ScreeningField, TSchema>
const fields = <T>(make: (schema: TSchema, field: ScreeningField) => T) =>
  Object.fromEntries(SCREENING_FIELDS.map((f) => [f, make(FIELD[f], f)])) as Record<ScreeningField, T>

const referrerSituation = { ...referralExample.screening, ...referralExample.household }

export const StartSituation = Type.Object(
  fields((schema) => schema),
  {
    title: 'StartSituation',
    additionalProperties: false,
    description: 'The six deprivation criteria, income source, housing situation and household at the start.'
  }
)

export const ScreeningInput = Type.Object(
  fields((schema) => Type.Optional(schema)),
  {
    title: 'ScreeningInput',
    additionalProperties: false,
    minProperties: 1,
    examples: [{ incomeSource: 'benefit', housingSituation: 'insecure' }]
  }
)

const recordedBy = {
  at: DateTime('When the programme recorded it.'),
  byOrganisationId: Nullable(Uuid('The organisation.')),
  byClientId: Nullable(Uuid('Its API client.')),
  byWorkerId: Nullable(Uuid('The person it acted for (`Acting-Person`), if named.'))
}
const example = {
  at: '2026-06-03T09:30:00.000Z',
  byOrganisationId: ids.programmeId,
  byClientId: null,
  byWorkerId: ids.workerId
}

export const Screening = Type.Object(
  {
    version: Type.Integer({
      format: 'int32',
      minimum: 0,
      maximum: 2147483647,
      description: "Grows with each save of the programme's values, 0 before the first; the ETag."
    }),
    referrer: StartSituation,
    programme: Type.Object(
      fields((schema, field) =>
        Type.Optional(
          Type.Object({ value: schema, ...recordedBy }, { additionalProperties: false, description: `The ${field}.` })
        )
      ),
      {
        additionalProperties: false,
        description: "The programme's current value of each field it recorded, with who and when."
      }
    ),
    effective: StartSituation
  },
  {
    title: 'StartSituationScreening',
    additionalProperties: false,
    description:
      "The start situation as the referrer sent it, the programme's own values, and what counts: the programme's value where there is one (the impact report reads `effective`).",
    examples: [
      {
        version: 1,
        referrer: referrerSituation,
        programme: { incomeSource: { value: 'benefit', ...example } },
        effective: { ...referrerSituation, incomeSource: 'benefit' }
      }
    ]
  }
)

export const ScreeningRecord = Type.Object(
  {
    version: Type.Integer({ format: 'int32', minimum: 1, maximum: 2147483647, description: 'The save it was in.' }),
    field: Type.Enum(SCREENING_FIELDS, { description: 'The field.' }),
    value: Type.Union(
      [Type.String({ maxLength: 30 }), Type.Integer({ format: 'int32', minimum: 0, maximum: 30 }), Type.Boolean()],
      {
        description: 'The value recorded.'
      }
    ),
    ...recordedBy
  },
  {
    title: 'ScreeningRecord',
    additionalProperties: false,
    examples: [{ version: 1, field: 'incomeSource', value: 'benefit', ...example }]
  }
)
