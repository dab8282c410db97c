import { and, eq, inArray, isNull, sql } from 'drizzle-orm'
import { outboxEvents, webhookDeliveries, webhookEndpoints, organisations, referrals } from '../schema/index.ts'
import type { Executor } from '../client.ts'

export type OutboxRow = typeof outboxEvents.$inferSelect
export type DeliveryRow = typeof webhookDeliveries.$inferSelect
export type EndpointRow = typeof webhookEndpoints.$inferSelect

/** Committed events not yet relayed, oldest first; other relays skip the ones taken here. */
export async function claimUnrelayed (tx: Executor, limit: number): Promise<OutboxRow[]> {
  return tx.select().from(outboxEvents).where(isNull(outboxEvents.relayedAt)).orderBy(outboxEvents.id).limit(limit).for('update', { skipLocked: true })
}

export async function markRelayed (tx: Executor, ids: number[]): Promise<void> {
  if (ids.length > 0) await tx.update(outboxEvents).set({ relayedAt: sql`now()` }).where(inArray(outboxEvents.id, ids))
}

/** Enabled endpoints of the event's audience that subscribed to its type (or the one it names). */
export async function endpointsFor (tx: Executor, event: OutboxRow): Promise<Array<{ id: string, organisationId: string }>> {
  return tx.select({ id: webhookEndpoints.id, organisationId: webhookEndpoints.organisationId }).from(webhookEndpoints).where(and(
    isNull(webhookEndpoints.disabledAt),
    event.endpointId !== null
      ? eq(webhookEndpoints.id, event.endpointId)
      : and(inArray(webhookEndpoints.organisationId, event.audience), sql`${event.type} = ANY(${webhookEndpoints.eventTypes})`)
  ))
}

/** The delivery rows of an event (one per endpoint, made once); returns every pending one. */
export async function ensureDeliveries (tx: Executor, eventId: number, endpointIds: string[]): Promise<Array<{ id: string, series: number, attempts: number }>> {
  if (endpointIds.length === 0) return []
  await tx.insert(webhookDeliveries).values(endpointIds.map((endpointId) => ({ outboxEventId: eventId, endpointId }))).onConflictDoNothing()
  return tx.select({ id: webhookDeliveries.id, series: webhookDeliveries.series, attempts: webhookDeliveries.attempts }).from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.outboxEventId, eventId), eq(webhookDeliveries.state, 'pending')))
}

export async function organisationsWithEmail (tx: Executor, ids: string[], type?: string) {
  if (ids.length === 0) return []
  return tx.select({ id: organisations.id, email: organisations.notificationEmail, type: organisations.type }).from(organisations)
    .where(and(inArray(organisations.id, ids), sql`${organisations.notificationEmail} IS NOT NULL`, type === undefined ? undefined : eq(organisations.type, type as never)))
}

/** Takes a delivery for sending unless it is done, or another worker holds an unexpired lease. */
export async function claimDelivery (db: Executor, id: string, leaseMs: number): Promise<DeliveryRow | undefined> {
  const [row] = await db.update(webhookDeliveries)
    .set({ leaseUntil: sql`now() + ${leaseMs} * interval '1 millisecond'` })
    .where(and(eq(webhookDeliveries.id, id), eq(webhookDeliveries.state, 'pending'), sql`(${webhookDeliveries.leaseUntil} IS NULL OR ${webhookDeliveries.leaseUntil} < now())`))
    .returning()
  return row
}

export async function findDelivery (db: Executor, id: string): Promise<DeliveryRow | undefined> {
  const [row] = await db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, id))
  return row
}

export async function deliveryParts (db: Executor, delivery: DeliveryRow) {
  const [endpoint] = await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, delivery.endpointId))
  const [event] = await db.select().from(outboxEvents).where(eq(outboxEvents.id, delivery.outboxEventId))
  return { endpoint: endpoint!, event: event! }
}

