import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { answer, DateTime, IfMatchHeaders, List, problemResponses, Uuid } from '../../schemas/common.ts'
import { ids } from '../../schemas/examples.ts'
import { ConsentWithdrawalInput } from '../../schemas/handoffs.ts'
import { Consent, ConsentVersion, consentVersionExample } from '../../schemas/referrals.ts'
import { consentHistory, replaceConsent, withdrawConsent } from '../../services/consent.ts'
import { callerOf as caller, etagOf } from '../request.ts'

const Params = Type.Object({ referralId: Uuid('Id of the referral.') })
const scope = ['referrals:write', 'referrals:manage'] as const

/** The mother's consent as data: every version kept, narrowed, widened, withdrawn, given again. */
const consent: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/referrals/:referralId/consent',
    {
      config: { scope: ['referrals:read', 'referrals:manage'], accessLog: 'consent' },
      schema: {
        tags: ['referrals'],
        operationId: 'consentHistory',
        summary: "Every version of the mother's consent",
        description: 'The referrer and the programme. Oldest first; the last one stands.',
        params: Params,
        response: { 200: answer('Its versions.', List(ConsentVersion, 'Oldest first.')), ...problemResponses([404]) }
      }
    },
    async (request) => consentHistory(app.deps, caller(request, 'consent'), request.params.referralId)
  )

  app.put(
    '/referrals/:referralId/consent',
    {
      config: { scope, accessLog: 'consent' },
      schema: {
        tags: ['referrals'],
        operationId: 'replaceConsent',
        summary: "Record a new version of the mother's consent",
        description:
          'By the referrer or the programme, with `If-Match` on the referral. A narrower scope cancels the open handoffs to the organisation types it no longer names (`consent_narrowed`): they lose access at once. After a withdrawal it is consent given again: new handoffs may follow, cancelled ones stay cancelled.',
        params: Params,
        headers: IfMatchHeaders,
        body: Consent,
        response: {
          200: answer(
            'Recorded.',
            Type.Object(
              {
                consent: ConsentVersion,
                cancelledHandoffs: Type.Array(Uuid('A cancelled handoff.'), {
                  maxItems: 1000,
                  description: 'Handoffs the narrower scope cancelled.'
                }),
                version: Type.Integer({
                  format: 'int32',
                  minimum: 0,
                  maximum: 2147483647,
                  description: 'The referral version now; the ETag.'
                })
              },
              {
                title: 'ConsentChange',
                additionalProperties: false,
                examples: [{ consent: consentVersionExample, cancelledHandoffs: [ids.handoffId], version: 5 }]
              }
            ),
            ['etag']
          ),
          ...problemResponses([404, 409])
        }
      }
    },
    async (request, reply) => {
      const changed = await replaceConsent(
        app.deps,
        caller(request, 'consent'),
        request.params.referralId,
        request.headers['if-match'],
        request.body
      )
      return reply.header('etag', etagOf(changed.version)).send(changed)
    }
  )

  app.post(
    '/referrals/:referralId/consent/withdrawal',
    {
      config: { scope, accessLog: 'consent withdrawal' },
      schema: {
        tags: ['referrals'],
        operationId: 'withdrawConsent',
        summary: 'Record that the mother withdrew her consent',
        description:
          'By the programme or the referrer. Every handoff recipient loses access at once and its open handoffs are cancelled (`consent_withdrawn`); both parties hear `referral.consent_withdrawn`; the programme keeps its record. A new consent (`PUT /referrals/{referralId}/consent`) opens the way to new handoffs.',
        params: Type.Object({ referralId: Uuid('Id of the referral.') }),
        body: ConsentWithdrawalInput,
        response: {
          200: answer(
            'Recorded.',
            Type.Object(
              {
                referralId: Uuid('The referral.'),
                withdrawnAt: DateTime('From when.'),
                cancelledHandoffs: Type.Array(Uuid('A cancelled handoff.'), {
                  maxItems: 1000,
                  description: 'Handoffs cancelled by the withdrawal.'
                }),
                version: Type.Integer({
                  format: 'int32',
                  minimum: 0,
                  maximum: 2147483647,
                  description: 'The referral version now.'
                })
              },
              {
                title: 'ConsentWithdrawal',
                examples: [
                  {
                    referralId: ids.referralId,
                    withdrawnAt: '2026-05-31T16:00:00.000Z',
                    cancelledHandoffs: [ids.handoffId],
                    version: 4
                  }
                ]
              }
            )
          ),
          ...problemResponses([404, 409])
        }
      }
    },
    async (request) =>
      withdrawConsent(app.deps, caller(request, 'consent withdrawal'), request.params.referralId, request.body)
  )
}

export default consent
