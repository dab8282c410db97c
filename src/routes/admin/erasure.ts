import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { ERASURE_REASON_CODES } from '../../domain/retention.ts'
import { answer, DateTime, problemResponses, Uuid } from '../../schemas/common.ts'
import { ids } from '../../schemas/examples.ts'
import { eraseReferral } from '../../services/retention.ts'
import { callerOf as caller } from '../request.ts'

/** GDPR art. 17: the operator erases a mother's data at once when she asks. */
const erasure: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/admin/referrals/:referralId/erasure',
    {
      config: { scope: 'admin', accessLog: 'erasure', sensitive: true },
      schema: {
        tags: ['admin'],
        operationId: 'eraseReferral',
        summary: "Erase a mother's data from a closed referral at once",
        description:
          'Pseudonymises the referral now, as the retention job would later: identity, contact, address, every free text, the INSZ ciphertext and blind index are erased; what the impact report needs stays, and the figures do not change. In the access log as `erasure`. An open referral is refused (409): the programme closes it first. Repeating it changes nothing.',
        params: Type.Object({ referralId: Uuid('Id of the referral.') }),
        body: Type.Object(
          {
            reasonCode: Type.Enum(
              ERASURE_REASON_CODES.filter((c) => c !== 'retention_expired'),
              {
                description:
                  '`data_subject_request`: she asked (art. 17); `unlawful_processing`: it should never have been kept.'
              }
            )
          },
          { additionalProperties: false, title: 'ErasureInput', examples: [{ reasonCode: 'data_subject_request' }] }
        ),
        response: {
          200: answer(
            'Erased.',
            Type.Object(
              {
                referralId: Uuid('The referral.'),
                pseudonymisedAt: DateTime('When it was pseudonymised.'),
                reasonCode: Type.Enum(ERASURE_REASON_CODES, { description: 'Why.' })
              },
              {
                title: 'Erasure',
                additionalProperties: false,
                examples: [
                  {
                    referralId: ids.referralId,
                    pseudonymisedAt: '2026-12-04T10:00:00.000Z',
                    reasonCode: 'data_subject_request'
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
      eraseReferral(app.deps, caller(request, 'erasure'), request.params.referralId, request.body.reasonCode)
  )
}

export default erasure
