import type { EndpointPayload } from '../domain/events.ts'
import { randomBytes, randomUUID } from 'node:crypto'
import { writeTransaction } from '../db/client.ts'
import { requireVersion } from '../core/caller.ts'
import { notFound, ProblemError, validationProblem } from '../core/problems.ts'
import { webhookJobId } from '../core/queues.ts'
import {
  deleteEndpoint,
  deliveriesOf,
  insertEndpoint,
  listEndpoints,
  ownEndpoint,
  resetDelivery,
  resetDeliveries,
  anyDeliveriesIn,
  updateEndpoint,
  type EndpointRow
} from '../db/queries/webhooks.ts'
import { recordPing } from '../db/record.ts'
import { isoOrNull as iso } from '../domain/dates.ts'
import type { ServiceDeps } from './deps.ts'
import type { DeliveryState } from '../db/schema/index.ts'
import { allowedHosts, checkTarget } from './webhook-target.ts'

type Deps = Pick<ServiceDeps, 'db' | 'identifiers' | 'config' | 'webhooks' | 'warn'>

/** Rotation keeps the old secret signing this long, so receivers can switch without missing one. */
const ROTATION_OVERLAP_MS = 24 * 3600_000

const newSecret = () => `whsec_${randomBytes(32).toString('base64')}`

export const presentEndpoint = (e: EndpointRow) => ({
  id: e.id,
  url: e.url,
  eventTypes: e.eventTypes,
  description: e.description,
  payload: e.payload,
  disabledAt: iso(e.disabledAt),
  disabledReason: e.disabledReason,
  version: e.version,
  createdAt: new Date(e.createdAt).toISOString()
})

async function assertTarget(deps: Deps, url: string): Promise<void> {
  const check = await checkTarget(url, allowedHosts(deps.config.WEBHOOK_ALLOWED_HOSTS))
  if (!check.ok) throw validationProblem([{ pointer: '/url', message: check.reason }])
}

export async function createEndpoint(
  deps: Deps,
  organisationId: string,
  input: {
    url: string
    eventTypes: string[]
    description?: string | undefined
    payload?: EndpointPayload
    heartbeatSeconds?: number | null
  }
) {
  await assertTarget(deps, input.url)
  const id = randomUUID()
  const secret = newSecret()
  const row = await insertEndpoint(deps.db, {
    id,
    organisationId,
    url: input.url,
    eventTypes: input.eventTypes,
    description: input.description ?? null,
    payload: input.payload ?? 'standard',
    heartbeatSeconds: input.heartbeatSeconds ?? null,
    secretCiphertext: deps.identifiers.encrypt(secret, id)
  })
  return { ...presentEndpoint(row), secret }
}

export async function getEndpoint(deps: Deps, organisationId: string, id: string): Promise<EndpointRow> {
  const row = await ownEndpoint(deps.db, organisationId, id)
  if (row === undefined) throw notFound('Webhook')
  return row
}

export const endpointsOf = (deps: Deps, organisationId: string) => listEndpoints(deps.db, organisationId)

export async function changeEndpoint(
  deps: Deps,
  organisationId: string,
  id: string,
  ifMatch: string | undefined,
  patch: { url?: string; eventTypes?: string[]; description?: string | null; enabled?: true }
) {
  if (patch.url !== undefined) await assertTarget(deps, patch.url)
  return writeTransaction(deps.db, async (tx) => {
    const row = await ownEndpoint(tx, organisationId, id, true)
    if (row === undefined) throw notFound('Webhook')
    requireVersion(ifMatch, row.version, 'webhook')
    if (patch.eventTypes !== undefined && row.payload !== 'standard')
      throw validationProblem([{ pointer: '/eventTypes', message: 'a FHIR Subscription hears its topic only' }])
    return updateEndpoint(tx, id, {
      ...(patch.url === undefined ? {} : { url: patch.url }),
      ...(patch.eventTypes === undefined ? {} : { eventTypes: patch.eventTypes }),
      ...(patch.description === undefined ? {} : { description: patch.description }),
      ...(patch.enabled === true ? { disabledAt: null, disabledReason: null } : {})
    })
  })
}

