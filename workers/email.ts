import { Worker, type Job, type Queue } from 'bullmq'
import nodemailer, { type Transporter } from 'nodemailer'
import { eq } from 'drizzle-orm'
import type { Database } from '../src/db/client.ts'
import { organisations } from '../src/db/schema/index.ts'
import { EMAIL_QUEUE, type EmailJob } from '../src/core/queues.ts'
import { onFailure, type WorkerContext } from './context.ts'

export function createTransport(smtpUrl: string): Transporter {
  return nodemailer.createTransport(smtpUrl)
}

/** The notice holds a link and ids only: never a name, an INSZ or free text. */
export function noticeFor(job: EmailJob, baseUrl: string): { subject: string; text: string } {
  if (job.kind === 'new_referral') {
    return {
      subject: 'Nieuwe doorverwijzing / new referral',
      text: `Er is een nieuwe doorverwijzing voor uw organisatie.\nA new referral was sent to your organisation.\n\n${baseUrl}/referrals/${job.referralId}\n\nreferral ${job.referralId}\nevent ${job.eventId}\n`
    }
  }
  return {
    subject: 'Webhook delivery failed / levering mislukt',
    text: `A webhook delivery failed after its last attempt. Redeliver it once the endpoint works again.\n\n${baseUrl}/webhooks/${job.endpointId}/deliveries\n\nwebhook ${job.endpointId}\ndelivery ${job.deliveryId}\nevent type webhook.delivery_exhausted\n`
  }
}

export async function sendNotice(
  deps: { db: Database; transport: Transporter; from: string; baseUrl: string },
  job: EmailJob
): Promise<'sent' | 'no-address'> {
  const [org] = await deps.db
    .select({ email: organisations.notificationEmail })
    .from(organisations)
    .where(eq(organisations.id, job.organisationId))
  if (org?.email == null) return 'no-address'
  const { subject, text } = noticeFor(job, deps.baseUrl)
  await deps.transport.sendMail({ from: deps.from, to: org.email, subject, text })
  return 'sent'
}

/** The e-mail queue and its worker; null when no SMTP server is configured (notices are off). */
export function startEmail(ctx: WorkerContext): { email: Queue<EmailJob>; close: () => Promise<void> } | null {
  const smtpUrl = ctx.config.SMTP_URL
  if (smtpUrl === undefined) {
    ctx.logger.info('SMTP_URL is not set: e-mail notices are off')
    return null
  }
  const email = ctx.queue<EmailJob>(EMAIL_QUEUE, ctx.connection)
  const transport = createTransport(smtpUrl)
  const deps = { db: ctx.db, transport, from: ctx.config.SMTP_FROM, baseUrl: ctx.config.PUBLIC_BASE_URL }
  const worker = new Worker<EmailJob>(
    EMAIL_QUEUE,
    async (job: Job<EmailJob>) => sendNotice(deps, job.data),
    ctx.workerOptions({ concurrency: 2 })
  )
  onFailure(ctx, worker)
  return {
    email,
    close: async () => {
      await worker.close()
      await email.close()
      transport.close()
    }
  }
}
