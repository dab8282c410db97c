import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { answer } from '../schemas/common.ts'
import { EventPage } from '../schemas/events.ts'
import { eventPage, feedCursor } from '../services/events.ts'

const events: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/events',
    {
      config: { scope: 'events:read', accessLog: false },
      schema: {
        tags: ['events'],
        operationId: 'listEvents',
        summary: 'The change feed of your organisation',
        description:
          'Every event you may see, in one order, resumable from any cursor, never skipping an event (also when transactions commit out of order). `wait` (≤ 30 s) holds the request open until something arrives.',
        querystring: Type.Object(
          {
            after: Type.Optional(
              Type.String({
                maxLength: 200,
                description: 'The `nextCursor` of the previous page; absent: from the beginning.'
              })
            ),
            limit: Type.Optional(
              Type.Integer({
                format: 'int32',
                minimum: 1,
                maximum: 500,
                default: 100,
                description: 'Events per page (≤ 500).'
              })
            ),
            wait: Type.Optional(
              Type.Integer({
                format: 'int32',
                minimum: 0,
                maximum: 30,
                default: 0,
                description: 'Long polling: seconds to wait for a first event.'
              })
            )
          },
          { additionalProperties: false }
        ),
        response: { 200: answer('A page of the feed.', EventPage) }
      }
    },
    async (request) => {
      const { after, limit = 100, wait = 0 } = request.query
      return eventPage(app.deps, request.principal.organisationId as string, feedCursor(after), {
        limit,
        waitMs: wait * 1000,
        // A closing process answers its long polls at once with what they have, so it drains in
        // time and the caller simply polls again, elsewhere.
        stop: () => request.raw.destroyed || app.isClosing()
      })
    }
  )
}

export default events