export async function removeEndpoint(deps: Deps, organisationId: string, id: string): Promise<void> {
  await getEndpoint(deps, organisationId, id)
  await deleteEndpoint(deps.db, id)
}

export async function rotateSecret(deps: Deps, organisationId: string, id: string) {
  return writeTransaction(deps.db, async (tx) => {
    const row = await ownEndpoint(tx, organisationId, id, true)
    if (row === undefined) throw notFound('Webhook')
    const secret = newSecret()
    const updated = await updateEndpoint(tx, id, {
      secretCiphertext: deps.identifiers.encrypt(secret, id),
      previousSecretCiphertext: row.secretCiphertext,
      previousSecretExpiresAt: new Date(Date.now() + ROTATION_OVERLAP_MS).toISOString()
    })
    return { ...presentEndpoint(updated), secret }
  })
}

export async function pingEndpoint(deps: Deps, organisationId: string, id: string): Promise<string> {
  await getEndpoint(deps, organisationId, id)
  return recordPing(deps.db, organisationId, id)
}

export async function listDeliveries(
  deps: Deps,
  organisationId: string,
  id: string,
  before: [string, string] | null,
  limit: number
) {
  await getEndpoint(deps, organisationId, id)
  const rows = await deliveriesOf(deps.db, id, before, limit + 1)
  const page = rows.slice(0, limit)
  return {
    items: page.map((d) => ({
      ...d,
      nextAttemptAt: iso(d.nextAttemptAt),
      deliveredAt: iso(d.deliveredAt),
      createdAt: new Date(d.createdAt).toISOString()
    })),
    next: rows.length > limit ? ([page.at(-1)!.createdAt, page.at(-1)!.id] as [string, string]) : null
  }
}

/** Deliveries redelivered in one call; the answer says when there are more. */
export const REDELIVERED_AT_ONCE = 1000

async function enabledEndpoint(deps: Deps, organisationId: string, endpointId: string): Promise<EndpointRow> {
  const endpoint = await getEndpoint(deps, organisationId, endpointId)
  if (endpoint.disabledAt !== null) {
    throw new ProblemError(
      'endpoint-disabled',
      'This webhook endpoint is disabled; enable it (PATCH with "enabled": true) before redelivering'
    )
  }
  return endpoint
}

/** Jobs for deliveries made pending again: queued now, or by the reconciler when Redis is away. */
async function queueRedeliveries(deps: Deps, reset: ReadonlyArray<{ id: string; series: number }>) {
  if (reset.length === 0) return
  await deps.webhooks
    ?.addBulk(
      reset.map((d) => ({
        name: 'deliver',
        data: { deliveryId: d.id },
        opts: { jobId: webhookJobId(d.id, d.series, 0) }
      }))
    )
    .catch((err: Error) => deps.warn({ err: { message: err.message } }, 'redelivery left to the reconciler'))
}

/** A new series of attempts for one delivery, whatever became of the last one. */
export async function redeliver(deps: Deps, organisationId: string, endpointId: string, deliveryId: string) {
  await enabledEndpoint(deps, organisationId, endpointId)
  const reset = await resetDelivery(deps.db, endpointId, deliveryId)
  if (reset === undefined) throw notFound('Delivery')
  await queueRedeliveries(deps, [{ id: deliveryId, series: reset.series }])
  return { id: deliveryId }
}

/**
 * A new series of attempts for an endpoint's deliveries in the given states, oldest first: the
 * events it missed while disabled (`skipped`), or those that ran out of attempts (`failed`).
 */
export async function redeliverAll(
  deps: Deps,
  organisationId: string,
  endpointId: string,
  states: readonly DeliveryState[]
) {
  await enabledEndpoint(deps, organisationId, endpointId)
  const reset = await resetDeliveries(deps.db, endpointId, states, REDELIVERED_AT_ONCE)
  await queueRedeliveries(deps, reset)
  return {
    redelivered: reset.length,
    more: reset.length === REDELIVERED_AT_ONCE && (await anyDeliveriesIn(deps.db, endpointId, states))
  }
}
