import type { Queue } from 'bullmq'
import type { Database } from '../src/db/client.ts'
import { referralForTimer } from '../src/db/queries/events.ts'
import { raiseOnce } from '../src/db/record.ts'
import { TIMER_EVENTS, TIMER_KINDS, timerDue, type TimerFacts, type TimerKind, type TimerSpans } from '../src/domain/timers.ts'
import type { ReferralDetails } from '../src/schemas/referrals.ts'
import type { TimerJob } from '../src/core/queues.ts'
import { handoffWithParties } from '../src/db/queries/handoffs.ts'

export interface TimerDeps {
  db: Database
  timers: Queue<TimerJob>
  spans: TimerSpans
  /** Only deadlines due within this many ms go to Redis; the periodic reconcile brings later ones in. */
  horizonMs: number
}

export function timerFacts (r: { status: string, track: string | null, createdAt: string, acceptedAt: string | null, firstContactOn: string | null, details: ReferralDetails }): TimerFacts {
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

/** A delayed job per pending deadline; the id names the deadline, so scheduling twice is a no-op. */
export async function scheduleTimers (deps: TimerDeps, referralId: string, facts: TimerFacts, kinds: readonly TimerKind[] = TIMER_KINDS): Promise<void> {
  const jobs = []
  for (const kind of kinds) {
    const due = timerDue(kind, facts, deps.spans)
    if (due === null || due.getTime() > Date.now() + deps.horizonMs) continue
    jobs.push({ name: kind, data: { kind, referralId } as TimerJob, opts: { jobId: `${kind}.${referralId}.${due.getTime()}`, delay: Math.max(0, due.getTime() - Date.now()) } })
  }
  if (jobs.length > 0) await deps.timers.addBulk(jobs)
}

/** A granted housing priority that reaches `validUntil` unallocated raises housing_priority.expired. */
export async function scheduleHousingExpiry (deps: TimerDeps, handoffId: string, validUntil: string): Promise<void> {
  const due = Date.parse(validUntil)
  if (due > Date.now() + deps.horizonMs) return
  await deps.timers.add('housing-expiry', { kind: 'housing-expiry', handoffId }, { jobId: `housing-expiry.${handoffId}.${due}`, delay: Math.max(0, due - Date.now()) })
}

/** A timer that fires after its referral has moved on does nothing; a moved deadline is rescheduled. */
export async function fireTimer (deps: TimerDeps, job: TimerJob): Promise<'raised' | 'already' | 'moved-on' | 'rescheduled'> {
  if (job.kind === 'housing-expiry') return fireHousingExpiry(deps, job.handoffId)
  const referral = await referralForTimer(deps.db, job.referralId)
  if (referral === undefined) return 'moved-on'
  const facts = timerFacts(referral)
  const due = timerDue(job.kind, facts, deps.spans)
  if (due === null) return 'moved-on'
  if (due.getTime() > Date.now() + 1000) {
    await scheduleTimers(deps, job.referralId, facts, [job.kind])
    return 'rescheduled'
  }
  const raised = await raiseOnce(deps.db, { type: TIMER_EVENTS[job.kind], referralId: referral.id, status: referral.status },
    { programme: referral.programmeOrganisationId, referrer: referral.referrerOrganisationId })
  return raised ? 'raised' : 'already'
}

async function fireHousingExpiry (deps: TimerDeps, handoffId: string): Promise<'raised' | 'already' | 'moved-on' | 'rescheduled'> {
  const row = await handoffWithParties(deps.db, handoffId)
  if (row === undefined || row.handoff.housingDecision !== 'granted' || row.handoff.housingValidUntil === null) return 'moved-on'
  if (Date.parse(row.handoff.housingValidUntil) > Date.now() + 1000) {
    await scheduleHousingExpiry(deps, handoffId, row.handoff.housingValidUntil)
    return 'rescheduled'
  }
  const h = row.handoff
  const raised = await raiseOnce(deps.db, { type: 'housing_priority.expired', referralId: h.referralId, handoffId: h.id, status: h.housingDecision ?? h.status }, {
    programme: row.programmeOrganisationId, referrer: row.referrerOrganisationId, handoffRecipient: h.toOrganisationId, handoffCreator: h.fromOrganisationId
  })
  return raised ? 'raised' : 'already'
}
