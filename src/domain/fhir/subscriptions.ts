/**
 * FHIR R4 Subscriptions Backport: a topic-based Subscription with a rest-hook channel is one of our
 * webhook endpoints, and each of its notifications a history Bundle led by the subscription status
 * (`Parameters`, profile backport-subscription-status-r4). Delivery, signing, retries and the log
 * of attempts are the webhook pipeline's.
 */
import { randomUUID } from 'node:crypto'
import type { EndpointPayload } from '../events.ts'
import { EXTENSIONS, TASK_STATUS_TOPIC } from './codes.ts'
import type { FhirIssue } from './intake.ts'

const BACKPORT = 'http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition'
export const SUBSCRIPTION_PROFILE = `${BACKPORT}/backport-subscription`
/** The events a subscription to the topic hears: a referral's status changing. */
export const TOPIC_EVENT_TYPES = ['referral.status_changed'] as const
export const FHIR_PAYLOADS = ['id-only', 'full-resource'] as const
export type FhirPayload = (typeof FHIR_PAYLOADS)[number]

type Json = Record<string, unknown>
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v)

export interface SubscriptionRequest {
  url: string
  payload: FhirPayload
  reason: string
  /** Seconds of silence after which a heartbeat goes out; null: none. */
  heartbeatSeconds: number | null
}

const MAX_HEARTBEAT_SECONDS = 86_400

/** Reads a Subscription a partner posts; refusals name the element. `minHeartbeat` is this deployment's shortest period. */
export function readSubscription(
  body: unknown,
  minHeartbeat = 60
): { ok: true; request: SubscriptionRequest } | { ok: false; issues: FhirIssue[] } {
  const issues: FhirIssue[] = []
  if (!isObject(body) || body.resourceType !== 'Subscription')
    return { ok: false, issues: [{ code: 'structure', expression: 'Subscription', message: 'must be a Subscription' }] }
  if (body.criteria !== TASK_STATUS_TOPIC)
    issues.push({
      code: 'not-supported',
      expression: 'Subscription.criteria',
      message: `must be the topic ${TASK_STATUS_TOPIC}`
    })
  if (isObject(body._criteria) && Array.isArray(body._criteria.extension) && body._criteria.extension.length > 0)
    issues.push({
      code: 'not-supported',
      expression: 'Subscription.criteria.extension',
      message: 'filters are not supported: you hear the referrals your organisation is a party to'
    })
  const reason = typeof body.reason === 'string' && body.reason.trim() !== '' ? body.reason : undefined
  if (reason === undefined) issues.push({ code: 'required', expression: 'Subscription.reason', message: 'is required' })
  const channel = isObject(body.channel) ? body.channel : {}
  if (channel.type !== 'rest-hook')
    issues.push({ code: 'not-supported', expression: 'Subscription.channel.type', message: 'must be rest-hook' })
  const url = typeof channel.endpoint === 'string' ? channel.endpoint : undefined
  if (url === undefined)
    issues.push({ code: 'required', expression: 'Subscription.channel.endpoint', message: 'is required' })
  if (channel.payload !== undefined && channel.payload !== 'application/fhir+json')
    issues.push({
      code: 'not-supported',
      expression: 'Subscription.channel.payload',
      message: 'must be application/fhir+json'
    })
  const content = (
    (isObject(channel._payload) ? channel._payload.extension : undefined) as unknown[] | undefined
  )?.find((e) => isObject(e) && e.url === EXTENSIONS.backportPayload) as Json | undefined
  const payload = (content?.valueCode ?? 'id-only') as FhirPayload
  if (!FHIR_PAYLOADS.includes(payload))
    issues.push({
      code: 'not-supported',
      expression: `Subscription.channel.payload.extension('${EXTENSIONS.backportPayload}')`,
      message: 'must be id-only or full-resource'
    })
  const heartbeat = (Array.isArray(channel.extension) ? channel.extension : []).find(
    (e) => isObject(e) && e.url === EXTENSIONS.backportHeartbeat
  ) as Json | undefined
  const period = heartbeat?.valueUnsignedInt
  if (
    heartbeat !== undefined &&
    (typeof period !== 'number' || !Number.isInteger(period) || period < minHeartbeat || period > MAX_HEARTBEAT_SECONDS)
  )
    issues.push({
      code: 'value',
      expression: `Subscription.channel.extension('${EXTENSIONS.backportHeartbeat}')`,
      message: `must be whole seconds from ${minHeartbeat} to ${MAX_HEARTBEAT_SECONDS}`
    })
  if (issues.length > 0) return { ok: false, issues }
  return {
    ok: true,
    request: {
      url: url as string,
      payload,
      reason: reason as string,
      heartbeatSeconds: typeof period === 'number' ? period : null
    }
  }
}

