import { Worker, type Job, type Queue } from 'bullmq'
import nodemailer, { type Transporter } from 'nodemailer'
import { eq } from 'drizzle-orm'
import type { Database } from '../src/db/client.ts'
import { organisations } from '../src/db/schema/index.ts'
import { EMAIL_QUEUE, type EmailJob } from '../src/core/queues.ts'
import { handoffNoticeFacts, referralNoticeFacts } from '../src/db/queries/events.ts'
import { noticeFor, type NoticeFacts } from '../src/domain/notices.ts'
import type { ReferralStatus } from '../src/domain/vocabulary.ts'
import { onFailure, type WorkerContext } from './context.ts'

export function createTransport(smtpUrl: string): Transporter {
  return nodemailer.createTransport(smtpUrl)
}

/** The facts a job's notice says, read when it is sent; undefined when its record is gone. */
async function factsOf(db: Database, job: EmailJob): Promise<NoticeFacts | undefined> {
  switch (job.kind) {
    case 'new_referral': {
      const row = await referralNoticeFacts(db, job.eventId)
      if (row === undefined) return undefined
      return {
        kind: 'new_referral',
        referralId: row.referralId,
        externalReference: row.externalReference,
        urgent: row.urgent
      }
    }
    case 'delivery_exhausted':
      return { kind: 'delivery_exhausted', endpointId: job.endpointId, deliveryId: job.deliveryId }
    case 'referral_update': {
      const row = await referralNoticeFacts(db, job.eventId)
      if (row === undefined) return undefined
      return {
        kind: 'referral_update',
        type: row.type as 'referral.status_changed' | 'referral.contact_changed',
        status: row.status as ReferralStatus,
        referralId: row.referralId,
        externalReference: row.externalReference
      }
    }
    case 'consent_withdrawn': {
      const row = await referralNoticeFacts(db, job.eventId)
      return row === undefined
        ? undefined
        : { kind: 'consent_withdrawn', referralId: row.referralId, externalReference: row.externalReference }
    }
    case 'handoff_due': {
      const row = await handoffNoticeFacts(db, job.eventId)
      if (row === undefined || row.dueBy === null) return undefined
      return {
        kind: 'handoff_due',
        type: row.type as 'handoff.due_soon' | 'handoff.overdue',
        handoffId: row.handoffId,
        handoffType: row.handoffType,
        dueBy: row.dueBy
      }
    }
  }
}

export async function sendNotice(
  deps: { db: Database; transport: Transporter; from: string; portalUrl: string | undefined },
  job: EmailJob
): Promise<'sent' | 'no-address' | 'gone'> {
  const [org] = await deps.db
    .select({ email: organisations.notificationEmail, language: organisations.noticeLanguage })
    .from(organisations)
    .where(eq(organisations.id, job.organisationId))
  if (org?.email == null) return 'no-address'
  const facts = await factsOf(deps.db, job)
  if (facts === undefined) return 'gone'
  const { subject, text, html } = noticeFor(facts, { language: org.language, portalUrl: deps.portalUrl })
  await deps.transport.sendMail({ from: deps.from, to: org.email, subject, text, html })
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
  const deps = { db: ctx.db, transport, from: ctx.config.SMTP_FROM, portalUrl: ctx.config.PORTAL_BASE_URL }
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
