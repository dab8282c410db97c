import { and, desc, eq, inArray, lt, or, sql } from 'drizzle-orm'
import { outboxEvents, webhookDeliveries, webhookEndpoints, type DeliveryState } from '../schema/index.ts'
import type { Executor } from '../client.ts'

export type EndpointRow = typeof webhookEndpoints.$inferSelect

export async function insertEndpoint(db: Executor, row: typeof webhookEndpoints.$inferInsert): Promise<EndpointRow> {
  const [r] = await db.insert(webhookEndpoints).values(row).returning()
  return r!
}

export async function ownEndpoint(
  db: Executor,
  organisationId: string,
  id: string,
  lock = false
): Promise<EndpointRow | undefined> {
  const q = db
    .select()
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.id, id), eq(webhookEndpoints.organisationId, organisationId)))
  const [r] = lock ? await q.for('update') : await q
  return r
}

export async function listEndpoints(db: Executor, organisationId: string): Promise<EndpointRow[]> {
  return db
    .select()
    .from(webhookEndpoints)
    .where(eq(webhookEndpoints.organisationId, organisationId))
    .orderBy(webhookEndpoints.createdAt, webhookEndpoints.id)
}

export async function updateEndpoint(
  db: Executor,
  id: string,
  set: Partial<typeof webhookEndpoints.$inferInsert>
): Promise<EndpointRow> {
  const [r] = await db
    .update(webhookEndpoints)
    .set({ ...set, version: sql`${webhookEndpoints.version} + 1`, updatedAt: sql`now()` })
    .where(eq(webhookEndpoints.id, id))
    .returning()
  return r!
}

export async function deleteEndpoint(db: Executor, id: string): Promise<void> {
  await db.delete(webhookEndpoints).where(eq(webhookEndpoints.id, id))
}

/** Newest first, keyset on (created_at, id). */
export async function deliveriesOf(db: Executor, endpointId: string, before: [string, string] | null, limit: number) {
  return db
    .select({
      id: webhookDeliveries.id,
      eventId: outboxEvents.eventId,
      eventType: outboxEvents.type,
      state: webhookDeliveries.state,
      attempts: webhookDeliveries.attempts,
      lastStatusCode: webhookDeliveries.lastStatusCode,
      lastError: webhookDeliveries.lastError,
      nextAttemptAt: webhookDeliveries.nextAttemptAt,
      deliveredAt: webhookDeliveries.deliveredAt,
      createdAt: webhookDeliveries.createdAt
    })
    .from(webhookDeliveries)
    .innerJoin(outboxEvents, eq(outboxEvents.id, webhookDeliveries.outboxEventId))
    .where(
      and(
        eq(webhookDeliveries.endpointId, endpointId),
        before === null
          ? undefined
          : or(
              lt(webhookDeliveries.createdAt, before[0]),
              and(eq(webhookDeliveries.createdAt, before[0]), lt(webhookDeliveries.id, before[1]))
            )
      )
    )
    .orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id))
    .limit(limit)
}

/**
 * A new series of attempts for an endpoint's deliveries in `states` (oldest first, at most `limit`),
 * each keeping its event and so its `webhook-id`.
 */
export async function resetDeliveries(
  db: Executor,
  endpointId: string,
  states: readonly DeliveryState[],
  limit: number
): Promise<Array<{ id: string; series: number }>> {
  const result = await db.execute<{ id: string; series: number }>(sql`
    UPDATE webhook_deliveries d SET state = 'pending', attempts = 0, series = d.series + 1, lease_until = NULL,
      next_attempt_at = now(), delivered_at = NULL, last_error = NULL, updated_at = now()
    WHERE d.id IN (
      SELECT id FROM webhook_deliveries WHERE endpoint_id = ${endpointId}
        AND state IN ${states} ORDER BY created_at, id LIMIT ${limit}
    )
    RETURNING d.id, d.series`)
  return result.rows
}

export async function anyDeliveriesIn(db: Executor, endpointId: string, states: readonly DeliveryState[]) {
  const [found] = await db
    .select({ id: webhookDeliveries.id })
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.endpointId, endpointId), inArray(webhookDeliveries.state, [...states])))
    .limit(1)
  return found !== undefined
}

/** Starts a new series of attempts for a delivery, whatever became of the last one. */
export async function resetDelivery(db: Executor, endpointId: string, deliveryId: string) {
  const [r] = await db
    .update(webhookDeliveries)
    .set({
      state: 'pending',
      attempts: 0,
      series: sql`${webhookDeliveries.series} + 1`,
      leaseUntil: null,
      nextAttemptAt: sql`now()`,
      deliveredAt: null,
      updatedAt: sql`now()`
    })
    .where(and(eq(webhookDeliveries.id, deliveryId), eq(webhookDeliveries.endpointId, endpointId)))
    .returning({ id: webhookDeliveries.id, series: webhookDeliveries.series })
  return r
}

/** Disables every endpoint of an organisation that is still enabled, saying why. */
export async function disableEndpointsOf(db: Executor, organisationId: string, reason: string): Promise<void> {
  await db
    .update(webhookEndpoints)
    .set({
      disabledAt: sql`now()`,
      disabledReason: reason,
      version: sql`${webhookEndpoints.version} + 1`,
      updatedAt: sql`now()`
    })
    .where(and(eq(webhookEndpoints.organisationId, organisationId), sql`${webhookEndpoints.disabledAt} IS NULL`))
}
