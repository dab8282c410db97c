import { Type } from 'typebox'
import { DateTime, Nullable, Uuid } from './common.ts'

export const Event = Type.Object(
  {
    id: Uuid('Id of the event; the `webhook-id` of its deliveries.'),
    type: Type.String({ description: 'Event type, e.g. `referral.status_changed`.' }),
    occurredAt: DateTime('When it happened.'),
    referralId: Nullable(Uuid('The referral concerned.')),
    handoffId: Nullable(Uuid('The handoff concerned.')),
    status: Nullable(Type.String({ description: 'Status after the change.' })),
    reasonCode: Nullable(
      Type.String({ description: 'Reason code of the change, e.g. `consent_withdrawn` (never free text).' })
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
    items: Type.Array(Event, { description: 'Events in feed order.' }),
    nextCursor: Type.String({ description: 'Pass as `after` to continue; returned even when there was nothing new.' })
  },
  { additionalProperties: false }
)
