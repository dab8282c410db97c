import fp from 'fastify-plugin'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import { Problem } from '../schemas/common.ts'
import { finishContract } from '../contract/finish.ts'
import { webhooksSection } from '../contract/webhooks.ts'

export const OPENAPI_INFO = {
  title: 'Opkomst referral network API',
  contact: { name: 'The platform operator of your deployment, who issued your API key' },
  version: '0.1.0',
  description:
    'The shared wire through which hospitals, OCMWs, housing companies and other partners refer pregnant women and young families to the Opkomst / Opkomst+ programme, follow what happens, and hand parts of the work to each other. All data is special-category personal data: every read and write is logged. Problems, labels and reports are in Dutch unless `Accept-Language` asks for English (`en`); `Content-Language` says which. Hospital systems may use the FHIR R4 interface instead: `/fhir`, its CapabilityStatement at [`/fhir/metadata`](/fhir/metadata) (the README section “FHIR R4 for hospital systems” says how the referral maps).'
}

// A variable, not a literal: `x-internal` (for the OWASP inventory rule) is not in the plugin's types.
const THIS_DEPLOYMENT = {
  url: '/',
  description: 'The deployment serving this document: production, or a partner test environment.',
  'x-internal': false
}

export default fp(
  async (app) => {
    app.addSchema(Problem)
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: OPENAPI_INFO,
        servers: [THIS_DEPLOYMENT],
        components: {
          securitySchemes: {
            bearerAuth: {
              type: 'http',
              scheme: 'bearer',
              description: 'An API key of your organisation (`opk_…`), issued by the platform operator.'
            },
            webhookSignature: {
              type: 'apiKey',
              in: 'header',
              name: 'webhook-signature',
              description:
                'How a delivery to your endpoint proves it comes from us: Standard Webhooks HMAC-SHA256 with the `whsec_` secret of the endpoint.'
            },
            adminAuth: {
              type: 'http',
              scheme: 'bearer',
              description: "The platform operator's key (`ADMIN_API_KEY`): onboarding, revocation, corrections."
            }
          }
        },
        tags: [
          { name: 'referrals', description: 'Referrals of mothers to the programme and their lifecycle.' },
          {
            name: 'handoffs',
            description: 'Parts of the work handed to other organisations, housing priority, consent withdrawal.'
          },
          { name: 'events', description: 'The change feed: thin events, resumable, never skipping.' },
          { name: 'webhooks', description: 'Signed event deliveries to your endpoints, with a delivery log.' },
          { name: 'impact', description: 'Assessments, group sessions and the impact report.' },
          {
            name: 'directory',
            description: 'Who is in the network: organisations, what they take, their public contact.'
          },
          { name: 'workers', description: 'The people of each organisation, by their work contact.' },
          { name: 'admin', description: 'Onboarding organisations and their API clients (operator only).' },
          { name: 'health', description: 'Liveness and readiness.' }
        ]
      },
      transformObject: (document) =>
        finishContract(('openapiObject' in document ? document.openapiObject : {}) as Record<string, unknown>, {
          webhooks: webhooksSection()
        }) as never,
      refResolver: {
        buildLocalReference: (json, _base, _fragment, i) => (json.$id as string | undefined) ?? `def-${i}`
      }
    })
    await app.register(swaggerUi, { routePrefix: '/docs' })
    app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger())
  },
  { name: 'swagger', dependencies: ['errors'] }
)
