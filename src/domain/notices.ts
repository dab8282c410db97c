import { HANDOFF_TYPE_LABELS, type HandoffType } from './handoffs.ts'
import { TRANSITIONS } from './status-machine.ts'
import { REFERRAL_STATUS_LABELS, type ReferralStatus } from './vocabulary.ts'
import { labelOf, message, type Language } from '../i18n/index.ts'
import type { MessageKey } from '../i18n/messages.ts'

/**
 * What an e-mail notice may say: ids, the partner's own reference, codes and dates. Never a name,
 * an INSZ or free text: an inbox is not where special-category data belongs.
 */
export type NoticeFacts =
  | { kind: 'new_referral'; referralId: string; externalReference: string; urgent: boolean }
  | { kind: 'delivery_exhausted'; endpointId: string; deliveryId: string }
  | { kind: 'consent_withdrawn'; referralId: string; externalReference: string }
  | {
      kind: 'referral_update'
      type: 'referral.status_changed' | 'referral.contact_changed'
      referralId: string
      externalReference: string
      status: ReferralStatus
    }
  | {
      kind: 'handoff_due'
      type: 'handoff.due_soon' | 'handoff.overdue'
      handoffId: string
      handoffType: HandoffType
      dueBy: string
    }

/** The statuses the programme sets: each is news to the referrer (its own cancellation is not). */
const PROGRAMME_STATUSES = new Set(TRANSITIONS.filter((t) => t.by === 'programme').map((t) => t.to))

/** Whether the referrer is e-mailed about an event of `type` that left its referral in `status`. */
export function referrerIsEmailed(type: string, status: string | null): boolean {
  if (type === 'referral.contact_changed') return true
  return type === 'referral.status_changed' && PROGRAMME_STATUSES.has(status as ReferralStatus)
}

const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

export interface Notice {
  subject: string
  text: string
  html: string
}

/** The subject, the sentences and the portal page of a notice, in `language`. */
function contentOf(facts: NoticeFacts, language: Language): { subject: string; lines: string[]; page: string | null } {
  const say = (key: MessageKey, params: Record<string, string> = {}) => message(language, key, params)
  switch (facts.kind) {
    case 'new_referral': {
      const reference = facts.externalReference
      return {
        subject: say(facts.urgent ? 'email.newReferral.subjectUrgent' : 'email.newReferral.subject', { reference }),
        lines: [
          ...(facts.urgent ? [`${say('email.urgent')}: ${say('email.newReferral.urgent')}`] : []),
          say('email.newReferral.body', { reference })
        ],
        page: `/referrals/${facts.referralId}`
      }
    }
    case 'delivery_exhausted':
      return {
        subject: say('email.deliveryExhausted.subject'),
        lines: [say('email.deliveryExhausted.body', { endpointId: facts.endpointId, deliveryId: facts.deliveryId })],
        page: `/webhooks/${facts.endpointId}`
      }
    case 'consent_withdrawn':
      return {
        subject: say('email.consentWithdrawn.subject', { reference: facts.externalReference }),
        lines: [say('email.consentWithdrawn.body', { reference: facts.externalReference })],
        page: `/referrals/${facts.referralId}`
      }
    case 'referral_update': {
      const status = labelOf(REFERRAL_STATUS_LABELS, facts.status, language)
      const reference = facts.externalReference
      const contact = facts.type === 'referral.contact_changed'
      return {
        subject: say(contact ? 'email.contact.subject' : 'email.status.subject', { reference, status }),
        lines: [say(contact ? 'email.contact.body' : 'email.status.body', { reference, status })],
        // The referrer follows its referral in its own system by its own reference: no id, no link.
        page: null
      }
    }
    case 'handoff_due': {
      const type = labelOf(HANDOFF_TYPE_LABELS, facts.handoffType, language)
      const overdue = facts.type === 'handoff.overdue'
      return {
        subject: say(overdue ? 'email.handoffOverdue.subject' : 'email.handoffDue.subject', { type }),
        lines: [say(overdue ? 'email.handoffOverdue.body' : 'email.handoffDue.body', { type, dueBy: facts.dueBy })],
        page: `/handoffs/${facts.handoffId}`
      }
    }
  }
}

/**
 * A notice as text and HTML, in the recipient organisation's language: a clear subject, the
 * partner's own reference, urgency where the referral says so, and a link into the partners'
 * portal when one is configured (never into the API, which a browser cannot open).
 */
export function noticeFor(facts: NoticeFacts, options: { language: Language; portalUrl: string | undefined }): Notice {
  const { language } = options
  const { subject, lines, page } = contentOf(facts, language)
  const link =
    options.portalUrl === undefined || page === null ? null : `${options.portalUrl.replace(/\/+$/, '')}${page}`
  const greeting = message(language, 'email.greeting')
  const closing = [message(language, 'email.signature'), message(language, 'email.noReply')]
  const text = [
    greeting,
    '',
    ...lines,
    ...(link === null ? [] : ['', `${message(language, 'email.open')}: ${link}`]),
    '',
    ...closing
  ].join('\n')
  const html = `<!doctype html>
<html lang="${language}"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>
<body style="font-family: Arial, sans-serif; font-size: 15px; color: #1a1a1a;">
<p>${escapeHtml(greeting)}</p>
${lines.map((l) => `<p>${escapeHtml(l)}</p>`).join('\n')}
${link === null ? '' : `<p><a href="${escapeHtml(link)}">${escapeHtml(message(language, 'email.open'))}</a></p>`}
<p style="color: #555555; font-size: 13px;">${closing.map(escapeHtml).join('<br>')}</p>
</body></html>
`
  return { subject, text: `${text}\n`, html }
}
