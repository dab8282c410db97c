import type { Queue } from 'bullmq'
import type { Database } from '../src/db/client.ts'
import {
  claimForRelay,
  markRelayed,
  organisationsWithEmail,
  recipientsWithEmail,
  referralsForTimers,
  referrersWithEmail,
  releaseForRelay,
  type RelayedEvent
} from '../src/db/queries/events.ts'
import { grantedPriorities, handoffsAwaitingDue } from '../src/db/queries/handoffs.ts'
import { referrerIsEmailed } from '../src/domain/notices.ts'
import {
  EMAIL_QUEUE,
  emailJobId,
  TIMER_QUEUE,
  WEBHOOK_QUEUE,
  webhookJobId,
  type EmailJob,
  type TimerJob,
  type WebhookJob
} from '../src/core/queues.ts'
import { listen } from '../src/db/listen.ts'
import { safeError } from '../src/logging.ts'
import type { WorkerContext } from './context.ts'
import {
  scheduleHandoffDeadlines,
  scheduleHousingExpiries,
  scheduleTimers,
  timerFacts,
  type TimerDeps
} from './timers.ts'

export interface RelayDeps {
  db: Database
  webhooks: Queue<WebhookJob>
  email: Queue<EmailJob> | null
  timerDeps: TimerDeps
  firstDelayMs: number
  leaseMs: number
}

const BATCH = 200

/**
 * Moves committed outbox events into BullMQ: one delivery row and job per subscribed endpoint,
 * the e-mail notices (`noticesOf`), and the deadline timers of the referrals, priorities and
 * handoffs they touch.
 * In three steps:
 * 1. one statement makes the delivery rows and commits, so a job never starts before the row it
 *    names is visible;
 * 2. the jobs go to Redis, each kind in one call, after one query per kind for the whole batch;
 * 3. only then are the events marked relayed. If Redis is away, step 3 never happens and the events
 *    wait in PostgreSQL, released for the next try; relaying them again is harmless (delivery rows
 *    are unique per event and endpoint, job ids name what they do).
 * Every worker process relays, each the batch it took (`claimForRelay`): no leader whose hang stops
 * relaying for all, as a session advisory lock did (a stopped worker kept it).
 */
export async function relayBatch(deps: RelayDeps): Promise<number> {
  const events = await claimForRelay(deps.db, BATCH, deps.leaseMs)
  if (events.length === 0) return 0
  try {
    await queueJobs(deps, events)
  } catch (err) {
    await releaseForRelay(
      deps.db,
      events.map((e) => e.id)
    ).catch(() => {}) // its lease runs out by itself
    throw err
  }
  await markRelayed(
    deps.db,
    events.map((e) => e.id)
  )
  return events.length
}

/** Step 2 of `relayBatch`: the deliveries', notices' and timers' jobs of a batch. */
async function queueJobs(deps: RelayDeps, events: RelayedEvent[]): Promise<void> {
  const deliveries = events.flatMap((e) => e.deliveries)
  await deps.webhooks.addBulk(
    deliveries.map(([id, series, attempts]) => ({
      name: 'deliver',
      data: { deliveryId: id },
      opts: { jobId: webhookJobId(id, series, attempts), delay: deps.firstDelayMs }
    }))
  )

  if (deps.email !== null) {
    const notices = await noticesOf(deps.db, events)
    if (notices.length > 0)
      await deps.email.addBulk(notices.map((job) => ({ name: job.kind, data: job, opts: { jobId: emailJobId(job) } })))
  }

  const referralIds = [
    ...new Set(
      events.filter((e) => e.referralId !== null && e.type.startsWith('referral.')).map((e) => e.referralId as string)
    )
  ]
  const referrals = await referralsForTimers(deps.db, referralIds)
  await scheduleTimers(
    deps.timerDeps,
    referrals.map((r) => ({ id: r.id, facts: timerFacts(r) }))
  )

  const handoffIds = [
    ...new Set(
      events
        .filter((e) => e.handoffId !== null && (e.type === 'handoff.created' || e.type === 'handoff.status_changed'))
        .map((e) => e.handoffId as string)
    )
  ]
  await scheduleHandoffDeadlines(deps.timerDeps, await handoffsAwaitingDue(deps.db, handoffIds))

  const granted = events.filter(
    (e) =>
      e.type === 'housing_priority.decided' &&
      (e.status === 'granted' || e.status === 'extended') &&
      e.handoffId !== null
  )
  await scheduleHousingExpiries(
    deps.timerDeps,
    await grantedPriorities(
      deps.db,
      granted.map((e) => e.handoffId as string)
    )
  )
}

