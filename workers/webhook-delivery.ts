import { setMaxListeners } from 'node:events'
import { Webhook } from 'standardwebhooks'
import { Worker, type Job, type Queue } from 'bullmq'
import type { Database } from '../src/db/client.ts'
import type { IdentifierCipher } from '../src/crypto/identifier-cipher.ts'
import {
  claimDelivery,
  claimHeartbeats,
  disableEndpoint,
  findDelivery,
  handBack,
  lapsedLeases,
  skipDelivery,
  recordAttempt,
  recordDelivered
} from '../src/db/queries/events.ts'
import { nextRetryDelay, parseRetryAfter, webhookPayload } from '../src/domain/events.ts'
import { isoInstant } from '../src/domain/dates.ts'
import { checkTarget } from '../src/services/webhook-target.ts'
import { HandedBack, NoAnswerInTime, postOnce } from './post-webhook.ts'
import { emailJobId, WEBHOOK_QUEUE, webhookJobId, type EmailJob, type WebhookJob } from '../src/core/queues.ts'
import { parseSchedule } from '../src/domain/deadlines.ts'
import { allowedHosts } from '../src/services/webhook-target.ts'
import { onFailure, type WorkerContext } from './context.ts'
import { safeError } from '../src/logging.ts'
import { notificationOf } from '../src/services/fhir.ts'
import { FHIR_JSON, fhirBaseOf } from '../src/domain/fhir/codes.ts'
import { heartbeatBundle } from '../src/domain/fhir/subscriptions.ts'
import { randomUUID } from 'node:crypto'

export interface DeliveryDeps {
  db: Database
  identifiers: IdentifierCipher
  webhooks: Queue<WebhookJob>
  email: Queue<EmailJob> | null
  schedule: readonly number[]
  timeoutMs: number
  leaseMs: number
  allowedHosts: readonly string[]
  /** This deployment's FHIR base (`…/fhir`), which FHIR notifications name resources under. */
  fhirBase: string
}

export type DeliveryOutcome = 'delivered' | 'retrying' | 'failed' | 'disabled' | 'skipped' | 'handed-back'

/** The Standard Webhooks headers; during a rotation both the new and the old secret sign. */
export function signedHeaders(
  signers: readonly Webhook[],
  msgId: string,
  at: Date,
  payload: string,
  contentType = 'application/json'
): Record<string, string> {
  return {
    'content-type': contentType,
    'user-agent': 'opkomst-webhooks/1',
    'webhook-id': msgId,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': signers.map((s) => s.sign(msgId, at, payload)).join(' ')
  }
}

const SIGNERS_KEPT = 1000
const signersOf = new WeakMap<IdentifierCipher, Map<string, Webhook>>()

/**
 * An endpoint's signer for a stored secret. Decrypting and decoding the secret cost more than
 * signing, once per delivery; kept by ciphertext, so a rotated secret is a new signer. The worker
 * holds the key that decrypts every secret anyway; the cache is bounded.
 */
function signer(identifiers: IdentifierCipher, endpointId: string, ciphertext: string): Webhook {
  let kept = signersOf.get(identifiers)
  if (kept === undefined) {
    kept = new Map()
    signersOf.set(identifiers, kept)
  }
  const key = `${endpointId}:${ciphertext}`
  let found = kept.get(key)
  if (found === undefined) {
    if (kept.size >= SIGNERS_KEPT) kept.clear()
    found = new Webhook(identifiers.decrypt(ciphertext, endpointId))
    kept.set(key, found)
  }
  return found
}

/** An endpoint's signers: its secret's, and during a rotation the previous one's too. */
function signersFor(
  identifiers: IdentifierCipher,
  endpointId: string,
  secrets: { secretCiphertext: string; previousSecretCiphertext: string | null; previousSecretExpiresAt: string | null }
): Webhook[] {
  const signers = [signer(identifiers, endpointId, secrets.secretCiphertext)]
  if (
    secrets.previousSecretCiphertext !== null &&
    secrets.previousSecretExpiresAt !== null &&
    Date.parse(secrets.previousSecretExpiresAt) > Date.now()
  )
    signers.push(signer(identifiers, endpointId, secrets.previousSecretCiphertext))
  return signers
}

/** Gives a delivery back for another worker to send at once: this one is stopping. */
async function handOver(deps: DeliveryDeps, deliveryId: string, series: number, attempts: number) {
  await handBack(deps.db, deliveryId)
  await deps.webhooks.add(
    'deliver',
    { deliveryId },
    { jobId: webhookJobId(deliveryId, series, attempts, `handed-back-${Date.now()}`) }
  )
  return 'handed-back' as const
}

