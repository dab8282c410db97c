import type { Queue } from 'bullmq'
import { webhookJobId, type WebhookJob } from '../src/core/queues.ts'
import type { Database } from '../src/db/client.ts'
import { orphanedDeliveries, referralsAwaiting } from '../src/db/queries/events.ts'
import { grantedPriorities, handoffsAwaitingDue } from '../src/db/queries/handoffs.ts'
import { safeError } from '../src/logging.ts'
import type { WorkerContext } from './context.ts'
import { scheduleHandoffDeadlines, scheduleHousingExpiries, scheduleTimers, type TimerDeps } from './timers.ts'

export interface ReconcileDeps {
  db: Database
  webhooks: Queue<WebhookJob>
  timerDeps: TimerDeps
  /** Schedules Redis keeps by itself (the hourly purge), made again if Redis lost them. */
  schedules?: ReadonlyArray<() => Promise<void>>
}

/**
 * Re-creates from PostgreSQL what Redis should hold: a job for every due delivery nobody holds,
 * the timers of every referral still waiting on a deadline, of every granted priority and of every
 * open handoff with a `dueBy`, and the repeating schedules. Safe to run any time: timer job ids name their deadline, schedules are
 * upserted, and a duplicate delivery job finds the delivery taken or done.
 */
export async function reconcile(deps: ReconcileDeps): Promise<{ deliveries: number; referrals: number }> {
  // A due delivery may simply wait its turn in a long queue: only one with no job waiting, delayed
  // or running for its attempt is an orphan. (Each burst used to get a second job per delivery.)
  const live = new Set(['waiting', 'delayed', 'active', 'prioritized', 'waiting-children'])
  const candidates = await orphanedDeliveries(deps.db, 1000)
  const orphans: typeof candidates = []
  for (const d of candidates) {
    const ids = [undefined, 'after-lease', 'reconciled'] as const
    const states = await Promise.all(
      ids.map((kind) => deps.webhooks.getJobState(webhookJobId(d.id, d.series, d.attempts, kind)))
    )
    if (states.some((state) => live.has(state))) continue
    // A finished `reconciled` job of this attempt would make the new one a no-op.
    if (states[2] !== 'unknown') await deps.webhooks.remove(webhookJobId(d.id, d.series, d.attempts, 'reconciled'))
    orphans.push(d)
  }
  if (orphans.length > 0) {
    await deps.webhooks.addBulk(
      orphans.map((d) => ({
        name: 'deliver',
        data: { deliveryId: d.id },
        opts: { jobId: webhookJobId(d.id, d.series, d.attempts, 'reconciled') }
      }))
    )
  }
  const waiting = await referralsAwaiting(deps.db)
  await scheduleTimers(
    deps.timerDeps,
    waiting.map((r) => ({ id: r.id, facts: r }))
  )
  await scheduleHousingExpiries(deps.timerDeps, await grantedPriorities(deps.db))
  await scheduleHandoffDeadlines(deps.timerDeps, await handoffsAwaitingDue(deps.db))
  for (const schedule of deps.schedules ?? []) await schedule()
  return { deliveries: orphans.length, referrals: waiting.length }
}

/**
 * A Redis that lost its data loses no deadline and no delivery: rebuilt from PostgreSQL at start,
 * in the background, and every RECONCILE_INTERVAL_MS on a plain timer (a repeatable job would be
 * lost with the data it should repair).
 */
export function startReconciler(ctx: WorkerContext, deps: ReconcileDeps): { close: () => void } {
  const postponed = (err: Error) => ctx.logger.warn({ err: safeError(err) }, 'reconcile postponed')
  reconcile(deps).then((rebuilt) => ctx.logger.info(rebuilt, 'reconciled jobs from PostgreSQL'), postponed)
  const timer = setInterval(() => {
    reconcile(deps).catch(postponed)
  }, ctx.config.RECONCILE_INTERVAL_MS)
  return { close: () => clearInterval(timer) }
}
