import { type Queue, Worker, type Job } from 'bullmq'
import { TIMER_QUEUE, type TimerJob } from '../src/core/queues.ts'
import type { Database } from '../src/db/client.ts'
import { referralForTimer } from '../src/db/queries/events.ts'
import { expirePriority, handoffWithParties, touchReferralOf } from '../src/db/queries/handoffs.ts'
import { raiseOnce, recordEvent, recordHousingDecision } from '../src/db/record.ts'
import { housingExpiresAt, isStandingPriority, type HandoffStatus } from '../src/domain/handoffs.ts'
import {
  HANDOFF_TIMER_EVENTS,
  HANDOFF_TIMER_KINDS,
  handoffTimerDue,
  TIMER_EVENTS,
  TIMER_KINDS,
  type HandoffTimerKind,
  timerDue,
  timerSpans,
  type TimerFacts,
  type TimerKind,
  type TimerSpans
} from '../src/domain/timers.ts'
import type { ReferralDetails } from '../src/schemas/referrals.ts'
import { onFailure, type WorkerContext } from './context.ts'

export interface TimerDeps {
  db: Database
  timers: Queue<TimerJob>
  spans: TimerSpans
  /** Only deadlines due within this many ms go to Redis; the periodic reconcile brings later ones in. */
  horizonMs: number
}

export function timerFacts(r: {
  status: string
  track: string | null
  createdAt: string
  acceptedAt: string | null
  firstContactOn: string | null
  details: ReferralDetails
}): TimerFacts {
  return {
    status: r.status as TimerFacts['status'],
    track: r.track as TimerFacts['track'],
    createdAt: r.createdAt,
    acceptedAt: r.acceptedAt,
    firstContactOn: r.firstContactOn,
    expectedDeliveryDate: r.details.pregnancy?.expectedDeliveryDate ?? null,
    childBirthDate: r.details.youngestChild?.birthDate ?? null
  }
}

/**
 * A delayed job per pending deadline of each referral, in one call to Redis; the id names the
 * deadline, so scheduling twice is a no-op.
 */
export async function scheduleTimers(
  deps: TimerDeps,
  referrals: ReadonlyArray<{ id: string; facts: TimerFacts }>,
  kinds: readonly TimerKind[] = TIMER_KINDS
): Promise<void> {
  const jobs = []
  for (const { id: referralId, facts } of referrals) {
    for (const kind of kinds) {
      const due = timerDue(kind, facts, deps.spans)
      if (due === null || due.getTime() > Date.now() + deps.horizonMs) continue
      jobs.push({
        name: kind,
        data: { kind, referralId } as TimerJob,
        opts: { jobId: `${kind}.${referralId}.${due.getTime()}`, delay: Math.max(0, due.getTime() - Date.now()) }
      })
    }
  }
  if (jobs.length > 0) await deps.timers.addBulk(jobs)
}

/** A standing housing priority past its last day unallocated is stored as expired and raises housing_priority.expired. */
export async function scheduleHousingExpiries(
  deps: TimerDeps,
  priorities: ReadonlyArray<{ id: string; validThrough: string | null }>
): Promise<void> {
  const jobs = priorities.flatMap(({ id: handoffId, validThrough }) => {
    if (validThrough === null) return []
    const due = housingExpiresAt(validThrough).getTime()
    if (due > Date.now() + deps.horizonMs) return []
    return [
      {
        name: 'housing-expiry',
        data: { kind: 'housing-expiry', handoffId } as TimerJob,
        opts: { jobId: `housing-expiry.${handoffId}.${due}`, delay: Math.max(0, due - Date.now()) }
      }
    ]
  })
  if (jobs.length > 0) await deps.timers.addBulk(jobs)
}

/** An open handoff with a `dueBy` raises handoff.due_soon, then handoff.overdue, each once. */
export async function scheduleHandoffDeadlines(
  deps: TimerDeps,
  open: ReadonlyArray<{ id: string; status: HandoffStatus; dueBy: string | null }>
): Promise<void> {
  const jobs = open.flatMap((h) =>
    HANDOFF_TIMER_KINDS.flatMap((kind) => {
      const due = handoffTimerDue(kind, h)
      if (due === null || due.getTime() > Date.now() + deps.horizonMs) return []
      return [
        {
          name: kind,
          data: { kind, handoffId: h.id } as TimerJob,
          opts: { jobId: `${kind}.${h.id}.${due.getTime()}`, delay: Math.max(0, due.getTime() - Date.now()) }
        }
      ]
    })
  )
  if (jobs.length > 0) await deps.timers.addBulk(jobs)
}

