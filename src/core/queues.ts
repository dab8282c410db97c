/** Queue names and job data, shared by the API and the workers. Jobs carry ids, never personal data. */

export const MAINTENANCE_QUEUE = 'maintenance'
export type MaintenanceJob = { readonly task: 'purge-idempotency-keys' | 'pseudonymise-closed-referrals' }

export const WEBHOOK_QUEUE = 'webhook-deliveries'
export type WebhookJob = { readonly deliveryId: string }
/**
 * One job id per attempt of a series: re-adding the same attempt is a no-op. `after-lease`: a
 * look once another worker's lease runs out; `reconciled`: a job made again from PostgreSQL;
 * `lapsed-<time>`: the attempt again after the lease that ran out at that time (its worker died);
 * `handed-back-<time>`: the attempt again, given up at that time by a worker that was stopping.
 */
export const webhookJobId = (
  deliveryId: string,
  series: number,
  attempt: number,
  kind?: 'after-lease' | 'reconciled' | `lapsed-${number}` | `handed-back-${number}`
) => `d.${deliveryId}.${series}.${attempt}${kind === undefined ? '' : `.${kind}`}`

export const EMAIL_QUEUE = 'email'
export type EmailJob =
  | {
      readonly kind: 'new_referral'
      readonly organisationId: string
      readonly referralId: string
      readonly eventId: string
    }
  | {
      readonly kind: 'delivery_exhausted'
      readonly organisationId: string
      readonly deliveryId: string
      readonly endpointId: string
    }
  | {
      readonly kind: 'referral_update' | 'handoff_due' | 'consent_withdrawn'
      readonly organisationId: string
      readonly eventId: string
    }
export const emailJobId = (job: EmailJob) => {
  switch (job.kind) {
    case 'new_referral':
      return `new.${job.eventId}.${job.organisationId}`
    case 'delivery_exhausted':
      return `exhausted.${job.deliveryId}`
    default:
      return `${job.kind}.${job.eventId}`
  }
}

export const TIMER_QUEUE = 'timers'
export type TimerJob =
  | { readonly kind: 'ack' | 'first-contact' | 'guidance-ending'; readonly referralId: string }
  | { readonly kind: 'housing-expiry'; readonly handoffId: string }
  | { readonly kind: 'handoff-due-soon' | 'handoff-overdue'; readonly handoffId: string }

export const ALL_QUEUES = [WEBHOOK_QUEUE, EMAIL_QUEUE, TIMER_QUEUE, MAINTENANCE_QUEUE] as const

/** Completed and failed jobs are kept for a while for operators, then removed. */
export const JOB_RETENTION = {
  removeOnComplete: { age: 24 * 3600, count: 1000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 5000 }
} as const

/**
 * A delivery's record is its row in PostgreSQL (the delivery log partners read), so a completed
 * delivery job is not kept: trimming kept jobs was Redis work on every delivery.
 */
export const retentionOf = (queue: string) =>
  queue === WEBHOOK_QUEUE ? { ...JOB_RETENTION, removeOnComplete: true } : JOB_RETENTION
