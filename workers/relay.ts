import pg from 'pg'
import type { Queue } from 'bullmq'
import type { Logger } from 'pino'
import type { Database } from '../src/db/client.ts'
import { claimUnrelayed, endpointsFor, ensureDeliveries, markRelayed, organisationsWithEmail, referralForTimer } from '../src/db/queries/events.ts'
import { emailJobId, webhookJobId, type EmailJob, type TimerJob, type WebhookJob } from '../src/jobs/queues.ts'
import { scheduleHousingExpiry, scheduleTimers, timerFacts, type TimerDeps } from './timers.ts'
import { safeError } from '../src/logging.ts'
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
/** These jobs exist before the relay's transaction commits; a worker that comes too early retries. */
const UNTIL_COMMITTED = { attempts: 10, backoff: { type: 'exponential', delay: 100 } } as const

/**
 * Moves committed outbox events into BullMQ: one delivery row and job per subscribed endpoint,
 * a notice per new referral, and the referral's deadline timers. The events are marked relayed in
 * the same transaction, after the jobs are in Redis: if Redis is away nothing is marked, and the
 * events wait in PostgreSQL. Several relays share the work (SKIP LOCKED).
 */
export async function relayBatch (deps: RelayDeps): Promise<number> {
  return deps.db.transaction(async (tx) => {
    const events = await claimUnrelayed(tx, BATCH)
    if (events.length === 0) return 0
    const deliveries: Array<{ name: string, data: WebhookJob, opts: { jobId: string, delay: number } }> = []
    const emails: EmailJob[] = []
    const referralIds = new Set<string>()
    for (const event of events) {
      const endpoints = await endpointsFor(tx, event)
      for (const d of await ensureDeliveries(tx, event.id, endpoints.map((e) => e.id))) {
        deliveries.push({ name: 'deliver', data: { deliveryId: d.id }, opts: { jobId: webhookJobId(d.id, d.series, d.attempts), delay: deps.firstDelayMs, ...UNTIL_COMMITTED } })
      }
      if (event.type === 'referral.created' && deps.email !== null && event.referralId !== null) {
        for (const org of await organisationsWithEmail(tx, event.audience, 'programme')) {
          emails.push({ kind: 'new_referral', organisationId: org.id, referralId: event.referralId, eventId: event.eventId })
        }
      }
      if (event.referralId !== null && event.type.startsWith('referral.')) referralIds.add(event.referralId)
      if (event.type === 'housing_priority.decided' && event.status === 'granted' && event.handoffId !== null) {
        const granted = await handoffWithParties(tx, event.handoffId)
        if (granted?.handoff.housingValidUntil != null) await scheduleHousingExpiry(deps.timerDeps, event.handoffId, granted.handoff.housingValidUntil)
      }
    }
    await deps.webhooks.addBulk(deliveries)
    if (deps.email !== null && emails.length > 0) await deps.email.addBulk(emails.map((job) => ({ name: job.kind, data: job, opts: { jobId: emailJobId(job) } })))
    for (const id of referralIds) {
      const referral = await referralForTimer(tx, id)
      if (referral !== undefined) await scheduleTimers(deps.timerDeps, id, timerFacts(referral))
    }
    await markRelayed(tx, events.map((e) => e.id))
    return events.length
  })
}

/** Runs the relay until closed: woken by NOTIFY from the outbox trigger, and by a timer. */
export function startRelay (deps: RelayDeps, connectionString: string, intervalMs: number, logger: Logger): { close: () => Promise<void> } {
  let closed = false
  let running: Promise<void> | null = null
  let again = false
  let timer: NodeJS.Timeout | undefined
  let listener: pg.Client | null = null
  let paused = false

  const run = (): void => {
    if (closed) return
    if (running !== null) { again = true; return }
    running = (async () => {
      try {
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

  const listen = async () => {
    try {
      listener = new pg.Client({ connectionString })
      listener.on('error', () => { listener = null; if (!closed) setTimeout(() => void listen(), intervalMs) })
      listener.on('notification', run)
      await listener.connect()
      await listener.query('LISTEN outbox_events')
    } catch {
      listener = null
      if (!closed) setTimeout(() => void listen(), intervalMs)
    }
  }
  void listen()
  timer = setInterval(run, intervalMs)
  run()

  return {
    close: async () => {
      closed = true
      clearInterval(timer)
      await running
      await listener?.end().catch(() => {})
    }
  }
}
