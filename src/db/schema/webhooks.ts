import { pgTable, uuid, text, integer, bigint, index, unique } from 'drizzle-orm/pg-core'
import { sql } from 'drizzle-orm'
import { organisations } from './organisations.ts'
import { outboxEvents } from './outbox-events.ts'
import { instant, timestamps } from './columns.ts'
import type { EndpointPayload } from '../../domain/events.ts'

/** A partner's webhook endpoint. Secrets are encrypted like the INSZ (bound to the endpoint id). */
export const webhookEndpoints = pgTable(
  'webhook_endpoints',
  {
    id: uuid().primaryKey(),
    organisationId: uuid()
      .notNull()
      .references(() => organisations.id),
    url: text().notNull(),
    eventTypes: text().array().notNull(),
    description: text(),
    /** What a delivery carries: our webhook payload, or a FHIR notification Bundle (a FHIR Subscription). */
    payload: text().$type<EndpointPayload>().notNull().default('standard'),
    /** A FHIR Subscription's heartbeat period: a heartbeat when nothing was sent for this long. */
    heartbeatSeconds: integer(),
    heartbeatAt: instant(),
    secretCiphertext: text().notNull(),
    /** After a rotation the old secret signs too, until it expires (24 h). */
    previousSecretCiphertext: text(),
    previousSecretExpiresAt: instant(),
    disabledAt: instant(),
    disabledReason: text(),
    version: integer().notNull().default(1),
    ...timestamps
  },
  (t) => [
    index().on(t.organisationId),
    // Few endpoints ask for heartbeats: the sweep reads only those.
    index('webhook_endpoints_heartbeat_idx').on(t.id).where(sql`heartbeat_seconds IS NOT NULL`)
  ]
)

/** `skipped`: its endpoint was disabled; kept so it can be delivered once the endpoint is enabled again. */
export type DeliveryState = 'pending' | 'delivered' | 'failed' | 'skipped'

/** One row per (event, endpoint): the unique constraint is what makes a delivery happen once. */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: uuid().primaryKey().defaultRandom(),
    outboxEventId: bigint({ mode: 'number' })
      .notNull()
      .references(() => outboxEvents.id),
    endpointId: uuid()
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: 'cascade' }),
    state: text().$type<DeliveryState>().notNull().default('pending'),
    attempts: integer().notNull().default(0),
    /** Each redelivery starts a new series of attempts, so its jobs get new ids. */
    series: integer().notNull().default(0),
    lastStatusCode: integer(),
    lastError: text(),
    nextAttemptAt: instant(),
    /** A worker holds a delivery while sending it; a killed worker's lease runs out. */
    leaseUntil: instant(),
    deliveredAt: instant(),
    ...timestamps
  },
  (t) => [
    unique().on(t.outboxEventId, t.endpointId),
    index().on(t.endpointId, t.createdAt),
    index('webhook_deliveries_pending_idx').on(t.nextAttemptAt).where(sql`state = 'pending'`),
    // Only deliveries being sent have a lease: a small index for the lapsed-lease sweep.
    index('webhook_deliveries_leased_idx').on(t.leaseUntil).where(sql`state = 'pending' AND lease_until IS NOT NULL`)
  ]
)
