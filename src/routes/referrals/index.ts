import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply } from 'fastify'
import { Type } from 'typebox'
import {
  answer,
  DateTime,
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
import { ids } from '../../schemas/examples.ts'
import { AccessLogEntry, HistoryEntry, ReferralInput, ReferralPatch, TransitionInput } from '../../schemas/referrals.ts'
import { AnyReferralView, OperatorView, ProgrammeView, ReferrerView, viewUnion } from '../../schemas/views.ts'
import { REFERRAL_STATUSES, TRACKS } from '../../domain/vocabulary.ts'
import { encodeCursor } from '../../domain/cursor.ts'
import { callerOf as caller, cursorAfter, etagOf as etag, heldVersions, publicUrl } from '../request.ts'
import { invalidCursor } from '../../core/problems.ts'
import { answerStored, answerToStore } from '../../plugins/idempotency.ts'
import {
  assignWorker,
  correctReferral,
  createReferral,
  listReferrals,
  readReferral,
  referralAccessLog,
  referralHistory,
  transitionReferral
} from '../../services/referrals.ts'
import type { ViewResult } from '../../services/referral-views.ts'

const Params = IdParams('referralId', 'referral')
// Projections are exact key sets made by the domain table; serialise them as they are.
const asIs = () => (data: unknown) => JSON.stringify(data)

const JSON_TYPE = 'application/json; charset=utf-8'
const NO_STORE = 'no-store'

function sendView(reply: FastifyReply, result: ViewResult) {
  return reply.header('etag', etag(result.version)).header('cache-control', NO_STORE).send(result.body)
}

const referrals: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/referrals',
    {
      config: { scope: 'referrals:write', claimsKeyInStatement: true, accessLog: 'create' },
      serializerCompiler: asIs,
      schema: {
        tags: ['referrals'],
        operationId: 'createReferral',
        summary: 'Refer a mother to the programme',
        description:
          'Needs her consent. Routed to `programmeId`, else by postal code, else to the only programme. Answers with your view of the referral.',
        body: ReferralInput,
        response: {
          201: answer('Referred: the referral in your view.', ReferrerView, ['location', 'etag']),
          ...problemResponses([409])
        }
      }
    },
    async (request, reply) => {
      const headersOf = (created: { id: string; version: number }) => ({
        'content-type': JSON_TYPE,
        location: publicUrl(request, `/referrals/${created.id}`),
        etag: etag(created.version)
      })
      const created = await createReferral(app.deps, caller(request, 'intake'), request.body, (c) =>
        answerToStore(request, 201, headersOf(c))
      )
      answerStored(request)
      // Already JSON, and sent as it is: the bytes a replay of this request answers with.
      return reply
        .code(201)
        .headers({ ...headersOf(created), 'cache-control': NO_STORE })
        .send(created.answer as never)
    }
  )

  app.get(
    '/referrals',
    {
      config: { scope: ['referrals:read', 'admin'], accessLog: 'list' },
      serializerCompiler: asIs,
      schema: {
        tags: ['referrals'],
        operationId: 'listReferrals',
        summary: 'List referrals you sent or (programme) received',
        description:
          'Oldest change first, keyset-paginated: poll with `updatedSince` and follow `nextCursor`. The operator lists every referral in its view (no personal data), to find one to mark entered-in-error. A parameter not listed here: 400.',
        querystring: Type.Object(
          {
            status: Type.Optional(Type.Enum(REFERRAL_STATUSES, { description: 'Only this status.' })),
            track: Type.Optional(Type.Enum(TRACKS, { description: 'Only this track.' })),
            externalReference: Type.Optional(
              Type.String({
                minLength: 1,
                maxLength: 100,
                pattern: '^[\\x21-\\x7E]+$',
                description: 'Only the referral with this `externalReference` (the sender’s own id).'
              })
            ),
            assignedWorkerId: Type.Optional(Uuid('Only those guided by this worker (the programme).')),
            updatedSince: Type.Optional(DateTime('Only referrals changed at or after this instant.')),
            ...PageQuery
          },
          { additionalProperties: false }
        ),
        response: {
          200: answer(
            'A page of referrals.',
            Page(
              viewUnion([ProgrammeView, ReferrerView, OperatorView], 'A referral in your view.'),
              'Referrals in your view.'
            )
          )
        }
      }
    },
    async (request) => {
      const { cursor, limit = 50, ...filters } = request.query
      const after = cursorAfter(cursor, ['instant', 'uuid']) as [string, string] | null
      const page = await listReferrals(app.deps, caller(request, 'list'), { ...filters, after, limit })
      return { items: page.items, nextCursor: page.next === null ? null : encodeCursor(page.next) }
    }
  )

  app.get(
    '/referrals/:referralId',
    {
      config: { scope: ['referrals:read', 'admin'], accessLog: 'read' },
      serializerCompiler: asIs,
      schema: {
        tags: ['referrals'],
        operationId: 'getReferral',
        summary: 'Get a referral in your view',
        description:
          'The referrer, the programme and the operator each see their own projection. Not a party: 404. `If-None-Match` with the ETag answers 304.',
        params: Params,
        headers: IfNoneMatchHeaders,
        response: versionedRead('The referral in your view.', AnyReferralView)
      }
    },
    async (request, reply) => {
      const held = heldVersions(request)
      const result = await readReferral(app.deps, caller(request, 'view'), request.params.referralId, held)
      if ('notModified' in result) {
        // No payload at all: `null` would be counted in Content-Length although a 304 has no body.
        reply.code(304).header('etag', etag(result.version)).removeHeader('content-type')
        return reply.send(undefined as never)
      }
      return sendView(reply, result)
    }
  )

  app.patch(
    '/referrals/:referralId',
    {
      config: { scope: 'referrals:write', accessLog: 'update' },
      serializerCompiler: asIs,
      schema: {
        tags: ['referrals'],
        operationId: 'correctReferral',
        summary: 'Correct what you sent',
        description:
          'The referrer only, while `requested` or `received`. Each field given replaces the one sent; `null` removes `pregnancy` or `youngestChild`. Needs `If-Match`.',
        params: Params,
        headers: IfMatchHeaders,
        body: ReferralPatch,
        response: {
          200: answer('Corrected: the referral in your view.', ReferrerView, ['etag']),
          ...problemResponses([404, 409])
        }
      }
    },
    async (request, reply) => {
      return sendView(
        reply,
        await correctReferral(
          app.deps,
          caller(request, 'correction'),
          request.params.referralId,
          request.headers['if-match'],
          request.body
        )
      )
    }
  )

  app.post(
    '/referrals/:referralId/transitions',
    {
      config: { scope: ['referrals:write', 'referrals:manage', 'admin'], accessLog: 'transition' },
      serializerCompiler: asIs,
      schema: {
        tags: ['referrals'],
        operationId: 'transitionReferral',
        summary: 'Change the status of a referral',
        description:
          'FHIR Task status codes, as in the lifecycle table of the design. A transition the caller may not make: 409 with `allowedTransitions`. Needs `If-Match`.',
        params: Params,
        headers: IfMatchHeaders,
        body: TransitionInput,
        response: {
          200: answer('Moved: the referral in your view.', AnyReferralView, ['etag']),
          ...problemResponses([404, 409])
        }
      }
    },
    async (request, reply) => {
      return sendView(
        reply,
        await transitionReferral(
          app.deps,
          caller(request, 'status change'),
          request.params.referralId,
          request.headers['if-match'],
          request.body
        )
      )
    }
  )

  app.put(
    '/referrals/:referralId/assignment',
    {
      config: { scope: 'referrals:manage', accessLog: 'assignment' },
      serializerCompiler: asIs,
      schema: {
        tags: ['referrals'],
        operationId: 'assignWorker',
        summary: 'Assign or reassign the worker who guides her',
        description:
          "The programme, while the referral is accepted, in-progress or on-hold: one of its active workers, who becomes the referrer's contact person. In the history as an `assignment`; both parties hear `referral.contact_changed`. Needs `If-Match`.",
        params: Params,
        headers: IfMatchHeaders,
        body: Type.Object(
          { workerId: Uuid('An active worker of the programme (`GET /organisations/{id}/workers`).') },
          { additionalProperties: false, title: 'AssignmentInput', examples: [{ workerId: ids.workerId }] }
        ),
        response: {
          200: answer('Assigned: the referral in your view.', ProgrammeView, ['etag']),
          ...problemResponses([404, 409])
        }
      }
    },
    async (request, reply) => {
      return sendView(
        reply,
        await assignWorker(
          app.deps,
          caller(request, 'assignment'),
          request.params.referralId,
          request.headers['if-match'],
          request.body
        )
      )
    }
  )

  app.get(
    '/referrals/:referralId/history',
    {
      config: { scope: ['referrals:read', 'admin'], accessLog: 'history' },
      schema: {
        tags: ['referrals'],
        operationId: 'getReferralHistory',
        summary: 'Every status transition and reassignment of a referral',
        params: Params,
        response: {
          200: answer('The transitions.', List(HistoryEntry, 'Transitions, oldest first.')),
          ...problemResponses([404])
        }
      }
    },
    async (request) => ({
      items: await referralHistory(app.deps, caller(request, 'history'), request.params.referralId)
    })
  )

  app.get(
    '/referrals/:referralId/access-log',
    {
      config: { scope: ['referrals:manage', 'admin'], accessLog: 'access-log' },
      schema: {
        tags: ['referrals'],
        operationId: 'getReferralAccessLog',
        summary: "Who read or changed a referral's personal data",
        description: 'For the programme and the operator. Append-only.',
        params: Params,
        querystring: Type.Object(PageQuery, { additionalProperties: false }),
        response: {
          200: answer('A page of the access log.', Page(AccessLogEntry, 'Oldest first.')),
          ...problemResponses([404])
        }
      }
    },
    async (request) => {
      const { cursor, limit = 50 } = request.query
      const [after = 0] = cursorAfter(cursor, ['integer']) ?? []
      if (typeof after !== 'number') throw invalidCursor('cursor')
      const page = await referralAccessLog(app.deps, caller(request, 'audit'), request.params.referralId, after, limit)
      return { items: page.items, nextCursor: page.next === null ? null : encodeCursor([page.next]) }
    }
  )
}

export default referrals
