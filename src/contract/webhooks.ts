import { EVENT_TYPES } from '../domain/events.ts'
import { webhookPayloadSchema, webhookPayloadTitle } from '../schemas/events.ts'

const header = (name: string, description: string, pattern: string) => ({
  in: 'header',
  name,
  required: true,
  description,
  schema: { type: 'string', maxLength: 2000, pattern }
})

/** The Standard Webhooks headers every delivery carries (https://www.standardwebhooks.com/). */
const SIGNATURE_HEADERS = [
  header(
    'webhook-id',
    'The event id; the same on every attempt of one event. Drop one you have seen.',
    '^[0-9a-f-]{36}$'
  ),
  header(
    'webhook-timestamp',
    'Unix seconds when this attempt was signed; refuse one far from your clock.',
    '^[0-9]{1,12}$'
  ),
  header(
    'webhook-signature',
    '`v1,<base64 HMAC-SHA256>` of `id.timestamp.body` with your `whsec_` secret; during a rotation, two, space-separated.',
    '^v1,[A-Za-z0-9+/=]+( v1,[A-Za-z0-9+/=]+)*$'
  )
]

/** The OpenAPI 3.1 `webhooks` section: what your endpoint receives, one entry per event type. */
export function webhooksSection(): Record<string, unknown> {
  return Object.fromEntries(
    EVENT_TYPES.map((type) => [
      type,
      {
        post: {
          operationId: `on${webhookPayloadTitle(type)}`,
          summary: `A \`${type}\` event`,
          description:
            'Sent to each enabled endpoint subscribed to this type, signed as Standard Webhooks. Fetch what you may see through the API: the body holds ids only.',
          tags: ['webhooks'],
          security: [{ webhookSignature: [] }],
          parameters: SIGNATURE_HEADERS,
          requestBody: { required: true, content: { 'application/json': { schema: webhookPayloadSchema(type) } } },
          responses: {
            '2XX': { description: 'Received. Any other answer, or none within the timeout, is retried.' },
            '410': { description: 'Gone: the endpoint is disabled and gets nothing more until enabled again.' }
          }
        }
      }
    ])
  )
}
