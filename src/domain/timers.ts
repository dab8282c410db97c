import type { AudienceType } from './audience.ts'
import { addSpan, guidanceEnd, isWorkingDay, parseSpan, type Span } from './deadlines.ts'
import { addDays, belgianDate, belgianMidnight } from './dates.ts'
import { OPEN_HANDOFF_STATUSES, type HandoffStatus } from './handoffs.ts'
import type { ReferralStatus, Track } from './vocabulary.ts'

export type TimerKind = 'ack' | 'first-contact' | 'guidance-ending'
export const TIMER_KINDS: readonly TimerKind[] = ['ack', 'first-contact', 'guidance-ending']

/** The event each timer raises (who hears it: `EVENT_AUDIENCE`). */
export const TIMER_EVENTS = {
  ack: 'referral.overdue',
  'first-contact': 'referral.first_contact_overdue',
  'guidance-ending': 'referral.guidance_ending'
} as const satisfies Record<TimerKind, AudienceType>

export interface TimerFacts {
  status: ReferralStatus
  track: Track | null
  createdAt: string
  acceptedAt: string | null
  firstContactOn: string | null
  expectedDeliveryDate: string | null
  childBirthDate: string | null
}

export interface TimerSpans {
  ack: Span
  firstContact: Span
  guidanceNotice: Span
}

export function timerSpans(config: {
  ACK_DEADLINE: string
  FIRST_CONTACT_DEADLINE: string
  GUIDANCE_ENDING_NOTICE: string
}): TimerSpans {
  return {
    ack: parseSpan(config.ACK_DEADLINE) as Span,
    firstContact: parseSpan(config.FIRST_CONTACT_DEADLINE) as Span,
    guidanceNotice: parseSpan(config.GUIDANCE_ENDING_NOTICE) as Span
  }
}

/**
 * When a timer of `kind` is due for a referral in its current state, or null when the referral
 * has moved on (a timer that fires then does nothing).
 */
export function timerDue(kind: TimerKind, r: TimerFacts, spans: TimerSpans): Date | null {
  switch (kind) {
    case 'ack':
      return r.status === 'requested' ? addSpan(new Date(r.createdAt), spans.ack, belgianDate) : null
    case 'first-contact':
      return r.status === 'accepted' && r.firstContactOn === null && r.acceptedAt !== null
        ? addSpan(new Date(r.acceptedAt), spans.firstContact, belgianDate)
        : null
    case 'guidance-ending': {
      const birth = r.childBirthDate ?? r.expectedDeliveryDate
      if (!['accepted', 'in-progress', 'on-hold'].includes(r.status) || r.track === null || birth === null) return null
      const end = guidanceEnd(r.track, birth)
      const notice = spans.guidanceNotice as { ms: number }
      return new Date(Date.parse(`${addDays(end, 0)}T08:00:00Z`) - notice.ms)
    }
  }
}

export type HandoffTimerKind = 'handoff-due-soon' | 'handoff-overdue'
export const HANDOFF_TIMER_KINDS: readonly HandoffTimerKind[] = ['handoff-due-soon', 'handoff-overdue']

export const HANDOFF_TIMER_EVENTS = {
  'handoff-due-soon': 'handoff.due_soon',
  'handoff-overdue': 'handoff.overdue'
} as const satisfies Record<HandoffTimerKind, AudienceType>

/**
 * When an open handoff's `dueBy` notice is due: `due_soon` as the last working day before `dueBy`
 * begins (a day to act, however a weekend falls), `overdue` as the day after `dueBy` begins; both
 * Belgian days. Null when there is no `dueBy` or the handoff is no longer open.
 */
export function handoffTimerDue(
  kind: HandoffTimerKind,
  h: { status: HandoffStatus; dueBy: string | null }
): Date | null {
  if (h.dueBy === null || !OPEN_HANDOFF_STATUSES.includes(h.status)) return null
  if (kind === 'handoff-overdue') return belgianMidnight(addDays(h.dueBy, 1))
  let day = addDays(h.dueBy, -1)
  while (!isWorkingDay(day)) day = addDays(day, -1)
  return belgianMidnight(day)
}
