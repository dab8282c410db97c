import { and, eq, inArray, isNotNull, sql } from 'drizzle-orm'
import {
  handoffs,
  organisations,
  outboxEvents,
  referrals,
  webhookDeliveries,
  webhookEndpoints
} from '../schema/index.ts'
import { prepared, type Database, type Executor } from '../client.ts'
import type { ThinEvent } from '../../domain/events.ts'
import type { EndpointPayload } from '../../domain/events.ts'
import type { Outcome, ReasonCode } from '../../domain/reason-codes.ts'
import { batchPerDatabase } from '../batch.ts'

export type DeliveryRow = typeof webhookDeliveries.$inferSelect
export type EndpointRow = typeof webhookEndpoints.$inferSelect

/** An event the relay took, with the pending deliveries it made or found: [id, series, attempts]. */
export interface RelayedEvent {
  id: string
  eventId: string
  type: string
  referralId: string | null
  handoffId: string | null
  status: string | null
  audience: string[]
  deliveries: Array<[string, number, number]>
}

/**
 * The relay's one statement per batch: takes committed events not yet relayed, oldest first, for
 * `leaseMs` (other workers relay the ones after them meanwhile; a worker that hangs holds its batch
 * only that long), makes one delivery row per endpoint of the event's audience subscribed to its
 * type (or the one endpoint it names), once, `skipped` for a disabled endpoint (never silently
 * left out: it can be redelivered once enabled), and returns every pending delivery of each event.
 *
 * It commits without waiting for the disk, and so does `markRelayed`: everything here can be made
 * again from the event itself. If a crash loses it, the event is still unrelayed and is relayed
 * again; jobs that name delivery rows lost with it find nothing and stop. A batch relayed twice
 * (its lease ran out) queues jobs that find their deliveries taken or done.
 */
export async function claimForRelay(db: Database, limit: number, leaseMs: number): Promise<RelayedEvent[]> {
  return prepared<RelayedEvent>(
    db,
    'claim_for_relay',
    `WITH ev AS (
        UPDATE outbox_events e SET relay_lease_until = now() + make_interval(secs => $2::int / 1000.0)
        FROM (SELECT set_config('synchronous_commit', 'off', true)) AS derived_only
        WHERE e.id IN (
          SELECT id FROM outbox_events WHERE relayed_at IS NULL AND (relay_lease_until IS NULL OR relay_lease_until < now())
          ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED
        )
        RETURNING e.*
      ), made AS (
        INSERT INTO webhook_deliveries (outbox_event_id, endpoint_id, state, last_error)
        SELECT ev.id, w.id, CASE WHEN w.disabled_at IS NULL THEN 'pending' ELSE 'skipped' END,
          CASE WHEN w.disabled_at IS NULL THEN NULL ELSE 'endpoint was disabled' END
        FROM ev JOIN webhook_endpoints w ON CASE
          WHEN ev.endpoint_id IS NOT NULL THEN w.id = ev.endpoint_id
          ELSE w.organisation_id = ANY(ev.audience) AND ev.type = ANY(w.event_types) END
        ON CONFLICT DO NOTHING
        RETURNING id, series, attempts, outbox_event_id, state
      ), pending AS (
        SELECT id, series, attempts, outbox_event_id FROM made WHERE state = 'pending'
        UNION ALL
        SELECT d.id, d.series, d.attempts, d.outbox_event_id FROM webhook_deliveries d JOIN ev ON d.outbox_event_id = ev.id WHERE d.state = 'pending'
      )
      SELECT ev.id, ev.event_id AS "eventId", ev.type, ev.referral_id AS "referralId", ev.handoff_id AS "handoffId", ev.status, ev.audience,
        coalesce((SELECT json_agg(json_build_array(p.id, p.series, p.attempts)) FROM pending p WHERE p.outbox_event_id = ev.id), '[]') AS deliveries
      FROM ev ORDER BY ev.id`,
    [limit, leaseMs]
  )
}

/** A batch the relay could not finish (Redis away): any worker may take it again at once. */
export async function releaseForRelay(db: Database, ids: string[]): Promise<void> {
  await prepared(
    db,
    'release_for_relay',
    'UPDATE outbox_events SET relay_lease_until = NULL WHERE id = ANY($1::bigint[])',
    [ids]
  )
}

/** After the jobs are in Redis (see `claimForRelay` for why this need not wait for the disk). */
export async function markRelayed(db: Database, ids: string[]): Promise<void> {
  await prepared(
    db,
    'mark_relayed',
    `UPDATE outbox_events SET relayed_at = now()
    FROM (SELECT set_config('synchronous_commit', 'off', true)) AS derived_only WHERE id = ANY($1::bigint[])`,
    [ids]
  )
}

