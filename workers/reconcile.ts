import type { Queue } from 'bullmq'
import type { Database } from '../src/db/client.ts'
import { orphanedDeliveries, referralsAwaiting } from '../src/db/queries/events.ts'
import { webhookJobId, type WebhookJob } from '../src/core/queues.ts'
import { scheduleHousingExpiry, scheduleTimers, type TimerDeps } from './timers.ts'
import { grantedPriorities } from '../src/db/queries/handoffs.ts'

/**
 * Re-creates from PostgreSQL what Redis should hold: a job for every due delivery nobody holds,
 * and the timers of every referral still waiting on a deadline. Safe to run any time: timer job
 * ids name their deadline, and a duplicate delivery job finds the delivery taken or done.
 */
export async function reconcile (deps: { db: Database, webhooks: Queue<WebhookJob>, timerDeps: TimerDeps }): Promise<{ deliveries: number, referrals: number }> {
  // A due delivery may simply wait its turn in a long queue: only one with no job waiting, delayed
  // or running for its attempt is an orphan. (Each burst used to get a second job per delivery.)
  const live = new Set(['waiting', 'delayed', 'active', 'prioritized', 'waiting-children'])
  const candidates = await orphanedDeliveries(deps.db, 1000)
  const orphans: typeof candidates = []
  for (const d of candidates) {
    const ids = [undefined, 'after-lease', 'reconciled'] as const
    const states = await Promise.all(ids.map((kind) => deps.webhooks.getJobState(webhookJobId(d.id, d.series, d.attempts, kind))))
    if (states.some((state) => live.has(state))) continue
    // A finished `reconciled` job of this attempt would make the new one a no-op.
    if (states[2] !== 'unknown') await deps.webhooks.remove(webhookJobId(d.id, d.series, d.attempts, 'reconciled'))
    orphans.push(d)
  }
  if (orphans.length > 0) {
    await deps.webhooks.addBulk(orphans.map((d) => ({ name: 'deliver', data: { deliveryId: d.id }, opts: { jobId: webhookJobId(d.id, d.series, d.attempts, 'reconciled') } })))
  }
  const waiting = await referralsAwaiting(deps.db)
  for (const r of waiting) await scheduleTimers(deps.timerDeps, r.id, { ...r, status: r.status, track: r.track })
  for (const h of await grantedPriorities(deps.db)) if (h.validUntil !== null) await scheduleHousingExpiry(deps.timerDeps, h.id, h.validUntil)
  return { deliveries: orphans.length, referrals: waiting.length }
}
