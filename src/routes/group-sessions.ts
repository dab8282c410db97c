import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { encodeCursor } from '../domain/cursor.ts'
import {
  answer,
  IdParams,
  IfMatchHeaders,
  IfNoneMatchHeaders,
  List,
  Page,
  problemResponses,
  versionedRead
} from '../schemas/common.ts'
import {
  AttendanceInput,
  GroupSession,
  GroupSessionInput,
  GroupSessionPatch,
  GroupSessionQuery,
  GroupSessionSummary,
  GroupSessionVersion
} from '../schemas/group-sessions.ts'
import {
  correctGroupSession,
  deleteGroupSession,
  groupSessionVersions,
  listGroupSessions,
  readGroupSession,
  recordGroupSession,
  replaceGroupSessionAttendance
} from '../services/group-sessions.ts'
import { answeredNotModified, callerOf, cursorAfter, etagOf, publicUrl } from './request.ts'

const Params = IdParams('sessionId', 'group session')
const scope = 'referrals:manage'
// Rows for each mother on the attendance: the session says she came to group work.
const logged = { scope, accessLog: 'group session' } as const
const OWN = "The programme's group work: its own sessions only (404 for anyone else's)."

/** The programme's group sessions: one record per session, its attendance replaced whole. */
const groupSessions: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/group-sessions',
    {
      // Nobody attended yet: it touches no mother's record.
      config: { scope, accessLog: false },
      schema: {
        tags: ['impact'],
        operationId: 'recordGroupSession',
        summary: 'Record a group session',
        description: `${OWN} Recorded once held; then its attendance with \`PUT …/attendance\` (\`If-Match: "1"\`).`,
        body: GroupSessionInput,
        response: { 201: answer('Recorded.', GroupSession, ['location', 'etag']), ...problemResponses([404]) }
      }
    },
    async (request, reply) => {
      const session = await recordGroupSession(app.deps, callerOf(request, 'group work'), request.body)
      return reply
        .code(201)
        .header('location', publicUrl(request, `/group-sessions/${session.id}`))
        .header('etag', etagOf(session.version))
        .send(session)
    }
  )

  app.get(
    '/group-sessions',
    {
      config: { scope, accessLog: false },
      schema: {
        tags: ['impact'],
        operationId: 'listGroupSessions',
        summary: 'List group sessions',
        description: `${OWN} Newest first, with how many came (not who); follow \`nextCursor\`.`,
        querystring: GroupSessionQuery,
        response: { 200: answer('A page of sessions.', Page(GroupSessionSummary, 'Sessions.')) }
      }
    },
    async (request) => {
      const { cursor, limit = 50, ...filters } = request.query
      const after = cursorAfter(cursor, ['date', 'uuid']) as [string, string] | null
      const page = await listGroupSessions(app.deps, callerOf(request, 'group work'), filters, after, limit)
      return { items: page.items, nextCursor: page.next === null ? null : encodeCursor(page.next) }
    }
  )

  app.get(
    '/group-sessions/:sessionId',
    {
      config: logged,
      schema: {
        tags: ['impact'],
        operationId: 'getGroupSession',
        summary: 'Get a group session and who attended',
        description: OWN,
        params: Params,
        headers: IfNoneMatchHeaders,
        response: versionedRead('The session.', GroupSession)
      }
    },
    async (request, reply) => {
      const session = await readGroupSession(app.deps, callerOf(request, 'group work'), request.params.sessionId)
      if (answeredNotModified(request, reply, session.version)) return reply
      return reply.header('etag', etagOf(session.version)).send(session)
    }
  )

  app.patch(
    '/group-sessions/:sessionId',
    {
      config: logged,
      schema: {
        tags: ['impact'],
        operationId: 'correctGroupSession',
        summary: 'Correct a group session',
        description: `${OWN} Needs \`If-Match\`. A new day must lie in the guidance of everyone who attended (422 naming her referral otherwise). Kept in its history.`,
        params: Params,
        headers: IfMatchHeaders,
        body: GroupSessionPatch,
        response: { 200: answer('Corrected.', GroupSession, ['etag']), ...problemResponses([404]) }
      }
    },
    async (request, reply) => {
      const session = await correctGroupSession(
        app.deps,
        callerOf(request, 'group work'),
        request.params.sessionId,
        request.headers['if-match'],
        request.body
      )
      return reply.header('etag', etagOf(session.version)).send(session)
    }
  )

  app.put(
    '/group-sessions/:sessionId/attendance',
    {
      config: logged,
      schema: {
        tags: ['impact'],
        operationId: 'replaceGroupSessionAttendance',
        summary: 'Record who attended a group session',
        description: `${OWN} The whole list, replacing the one held; needs \`If-Match\`. Each mother once (a repeat: 422 at its position), each a referral of the programme in guidance on the day (422 at her position otherwise). Kept in its history.`,
        params: Params,
        headers: IfMatchHeaders,
        body: AttendanceInput,
        response: { 200: answer('Recorded.', GroupSession, ['etag']), ...problemResponses([404]) }
      }
    },
    async (request, reply) => {
      const session = await replaceGroupSessionAttendance(
        app.deps,
        callerOf(request, 'group work'),
        request.params.sessionId,
        request.headers['if-match'],
        request.body.referralIds
      )
      return reply.header('etag', etagOf(session.version)).send(session)
    }
  )

  app.delete(
    '/group-sessions/:sessionId',
    {
      config: logged,
      schema: {
        tags: ['impact'],
        operationId: 'deleteGroupSession',
        summary: 'Delete a group session recorded in error',
        description: `${OWN} Needs \`If-Match\`. It leaves the lists, her record and the report; its history stays readable.`,
        params: Params,
        headers: IfMatchHeaders,
        response: { 204: Type.Null({ description: 'Deleted.' }), ...problemResponses([404]) }
      }
    },
    async (request, reply) => {
      await deleteGroupSession(
        app.deps,
        callerOf(request, 'group work'),
        request.params.sessionId,
        request.headers['if-match']
      )
      return reply.code(204).send(null)
    }
  )

  app.get(
    '/group-sessions/:sessionId/history',
    {
      config: logged,
      schema: {
        tags: ['impact'],
        operationId: 'groupSessionHistory',
        summary: 'Every version of a group session',
        description: `${OWN} Oldest first, each with what changed, who and when; a deleted session's too.`,
        params: Params,
        response: {
          200: answer('Its versions.', List(GroupSessionVersion, 'Oldest first.')),
          ...problemResponses([404])
        }
      }
    },
    async (request) => ({
      items: await groupSessionVersions(app.deps, callerOf(request, 'group work'), request.params.sessionId)
    })
  )
}

export default groupSessions
