import { Type } from 'typebox'
import { clientExample, organisationExample } from './examples.ts'
import { DateTime, Nullable, Uuid } from './common.ts'
import { ORGANISATION_TYPES, SCOPES } from '../domain/vocabulary.ts'
import { LANGUAGES } from '../i18n/index.ts'
import { HANDOFF_TYPES } from '../domain/handoffs.ts'

const PublicPhone = Type.String({
  maxLength: 25,
  pattern: '^\\+?[0-9][0-9 ()./-]{5,24}$',
  description: 'Public phone, as the directory shows it.'
})
const PublicEmail = Type.String({
  format: 'email',
  maxLength: 254,
  description: 'Public e-mail, as the directory shows it.'
})

export const OrganisationInput = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200, description: 'Name of the organisation.' }),
    type: Type.Enum(ORGANISATION_TYPES, {
      description: 'What kind of partner it is; decides which scopes its clients may hold.'
    }),
    notificationEmail: Type.Optional(
      Type.String({ format: 'email', maxLength: 254, description: 'Inbox for notices (never personal data).' })
    ),
    noticeLanguage: Type.Optional(
      Type.Enum(LANGUAGES, { description: 'The language of the notices it is e-mailed: `nl` (default) or `en`.' })
    ),
    serviceArea: Type.Optional(
      Type.Array(Type.String({ pattern: '^[1-9][0-9]{3}$', maxLength: 4 }), {
        uniqueItems: true,
        maxItems: 1000,
        description: 'Postal codes a `programme` serves, or whose programmes a `city` reads the figures of.'
      })
    ),
    acceptedHandoffTypes: Type.Optional(
      Type.Array(Type.Enum(HANDOFF_TYPES), {
        uniqueItems: true,
        maxItems: HANDOFF_TYPES.length,
        description:
          'Handoff types it takes; by default those its type usually takes (`housing_priority`: housing only).'
      })
    ),
    contactPhone: Type.Optional(PublicPhone),
    contactEmail: Type.Optional(PublicEmail)
  },
  {
    additionalProperties: false,
    title: 'OrganisationInput',
    examples: [
      { name: 'AZ Sint-Maarten, sociale dienst', type: 'hospital', notificationEmail: 'sociale.dienst@azsm.example.be' }
    ]
  }
)

export const OrganisationPatch = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Name; unique per type.' })),
    notificationEmail: Type.Optional(
      Nullable(Type.String({ format: 'email', maxLength: 254, description: 'Inbox for notices; null removes it.' }))
    ),
    noticeLanguage: Type.Optional(
      Type.Enum(LANGUAGES, { description: 'The language of the notices it is e-mailed: `nl` (default) or `en`.' })
    ),
    serviceArea: Type.Optional(
      Type.Array(Type.String({ pattern: '^[1-9][0-9]{3}$', maxLength: 4 }), {
        uniqueItems: true,
        maxItems: 1000,
        description: 'Postal codes a programme serves (none may be served by another programme), or a city covers.'
      })
    ),
    acceptedHandoffTypes: Type.Optional(
      Type.Array(Type.Enum(HANDOFF_TYPES), {
        uniqueItems: true,
        maxItems: HANDOFF_TYPES.length,
        description: 'Handoff types it takes from now on (`housing_priority`: housing only).'
      })
    ),
    contactPhone: Type.Optional(Nullable(PublicPhone)),
    contactEmail: Type.Optional(Nullable(PublicEmail))
  },
  {
    additionalProperties: false,
    minProperties: 1,
    title: 'OrganisationPatch',
    examples: [{ serviceArea: ['2800', '2801', '2811'] }]
  }
)

export const Organisation = Type.Object(
  {
    id: Uuid('Id of the organisation.'),
    name: Type.String({ maxLength: 4000, description: 'Name.' }),
    type: Type.Enum(ORGANISATION_TYPES, { description: 'Organisation type.' }),
    notificationEmail: Nullable(Type.String({ maxLength: 4000, description: 'Notice inbox.' })),
    noticeLanguage: Type.Enum(LANGUAGES, { description: 'Language of its notices.' }),
    serviceArea: Type.Array(Type.String({ maxLength: 4000 }), {
      maxItems: 1000,
      description: 'Postal codes served (programmes).'
    }),
    acceptedHandoffTypes: Type.Array(Type.Enum(HANDOFF_TYPES), {
      maxItems: HANDOFF_TYPES.length,
      description: 'Handoff types it takes.'
    }),
    contactPhone: Nullable(Type.String({ maxLength: 25, description: 'Public phone.' })),
    contactEmail: Nullable(Type.String({ maxLength: 254, description: 'Public e-mail.' })),
    active: Type.Boolean({ description: 'false once deactivated.' }),
    version: Type.Integer({
      format: 'int32',
      minimum: 1,
      maximum: 2147483647,
      description: 'Grows with every change; the `ETag` is this number.'
    }),
    createdAt: DateTime('When it was onboarded.')
  },
  { additionalProperties: false, title: 'Organisation', examples: [organisationExample] }
)

export const ClientInput = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200, description: 'What the client is for, e.g. `EPD koppeling`.' }),
    scopes: Type.Array(Type.Enum(SCOPES), {
      minItems: 1,
      maxItems: SCOPES.length,
      uniqueItems: true,
      description: 'Scopes; the organisation type limits which.'
    })
  },
  {
    additionalProperties: false,
    title: 'ClientInput',
    examples: [
      { name: 'EPD koppeling', scopes: ['referrals:write', 'referrals:read', 'events:read', 'webhooks:manage'] }
    ]
  }
)

export const Client = Type.Object(
  {
    id: Uuid('Id of the API client.'),
    organisationId: Uuid('Its organisation.'),
    name: Type.String({ maxLength: 4000, description: 'Name.' }),
    keyPrefix: Type.String({ maxLength: 4000, description: 'The first characters of its key, to tell keys apart.' }),
    scopes: Type.Array(Type.String({ maxLength: 4000 }), { maxItems: 1000, description: 'Scopes held.' }),
    lastUsedAt: Nullable(DateTime('Last authenticated request (to the minute).')),
    revokedAt: Nullable(DateTime('When it was revoked.')),
    createdAt: DateTime('When it was issued.')
  },
  { additionalProperties: false, title: 'Client', examples: [clientExample] }
)

export const ClientWithKey = Type.Object(
  {
    ...Client.properties,
    key: Type.String({ maxLength: 4000, description: 'The API key. Shown this once; only its hash is kept.' })
  },
  {
    additionalProperties: false,
    title: 'ClientWithKey',
    examples: [{ ...clientExample, lastUsedAt: null, key: 'opk_3kT9wXq2Lm8Rz4Vb7Nc1Hd6Jf0Gs5KePa2Yt' }]
  }
)
