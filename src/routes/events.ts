import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { problemResponses } from '../schemas/common.ts'
import { EventPage } from '../schemas/events.ts'
import { feedPage, type FeedRow } from '../db/queries/events.ts'
import { decodeCursor, encodeCursor } from '../domain/cursor.ts'
import { ProblemError } from '../plugins/errors.ts'

const POLL_MS = 250

const events: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/events', {
    config: { scope: 'events:read' },
    schema: {
      tags: ['events'], operationId: 'listEvents', summary: 'The change feed of your organisation',
      description: 'Every event you may see, in one order, resumable from any cursor, never skipping an event (also when transactions commit out of order). `wait` (≤ 30 s) holds the request open until something arrives.',
      querystring: Type.Object({
        after: Type.Optional(Type.String({ maxLength: 200, description: 'The `nextCursor` of the previous page; absent: from the beginning.' })),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100, description: 'Events per page (≤ 500).' })),
        wait: Type.Optional(Type.Integer({ minimum: 0, maximum: 30, default: 0, description: 'Long polling: seconds to wait for a first event.' }))
      }),
      response: { 200: EventPage, ...problemResponses([400]) }
    }
  }, async (request) => {
    const { after, limit = 100, wait = 0 } = request.query
    const decoded = after === undefined ? ['0', 0] : decodeCursor(after, 2)
    if (decoded === null || typeof decoded[0] !== 'string' || !/^\d+$/.test(decoded[0]) || typeof decoded[1] !== 'number') {
      throw new ProblemError(400, 'invalid-cursor', 'Invalid cursor', 'after is not a cursor this API gave out')
    }
    const cursor = decoded as [string, number]
    const organisationId = request.principal.organisationId as string
    const deadline = Date.now() + wait * 1000
    let rows: FeedRow[] = await feedPage(app.db, organisationId, cursor, limit)
    while (rows.length === 0 && Date.now() < deadline && !request.raw.destroyed) {
      await new Promise((resolve) => setTimeout(resolve, POLL_MS))
      rows = await feedPage(app.db, organisationId, cursor, limit)
    }
    const last = rows.at(-1)
    return {
      items: rows.map((r) => ({ id: r.eventId, type: r.type, occurredAt: new Date(r.occurredAt).toISOString(), referralId: r.referralId, handoffId: r.handoffId, status: r.status, reasonCode: r.reasonCode })),
      nextCursor: encodeCursor(last === undefined ? cursor : [last.transactionId, Number(last.id)])
    }
  })
}

export default events
