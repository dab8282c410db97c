import { OUTCOME_CODES, REASON_CODES, type ReasonCode } from '../domain/reason-codes.ts'
import { eventExample } from './examples.ts'
import { type Static, Type } from 'typebox'
import { DateTime, Nullable, Uuid } from './common.ts'

const Version = Type.Integer({
  format: 'int32',
  minimum: 1,
  maximum: 2147483647,
  description:
    'The version of the subject after the change (the referral, or the handoff of a handoff event): the `ETag` a fetch would give.'
})
const Outcome = Type.Enum(OUTCOME_CODES, { description: 'The coded outcome, when guidance ended.' })

export const Event = Type.Object(
  {
    id: Uuid('Id of the event; the `webhook-id` of its deliveries.'),
    type: Type.String({ maxLength: 4000, description: 'Event type, e.g. `referral.status_changed`.' }),
    occurredAt: DateTime('When it happened.'),
    referralId: Nullable(Uuid('The referral concerned.')),
    handoffId: Nullable(Uuid('The handoff concerned.')),
    status: Nullable(Type.String({ maxLength: 4000, description: 'Status after the change.' })),
    reasonCode: Nullable(
      Type.Enum(Object.keys(REASON_CODES) as ReasonCode[], {
        description: 'Reason code of the change (never free text): one of the closed vocabulary.'
      })
    ),
    version: Nullable(Version),
    outcome: Nullable(Outcome)
  },
  {
    additionalProperties: false,
    title: 'Event',
    examples: [eventExample],
    description:
      'A thin event: ids, type, status, codes, version and time, never personal data. Fetch what you may see through the API.'
  }
)

export const EventPage = Type.Object(
  {
    items: Type.Array(Event, { maxItems: 1000, description: 'Events in feed order.' }),
    nextCursor: Type.String({
      maxLength: 4000,
      description: 'Pass as `after` to continue; returned even when there was nothing new.'
    })
  },
  {
    title: 'EventPage',
    additionalProperties: false,
    examples: [{ items: [eventExample], nextCursor: 'MTIzNDU2' }]
  }
)

/** What a webhook delivery carries in `data`: ids, status and reason code, never personal data. */
export const WebhookEventData = Type.Object(
  {
    eventId: Uuid('Id of the event, also the `webhook-id` header: drop a delivery whose id you have seen.'),
    referralId: Type.Optional(Uuid('The referral concerned.')),
    handoffId: Type.Optional(Uuid('The handoff concerned.')),
    status: Type.Optional(Type.String({ maxLength: 40, description: 'Status after the change.' })),
    reasonCode: Type.Optional(
      Type.Enum(Object.keys(REASON_CODES) as ReasonCode[], { description: 'Reason code of the change.' })
    ),
    version: Type.Optional(Version),
    outcome: Type.Optional(Outcome)
  },
  { additionalProperties: false, title: 'WebhookEventData' }
)

/** `referral.status_changed` → `ReferralStatusChangedWebhook`. */
export const webhookPayloadTitle = (type: string) =>
  `${type
    .split(/[._]/)
    .map((w) => `${w[0]?.toUpperCase()}${w.slice(1)}`)
    .join('')}Webhook`

/** The body of a delivery of one event type (Standard Webhooks: `type`, `timestamp`, `data`). */
export function webhookPayloadSchema<T extends string>(type: T) {
  const title = webhookPayloadTitle(type)
  return Type.Object(
    {
      type: Type.Literal(type, { description: 'The event type.' }),
      timestamp: DateTime('When it happened.'),
      data: WebhookEventData
    },
    { additionalProperties: false, title, description: `A \`${type}\` delivery.` }
  )
}

export type WebhookPayload = Static<ReturnType<typeof webhookPayloadSchema<string>>>
