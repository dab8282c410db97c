import { Type, type TSchema } from 'typebox'
import { assessmentExample, ids } from './examples.ts'
import { DateOnly, DateTime, Nullable, Uuid } from './common.ts'
import { LIFE_DOMAINS } from '../domain/vocabulary.ts'

const Score = Type.Integer({
  format: 'int32',
  minimum: 1,
  maximum: 5,
  description: '1 acute crisis … 5 fully self-sufficient.'
})

export const Scores = Type.Object(
  Object.fromEntries(LIFE_DOMAINS.map((d) => [d, Type.Optional(Score)])) as Record<
    (typeof LIFE_DOMAINS)[number],
    Type.TOptional<typeof Score>
  >,
  {
    title: 'Scores',
    additionalProperties: false,
    minProperties: 1,
    description: 'One score per life domain assessed; at least one.'
  }
)

const Note = Type.String({ minLength: 1, maxLength: 2000, description: "The programme's note on the domain." })

export const Notes = Type.Object(
  Object.fromEntries(LIFE_DOMAINS.map((d) => [d, Type.Optional(Note)])) as Record<
    (typeof LIFE_DOMAINS)[number],
    Type.TOptional<typeof Note>
  >,
  { title: 'Notes', additionalProperties: false, description: 'A note per life domain, where there is one.' }
)

export const AssessmentInput = Type.Object(
  {
    assessedOn: DateOnly('Day of the assessment; from the start of guidance, not in the future.'),
    scores: Scores,
    notes: Type.Optional(Notes)
  },
  {
    additionalProperties: false,
    title: 'AssessmentInput',
    examples: [{ assessedOn: '2026-06-01', scores: { income: 1, housing: 2, parenting: 3, social_network: 2 } }]
  }
)

const Version = Type.Integer({
  format: 'int32',
  minimum: 0,
  maximum: 2147483647,
  description: 'Grows with each change; the ETag.'
})

export const Assessment = Type.Object(
  {
    phase: Type.Enum(['start', 'end'], { description: 'Start or end of guidance.' }),
    assessedOn: DateOnly('Day of the assessment.'),
    scores: Scores,
    notes: Notes,
    version: Version
  },
  { additionalProperties: false, title: 'Assessment', examples: [assessmentExample] }
)

const Clearable = <T extends TSchema>(schema: T) => Type.Optional(Type.Union([schema, Type.Null()]))

export const AssessmentPatch = Type.Object(
  {
    assessedOn: Type.Optional(DateOnly('Day of the assessment; from the start of guidance, not in the future.')),
    scores: Type.Optional(
      Type.Object(
        Object.fromEntries(LIFE_DOMAINS.map((d) => [d, Clearable(Score)])) as Record<
          (typeof LIFE_DOMAINS)[number],
          Type.TOptional<Type.TUnion<[typeof Score, Type.TNull]>>
        >,
        {
          title: 'ScoresPatch',
          additionalProperties: false,
          description: 'The scores to change; `null` clears one. The others stay.'
        }
      )
    ),
    notes: Type.Optional(
      Type.Object(
        Object.fromEntries(LIFE_DOMAINS.map((d) => [d, Clearable(Note)])) as Record<
          (typeof LIFE_DOMAINS)[number],
          Type.TOptional<Type.TUnion<[typeof Note, Type.TNull]>>
        >,
        {
          title: 'NotesPatch',
          additionalProperties: false,
          description: 'The notes to change; `null` clears one. The others stay.'
        }
      )
    )
  },
  {
    additionalProperties: false,
    minProperties: 1,
    title: 'AssessmentPatch',
    examples: [{ scores: { debts: 2, parenting: null }, notes: { debts: 'Afbetalingsplan loopt.' } }]
  }
)

export const AssessmentVersion = Type.Object(
  {
    version: Version,
    assessedOn: DateOnly('Day of the assessment.'),
    scores: Scores,
    notes: Notes,
    referralStatus: Type.String({
      maxLength: 30,
      description: "The referral's status when saved: `completed` or `failed` marks a correction after the end."
    }),
    byOrganisationId: Nullable(Uuid('The organisation that saved it (null: before history was kept).')),
    byClientId: Nullable(Uuid('Its API client.')),
    byWorkerId: Nullable(Uuid('The person it acted for (`Acting-Person`), if named.')),
    at: DateTime('When it was saved.')
  },
  {
    additionalProperties: false,
    title: 'AssessmentVersion',
    examples: [
      {
        version: assessmentExample.version,
        assessedOn: assessmentExample.assessedOn,
        scores: assessmentExample.scores,
        notes: assessmentExample.notes,
        referralStatus: 'in-progress',
        byOrganisationId: ids.programmeId,
        byClientId: null,
        byWorkerId: ids.workerId,
        at: '2026-06-01T10:00:00.000Z'
      }
    ]
  }
)

export const Assessments = Type.Object(
  {
    start: Nullable(Assessment),
    end: Nullable(Assessment)
  },
  {
    title: 'Assessments',
    additionalProperties: false,
    description: 'Both assessments; null until recorded.',
    examples: [{ start: assessmentExample, end: null }]
  }
)
