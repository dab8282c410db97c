import type { WebhookPayload } from '../schemas/events.ts'
import type { Outcome, ReasonCode } from './reason-codes.ts'
/** Event types (DESIGN §4). Events are thin: ids, type, status, codes, version, time; never personal data. */
export const EVENT_TYPES = [
  'referral.created',
  'referral.updated',
  'referral.status_changed',
  'referral.contact_changed',
  'referral.consent_withdrawn',
  'referral.overdue',
  'referral.first_contact_overdue',
  'referral.guidance_ending',
  'handoff.created',
  'handoff.status_changed',
  'housing_priority.decided',
  'housing_priority.expired',
  'handoff.due_soon',
  'handoff.overdue',
  'organisation.deactivated',
  'ping'
] as const
export type EventType = (typeof EVENT_TYPES)[number]
/** What a webhook may subscribe to (`ping` comes by itself from the test route). */
export const SUBSCRIBABLE_EVENT_TYPES = EVENT_TYPES.filter((t) => t !== 'ping')

export interface ThinEvent {
  eventId: string
  type: string
  occurredAt: string
  referralId: string | null
  handoffId: string | null
  status: string | null
  reasonCode?: string | null
  version?: number | null
  outcome?: string | null
}

/** The webhook body, Standard Webhooks style (its schema, in the contract's `webhooks`, is `webhookPayloadSchema`): `{type, timestamp, data}` with ids and status only. */
/** What an endpoint's deliveries carry: our payload, or (a FHIR Subscription) an R4 Backport notification. */
export const ENDPOINT_PAYLOADS = ['standard', 'id-only', 'full-resource'] as const
export type EndpointPayload = (typeof ENDPOINT_PAYLOADS)[number]

export function webhookPayload(e: ThinEvent): string {
  const data: WebhookPayload['data'] = { eventId: e.eventId }
  if (e.referralId !== null) data.referralId = e.referralId
  if (e.handoffId !== null) data.handoffId = e.handoffId
  if (e.status !== null) data.status = e.status
  if (e.reasonCode != null) data.reasonCode = e.reasonCode as ReasonCode
  if (e.version != null) data.version = e.version
  if (e.outcome != null) data.outcome = e.outcome as Outcome
  const payload: WebhookPayload = { type: e.type, timestamp: e.occurredAt, data }
  return JSON.stringify(payload)
}

/** The next retry delay after `attempts` failed tries, or null when the schedule is used up. */
export function nextRetryDelay(
  schedule: readonly number[],
  attempts: number,
  retryAfterMs: number | null
): number | null {
  if (attempts >= schedule.length) return null
  const planned = schedule[attempts] as number
  return retryAfterMs === null ? planned : Math.max(planned, retryAfterMs)
}

/** `Retry-After` in seconds or as an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: number): number | null {
  if (value === null) return null
  if (/^\d+$/.test(value.trim())) return Number(value) * 1000
  const at = Date.parse(value)
  return Number.isNaN(at) ? null : Math.max(0, at - now)
}
