import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import {
  ClientInput,
  Client,
  ClientWithKey,
  Organisation,
  OrganisationInput,
  OrganisationPatch
} from '../../schemas/admin.ts'
import {
  answer,
  IdParams,
  IfMatchHeaders,
  IfNoneMatchHeaders,
  List,
  Page,
  PageQuery,
  problemResponses,
  Uuid,
  versionedRead
} from '../../schemas/common.ts'
import type { OrganisationRow } from '../../db/queries/organisations.ts'
import {
  changeOrganisation,
  clientsOf,
  deactivateOrganisation,
  getOrganisation,
  issueClient,
  onboardOrganisation,
  organisationPage,
  revokeClientOf
} from '../../services/organisations.ts'
import { encodeCursor } from '../../domain/cursor.ts'
import { answeredNotModified, cursorAfter, etagOf, publicUrl } from '../request.ts'

const toOrganisation = (o: OrganisationRow) => ({
  id: o.id,
  name: o.name,
  type: o.type,
  notificationEmail: o.notificationEmail,
  noticeLanguage: o.noticeLanguage,
  serviceArea: o.serviceArea,
  acceptedHandoffTypes: o.acceptedHandoffTypes,
  contactPhone: o.contactPhone,
  contactEmail: o.contactEmail,
  active: o.deactivatedAt === null,
  version: o.version,
  createdAt: new Date(o.createdAt).toISOString()
})
const toClient = (c: {
  id: string
  organisationId: string
  name: string
  keyPrefix: string
  scopes: string[]
  lastUsedAt: string | null
  revokedAt: string | null
  createdAt: string
}) => ({
  id: c.id,
  organisationId: c.organisationId,
  name: c.name,
  keyPrefix: c.keyPrefix,
  scopes: c.scopes,
  lastUsedAt: c.lastUsedAt === null ? null : new Date(c.lastUsedAt).toISOString(),
  revokedAt: c.revokedAt === null ? null : new Date(c.revokedAt).toISOString(),
  createdAt: new Date(c.createdAt).toISOString()
})

const OrganisationParams = IdParams('organisationId', 'organisation')

