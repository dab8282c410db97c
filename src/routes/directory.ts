import { createHash } from 'node:crypto'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { directoryOrganisations } from '../db/queries/organisations.ts'
import { directoryEntry } from '../services/organisations.ts'
import { HANDOFF_TYPES } from '../domain/handoffs.ts'
import { ORGANISATION_TYPES } from '../domain/vocabulary.ts'
import { NETWORK_SCOPES } from '../domain/scopes.ts'
import { answer, DateTime, IfNoneMatchHeaders, List, Nullable, Uuid } from '../schemas/common.ts'
import { organisationExample } from '../schemas/examples.ts'

export const DirectoryEntry = Type.Object(
  {
    id: Uuid('Id of the organisation: `programmeId`, `toOrganisationId`.'),
    name: Type.String({ maxLength: 200, description: 'Name.' }),
    type: Type.Enum(ORGANISATION_TYPES, { description: 'Organisation type.' }),
    serviceArea: Type.Array(Type.String({ maxLength: 4 }), {
      maxItems: 1000,
      description: 'The postal codes a programme serves (routes referrals without `programmeId`); empty for others.'
    }),
    acceptedHandoffTypes: Type.Array(Type.Enum(HANDOFF_TYPES), {
      maxItems: HANDOFF_TYPES.length,
      description: 'The handoff types it takes.'
    }),
    active: Type.Boolean({ description: 'false: deactivated; nothing new is referred or handed to it.' }),
    contactPhone: Nullable(Type.String({ maxLength: 25, description: 'Public phone.' })),
    contactEmail: Nullable(Type.String({ maxLength: 254, description: 'Public e-mail.' })),
    updatedAt: DateTime('Last change.')
  },
  {
    additionalProperties: false,
    title: 'DirectoryEntry',
    examples: [
      {
        id: organisationExample.id,
        name: organisationExample.name,
        type: organisationExample.type,
        serviceArea: [],
        acceptedHandoffTypes: organisationExample.acceptedHandoffTypes,
        active: true,
        contactPhone: organisationExample.contactPhone,
        contactEmail: organisationExample.contactEmail,
        updatedAt: organisationExample.createdAt
      }
    ]
  }
)

/** The network's directory: who is in it, what they take, how to reach them. */
const directory: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/directory/organisations',
    {
      config: { scope: NETWORK_SCOPES, accessLog: false },
      schema: {
        tags: ['directory'],
        operationId: 'listDirectory',
        summary: 'The directory of organisations',
        description:
          'Every organisation of the network, by type and name: the service area of programmes, the handoff types each takes, whether it is active, its public contact. Nothing secret. Revalidate with `If-None-Match`: 304 while nothing changed.',
        headers: IfNoneMatchHeaders,
        response: {
          200: answer('The directory.', List(DirectoryEntry, 'Organisations, by type and name.'), ['content-tag']),
          304: answer('Not modified: the directory you hold is current.', Type.Null(), ['content-tag'])
        }
      }
    },
    async (request, reply) => {
      const body = { items: (await directoryOrganisations(app.db)).map(directoryEntry) }
      const etag = `"${createHash('sha256').update(JSON.stringify(body)).digest('base64url').slice(0, 27)}"`
      const held = (request.headers['if-none-match'] ?? '').split(',').map((t) => t.trim().replace(/^W\//, ''))
      reply.header('etag', etag).header('cache-control', 'private, no-cache')
      if (held.includes(etag) || held.includes('*'))
        return reply
          .code(304)
          .removeHeader('content-type')
          .send(undefined as never)
      return body
    }
  )
}

export default directory