type Fired = 'raised' | 'already' | 'moved-on' | 'rescheduled'

/** A timer that fires after its referral has moved on does nothing; a moved deadline is rescheduled. */
export async function fireTimer(deps: TimerDeps, job: TimerJob): Promise<Fired> {
  if (job.kind === 'housing-expiry') return fireHousingExpiry(deps, job.handoffId)
  if ('handoffId' in job) return fireHandoffDeadline(deps, job)
  const referral = await referralForTimer(deps.db, job.referralId)
  if (referral === undefined) return 'moved-on'
  const facts = timerFacts(referral)
  const due = timerDue(job.kind, facts, deps.spans)
  if (due === null) return 'moved-on'
  if (due.getTime() > Date.now() + 1000) {
    await scheduleTimers(deps, [{ id: job.referralId, facts }], [job.kind])
    return 'rescheduled'
  }
  const raised = await raiseOnce(
    deps.db,
    { type: TIMER_EVENTS[job.kind], referralId: referral.id, status: referral.status },
    { programme: referral.programmeOrganisationId, referrer: referral.referrerOrganisationId }
  )
  return raised ? 'raised' : 'already'
}

async function fireHousingExpiry(deps: TimerDeps, handoffId: string): Promise<Fired> {
  const row = await handoffWithParties(deps.db, handoffId)
  const validThrough = row?.handoff.housingValidThrough ?? null
  if (row === undefined || !isStandingPriority(row.handoff.housingDecision) || validThrough === null) return 'moved-on'
  if (housingExpiresAt(validThrough).getTime() > Date.now() + 1000) {
    await scheduleHousingExpiries(deps, [{ id: handoffId, validThrough }])
    return 'rescheduled'
  }
  // Stored, its record and its event in one transaction, by whichever timer stores it first.
  const stored = await deps.db.transaction(async (tx) => {
    const at = new Date().toISOString()
    const h = await expirePriority(tx, handoffId, validThrough, at)
    if (h === undefined) return false
    await recordHousingDecision(tx, { handoffId, decision: 'expired', validThrough, at })
    const referralVersion = await touchReferralOf(tx, h.referralId)
    await recordEvent(
      tx,
      {
        type: 'housing_priority.expired',
        referralId: h.referralId,
        handoffId,
        status: 'expired',
        version: h.version,
        referralVersion
      },
      {
        programme: row.programmeOrganisationId,
        referrer: row.referrerOrganisationId,
        handoffRecipient: h.toOrganisationId,
        handoffCreator: h.fromOrganisationId
      }
    )
    return true
  })
  return stored ? 'raised' : 'already'
}

async function fireHandoffDeadline(
  deps: TimerDeps,
  job: { kind: HandoffTimerKind; handoffId: string }
): Promise<Fired> {
  const row = await handoffWithParties(deps.db, job.handoffId)
  if (row === undefined) return 'moved-on'
  const h = row.handoff
  const due = handoffTimerDue(job.kind, h)
  if (due === null) return 'moved-on'
  if (due.getTime() > Date.now() + 1000) {
    await scheduleHandoffDeadlines(deps, [h])
    return 'rescheduled'
  }
  const raised = await raiseOnce(
    deps.db,
    { type: HANDOFF_TIMER_EVENTS[job.kind], referralId: h.referralId, handoffId: h.id, status: h.status },
    {
      programme: row.programmeOrganisationId,
      referrer: row.referrerOrganisationId,
      handoffRecipient: h.toOrganisationId,
      handoffCreator: h.fromOrganisationId
    }
  )
  return raised ? 'raised' : 'already'
}

/** The timers queue and its worker. Redis holds the deadlines of the next hours only: bounded memory, a cheap reconcile. */
export function startTimers(ctx: WorkerContext) {
  const timers = ctx.queue<TimerJob>(TIMER_QUEUE, ctx.connection)
  const deps: TimerDeps = {
    db: ctx.db,
    timers,
    spans: timerSpans(ctx.config),
    horizonMs: Math.max(6 * 3600_000, 2 * ctx.config.RECONCILE_INTERVAL_MS)
  }
  const worker = new Worker<TimerJob>(
    TIMER_QUEUE,
    async (job: Job<TimerJob>) => fireTimer(deps, job.data),
    ctx.workerOptions({ concurrency: 5 })
  )
  onFailure(ctx, worker)
  return {
    deps,
    worker,
    close: async () => {
      await worker.close()
      await timers.close()
    }
  }
}
