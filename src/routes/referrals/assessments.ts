import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { answer, IfMatchHeaders, List, problemResponses, Uuid } from '../../schemas/common.ts'
import { Assessment, AssessmentInput, Assessments, GroupSession, GroupSessionInput } from '../../schemas/assessments.ts'
import { addGroupSession, getAssessments, listGroupSessions, putAssessment } from '../../services/assessments.ts'
import { callerOf as caller, etagOf } from '../request.ts'

const Params = Type.Object({ referralId: Uuid('Id of the referral.') })
const scope = 'referrals:manage'

/** The programme's impact registration per referral: assessments and group-session attendance. */
const assessments: FastifyPluginAsyncTypebox = async (app) => {
  app.put(
    '/referrals/:referralId/assessments/:phase',
    {
      config: { scope, accessLog: 'assessment' },
      schema: {
        tags: ['impact'],
        operationId: 'putAssessment',
        summary: 'Record the start or end assessment',
        description: 'Self-sufficiency scores (1–5) per life domain. `end` needs `start`. Replacing needs `If-Match`.',
        params: Type.Object({
          referralId: Uuid('Id of the referral.'),
          phase: Type.Enum(['start', 'end'], { description: 'Start or end of guidance.' })
        }),
        headers: IfMatchHeaders,
        body: AssessmentInput,
        response: {
          200: answer('Replaced.', Assessment, ['etag']),
          201: answer('Recorded.', Assessment, ['etag']),
          ...problemResponses([404, 409])
        }
      }
    },
    async (request, reply) => {
      const { created, assessment } = await putAssessment(
        app.deps,
        caller(request, 'assessment'),
        request.params.referralId,
        request.params.phase,
        request.headers['if-match'],
        request.body
      )
      return reply
        .code(created ? 201 : 200)
        .header('etag', etagOf(assessment.version))
        .send(assessment)
    }
  )

  app.get(
    '/referrals/:referralId/assessments',
    {
      config: { scope, accessLog: 'assessments' },
      schema: {
        tags: ['impact'],
        operationId: 'getAssessments',
        summary: 'The start and end assessments',
        params: Params,
        response: { 200: answer('Both assessments.', Assessments), ...problemResponses([404]) }
      }
    },
    async (request) => getAssessments(app.deps, caller(request, 'assessment'), request.params.referralId)
  )

  app.post(
    '/referrals/:referralId/group-sessions',
    {
      config: { scope, accessLog: 'group-session' },
      schema: {
        tags: ['impact'],
        operationId: 'addGroupSession',
        summary: 'Record that the mother attended a group session',
        params: Params,
        body: GroupSessionInput,
        response: { 201: answer('Recorded.', GroupSession), ...problemResponses([404]) }
      }
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(
          await addGroupSession(app.deps, caller(request, 'group session'), request.params.referralId, request.body)
        )
  )

  app.get(
    '/referrals/:referralId/group-sessions',
    {
      config: { scope, accessLog: 'group-sessions' },
      schema: {
        tags: ['impact'],
        operationId: 'listGroupSessions',
        summary: 'Group sessions the mother attended',
        params: Params,
        response: {
          200: answer('The sessions attended.', List(GroupSession, 'Oldest first.')),
          ...problemResponses([404])
        }
      }
    },
    async (request) => ({
      items: await listGroupSessions(app.deps, caller(request, 'group session'), request.params.referralId)
    })
  )
}

export default assessments