/**
 * Sends one delivery once; idempotent, so a retried or duplicated job does no harm. When `stopping`
 * aborts (the worker closes), an attempt under way is given up and handed back, not waited for.
 */
export async function deliverWebhook(
  deps: DeliveryDeps,
  deliveryId: string,
  stopping?: AbortSignal
): Promise<DeliveryOutcome> {
  const delivery = await claimDelivery(deps.db, deliveryId, deps.leaseMs)
  if (delivery === undefined) {
    // Done, gone with its endpoint, or held by another worker. A pending row nobody holds was let go
    // by its worker between the claim and this read, with its next attempt already scheduled.
    const current = await findDelivery(deps.db, deliveryId)
    // Held by another worker (or a killed one): look again when its lease runs out.
    if (current?.state === 'pending' && current.leaseUntil !== null) {
      const wait = Math.max(0, Date.parse(current.leaseUntil) - Date.now()) + 50
      await deps.webhooks.add(
        'deliver',
        { deliveryId },
        { jobId: webhookJobId(deliveryId, current.series, current.attempts, 'after-lease'), delay: wait }
      )
    }
    return 'skipped'
  }
  if (delivery.disabledAt !== null) {
    await skipDelivery(deps.db, deliveryId)
    return 'skipped'
  }

  let status: number | null = null
  let error: string | null = null
  let retryAfter: number | null = null
  const target = await checkTarget(delivery.url, deps.allowedHosts)
  if (!target.ok) {
    error = `target refused: ${target.reason}`
  } else {
    const fhir = delivery.payload !== 'standard'
    const payload = fhir
      ? await notificationOf(deps, deps.fhirBase, delivery, deliveryId)
      : webhookPayload({
          eventId: delivery.eventId,
          type: delivery.type,
          occurredAt: isoInstant(delivery.occurredAt),
          referralId: delivery.referralId,
          handoffId: delivery.handoffId,
          status: delivery.status,
          reasonCode: delivery.reasonCode,
          version: delivery.version,
          outcome: delivery.outcome
        })
    const signers = signersFor(deps.identifiers, delivery.endpointId, delivery)
    try {
      const answer = await postOnce(
        delivery.url,
        signedHeaders(signers, delivery.eventId, new Date(), payload, fhir ? FHIR_JSON : 'application/json'),
        payload,
        deps.timeoutMs,
        target.addresses,
        stopping
      )
      status = answer.status
      if (status === 429 || status === 503) retryAfter = parseRetryAfter(answer.retryAfter, Date.now())
      if (status < 200 || status >= 300) error = `answered ${status}`
    } catch (err) {
      if (err instanceof HandedBack) return handOver(deps, deliveryId, delivery.series, delivery.attempts)
      error = err instanceof NoAnswerInTime ? err.message : `could not connect: ${(err as Error).message}`
    }
  }

  if (status !== null && status >= 200 && status < 300) {
    await recordDelivered(deps.db, deliveryId, status)
    return 'delivered'
  }
  if (status === 410) {
    await disableEndpoint(deps.db, delivery.endpointId, 'answered 410 Gone')
    await recordAttempt(deps.db, deliveryId, {
      state: 'failed',
      lastStatusCode: 410,
      lastError: 'answered 410 Gone: endpoint disabled',
      nextAttemptAt: null
    })
    return 'disabled'
  }
  const attempts = delivery.attempts + 1
  const delay = target.ok ? nextRetryDelay(deps.schedule, attempts, retryAfter) : null
  if (delay === null) {
    await recordAttempt(deps.db, deliveryId, {
      state: 'failed',
      lastStatusCode: status,
      lastError: error,
      nextAttemptAt: null
    })
    if (deps.email !== null) {
      const job: EmailJob = {
        kind: 'delivery_exhausted',
        organisationId: delivery.organisationId,
        deliveryId,
        endpointId: delivery.endpointId
      }
      await deps.email.add('delivery_exhausted', job, { jobId: emailJobId(job) })
    }
    return 'failed'
  }
  await recordAttempt(deps.db, deliveryId, {
    lastStatusCode: status,
    lastError: error,
    nextAttemptAt: new Date(Date.now() + delay).toISOString()
  })
  await deps.webhooks.add(
    'deliver',
    { deliveryId },
    { jobId: webhookJobId(deliveryId, delivery.series, attempts), delay }
  )
  return 'retrying'
}