/** The referrers of these referrals that have a notice address. */
export async function referrersWithEmail(tx: Executor, referralIds: string[]) {
  if (referralIds.length === 0) return []
  return tx
    .select({ referralId: referrals.id, organisationId: referrals.referrerOrganisationId })
    .from(referrals)
    .innerJoin(organisations, eq(organisations.id, referrals.referrerOrganisationId))
    .where(and(inArray(referrals.id, referralIds), isNotNull(organisations.notificationEmail)))
}

/** The recipients of these handoffs that have a notice address. */
export async function recipientsWithEmail(tx: Executor, handoffIds: string[]) {
  if (handoffIds.length === 0) return []
  return tx
    .select({ handoffId: handoffs.id, organisationId: handoffs.toOrganisationId })
    .from(handoffs)
    .innerJoin(organisations, eq(organisations.id, handoffs.toOrganisationId))
    .where(and(inArray(handoffs.id, handoffIds), isNotNull(organisations.notificationEmail)))
}

/** What a referral's notice says: the referrer's own reference, the event's status, whether it is urgent. */
export async function referralNoticeFacts(tx: Executor, eventId: string) {
  const [row] = await tx
    .select({
      type: outboxEvents.type,
      status: outboxEvents.status,
      referralId: referrals.id,
      externalReference: referrals.externalReference,
      urgent: sql<boolean>`coalesce(${referrals.details}->>'urgency' = 'urgent', false)`
    })
    .from(outboxEvents)
    .innerJoin(referrals, eq(referrals.id, outboxEvents.referralId))
    .where(eq(outboxEvents.eventId, eventId))
  return row
}

/** What a handoff deadline's notice says: the handoff's type and `dueBy`. */
export async function handoffNoticeFacts(tx: Executor, eventId: string) {
  const [row] = await tx
    .select({ type: outboxEvents.type, handoffId: handoffs.id, handoffType: handoffs.type, dueBy: handoffs.dueBy })
    .from(outboxEvents)
    .innerJoin(handoffs, eq(handoffs.id, outboxEvents.handoffId))
    .where(eq(outboxEvents.eventId, eventId))
  return row
}

export async function organisationsWithEmail(tx: Executor, ids: string[], type?: string) {
  if (ids.length === 0) return []
  return tx
    .select({ id: organisations.id, email: organisations.notificationEmail, type: organisations.type })
    .from(organisations)
    .where(
      and(
        inArray(organisations.id, ids),
        sql`${organisations.notificationEmail} IS NOT NULL`,
        type === undefined ? undefined : eq(organisations.type, type as never)
      )
    )
}

/** A claimed delivery with what sending it needs: its endpoint and its event (`occurredAt` as PostgreSQL writes it). */
export interface ClaimedDelivery extends ThinEvent {
  attempts: number
  series: number
  endpointId: string
  organisationId: string
  url: string
  disabledAt: string | null
  secretCiphertext: string
  previousSecretCiphertext: string | null
  previousSecretExpiresAt: string | null
  payload: EndpointPayload
  /** The event's place in the outbox: a FHIR notification's event number. */
  eventNumber: string
}

/**
 * Takes a delivery for sending unless it is done or another worker holds an unexpired lease, and
 * returns its endpoint and event with it: one prepared statement on the hot path. The lease is
 * committed without waiting for the disk: it is visible to other workers at once, and a crash that
 * loses it only lets the attempt be made again, which receivers dedupe by `webhook-id`.
 */
export async function claimDelivery(db: Database, id: string, leaseMs: number): Promise<ClaimedDelivery | undefined> {
  const [row] = await prepared<ClaimedDelivery>(
    db,
    'claim_delivery',
    `UPDATE webhook_deliveries d SET lease_until = now() + $2 * interval '1 millisecond'
      FROM webhook_endpoints w, outbox_events e, (SELECT set_config('synchronous_commit', 'off', true)) AS lease_only
      WHERE d.id = $1 AND d.state = 'pending' AND (d.lease_until IS NULL OR d.lease_until < now())
        AND w.id = d.endpoint_id AND e.id = d.outbox_event_id
      RETURNING d.attempts, d.series, w.id AS "endpointId", w.organisation_id AS "organisationId", w.url, w.disabled_at AS "disabledAt",
        w.secret_ciphertext AS "secretCiphertext", w.previous_secret_ciphertext AS "previousSecretCiphertext",
        w.previous_secret_expires_at AS "previousSecretExpiresAt", e.event_id AS "eventId", e.type, e.occurred_at AS "occurredAt",
        e.referral_id AS "referralId", e.handoff_id AS "handoffId", e.status, e.reason_code AS "reasonCode", e.version, e.outcome,
        w.payload, e.id::text AS "eventNumber"`,
    [id, leaseMs]
  )
  return row
}

