import pg from 'pg'
import type { Queue } from 'bullmq'
import type { Logger } from 'pino'
import type { Database } from '../src/db/client.ts'
import { claimForRelay, markRelayed, organisationsWithEmail, referralsForTimers } from '../src/db/queries/events.ts'
import { emailJobId, webhookJobId, type EmailJob, type TimerJob, type WebhookJob } from '../src/core/queues.ts'
import { scheduleHousingExpiry, scheduleTimers, timerFacts, type TimerDeps } from './timers.ts'
import { safeError } from '../src/logging.ts'
import { listen } from '../src/db/listen.ts'
import { handoffWithParties } from '../src/db/queries/handoffs.ts'

export interface RelayDeps {
  db: Database
  webhooks: Queue<WebhookJob>
  email: Queue<EmailJob> | null
  timers: Queue<TimerJob>
  timerDeps: TimerDeps
  firstDelayMs: number
}

const BATCH = 200

/**
 * Moves committed outbox events into BullMQ: one delivery row and job per subscribed endpoint,
 * a notice per new referral, and the referral's deadline timers. In three steps:
 * 1. one statement makes the delivery rows and commits, so a job never starts before the row it
 *    names is visible;
 * 2. the jobs go to Redis;
 * 3. only then are the events marked relayed. If Redis is away, step 3 never happens and the events
 *    wait in PostgreSQL; relaying them again is harmless (delivery rows are unique per event and
 *    endpoint, job ids name what they do). One process relays at a time (`RelayLeadership`).
 */
export async function relayBatch (deps: RelayDeps): Promise<number> {
  const events = await claimForRelay(deps.db, BATCH)
  if (events.length === 0) return 0
  const deliveries = events.flatMap((e) => e.deliveries)
  await deps.webhooks.addBulk(deliveries.map(([id, series, attempts]) => ({ name: 'deliver', data: { deliveryId: id }, opts: { jobId: webhookJobId(id, series, attempts), delay: deps.firstDelayMs } })))
  const referralIds = new Set<string>()
  for (const event of events) {
    if (event.type === 'referral.created' && deps.email !== null && event.referralId !== null) {
      const emails = (await organisationsWithEmail(deps.db, event.audience, 'programme'))
        .map((org): EmailJob => ({ kind: 'new_referral', organisationId: org.id, referralId: event.referralId!, eventId: event.eventId }))
      if (emails.length > 0) await deps.email.addBulk(emails.map((job) => ({ name: job.kind, data: job, opts: { jobId: emailJobId(job) } })))
    }
    if (event.referralId !== null && event.type.startsWith('referral.')) referralIds.add(event.referralId)
    if (event.type === 'housing_priority.decided' && event.status === 'granted' && event.handoffId !== null) {
      const granted = await handoffWithParties(deps.db, event.handoffId)
      if (granted?.handoff.housingValidUntil != null) await scheduleHousingExpiry(deps.timerDeps, event.handoffId, granted.handoff.housingValidUntil)
    }
  }
  for (const r of await referralsForTimers(deps.db, [...referralIds])) await scheduleTimers(deps.timerDeps, r.id, timerFacts(r))
  await markRelayed(deps.db, events.map((e) => e.id))
  return events.length
}

/**
 * Which worker process relays: the one holding a session advisory lock, on a connection kept for
 * it. One relay at a time keeps the three steps of `relayBatch` from interleaving across processes
 * (a second relay could otherwise queue an event's deliveries again before the first marks it);
 * when the leader's connection or process dies, PostgreSQL releases the lock and another takes it.
 */
export class RelayLeadership {
  private client: pg.Client | null = null
  private leading = false

  constructor (private readonly connectionString: string) {}

  async held (): Promise<boolean> {
    if (this.leading) return true
    try {
      if (this.client === null) {
        const client = new pg.Client({ connectionString: this.connectionString })
        const lost = () => { this.leading = false; if (this.client === client) this.client = null }
        client.on('error', lost)
        client.on('end', lost)
        this.client = client
        await client.connect()
      }
      const { rows } = await this.client.query<{ ok: boolean }>("SELECT pg_try_advisory_lock(hashtextextended('opkomst:outbox-relay', 0)) AS ok")
      this.leading = rows[0]?.ok === true
    } catch {
      this.leading = false
      void this.client?.end().catch(() => {})
      this.client = null
    }
    return this.leading
  }

  async release (): Promise<void> {
    this.leading = false
    await this.client?.end().catch(() => {})
    this.client = null
  }
}

/** Runs the relay until closed: woken by NOTIFY from the outbox trigger, and by a timer. */
export function startRelay (deps: RelayDeps, connectionString: string, intervalMs: number, logger: Logger): { close: () => Promise<void> } {
  let closed = false
  let running: Promise<void> | null = null
  let again = false
  let paused = false
  const leadership = new RelayLeadership(connectionString)

  const run = (): void => {
    if (closed) return
    if (running !== null) { again = true; return }
    running = (async () => {
      try {
        if (!await leadership.held()) return // another process relays; this one tries again on its timer
        while (!closed && await relayBatch(deps) === BATCH) { /* drain the backlog */ }
        if (paused) logger.info('outbox relay resumed')
        paused = false
      } catch (err) {
        if (!paused) logger.warn({ err: safeError(err) }, 'outbox relay paused; events wait in PostgreSQL')
        paused = true
      } finally {
        running = null
        if (again) { again = false; setImmediate(run) }
      }
    })()
  }

  const listener = listen(connectionString, 'outbox_events', intervalMs, { notify: run })
  const timer = setInterval(run, intervalMs)
  run()

  return {
    close: async () => {
      closed = true
      clearInterval(timer)
      await running
      await listener.close()
      await leadership.release()
    }
  }
}
