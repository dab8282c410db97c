import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import {
  answer,
  IfMatchHeaders,
  IfNoneMatchHeaders,
  List,
  Page,
  PageQuery,
  problemResponses,
  Uuid,
  versionedRead
} from '../../schemas/common.ts'
import { Delivery, Webhook, WebhookWithSecret, webhookInputs } from '../../schemas/webhooks.ts'
import { deliveryExample, ids } from '../../schemas/examples.ts'
import { allowedHosts } from '../../services/webhook-target.ts'
import { encodeCursor } from '../../domain/cursor.ts'
import { answeredNotModified, cursorAfter, etagOf, publicUrl } from '../request.ts'
import {
  changeEndpoint,
  createEndpoint,
  endpointsOf,
  getEndpoint,
  listDeliveries,
  pingEndpoint,
  presentEndpoint,
  redeliver,
  redeliverAll,
  REDELIVERED_AT_ONCE,
  removeEndpoint,
  rotateSecret
} from '../../services/webhooks.ts'

const config = { scope: 'webhooks:manage', accessLog: false } as const
const org = (request: FastifyRequest) => request.principal.organisationId as string
const Params = Type.Object({ webhookId: Uuid('Id of the webhook endpoint.') })

const webhooks: FastifyPluginAsyncTypebox = async (app) => {
  const { WebhookInput, WebhookPatch } = webhookInputs(allowedHosts(app.config.WEBHOOK_ALLOWED_HOSTS))
  app.post(
    '/webhooks',
    {
      config,
      schema: {
        tags: ['webhooks'],
        operationId: 'createWebhook',
        summary: 'Register a webhook endpoint',
        description:
          'Deliveries are signed as Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`) with the `whsec_` secret in this answer, shown once.',
        body: WebhookInput,
        response: { 201: answer('Registered, with its signing secret.', WebhookWithSecret, ['location', 'etag']) }
      }
    },
    async (request, reply) => {
      const created = await createEndpoint(app.deps, org(request), request.body)
      return reply
        .code(201)
        .header('location', publicUrl(request, `/webhooks/${created.id}`))
        .header('etag', etagOf(created.version))
        .header('cache-control', 'no-store')
        .send(created)
    }
  )

  app.get(
    '/webhooks',
    {
      config,
      schema: {
        tags: ['webhooks'],
        operationId: 'listWebhooks',
        summary: "Your organisation's webhook endpoints",
        response: {
          200: answer('The endpoints.', List(Webhook, 'Oldest first.'))
        }
      }
    },
    async (request) => ({ items: (await endpointsOf(app.deps, org(request))).map(presentEndpoint) })
  )

  app.get(
    '/webhooks/:webhookId',
    {
      config,
      schema: {
        tags: ['webhooks'],
        operationId: 'getWebhook',
        summary: 'A webhook endpoint',
        params: Params,
        headers: IfNoneMatchHeaders,
        response: versionedRead('The endpoint.', Webhook)
      }
    },
    async (request, reply) => {
      const endpoint = presentEndpoint(await getEndpoint(app.deps, org(request), request.params.webhookId))
      if (answeredNotModified(request, reply, endpoint.version)) return reply
      return reply.header('etag', etagOf(endpoint.version)).send(endpoint)
    }
  )

  app.patch(
    '/webhooks/:webhookId',
    {
      config,
      schema: {
        tags: ['webhooks'],
        operationId: 'updateWebhook',
        summary: 'Change a webhook endpoint, or enable it again',
        params: Params,
        headers: IfMatchHeaders,
        body: WebhookPatch,
        response: { 200: answer('Changed: the endpoint.', Webhook, ['etag']), ...problemResponses([404]) }
      }
    },
    async (request, reply) => {
      const endpoint = presentEndpoint(
        await changeEndpoint(
          app.deps,
          org(request),
          request.params.webhookId,
          request.headers['if-match'],
          request.body
        )
      )
      return reply.header('etag', etagOf(endpoint.version)).send(endpoint)
    }
  )

  app.delete(
    '/webhooks/:webhookId',
    {
      config,
      schema: {
        tags: ['webhooks'],
        operationId: 'deleteWebhook',
        summary: 'Remove a webhook endpoint and its delivery log',
        params: Params,
        response: { 204: Type.Null({ description: 'Removed.' }), ...problemResponses([404]) }
      }
    },
    async (request, reply) => {
      await removeEndpoint(app.deps, org(request), request.params.webhookId)
      return reply.code(204).send(null)
    }
  )

  app.post(
    '/webhooks/:webhookId/rotate-secret',
    {
      config: { ...config, sensitive: true },
      schema: {
        tags: ['webhooks'],
        operationId: 'rotateWebhookSecret',
        summary: 'Issue a new signing secret',
        description: 'For 24 hours deliveries carry signatures with both the new and the old secret.',
        params: Params,
        response: { 200: answer('The endpoint with its new secret.', WebhookWithSecret), ...problemResponses([404]) }
      }
    },
    async (request, reply) =>
      reply
        .header('cache-control', 'no-store')
        .send(await rotateSecret(app.deps, org(request), request.params.webhookId))
  )

  app.post(
    '/webhooks/:webhookId/test',
    {
      config: { ...config, sensitive: true },
      schema: {
        tags: ['webhooks'],
        operationId: 'testWebhook',
        summary: 'Send a `ping` event to this endpoint',
        params: Params,
        response: {
          202: answer(
            'Queued.',
            Type.Object(
              { eventId: Uuid('The ping event; its delivery shows in the delivery log.') },
              { examples: [{ eventId: ids.eventId }] }
            )
          ),
          ...problemResponses([404])
        }
      }
    },
    async (request, reply) =>
      reply.code(202).send({ eventId: await pingEndpoint(app.deps, org(request), request.params.webhookId) })
  )

  app.get(
    '/webhooks/:webhookId/deliveries',
    {
      config,
      schema: {
        tags: ['webhooks'],
        operationId: 'listWebhookDeliveries',
        summary: 'The delivery log of an endpoint',
        description: 'Newest first.',
        params: Params,
        querystring: Type.Object(PageQuery, { additionalProperties: false }),
        response: {
          200: answer('A page of the delivery log.', Page(Delivery, 'Deliveries, newest first.')),
          ...problemResponses([404])
        }
      }
    },
    async (request) => {
      const { cursor, limit = 50 } = request.query
      const page = await listDeliveries(
        app.deps,
        org(request),
        request.params.webhookId,
        cursorAfter(cursor, ['instant', 'uuid']) as [string, string] | null,
        limit
      )
      return { items: page.items, nextCursor: page.next === null ? null : encodeCursor(page.next) }
    }
  )

  app.post(
    '/webhooks/:webhookId/deliveries/:deliveryId/redeliver',
    {
      config,
      schema: {
        tags: ['webhooks'],
        operationId: 'redeliverWebhook',
        summary: 'Deliver again (a new series of attempts)',
        params: Type.Object({
          webhookId: Uuid('Id of the webhook endpoint.'),
          deliveryId: Uuid('Id of the delivery.')
        }),
        response: {
          202: answer(
            'Queued again.',
            Type.Object({ id: Uuid('The delivery, pending again.') }, { examples: [{ id: deliveryExample.id }] })
          ),
          ...problemResponses([404, 409])
        }
      }
    },
    async (request, reply) =>
      reply.code(202).send(await redeliver(app.deps, org(request), request.params.webhookId, request.params.deliveryId))
  )

  app.post(
    '/webhooks/:webhookId/deliveries/redeliver',
    {
      config: { ...config, sensitive: true },
      schema: {
        tags: ['webhooks'],
        operationId: 'redeliverWebhookDeliveries',
        summary: 'Deliver again every delivery in the given states',
        description: `The events the endpoint missed while it was disabled (\`skipped\`, the default), or those that ran out of attempts (\`failed\`), oldest first, with their original \`webhook-id\`s; at most ${REDELIVERED_AT_ONCE} a call (\`more\` says when to call again). 409 while the endpoint is disabled.`,
        params: Params,
        body: Type.Object(
          {
            states: Type.Optional(
              Type.Array(Type.Enum(['skipped', 'failed']), {
                minItems: 1,
                maxItems: 2,
                uniqueItems: true,
                default: ['skipped'],
                description: 'Which deliveries: `skipped`, `failed` or both.'
              })
            )
          },
          { additionalProperties: false, examples: [{ states: ['skipped', 'failed'] }] }
        ),
        response: {
          202: answer(
            'Queued again.',
            Type.Object(
              {
                redelivered: Type.Integer({
                  format: 'int32',
                  maximum: 2147483647,
                  minimum: 0,
                  description: 'Deliveries pending again.'
                }),
                more: Type.Boolean({ description: 'More remain in those states: call again.' })
              },
              { examples: [{ redelivered: 3, more: false }] }
            )
          ),
          ...problemResponses([404, 409])
        }
      }
    },
    async (request, reply) =>
      reply
        .code(202)
        .send(await redeliverAll(app.deps, org(request), request.params.webhookId, request.body.states ?? ['skipped']))
  )
}

export default webhooks
