import { Type } from 'typebox'
import { DateOnly, DateTime, Nullable, PageQuery, Uuid } from './common.ts'
import { groupSessionExample as example, ids } from './examples.ts'
import { GROUP_SESSION_THEMES, TRACKS } from '../domain/vocabulary.ts'

const THEMES = Object.keys(GROUP_SESSION_THEMES) as Array<keyof typeof GROUP_SESSION_THEMES>
const themeList = THEMES.map((t) => `\`${t}\` (${GROUP_SESSION_THEMES[t].nl})`).join(', ')

const HeldOn = DateOnly('Day the session was held (Belgian date); not in the future.')
const Theme = Type.Enum(THEMES, { description: `What it was about: ${themeList}.` })
const Track = Type.Enum(TRACKS, { description: 'The track it was organised for.' })
const Place = Type.String({
  minLength: 1,
  maxLength: 200,
  description: 'Where it was held, e.g. `Huis van het Kind, Stationsstraat`.'
})
const Title = Type.String({
  minLength: 1,
  maxLength: 200,
  description: "The session's own title. Never a mother's name: this is not her record."
})
const Facilitator = Uuid(
  'The worker of the programme who led it (an active worker, `GET /organisations/{id}/workers`).'
)
const Version = Type.Integer({
  format: 'int32',
  minimum: 0,
  maximum: 2147483647,
  description: 'Grows with each change, attendance included; the ETag.'
})
const ReferralIds = Type.Array(Uuid('A referral of the programme whose mother attended.'), {
  maxItems: 200,
  description: 'The mothers who attended, by referral; each once, each in guidance on the day.'
})

export const GroupSessionInput = Type.Object(
  {
    heldOn: HeldOn,
    theme: Theme,
    track: Track,
    place: Place,
    title: Type.Optional(Title),
    facilitatorWorkerId: Facilitator
  },
  {
    additionalProperties: false,
    title: 'GroupSessionInput',
    examples: [
      {
        heldOn: example.heldOn,
        theme: example.theme,
        track: example.track,
        place: example.place,
        title: example.title,
        facilitatorWorkerId: example.facilitatorWorkerId
      }
    ]
  }
)

export const GroupSessionPatch = Type.Object(
  {
    heldOn: Type.Optional(HeldOn),
    theme: Type.Optional(Theme),
    track: Type.Optional(Track),
    place: Type.Optional(Place),
    title: Type.Optional(Nullable(Title)),
    facilitatorWorkerId: Type.Optional(Facilitator)
  },
  {
    additionalProperties: false,
    minProperties: 1,
    title: 'GroupSessionPatch',
    examples: [{ theme: 'feeding', title: 'Flesvoeding en borstvoeding' }]
  }
)

export const AttendanceInput = Type.Object(
  { referralIds: ReferralIds },
  { additionalProperties: false, title: 'AttendanceInput', examples: [{ referralIds: example.referralIds }] }
)

const sessionFields = {
  id: Uuid('Id of the session.'),
  heldOn: DateOnly('Day it was held.'),
  theme: Theme,
  track: Track,
  place: Nullable(Type.String({ maxLength: 200, description: 'Where (null: carried over from before 2026-12).' })),
  title: Nullable(Type.String({ maxLength: 4000, description: 'Its own title.' }))
}

export const GroupSession = Type.Object(
  {
    ...sessionFields,
    facilitatorWorkerId: Nullable(Uuid('Who led it (null: carried over from before 2026-12).')),
    referralIds: ReferralIds,
    version: Version,
    createdAt: DateTime('When it was recorded.'),
    updatedAt: DateTime('When it last changed.')
  },
  { additionalProperties: false, title: 'GroupSession', examples: [example] }
)

const { referralIds: _, ...summaryExample } = example
export const GroupSessionSummary = Type.Object(
  {
    ...sessionFields,
    facilitatorWorkerId: Nullable(Uuid('Who led it.')),
    attendees: Type.Integer({ format: 'int32', minimum: 0, maximum: 2147483647, description: 'How many came.' }),
    version: Version,
    createdAt: DateTime('When it was recorded.'),
    updatedAt: DateTime('When it last changed.')
  },
  {
    additionalProperties: false,
    title: 'GroupSessionSummary',
    description: 'A session in a list: how many came, not who.',
    examples: [{ ...summaryExample, attendees: 12 }]
  }
)

export const GroupSessionVersion = Type.Object(
  {
    version: Version,
    change: Type.Enum(['recorded', 'corrected', 'attendance', 'deleted'], { description: 'What this version did.' }),
    heldOn: DateOnly('Day it was held.'),
    theme: Theme,
    track: Track,
    place: Nullable(Type.String({ maxLength: 200, description: 'Where.' })),
    title: Nullable(Type.String({ maxLength: 4000, description: 'Its own title.' })),
    facilitatorWorkerId: Nullable(Uuid('Who led it.')),
    referralIds: Type.Array(Uuid('A referral.'), {
      maxItems: 400,
      description: 'Who attended after it; for a change of attendance, those before it too (whose record it touched).'
    }),
    byOrganisationId: Nullable(Uuid('The organisation that saved it (null: carried over).')),
    byClientId: Nullable(Uuid('Its API client.')),
    byWorkerId: Nullable(Uuid('The person it acted for (`Acting-Person`), if named.')),
    at: DateTime('When it was saved.')
  },
  {
    additionalProperties: false,
    title: 'GroupSessionVersion',
    examples: [
      {
        version: 1,
        change: 'recorded',
        heldOn: example.heldOn,
        theme: example.theme,
        track: example.track,
        place: example.place,
        title: example.title,
        facilitatorWorkerId: example.facilitatorWorkerId,
        referralIds: [],
        byOrganisationId: ids.programmeId,
        byClientId: null,
        byWorkerId: ids.workerId,
        at: example.createdAt
      }
    ]
  }
)

export const AttendedSession = Type.Object(sessionFields, {
  additionalProperties: false,
  title: 'AttendedSession',
  description: 'A session she attended.',
  examples: [
    {
      id: example.id,
      heldOn: example.heldOn,
      theme: example.theme,
      track: example.track,
      place: example.place,
      title: example.title
    }
  ]
})

export const GroupSessionQuery = Type.Object(
  {
    from: Type.Optional(DateOnly('Only sessions held on or after this day.')),
    to: Type.Optional(DateOnly('Only sessions held before this day.')),
    track: Type.Optional(Type.Enum(TRACKS, { description: 'Only this track.' })),
    ...PageQuery
  },
  { additionalProperties: false }
)
