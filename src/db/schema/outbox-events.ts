import { pgTable, uuid, text, bigserial, integer, index, uniqueIndex, customType } from 'drizzle-orm/pg-core'
import { sql } from 'drizzle-orm'
import { instant } from './columns.ts'

/** PostgreSQL's 64-bit transaction id: lets the change feed read only what every earlier writer committed. */
const xid8 = customType<{ data: string }>({ dataType: () => 'xid8' })

/** Thin events (ids, type, status, time; never personal data), written in the transaction of the change. */
export const outboxEvents = pgTable(
  'outbox_events',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    eventId: uuid().notNull().unique().defaultRandom(),
    type: text().notNull(),
    referralId: uuid(),
    handoffId: uuid(),
    status: text(),
    /** A reason code (e.g. `consent_withdrawn`): a code, never free text. */
    reasonCode: text(),
    /** The referral's version after the change, so a status-only poller need not fetch. */
    version: integer(),
    /** An outcome code (`OUTCOMES`) when guidance ended. */
    outcome: text(),
    /** Organisations that may see the event. */
    audience: uuid().array().notNull(),
    /** Set for an event meant for one webhook endpoint only (`ping`); such events stay out of the feed. */
    endpointId: uuid(),
    transactionId: xid8().notNull().default(sql`pg_current_xact_id()`),
    occurredAt: instant().notNull().defaultNow(),
    relayedAt: instant(),
    /** Taken by a relay until then; a relay that hangs holds its batch no longer (`claimForRelay`). */
    relayLeaseUntil: instant()
  },
  (t) => [
    index().on(t.transactionId, t.id),
    index().using('gin', t.audience),
    index('outbox_events_unrelayed_idx').on(t.id).where(sql`relayed_at IS NULL`),
    // Deadline events are raised once per referral, however often (or by how many workers) a timer fires.
    uniqueIndex('outbox_events_once_idx')
      .on(t.type, t.referralId)
      .where(sql`type IN ('referral.overdue', 'referral.first_contact_overdue', 'referral.guidance_ending')`),
    // An expiry is raised once per grant by the timer's conditional update, not here: a priority
    // granted again may expire again.
    uniqueIndex('outbox_events_handoff_once_idx')
      .on(t.type, t.handoffId)
      .where(sql`type IN ('handoff.due_soon', 'handoff.overdue')`)
  ]
)