export async function recordAttempt (db: Executor, id: string, set: Partial<typeof webhookDeliveries.$inferInsert>): Promise<void> {
  await db.update(webhookDeliveries).set({ ...set, leaseUntil: null, attempts: sql`${webhookDeliveries.attempts} + 1`, updatedAt: sql`now()` }).where(eq(webhookDeliveries.id, id))
}

export async function disableEndpoint (db: Executor, id: string, reason: string): Promise<void> {
  await db.update(webhookEndpoints).set({ disabledAt: sql`now()`, disabledReason: reason, updatedAt: sql`now()` }).where(eq(webhookEndpoints.id, id))
}

/** Pending deliveries whose attempt is due and nobody holds: their job was lost (Redis) or ran early. */
export async function orphanedDeliveries (db: Executor, limit: number) {
  return db.select({ id: webhookDeliveries.id, series: webhookDeliveries.series, attempts: webhookDeliveries.attempts }).from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.state, 'pending'), sql`coalesce(${webhookDeliveries.nextAttemptAt}, ${webhookDeliveries.createdAt}) < now() - interval '2 seconds'`,
      sql`(${webhookDeliveries.leaseUntil} IS NULL OR ${webhookDeliveries.leaseUntil} < now())`))
    .limit(limit)
}

/** Referrals that may still need a timer, with only what the deadlines need (not the whole record). */
export async function referralsAwaiting (db: Executor) {
  return db.select({
    id: referrals.id, status: referrals.status, track: referrals.track, createdAt: referrals.createdAt, acceptedAt: referrals.acceptedAt, firstContactOn: referrals.firstContactOn,
    expectedDeliveryDate: sql<string | null>`${referrals.details}->'pregnancy'->>'expectedDeliveryDate'`,
    childBirthDate: sql<string | null>`${referrals.details}->'youngestChild'->>'birthDate'`
  }).from(referrals).where(inArray(referrals.status, ['requested', 'accepted', 'in-progress', 'on-hold']))
}

export async function referralForTimer (db: Executor, id: string) {
  const [row] = await db.select().from(referrals).where(eq(referrals.id, id))
  return row
}

/** Raises a timer event once per referral and type, in one statement (a second firing does nothing). */
export async function raiseOnce (db: Executor, type: string, referralId: string, status: string, audience: string[]): Promise<boolean> {
  const result = await db.execute(sql`
    INSERT INTO outbox_events (type, referral_id, status, audience)
    VALUES (${type}, ${referralId}::uuid, ${status}, ARRAY[${sql.join(audience.map((a) => sql`${a}::uuid`), sql`, `)}])
    ON CONFLICT DO NOTHING`)
  return (result.rowCount ?? 0) > 0
}

export interface FeedRow extends Record<string, unknown> {
  id: number
  eventId: string
  type: string
  referralId: string | null
  handoffId: string | null
  status: string | null
  reasonCode: string | null
  occurredAt: string
  transactionId: string
}

/**
 * The change feed: events an organisation may see after (transactionId, id), in that order, but
 * only from transactions older than every transaction still running. A transaction that started
 * earlier but commits later has a smaller id and holds the feed back until it ends, so no reader
 * ever moves past an event that is yet to appear.
 */
export async function feedPage (db: Executor, organisationId: string, after: [string, number], limit: number): Promise<FeedRow[]> {
  const result = await db.execute<FeedRow>(sql`
    SELECT id, event_id AS "eventId", type, referral_id AS "referralId", handoff_id AS "handoffId", status, reason_code AS "reasonCode",
      occurred_at AS "occurredAt", transaction_id::text AS "transactionId"
    FROM outbox_events
    WHERE audience @> ARRAY[${organisationId}::uuid] AND endpoint_id IS NULL
      AND (transaction_id, id) > (${after[0]}::xid8, ${after[1]}::bigint)
      AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
    ORDER BY transaction_id, id
    LIMIT ${limit}`)
  return result.rows
}
