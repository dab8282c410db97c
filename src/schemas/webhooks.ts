import { Type } from 'typebox'
import { deliveryExample, webhookExample } from './examples.ts'
import { DateTime, Nullable, Uuid } from './common.ts'
import { ENDPOINT_PAYLOADS, SUBSCRIBABLE_EVENT_TYPES } from '../domain/events.ts'

const EventTypes = Type.Array(Type.Enum(SUBSCRIBABLE_EVENT_TYPES), {
  minItems: 1,
  maxItems: SUBSCRIBABLE_EVENT_TYPES.length,
  uniqueItems: true,
  description: 'Event types to receive.'
})
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/**
 * The delivery URL: https, or plain http to a host in `WEBHOOK_ALLOWED_HOSTS` (a test receiver). The
 * contract is made with none allowed, so it says https only. What a pattern cannot say (port 443, no
 * private or metadata address) is checked by `checkWebhookUrl`.
 */
export function webhookUrl(allowedHosts: readonly string[]) {
  const http = allowedHosts.map((h) => `http://${escapeRegExp(h)}(?:[:/]|$)`)
  return Type.String({
    maxLength: 2000,
    pattern: `^(?:${['https://', ...http].join('|')})`,
    description:
      'Where deliveries are POSTed: https on port 443, and never a private, loopback, link-local, special or metadata address (nor an IPv6 form that embeds one).'
  })
}

/** The bodies that register or change an endpoint, for this deployment's allowed hosts. */
export function webhookInputs(allowedHosts: readonly string[]) {
  const Url = webhookUrl(allowedHosts)
  const WebhookInput = Type.Object(
    {
      url: Url,
      eventTypes: EventTypes,
      description: Type.Optional(Type.String({ maxLength: 500, description: 'What the endpoint is for.' }))
    },
    {
      additionalProperties: false,
      title: 'WebhookInput',
      examples: [
        {
          url: 'https://epd.azsm.example.be/opkomst/events',
          eventTypes: ['referral.status_changed', 'handoff.status_changed'],
          description: 'EPD koppeling'
        }
      ]
    }
  )
  const WebhookPatch = Type.Object(
    {
      url: Type.Optional(Url),
      eventTypes: Type.Optional(EventTypes),
      description: Type.Optional(Nullable(Type.String({ maxLength: 500, description: 'What the endpoint is for.' }))),
      enabled: Type.Optional(
        Type.Literal(true, { description: 'Re-enables an endpoint that was disabled (e.g. after a 410).' })
      )
    },
    {
      additionalProperties: false,
      minProperties: 1,
      title: 'WebhookPatch',
      examples: [{ eventTypes: ['referral.status_changed'], description: 'EPD koppeling (productie)' }]
    }
  )
  return { WebhookInput, WebhookPatch }
}

export const Webhook = Type.Object(
  {
    id: Uuid('Id of the endpoint.'),
    url: Type.String({ maxLength: 4000, description: 'Delivery URL.' }),
    eventTypes: Type.Array(Type.String({ maxLength: 4000 }), {
      maxItems: 1000,
      description: 'Subscribed event types.'
    }),
    description: Nullable(Type.String({ maxLength: 4000, description: 'What it is for.' })),
    payload: Type.Enum(ENDPOINT_PAYLOADS, {
      description:
        'What its deliveries carry: `standard`, the body described under webhooks; an endpoint made as a FHIR Subscription (`POST /fhir/Subscription`) gets R4 Backport notification Bundles, `id-only` or `full-resource`, and hears its topic only.'
    }),
    disabledAt: Nullable(DateTime('When deliveries stopped (a 410 answer, for example).')),
    disabledReason: Nullable(Type.String({ maxLength: 4000, description: 'Why it was disabled.' })),
    version: Type.Integer({ format: 'int32', minimum: 0, maximum: 2147483647, description: 'The ETag.' }),
    createdAt: DateTime('When it was registered.')
  },
  { additionalProperties: false, title: 'Webhook', examples: [webhookExample] }
)

export const WebhookWithSecret = Type.Object(
  {
    ...Webhook.properties,
    secret: Type.String({ maxLength: 4000, description: 'The `whsec_` signing secret. Shown this once.' })
  },
  {
    additionalProperties: false,
    title: 'WebhookWithSecret',
    examples: [{ ...webhookExample, secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' }]
  }
)

export const Delivery = Type.Object(
  {
    id: Uuid('Id of the delivery.'),
    eventId: Uuid('The event (the `webhook-id` header).'),
    eventType: Type.String({ maxLength: 4000, description: 'The event type.' }),
    state: Type.Enum(['pending', 'delivered', 'failed', 'skipped'], {
      description:
        '`failed` after the last attempt (dead letter), or after a 410; `skipped` while the endpoint was disabled (redeliver it once enabled again).'
    }),
    attempts: Type.Integer({
      format: 'int32',
      minimum: 0,
      maximum: 2147483647,
      description: 'Attempts made in the current series.'
    }),
    lastStatusCode: Nullable(
      Type.Integer({
        format: 'int32',
        minimum: 0,
        maximum: 2147483647,
        description: 'HTTP status of the last attempt.'
      })
    ),
    lastError: Nullable(Type.String({ maxLength: 4000, description: 'What went wrong last.' })),
    nextAttemptAt: Nullable(DateTime('When the next attempt is due.')),
    deliveredAt: Nullable(DateTime('When it was delivered.')),
    createdAt: DateTime('When the delivery was made.')
  },
  { additionalProperties: false, title: 'Delivery', examples: [deliveryExample] }
)
