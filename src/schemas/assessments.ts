import { Type } from 'typebox'
import { assessmentExample, groupSessionExample } from './examples.ts'
import { DateOnly, Nullable } from './common.ts'
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

export const AssessmentInput = Type.Object(
  {
    assessedOn: DateOnly('Day of the assessment; not in the future.'),
    scores: Scores
  },
  {
    additionalProperties: false,
    title: 'AssessmentInput',
    examples: [{ assessedOn: '2026-06-01', scores: { income: 1, housing: 2, parenting: 3, social_network: 2 } }]
  }
)

export const Assessment = Type.Object(
  {
    phase: Type.Enum(['start', 'end'], { description: 'Start or end of guidance.' }),
    assessedOn: DateOnly('Day of the assessment.'),
    scores: Scores,
    version: Type.Integer({
      format: 'int32',
      minimum: 0,
      maximum: 2147483647,
      description: 'Grows with each replacement; the ETag.'
    })
  },
  { additionalProperties: false, title: 'Assessment', examples: [assessmentExample] }
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

export const GroupSessionInput = Type.Object(
  {
    date: DateOnly('Day of the session; not in the future.'),
    topic: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'What the session was about.' }))
  },
  {
    additionalProperties: false,
    title: 'GroupSessionInput',
    examples: [{ date: '2026-06-01', topic: 'Budgetteren met een baby' }]
  }
)

export const GroupSession = Type.Object(
  {
    id: Type.Integer({ format: 'int32', minimum: 0, maximum: 2147483647, description: 'Id of the attendance record.' }),
    date: DateOnly('Day of the session.'),
    topic: Nullable(Type.String({ maxLength: 4000, description: 'What it was about.' }))
  },
  { title: 'GroupSession', additionalProperties: false, examples: [groupSessionExample] }
)