/**
 * Sends again at once what a killed (or hung) worker held when its lease ran out, rather than after
 * BullMQ's stall detection: that job still looks active for up to twice WORKER_LOCK_MS. Should the
 * stalled job run after all, it finds the delivery done or held.
 */
export async function resendLapsed(deps: Pick<DeliveryDeps, 'db' | 'webhooks'>): Promise<number> {
  const lapsed = await lapsedLeases(deps.db, 500)
  if (lapsed.length > 0) {
    await deps.webhooks.addBulk(
      lapsed.map((d) => ({
        name: 'deliver',
        data: { deliveryId: d.id },
        opts: { jobId: webhookJobId(d.id, d.series, d.attempts, `lapsed-${Date.parse(d.lease as string)}`) }
      }))
    )
  }
  return lapsed.length
}

/** Heartbeats sent in one sweep at most; the next sweep takes the rest. */
const HEARTBEATS_AT_ONCE = 100

/**
 * A heartbeat to each FHIR Subscription that heard nothing for its period: signed like a delivery,
 * sent once (the next one follows a period later), not a delivery of the log.
 */
export async function sendHeartbeats(
  deps: DeliveryDeps,
  log: (err: unknown, endpointId: string) => void
): Promise<number> {
  const due = await claimHeartbeats(deps.db, HEARTBEATS_AT_ONCE)
  await Promise.all(
    due.map(async (endpoint) => {
      const target = await checkTarget(endpoint.url, deps.allowedHosts)
      if (!target.ok) return
      const at = new Date()
      const body = JSON.stringify(heartbeatBundle(deps.fhirBase, endpoint.id, at.toISOString()))
      const signers = signersFor(deps.identifiers, endpoint.id, endpoint)
      await postOnce(
        endpoint.url,
        signedHeaders(signers, `heartbeat_${randomUUID()}`, at, body, FHIR_JSON),
        body,
        deps.timeoutMs,
        target.addresses
      ).catch((err: unknown) => log(err, endpoint.id))
    })
  )
  return due.length
}

/** The webhook queue (for retries) and the worker that sends deliveries. */
export function startDeliveries(ctx: WorkerContext, email: Queue<EmailJob> | null) {
  const webhooks = ctx.queue<WebhookJob>(WEBHOOK_QUEUE, ctx.connection)
  const deps: DeliveryDeps = {
    db: ctx.db,
    identifiers: ctx.identifiers,
    webhooks,
    email,
    schedule: parseSchedule(ctx.config.WEBHOOK_RETRY_SCHEDULE) as number[],
    timeoutMs: ctx.config.WEBHOOK_TIMEOUT_MS,
    leaseMs: ctx.config.WEBHOOK_LEASE_MS,
    allowedHosts: allowedHosts(ctx.config.WEBHOOK_ALLOWED_HOSTS),
    fhirBase: fhirBaseOf(ctx.config.PUBLIC_BASE_URL)
  }
  const stopping = new AbortController()
  // One listener per send under way (WEBHOOK_CONCURRENCY of them), each removed when its send ends.
  setMaxListeners(0, stopping.signal)
  const worker = new Worker<WebhookJob>(
    WEBHOOK_QUEUE,
    async (job: Job<WebhookJob>) => deliverWebhook(deps, job.data.deliveryId, stopping.signal),
    ctx.workerOptions({ concurrency: ctx.config.WEBHOOK_CONCURRENCY })
  )
  onFailure(ctx, worker)
  const sweep = setInterval(() => {
    resendLapsed(deps).catch((err) => ctx.logger.warn({ err: safeError(err) }, 'lapsed deliveries not resent yet'))
  }, ctx.config.RELAY_INTERVAL_MS)
  // Half the shortest period a Subscription may ask for: no heartbeat comes more than that late.
  const heartbeats = setInterval(
    () => {
      const failed = (err: unknown, endpointId: string) =>
        ctx.logger.info({ err: safeError(err), endpointId }, 'heartbeat not received')
      sendHeartbeats(deps, failed).catch((err) =>
        ctx.logger.warn({ err: safeError(err) }, 'heartbeats not sent this time')
      )
    },
    Math.max(500, (ctx.config.FHIR_HEARTBEAT_MIN_SECONDS * 1000) / 2)
  )
  return {
    webhooks,
    firstDelayMs: deps.schedule[0] ?? 0,
    close: async () => {
      clearInterval(sweep)
      clearInterval(heartbeats)
      // Take no more jobs, and hand back the attempts under way rather than wait out slow receivers.
      const closed = worker.close()
      stopping.abort()
      await closed
      await webhooks.close()
    }
  }
}
