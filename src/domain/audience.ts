import type { EventType } from './events.ts'

/** The organisations that can stand in an event's audience. */
export type Party = 'referrer' | 'programme' | 'handoffCreator' | 'handoffRecipient'

/**
 * Who hears of each event (DESIGN §4): the one place this is decided. The recorder computes an
 * event's audience from this table, in TypeScript for single rows and in SQL for grouped statements.
 * A `ping` is for the endpoint it tests: its audience is the organisation that asked for it.
 */
export const EVENT_AUDIENCE: Record<Exclude<EventType, 'ping'>, readonly Party[]> = {
  'referral.created': ['referrer', 'programme'],
  'referral.updated': ['referrer', 'programme'],
  'referral.status_changed': ['referrer', 'programme'],
  'referral.contact_changed': ['referrer', 'programme'],
  'referral.consent_withdrawn': ['referrer', 'programme'],
  'referral.overdue': ['programme', 'referrer'],
  'referral.first_contact_overdue': ['programme'],
  'referral.guidance_ending': ['programme'],
  'handoff.created': ['handoffCreator', 'handoffRecipient', 'programme'],
  'handoff.status_changed': ['handoffCreator', 'handoffRecipient', 'programme'],
  'housing_priority.decided': ['handoffCreator', 'handoffRecipient', 'programme'],
  'housing_priority.expired': ['programme', 'handoffRecipient', 'handoffCreator'],
  'handoff.due_soon': ['handoffRecipient', 'handoffCreator'],
  'handoff.overdue': ['handoffRecipient', 'handoffCreator', 'programme'],
  'organisation.deactivated': ['programme', 'handoffCreator']
}

/**
 * A handoff's events name a handoff only the parties of the handoff can look up. The referrer sees
 * the handoffs in its view of the referral (type, status, decision, dates), so a change there
 * reaches it as `referral.updated` of the referral, with its new version.
 */
export const REFERRER_HEARS_AS_UPDATE: ReadonlySet<AudienceType> = new Set([
  'handoff.created',
  'handoff.status_changed',
  'housing_priority.decided',
  'housing_priority.expired'
])

export type AudienceType = keyof typeof EVENT_AUDIENCE

/** The organisation ids that hear of an event of `type`, each once, in the table's order. */
export function audienceOf(type: AudienceType, parties: Partial<Record<Party, string>>): string[] {
  const ids = EVENT_AUDIENCE[type].map((p) => parties[p])
  return [...new Set(ids.filter((id): id is string => id !== undefined))]
}