export interface SubscriptionRow {
  id: string
  url: string
  payload: EndpointPayload
  heartbeatSeconds: number | null
  description: string | null
  disabledAt: string | null
  version: number
  updatedAt: string
}

export function subscriptionOf(e: SubscriptionRow, extension: Json[] = []) {
  return {
    resourceType: 'Subscription',
    id: e.id,
    meta: { versionId: String(e.version), lastUpdated: e.updatedAt, profile: [SUBSCRIPTION_PROFILE] },
    ...(extension.length > 0 ? { extension } : {}),
    status: e.disabledAt === null ? 'active' : 'off',
    reason: e.description ?? 'Referral Task status',
    criteria: TASK_STATUS_TOPIC,
    channel: {
      ...(e.heartbeatSeconds === null
        ? {}
        : { extension: [{ url: EXTENSIONS.backportHeartbeat, valueUnsignedInt: e.heartbeatSeconds }] }),
      type: 'rest-hook',
      endpoint: e.url,
      payload: 'application/fhir+json',
      _payload: { extension: [{ url: EXTENSIONS.backportPayload, valueCode: e.payload }] }
    }
  }
}

export interface Notification {
  /** The FHIR base of this deployment (`…/fhir`). */
  base: string
  subscriptionId: string
  eventNumber: string
  timestamp: string
  /** The resource that changed: `Task/{id}`, at `version`. */
  focus: { type: string; id: string; version: number | null }
  payload: FhirPayload
  /** With `full-resource`: the resource as the subscriber's view shows it now. */
  resource?: Json
}

/** The subscription status that leads every notification Bundle. */
function statusParameters(base: string, subscriptionId: string, type: 'event-notification' | 'heartbeat'): Json {
  return {
    resourceType: 'Parameters',
    id: randomUUID(),
    meta: { profile: [`${BACKPORT}/backport-subscription-status-r4`] },
    parameter: [
      { name: 'subscription', valueReference: { reference: `${base}/Subscription/${subscriptionId}` } },
      { name: 'topic', valueCanonical: TASK_STATUS_TOPIC },
      { name: 'status', valueCode: 'active' },
      { name: 'type', valueCode: type }
    ]
  }
}

function notification(base: string, subscriptionId: string, timestamp: string, status: Json, more: Json[]): Json {
  return {
    resourceType: 'Bundle',
    id: randomUUID(),
    meta: { profile: [`${BACKPORT}/backport-subscription-notification-r4`] },
    type: 'history',
    timestamp,
    entry: [
      {
        fullUrl: `urn:uuid:${status.id as string}`,
        resource: status,
        request: { method: 'GET', url: `${base}/Subscription/${subscriptionId}/$status` },
        response: { status: '200' }
      },
      ...more
    ]
  }
}

/** A heartbeat: the subscription is alive though nothing happened for its period. */
export function heartbeatBundle(base: string, subscriptionId: string, timestamp: string): Json {
  return notification(base, subscriptionId, timestamp, statusParameters(base, subscriptionId, 'heartbeat'), [])
}

/** A notification Bundle (backport-subscription-notification-r4). */
export function notificationBundle(n: Notification): Json {
  const focusUrl = `${n.base}/${n.focus.type}/${n.focus.id}`
  const status = statusParameters(n.base, n.subscriptionId, 'event-notification')
  ;(status.parameter as Json[]).push({
    name: 'notification-event',
    part: [
      { name: 'event-number', valueString: n.eventNumber },
      { name: 'timestamp', valueInstant: n.timestamp },
      {
        name: 'focus',
        valueReference: {
          reference: n.focus.version === null ? focusUrl : `${focusUrl}/_history/${n.focus.version}`
        }
      }
    ]
  })
  const focusEntry: Json = {
    fullUrl: focusUrl,
    ...(n.payload === 'full-resource' && n.resource !== undefined ? { resource: n.resource } : {}),
    request: { method: 'PUT', url: `${n.focus.type}/${n.focus.id}` },
    response: { status: '200' }
  }
  return notification(n.base, n.subscriptionId, n.timestamp, status, [focusEntry])
}