export async function findDelivery(db: Executor, id: string): Promise<DeliveryRow | undefined> {
  const [row] = await db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, id))
  return row
}

const recordDeliveredTogether = batchPerDatabase<{ id: string; statusCode: number }>(async (db, items) => {
  await prepared(
    db,
    'record_delivered',
    `UPDATE webhook_deliveries d SET state = 'delivered', delivered_at = now(), last_status_code = u.status_code,
    last_error = NULL, next_attempt_at = NULL, lease_until = NULL, attempts = d.attempts + 1, updated_at = now()
    FROM unnest($1::uuid[], $2::int[]) AS u(id, status_code), (SELECT set_config('synchronous_commit', 'off', true)) AS record_only
    WHERE d.id = u.id`,
    [items.map((i) => i.id), items.map((i) => i.statusCode)]
  )
})

/**
 * The common outcome, committed without waiting for the disk: delivery is at least once, and a
 * crash that loses this record only makes the delivery pending again; the reconciler sends it once
 * more, with the same `webhook-id` for the receiver to drop. The records of deliveries that end
 * together share one statement (`Batch`): under load that halves the worker's statements.
 */
export async function recordDelivered(db: Database, id: string, statusCode: number): Promise<void> {
  await recordDeliveredTogether(db, { id, statusCode })
}

export async function recordAttempt(
  db: Executor,
  id: string,
  set: Partial<typeof webhookDeliveries.$inferInsert>
): Promise<void> {
  await db
    .update(webhookDeliveries)
    .set({ ...set, leaseUntil: null, attempts: sql`${webhookDeliveries.attempts} + 1`, updatedAt: sql`now()` })
    .where(eq(webhookDeliveries.id, id))
}

/** A delivery its worker gave up because it is stopping: free for another at once, no attempt counted. */
export async function handBack(db: Executor, id: string): Promise<void> {
  await db
    .update(webhookDeliveries)
    .set({ leaseUntil: null, nextAttemptAt: sql`now()`, updatedAt: sql`now()` })
    .where(and(eq(webhookDeliveries.id, id), eq(webhookDeliveries.state, 'pending')))
}

/** A delivery whose endpoint was disabled before it was sent: kept for a redelivery, not an attempt. */
export async function skipDelivery(db: Executor, id: string): Promise<void> {
  await db
    .update(webhookDeliveries)
    .set({
      state: 'skipped',
      lastError: 'endpoint was disabled',
      leaseUntil: null,
      nextAttemptAt: null,
      updatedAt: sql`now()`
    })
    .where(eq(webhookDeliveries.id, id))
}

export async function disableEndpoint(db: Executor, id: string, reason: string): Promise<void> {
  await db
    .update(webhookEndpoints)
    .set({ disabledAt: sql`now()`, disabledReason: reason, updatedAt: sql`now()` })
    .where(eq(webhookEndpoints.id, id))
}

/**
 * Deliveries whose sender's lease ran out before it recorded anything: its process was killed or
 * hangs. Their BullMQ jobs still look active until stall detection; `lease` names the lapsed lease.
 */
export async function lapsedLeases(db: Executor, limit: number) {
  return db
    .select({
      id: webhookDeliveries.id,
      series: webhookDeliveries.series,
      attempts: webhookDeliveries.attempts,
      lease: webhookDeliveries.leaseUntil
    })
    .from(webhookDeliveries)
    .where(
      and(
        eq(webhookDeliveries.state, 'pending'),
        sql`${webhookDeliveries.leaseUntil} IS NOT NULL AND ${webhookDeliveries.leaseUntil} < now()`
      )
    )
    .limit(limit)
}

export interface HeartbeatDue {
  id: string
  url: string
  secretCiphertext: string
  previousSecretCiphertext: string | null
  previousSecretExpiresAt: string | null
}

/**
 * FHIR Subscriptions that heard nothing for their heartbeat period (no delivery, no heartbeat since),
 * taken in one statement: the row lock makes a second worker find them no longer due.
 */
export async function claimHeartbeats(db: Executor, limit: number): Promise<HeartbeatDue[]> {
  const result = await db.execute<HeartbeatDue & Record<string, unknown>>(sql`
    UPDATE webhook_endpoints w SET heartbeat_at = now()
    WHERE w.id IN (
      SELECT e.id FROM webhook_endpoints e
      WHERE e.heartbeat_seconds IS NOT NULL AND e.disabled_at IS NULL
        AND greatest(e.created_at, e.heartbeat_at,
          (SELECT max(d.created_at) FROM webhook_deliveries d WHERE d.endpoint_id = e.id))
          < now() - e.heartbeat_seconds * interval '1 second'
      LIMIT ${limit} FOR UPDATE SKIP LOCKED)
    RETURNING w.id, w.url, w.secret_ciphertext AS "secretCiphertext",
      w.previous_secret_ciphertext AS "previousSecretCiphertext", w.previous_secret_expires_at AS "previousSecretExpiresAt"`)
  return result.rows
}

