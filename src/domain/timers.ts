import { addSpan, guidanceEnd, parseSpan, type Span } from './deadlines.ts'
import { addDays, belgianDate } from './dates.ts'
import type { ReferralStatus, Track } from './vocabulary.ts'

export type TimerKind = 'ack' | 'first-contact' | 'guidance-ending'
export const TIMER_KINDS: readonly TimerKind[] = ['ack', 'first-contact', 'guidance-ending']

/** The event each timer raises, and who is told (DESIGN §4). */
export const TIMER_EVENTS: Record<TimerKind, { type: string, audience: 'programme' | 'programme+referrer' }> = {
  ack: { type: 'referral.overdue', audience: 'programme+referrer' },
  'first-contact': { type: 'referral.first_contact_overdue', audience: 'programme' },
  'guidance-ending': { type: 'referral.guidance_ending', audience: 'programme' }
}

export interface TimerFacts {
  status: ReferralStatus
  track: Track | null
  createdAt: string
  acceptedAt: string | null
  firstContactOn: string | null
  expectedDeliveryDate: string | null
  childBirthDate: string | null
}

export interface TimerSpans { ack: Span, firstContact: Span, guidanceNotice: Span }

export function timerSpans (config: { ACK_DEADLINE: string, FIRST_CONTACT_DEADLINE: string, GUIDANCE_ENDING_NOTICE: string }): TimerSpans {
  return { ack: parseSpan(config.ACK_DEADLINE) as Span, firstContact: parseSpan(config.FIRST_CONTACT_DEADLINE) as Span, guidanceNotice: parseSpan(config.GUIDANCE_ENDING_NOTICE) as Span }
}

/**
 * When a timer of `kind` is due for a referral in its current state, or null when the referral
 * has moved on (a timer that fires then does nothing).
 */
export function timerDue (kind: TimerKind, r: TimerFacts, spans: TimerSpans): Date | null {
  switch (kind) {
    case 'ack':
      return r.status === 'requested' ? addSpan(new Date(r.createdAt), spans.ack, belgianDate) : null
    case 'first-contact':
      return r.status === 'accepted' && r.firstContactOn === null && r.acceptedAt !== null ? addSpan(new Date(r.acceptedAt), spans.firstContact, belgianDate) : null
    case 'guidance-ending': {
      const birth = r.childBirthDate ?? r.expectedDeliveryDate
      if (!['accepted', 'in-progress', 'on-hold'].includes(r.status) || r.track === null || birth === null) return null
      const end = guidanceEnd(r.track, birth)
      const notice = spans.guidanceNotice as { ms: number }
      return new Date(Date.parse(`${addDays(end, 0)}T08:00:00Z`) - notice.ms)
    }
  }
}