/**
 * The e-mail notices of a batch: a new referral and a withdrawn consent to the programme, what the
 * programme did with a referral to its referrer, a handoff's deadline to its recipient; each to an organisation with a
 * notice address only.
 */
async function noticesOf(db: Database, events: RelayedEvent[]): Promise<EmailJob[]> {
  const created = events.filter((e) => e.type === 'referral.created' && e.referralId !== null)
  const withdrawn = events.filter((e) => e.type === 'referral.consent_withdrawn')
  const programmes = new Set(
    (
      await organisationsWithEmail(db, [...new Set([...created, ...withdrawn].flatMap((e) => e.audience))], 'programme')
    ).map((o) => o.id)
  )
  const newReferrals = created.flatMap((e) =>
    e.audience
      .filter((id) => programmes.has(id))
      .map(
        (organisationId): EmailJob => ({
          kind: 'new_referral',
          organisationId,
          referralId: e.referralId as string,
          eventId: e.eventId
        })
      )
  )

  const updates = events.filter((e) => e.referralId !== null && referrerIsEmailed(e.type, e.status))
  const referrers = new Map(
    (await referrersWithEmail(db, [...new Set(updates.map((e) => e.referralId as string))])).map((r) => [
      r.referralId,
      r.organisationId
    ])
  )
  const deadlines = events.filter(
    (e) => e.handoffId !== null && (e.type === 'handoff.due_soon' || e.type === 'handoff.overdue')
  )
  const recipients = new Map(
    (await recipientsWithEmail(db, [...new Set(deadlines.map((e) => e.handoffId as string))])).map((r) => [
      r.handoffId,
      r.organisationId
    ])
  )
  const to = (
    kind: 'referral_update' | 'handoff_due' | 'consent_withdrawn',
    e: RelayedEvent,
    organisationId: string | undefined
  ) => (organisationId === undefined ? [] : [{ kind, organisationId, eventId: e.eventId }])
  return [
    ...newReferrals,
    ...withdrawn.flatMap((e) =>
      e.audience.filter((id) => programmes.has(id)).flatMap((id) => to('consent_withdrawn', e, id))
    ),
    ...updates.flatMap((e) => to('referral_update', e, referrers.get(e.referralId as string))),
    ...deadlines.flatMap((e) => to('handoff_due', e, recipients.get(e.handoffId as string)))
  ]
}

/**
 * The relay, on queues of its own over the fail-fast connection, until closed: woken by NOTIFY from
 * the outbox trigger, and by a timer.
 */
export function startRelay(
  ctx: WorkerContext,
  timerDeps: TimerDeps,
  firstDelayMs: number
): { close: () => Promise<void> } {
  const queues = {
    webhooks: ctx.queue<WebhookJob>(WEBHOOK_QUEUE, ctx.producer),
    timers: ctx.queue<TimerJob>(TIMER_QUEUE, ctx.producer),
    email: ctx.config.SMTP_URL === undefined ? null : ctx.queue<EmailJob>(EMAIL_QUEUE, ctx.producer)
  }
  const deps: RelayDeps = {
    db: ctx.db,
    webhooks: queues.webhooks,
    email: queues.email,
    timerDeps: { ...timerDeps, timers: queues.timers },
    firstDelayMs,
    leaseMs: ctx.config.RELAY_LEASE_MS
  }
  let closed = false
  let running: Promise<void> | null = null
  let again = false
  let paused = false

  const run = (): void => {
    if (closed) return
    if (running !== null) {
      again = true
      return
    }
    running = (async () => {
      try {
        while (!closed && (await relayBatch(deps)) === BATCH) {
          /* drain the backlog */
        }
        if (paused) ctx.logger.info('outbox relay resumed')
        paused = false
      } catch (err) {
        if (!paused) ctx.logger.warn({ err: safeError(err) }, 'outbox relay paused; events wait in PostgreSQL')
        paused = true
      } finally {
        running = null
        if (again) {
          again = false
          setImmediate(run)
        }
      }
    })()
  }

  const listener = listen(ctx.config.DATABASE_URL, 'outbox_events', ctx.config.RELAY_INTERVAL_MS, { notify: run })
  const timer = setInterval(run, ctx.config.RELAY_INTERVAL_MS)
  run()

  return {
    close: async () => {
      closed = true
      clearInterval(timer)
      await running
      await listener.close()
      await Promise.all(Object.values(queues).map((q) => q?.close()))
    }
  }
}