const admin: FastifyPluginAsyncTypebox = async (app) => {
  const config = { scope: 'admin', accessLog: false, sensitive: true } as const

  app.post(
    '/admin/organisations',
    {
      config,
      schema: {
        tags: ['admin'],
        operationId: 'createOrganisation',
        summary: 'Onboard an organisation',
        description:
          'Names are unique per type; a programme may not serve a postal code another programme serves (409 naming the codes and that programme).',
        body: OrganisationInput,
        response: { 201: answer('Onboarded.', Organisation, ['location', 'etag']), ...problemResponses([409]) }
      }
    },
    async (request, reply) => {
      const organisation = await onboardOrganisation(app.deps, request.body)
      return reply
        .code(201)
        .header('location', publicUrl(request, `/admin/organisations/${organisation.id}`))
        .header('etag', etagOf(organisation.version))
        .send(toOrganisation(organisation))
    }
  )

  app.get(
    '/admin/organisations',
    {
      config,
      schema: {
        tags: ['admin'],
        operationId: 'listOrganisations',
        summary: 'List organisations',
        querystring: Type.Object(PageQuery, { additionalProperties: false }),
        response: {
          200: answer('A page of organisations.', Page(Organisation, 'Organisations, oldest first.'))
        }
      }
    },
    async (request) => {
      const page = await organisationPage(
        app.deps,
        cursorAfter(request.query.cursor, ['instant', 'uuid']) as [string, string] | null,
        request.query.limit ?? 50
      )
      return { items: page.items.map(toOrganisation), nextCursor: page.next === null ? null : encodeCursor(page.next) }
    }
  )

  app.get(
    '/admin/organisations/:organisationId',
    {
      config,
      schema: {
        tags: ['admin'],
        operationId: 'getOrganisation',
        summary: 'Get an organisation',
        params: OrganisationParams,
        headers: IfNoneMatchHeaders,
        response: versionedRead('The organisation.', Organisation)
      }
    },
    async (request, reply) => {
      const organisation = await getOrganisation(app.deps, request.params.organisationId)
      if (answeredNotModified(request, reply, organisation.version)) return reply
      return reply.header('etag', etagOf(organisation.version)).send(toOrganisation(organisation))
    }
  )

  app.patch(
    '/admin/organisations/:organisationId',
    {
      config,
      schema: {
        tags: ['admin'],
        operationId: 'updateOrganisation',
        summary: 'Change an organisation',
        description:
          'Its name (unique per type), notice inbox, public contact, the handoff types it takes or, for a programme, its service area: a postal code another programme serves is refused with 409 naming the codes and that programme. Needs `If-Match`.',
        params: OrganisationParams,
        headers: IfMatchHeaders,
        body: OrganisationPatch,
        response: { 200: answer('Changed.', Organisation, ['etag']), ...problemResponses([404, 409]) }
      }
    },
    async (request, reply) => {
      const organisation = await changeOrganisation(
        app.deps,
        request.params.organisationId,
        request.headers['if-match'],
        request.body
      )
      return reply.header('etag', etagOf(organisation.version)).send(toOrganisation(organisation))
    }
  )

  app.delete(
    '/admin/organisations/:organisationId',
    {
      config,
      schema: {
        tags: ['admin'],
        operationId: 'deactivateOrganisation',
        summary: 'Deactivate an organisation',
        description:
          'Its API clients are revoked at once and its webhooks disabled; nothing new is referred or handed to it. Its open work stays visible to the programme, which hears of each piece by `organisation.deactivated`. A programme still guiding referrals: 409. The record stays (history and access log name it). Needs `If-Match`.',
        params: OrganisationParams,
        headers: IfMatchHeaders,
        response: { 200: answer('Deactivated.', Organisation, ['etag']), ...problemResponses([404, 409]) }
      }
    },
    async (request, reply) => {
      const organisation = await deactivateOrganisation(
        app.deps,
        request.params.organisationId,
        request.headers['if-match']
      )
      app.forgetCredentials() // here at once; other processes when PostgreSQL tells them
      return reply.header('etag', etagOf(organisation.version)).send(toOrganisation(organisation))
    }
  )

  app.post(
    '/admin/organisations/:organisationId/clients',
    {
      config,
      schema: {
        tags: ['admin'],
        operationId: 'issueApiClient',
        summary: 'Issue an API client and its key',
        description: 'The key is in this answer only; store it in the partner system now.',
        params: OrganisationParams,
        body: ClientInput,
        response: {
          201: answer('Issued: the client and its key, shown once.', ClientWithKey),
          ...problemResponses([404])
        }
      }
    },
    async (request, reply) => {
      const { client, key } = await issueClient(app.deps, request.params.organisationId, request.body)
      return reply
        .code(201)
        .header('cache-control', 'no-store')
        .send({ ...toClient(client), key })
    }
  )

  app.get(
    '/admin/organisations/:organisationId/clients',
    {
      config,
      schema: {
        tags: ['admin'],
        operationId: 'listApiClients',
        summary: "List an organisation's API clients",
        description: 'Never shows a key.',
        params: OrganisationParams,
        response: {
          200: answer('The API clients.', List(Client, 'API clients, oldest first.')),
          ...problemResponses([404])
        }
      }
    },
    async (request) => {
      return { items: (await clientsOf(app.deps, request.params.organisationId)).map(toClient) }
    }
  )

  app.delete(
    '/admin/organisations/:organisationId/clients/:clientId',
    {
      config,
      schema: {
        tags: ['admin'],
        operationId: 'revokeApiClient',
        summary: 'Revoke an API client',
        description: 'Its key is refused from the next request on.',
        params: Type.Object({
          organisationId: Uuid('Id of the organisation.'),
          clientId: Uuid('Id of the API client.')
        }),
        response: { 204: Type.Null({ description: 'Revoked.' }), ...problemResponses([404]) }
      }
    },
    async (request, reply) => {
      await revokeClientOf(app.deps, request.params.organisationId, request.params.clientId)
      app.forgetCredentials() // here at once; other processes when PostgreSQL tells them
      return reply.code(204).send(null)
    }
  )
}

export default admin
