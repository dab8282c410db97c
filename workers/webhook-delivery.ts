import { Webhook } from 'standardwebhooks'
import type { Queue } from 'bullmq'
import type { Database } from '../src/db/client.ts'
import type { IdentifierCipher } from '../src/crypto/identifier-cipher.ts'
import { claimDelivery, deliveryParts, disableEndpoint, findDelivery, recordAttempt } from '../src/db/queries/events.ts'
import { nextRetryDelay, parseRetryAfter, webhookPayload } from '../src/domain/events.ts'
import { checkTarget } from '../src/services/webhook-target.ts'
import { emailJobId, webhookJobId, type EmailJob, type WebhookJob } from '../src/jobs/queues.ts'

export interface DeliveryDeps {
  db: Database
  identifiers: IdentifierCipher
  webhooks: Queue<WebhookJob>
  email: Queue<EmailJob> | null
  schedule: readonly number[]
  timeoutMs: number
  leaseMs: number
  allowedHosts: readonly string[]
}

export type DeliveryOutcome = 'delivered' | 'retrying' | 'failed' | 'disabled' | 'skipped'

export class DeliveryNotVisibleError extends Error {
  constructor (deliveryId: string) { super(`delivery ${deliveryId} is not committed yet`) }
}

/** The Standard Webhooks headers; during a rotation both the new and the old secret sign. */
export function signedHeaders (secrets: readonly string[], msgId: string, at: Date, payload: string): Record<string, string> {
  return {
    'content-type': 'application/json',
    'user-agent': 'opkomst-webhooks/1',
    'webhook-id': msgId,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': secrets.map((s) => new Webhook(s).sign(msgId, at, payload)).join(' ')
  }
}

/** Sends one delivery once; idempotent, so a retried or duplicated job does no harm. */
export async function deliverWebhook (deps: DeliveryDeps, deliveryId: string): Promise<DeliveryOutcome> {
  const delivery = await claimDelivery(deps.db, deliveryId, deps.leaseMs)
  if (delivery === undefined) {
    const current = await findDelivery(deps.db, deliveryId)
    // The relay enqueues before its transaction commits: retry until the row is visible. A pending
    // row nobody holds was committed between the claim and this read: retry too.
    if (current === undefined || (current.state === 'pending' && current.leaseUntil === null)) throw new DeliveryNotVisibleError(deliveryId)
    // Held by another worker (or a killed one): look again when its lease runs out.
    if (current.state === 'pending' && current.leaseUntil !== null) {
      const wait = Math.max(0, Date.parse(current.leaseUntil) - Date.now()) + 50
      await deps.webhooks.add('deliver', { deliveryId }, { jobId: `${webhookJobId(deliveryId, current.series, current.attempts)}.after-lease`, delay: wait })
    }
    return 'skipped'
  }
  const { endpoint, event } = await deliveryParts(deps.db, delivery)
  if (endpoint.disabledAt !== null) {
    await recordAttempt(deps.db, deliveryId, { state: 'failed', lastError: 'endpoint is disabled', nextAttemptAt: null })
    return 'failed'
  }

  let status: number | null = null
  let error: string | null = null
  let retryAfter: number | null = null
  const target = await checkTarget(endpoint.url, deps.allowedHosts)
  if (!target.ok) {
    error = `target refused: ${target.reason}`
  } else {
    const payload = webhookPayload({ eventId: event.eventId, type: event.type, occurredAt: new Date(event.occurredAt).toISOString(), referralId: event.referralId, handoffId: event.handoffId, status: event.status, reasonCode: event.reasonCode })
    const secrets = [deps.identifiers.decrypt(endpoint.secretCiphertext, endpoint.id)]
    if (endpoint.previousSecretCiphertext !== null && endpoint.previousSecretExpiresAt !== null && Date.parse(endpoint.previousSecretExpiresAt) > Date.now()) {
      secrets.push(deps.identifiers.decrypt(endpoint.previousSecretCiphertext, endpoint.id))
    }
    try {
      const res = await fetch(endpoint.url, {
        method: 'POST',
        headers: signedHeaders(secrets, event.eventId, new Date(), payload),
        body: payload,
        redirect: 'manual',
        signal: AbortSignal.timeout(deps.timeoutMs)
      })
      status = res.status
      if (status === 429 || status === 503) retryAfter = parseRetryAfter(res.headers.get('retry-after'), Date.now())
      await res.body?.cancel()
      if (status < 200 || status >= 300) error = `answered ${status}`
    } catch (err) {
      error = (err as Error).name === 'TimeoutError' ? `no answer within ${deps.timeoutMs} ms` : `could not connect: ${(err as Error).message}`
    }
  }

  if (status !== null && status >= 200 && status < 300) {
    await recordAttempt(deps.db, deliveryId, { state: 'delivered', deliveredAt: new Date().toISOString(), lastStatusCode: status, lastError: null, nextAttemptAt: null })
    return 'delivered'
  }
  if (status === 410) {
    await disableEndpoint(deps.db, endpoint.id, 'answered 410 Gone')
    await recordAttempt(deps.db, deliveryId, { state: 'failed', lastStatusCode: 410, lastError: 'answered 410 Gone: endpoint disabled', nextAttemptAt: null })
    return 'disabled'
  }
  const attempts = delivery.attempts + 1
  const delay = target.ok ? nextRetryDelay(deps.schedule, attempts, retryAfter) : null
  if (delay === null) {
    await recordAttempt(deps.db, deliveryId, { state: 'failed', lastStatusCode: status, lastError: error, nextAttemptAt: null })
    if (deps.email !== null) {
      const job: EmailJob = { kind: 'delivery_exhausted', organisationId: endpoint.organisationId, deliveryId, endpointId: endpoint.id }
      await deps.email.add('delivery_exhausted', job, { jobId: emailJobId(job) })
    }
    return 'failed'
  }
  await recordAttempt(deps.db, deliveryId, { lastStatusCode: status, lastError: error, nextAttemptAt: new Date(Date.now() + delay).toISOString() })
  await deps.webhooks.add('deliver', { deliveryId }, { jobId: webhookJobId(deliveryId, delivery.series, attempts), delay })
  return 'retrying'
}
