import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { answer, IfMatchHeaders, List, problemResponses, Uuid } from '../../schemas/common.ts'
import {
  Assessment,
  AssessmentInput,
  AssessmentPatch,
  Assessments,
  AssessmentVersion
} from '../../schemas/assessments.ts'
import { AttendedSession } from '../../schemas/group-sessions.ts'
import { sessionsOfReferral } from '../../services/group-sessions.ts'
import { assessmentVersions, getAssessments, patchAssessment, putAssessment } from '../../services/assessments.ts'
import type { StartSituation } from '../../domain/screening.ts'
import { Screening, ScreeningInput, ScreeningRecord } from '../../schemas/screening.ts'
import { correctScreening, readScreening, screeningHistory } from '../../services/screening.ts'
import { callerOf as caller, etagOf } from '../request.ts'

const Params = Type.Object({ referralId: Uuid('Id of the referral.') })
const PhaseParams = Type.Object({
  referralId: Uuid('Id of the referral.'),
  phase: Type.Enum(['start', 'end'], { description: 'Start or end of guidance.' })
})
const scope = 'referrals:manage'

/** The programme's impact registration per referral: screening, assessments and the group sessions she attended. */
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
        params: PhaseParams,
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

  app.patch(
    '/referrals/:referralId/assessments/:phase',
    {
      config: { scope, accessLog: 'assessment' },
      schema: {
        tags: ['impact'],
        operationId: 'patchAssessment',
        summary: 'Change some scores or notes of an assessment',
        description:
          'A merge: the scores and notes sent replace theirs, `null` clears one, the others stay. Needs `If-Match`. The programme may correct an assessment after the referral ended; the history shows it as such.',
        params: PhaseParams,
        headers: IfMatchHeaders,
        body: AssessmentPatch,
        response: { 200: answer('Changed.', Assessment, ['etag']), ...problemResponses([404]) }
      }
    },
    async (request, reply) => {
      const assessment = await patchAssessment(
        app.deps,
        caller(request, 'assessment'),
        request.params.referralId,
        request.params.phase,
        request.headers['if-match'],
        request.body
      )
      return reply.header('etag', etagOf(assessment.version)).send(assessment)
    }
  )

  app.get(
    '/referrals/:referralId/assessments/:phase/history',
    {
      config: { scope, accessLog: 'assessment-history' },
      schema: {
        tags: ['impact'],
        operationId: 'assessmentHistory',
        summary: 'Every version of an assessment',
        description: 'Oldest first, each with who saved it, when, and the status of the referral then.',
        params: PhaseParams,
        response: {
          200: answer('Its versions.', List(AssessmentVersion, 'Oldest first.')),
          ...problemResponses([404])
        }
      }
    },
    async (request) => ({
      items: await assessmentVersions(
        app.deps,
        caller(request, 'assessment history'),
        request.params.referralId,
        request.params.phase
      )
    })
  )

  app.get(
    '/referrals/:referralId/screening',
    {
      config: { scope, accessLog: 'screening' },
      schema: {
        tags: ['impact'],
        operationId: 'getScreening',
        summary: "The start situation: the referrer's screening and the programme's own",
        description: 'The programme only; the referrer never sees the programme’s values.',
        params: Params,
        response: { 200: answer('The start situation.', Screening, ['etag']), ...problemResponses([404]) }
      }
    },
    async (request, reply) => {
      const screening = await readScreening(app.deps, caller(request, 'screening'), request.params.referralId)
      return reply.header('etag', etagOf(screening.version)).send(screening)
    }
  )

  app.patch(
    '/referrals/:referralId/screening',
    {
      config: { scope, accessLog: 'screening' },
      schema: {
        tags: ['impact'],
        operationId: 'correctScreening',
        summary: 'Record the programme’s own value of some start-situation fields',
        description:
          "Each field sent is recorded with who and when, beside the referrer's (which stays as sent); the impact report uses the programme's value. Needs `If-Match` with the screening's `ETag` (`\"0\"` before its first save).",
        params: Params,
        headers: IfMatchHeaders,
        body: ScreeningInput,
        response: { 200: answer('Recorded.', Screening, ['etag']), ...problemResponses([404]) }
      }
    },
    async (request, reply) => {
      const screening = await correctScreening(
        app.deps,
        caller(request, 'screening'),
        request.params.referralId,
        request.headers['if-match'],
        // The schema is built field by field from the referral's: validated, but typed loosely.
        request.body as Partial<StartSituation>
      )
      return reply.header('etag', etagOf(screening.version)).send(screening)
    }
  )

  app.get(
    '/referrals/:referralId/screening/history',
    {
      config: { scope, accessLog: 'screening-history' },
      schema: {
        tags: ['impact'],
        operationId: 'screeningHistory',
        summary: 'Every start-situation value the programme recorded',
        params: Params,
        response: {
          200: answer('Oldest first.', List(ScreeningRecord, 'Oldest first.')),
          ...problemResponses([404])
        }
      }
    },
    async (request) => ({
      items: await screeningHistory(app.deps, caller(request, 'screening history'), request.params.referralId)
    })
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

  app.get(
    '/referrals/:referralId/group-sessions',
    {
      config: { scope, accessLog: 'group-sessions' },
      schema: {
        tags: ['impact'],
        operationId: 'listSessionsAttended',
        summary: 'Group sessions the mother attended',
        description: 'Sessions are recorded as their own resource (`/group-sessions`); this is her part of them.',
        params: Params,
        response: {
          200: answer('The sessions attended.', List(AttendedSession, 'Oldest first.')),
          ...problemResponses([404])
        }
      }
    },
    async (request) => ({
      items: await sessionsOfReferral(app.deps, caller(request, 'group sessions'), request.params.referralId)
    })
  )
}

export default assessments