/** Pending deliveries whose attempt is due and nobody holds: their job was lost (Redis) or ran early. */
export async function orphanedDeliveries(db: Executor, limit: number) {
  return db
    .select({ id: webhookDeliveries.id, series: webhookDeliveries.series, attempts: webhookDeliveries.attempts })
    .from(webhookDeliveries)
    .where(
      and(
        eq(webhookDeliveries.state, 'pending'),
        sql`coalesce(${webhookDeliveries.nextAttemptAt}, ${webhookDeliveries.createdAt}) < now() - interval '2 seconds'`,
        sql`(${webhookDeliveries.leaseUntil} IS NULL OR ${webhookDeliveries.leaseUntil} < now())`
      )
    )
    .limit(limit)
}

/** Referrals that may still need a timer, with only what the deadlines need (not the whole record). */
export async function referralsAwaiting(db: Executor) {
  return db
    .select({
      id: referrals.id,
      status: referrals.status,
      track: referrals.track,
      createdAt: referrals.createdAt,
      acceptedAt: referrals.acceptedAt,
      firstContactOn: referrals.firstContactOn,
      expectedDeliveryDate: sql<string | null>`${referrals.details}->'pregnancy'->>'expectedDeliveryDate'`,
      childBirthDate: sql<string | null>`${referrals.details}->'youngestChild'->>'birthDate'`
    })
    .from(referrals)
    .where(inArray(referrals.status, ['requested', 'accepted', 'in-progress', 'on-hold']))
}

/** The referrals a batch of events touched, with what their deadlines need. */
export async function referralsForTimers(db: Executor, ids: string[]) {
  if (ids.length === 0) return []
  return db.select().from(referrals).where(inArray(referrals.id, ids))
}

export async function referralForTimer(db: Executor, id: string) {
  const [row] = await db.select().from(referrals).where(eq(referrals.id, id))
  return row
}

export interface FeedRow extends Record<string, unknown> {
  id: number
  eventId: string
  type: string
  referralId: string | null
  handoffId: string | null
  status: string | null
  reasonCode: ReasonCode | null
  version: number | null
  outcome: Outcome | null
  occurredAt: string
  transactionId: string
}

/**
 * The change feed: events an organisation may see after (transactionId, id), in that order, but
 * only from transactions older than every transaction still running. A transaction that started
 * earlier but commits later has a smaller id and holds the feed back until it ends, so no reader
 * ever moves past an event that is yet to appear.
 */
export async function feedPage(
  db: Executor,
  organisationId: string,
  after: [string, number],
  limit: number
): Promise<FeedRow[]> {
  const result = await db.execute<FeedRow>(sql`
    SELECT id, event_id AS "eventId", type, referral_id AS "referralId", handoff_id AS "handoffId", status, reason_code AS "reasonCode",
      version, outcome, occurred_at AS "occurredAt", transaction_id::text AS "transactionId"
    FROM outbox_events
    WHERE audience @> ARRAY[${organisationId}::uuid] AND endpoint_id IS NULL
      AND (transaction_id, id) > (${after[0]}::xid8, ${after[1]}::bigint)
      AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
    ORDER BY transaction_id, id
    LIMIT ${limit}`)
  return result.rows
}

export interface FeedLag {
  /** Age of the oldest committed event the feed cannot show yet, in seconds (0: none waits). */
  lagSeconds: number
  /** Age of the oldest transaction on the whole PostgreSQL cluster holding the feed back (0: none). */
  holdingSeconds: number
}

/**
 * How far the change feed lags (see `feedPage`: it waits for every older transaction, in any
 * database of the cluster, to end). Both read little: the events past the snapshot's horizon (an
 * index range), and the cluster's running transactions.
 */
export async function feedLag(db: Executor): Promise<FeedLag> {
  const result = await db.execute<{ lag: number; holding: number }>(sql`
    SELECT
      coalesce((SELECT extract(epoch FROM clock_timestamp() - min(occurred_at)) FROM outbox_events
        WHERE transaction_id >= pg_snapshot_xmin(pg_current_snapshot())), 0)::float8 AS lag,
      coalesce((SELECT extract(epoch FROM clock_timestamp() - min(xact_start)) FROM pg_stat_activity
        WHERE backend_xid IS NOT NULL AND pid <> pg_backend_pid()), 0)::float8 AS holding`)
  const row = result.rows[0]
  return { lagSeconds: Math.max(0, row?.lag ?? 0), holdingSeconds: Math.max(0, row?.holding ?? 0) }
}
