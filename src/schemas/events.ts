import { REASON_CODES, type ReasonCode } from '../domain/reason-codes.ts'
import { Type } from 'typebox'
import { DateTime, Nullable, Uuid } from './common.ts'

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
    )
  },
  {
    additionalProperties: false,
    title: 'Event',
    description:
      'A thin event: ids, type, status and time, never personal data. Fetch what you may see through the API.'
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
  { title: 'EventPage', additionalProperties: false }
)
