import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import {
  answer,
  DateTime,
  IfMatchHeaders,
  IfNoneMatchHeaders,
  List,
  Page,
  PageQuery,
  problemResponses,
  Uuid,
  versionedRead
} from '../../schemas/common.ts'
import {
  Handoff,
  HandoffInput,
  HandoffTransition,
  HandoffWithReferral,
  HousingDecisionRecord,
  HousingDecisionInput
} from '../../schemas/handoffs.ts'
import { HistoryEntry } from '../../schemas/referrals.ts'
import { HANDOFF_STATUSES, HANDOFF_TYPES } from '../../domain/handoffs.ts'
import { encodeCursor } from '../../domain/cursor.ts'
import { answeredNotModified, callerOf as caller, cursorAfter, etagOf, publicUrl } from '../request.ts'
import {
  createHandoff,
  decideHousing,
  housingDecisionHistory,
  handoffHistory,
  handoffList,
  readHandoff,
  transitionHandoff
} from '../../services/handoffs.ts'

const Params = Type.Object({ handoffId: Uuid('Id of the handoff.') })
const withEtag = <T extends { version: number }>(reply: { header: (k: string, v: string) => unknown }, body: T) => {
  reply.header('etag', etagOf(body.version))
  return body
}

const handoffs: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/referrals/:referralId/handoffs',
    {
      config: { scope: 'handoffs:write', accessLog: 'handoff' },
      schema: {
        tags: ['handoffs'],
        operationId: 'createHandoff',
        summary: 'Hand a part of the work to another organisation',
        description:
          "By the programme or the referrer. The recipient's organisation type must be in the mother's consent scope.",
        params: Type.Object({ referralId: Uuid('Id of the referral.') }),
        body: HandoffInput,
        response: { 201: answer('Handed off.', Handoff, ['location', 'etag']), ...problemResponses([404, 409]) }
      }
    },
    async (request, reply) => {
      const handoff = await createHandoff(app.deps, caller(request, 'handoff'), request.params.referralId, request.body)
      return reply
        .code(201)
        .header('location', publicUrl(request, `/handoffs/${handoff.id}`))
        .header('etag', etagOf(handoff.version))
        .send(handoff)
    }
  )

  app.get(
    '/handoffs',
    {
      config: { scope: ['handoffs:write', 'referrals:read'], accessLog: false },
      schema: {
        tags: ['handoffs'],
        operationId: 'listHandoffs',
        summary: 'Handoffs you sent or received',
        description: 'Oldest change first; poll with `updatedSince` and follow `nextCursor`.',
        querystring: Type.Object(
          {
            status: Type.Optional(Type.Enum(HANDOFF_STATUSES, { description: 'Only this status.' })),
            type: Type.Optional(Type.Enum(HANDOFF_TYPES, { description: 'Only this type.' })),
            updatedSince: Type.Optional(DateTime('Only handoffs changed at or after this instant.')),
            ...PageQuery
          },
          { additionalProperties: false }
        ),
        response: {
          200: answer('A page of handoffs.', Page(Handoff, 'Handoffs.'))
        }
      }
    },
    async (request) => {
      const { cursor, limit = 50, ...filters } = request.query
      const page = await handoffList(app.deps, caller(request, 'handoff list'), {
        ...filters,
        after: cursorAfter(cursor, ['instant', 'uuid']) as [string, string] | null,
        limit
      })
      return { items: page.items, nextCursor: page.next === null ? null : encodeCursor(page.next) }
    }
  )

  app.get(
    '/handoffs/:handoffId',
    {
      config: { scope: ['handoffs:write', 'referrals:read'], accessLog: 'read via handoff' },
      // The embedded referral is an exact projection made by the domain table; send it as it is.
      serializerCompiler: () => (data: unknown) => JSON.stringify(data),
      schema: {
        tags: ['handoffs'],
        operationId: 'getHandoff',
        summary: 'A handoff',
        description:
          'The recipient also gets `referral`: the fields its organisation type needs, while consent stands.',
        params: Params,
        headers: IfNoneMatchHeaders,
        response: versionedRead('The handoff.', HandoffWithReferral)
      }
    },
    async (request, reply) => {
      const handoff = await readHandoff(app.deps, caller(request, 'handoff'), request.params.handoffId)
      if (answeredNotModified(request, reply, handoff.version)) return reply
      return withEtag(reply, handoff) as never
    }
  )

  app.post(
    '/handoffs/:handoffId/transitions',
    {
      config: { scope: 'handoffs:write', accessLog: false },
      schema: {
        tags: ['handoffs'],
        operationId: 'transitionHandoff',
        summary: 'Change the status of a handoff',
        description:
          'The recipient: requested → received → accepted | rejected, accepted → in-progress → completed | failed. The creator: cancelled. Needs `If-Match`.',
        params: Params,
        headers: IfMatchHeaders,
        body: HandoffTransition,
        response: { 200: answer('Moved: the handoff.', Handoff, ['etag']), ...problemResponses([404, 409]) }
      }
    },
    async (request, reply) =>
      withEtag(
        reply,
        await transitionHandoff(
          app.deps,
          caller(request, 'handoff status'),
          request.params.handoffId,
          request.headers['if-match'],
          request.body
        )
      )
  )

  app.get(
    '/handoffs/:handoffId/history',
    {
      config: { scope: ['handoffs:write', 'referrals:read'], accessLog: 'handoff history' },
      schema: {
        tags: ['handoffs'],
        operationId: 'getHandoffHistory',
        summary: 'Every status transition of a handoff',
        params: Params,
        response: {
          200: answer('The transitions.', List(HistoryEntry, 'Oldest first.')),
          ...problemResponses([404])
        }
      }
    },
    async (request) => ({
      items: await handoffHistory(app.deps, caller(request, 'handoff history'), request.params.handoffId)
    })
  )

  app.post(
    '/handoffs/:handoffId/housing-decision',
    {
      config: { scope: 'handoffs:write', accessLog: false },
      schema: {
        tags: ['handoffs'],
        operationId: 'decideHousingPriority',
        summary: 'Grant, extend, revoke, refuse, or record the allocation of housing priority',
        description:
          'The housing organisation that received a `housing_priority` handoff, once it accepted it (409 before). `granted` holds through `validUntil` (a Belgian date) and is stored as `expired` the day after unless extended, revoked or allocated; after an expiry or a revocation it may be granted again. Each decision is kept with who and when (`GET …/housing-decisions`).',
        params: Params,
        body: HousingDecisionInput,
        response: { 200: answer('Decided: the handoff.', Handoff, ['etag']), ...problemResponses([404, 409]) }
      }
    },
    async (request, reply) =>
      withEtag(
        reply,
        await decideHousing(app.deps, caller(request, 'housing decision'), request.params.handoffId, request.body)
      )
  )

  app.get(
    '/handoffs/:handoffId/housing-decisions',
    {
      config: { scope: ['handoffs:write', 'referrals:read'], accessLog: 'housing decisions' },
      schema: {
        tags: ['handoffs'],
        operationId: 'housingDecisionHistory',
        summary: 'Every decision on a housing priority',
        description: 'Oldest first, each with when and by whom; the housing company and the handoff’s creator.',
        params: Params,
        response: {
          200: answer('Its decisions.', List(HousingDecisionRecord, 'Oldest first.')),
          ...problemResponses([404])
        }
      }
    },
    async (request) => ({
      items: await housingDecisionHistory(app.deps, caller(request, 'housing decisions'), request.params.handoffId)
    })
  )
}

export default handoffs
