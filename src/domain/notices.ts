import { HANDOFF_TYPE_LABELS, type HandoffType } from './handoffs.ts'
import { TRANSITIONS } from './status-machine.ts'
import { REFERRAL_STATUS_LABELS, type ReferralStatus } from './vocabulary.ts'

/**
 * What an e-mail notice may say: ids, the partner's own reference, codes and dates. Never a name,
 * an INSZ or free text: an inbox is not where special-category data belongs.
 */
export type NoticeFacts =
  | { kind: 'new_referral'; referralId: string; eventId: string }
  | { kind: 'delivery_exhausted'; endpointId: string; deliveryId: string }
  | { kind: 'consent_withdrawn'; referralId: string }
  | {
      kind: 'referral_update'
      type: 'referral.status_changed' | 'referral.contact_changed'
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

export function noticeFor(facts: NoticeFacts, baseUrl: string): { subject: string; text: string } {
  switch (facts.kind) {
    case 'new_referral':
      return {
        subject: 'Nieuwe doorverwijzing / new referral',
        text: `Er is een nieuwe doorverwijzing voor uw organisatie.\nA new referral was sent to your organisation.\n\n${baseUrl}/referrals/${facts.referralId}\n\nreferral ${facts.referralId}\nevent ${facts.eventId}\n`
      }
    case 'delivery_exhausted':
      return {
        subject: 'Webhook delivery failed / levering mislukt',
        text: `A webhook delivery failed after its last attempt. Redeliver it once the endpoint works again.\n\n${baseUrl}/webhooks/${facts.endpointId}/deliveries\n\nwebhook ${facts.endpointId}\ndelivery ${facts.deliveryId}\nevent type webhook.delivery_exhausted\n`
      }
    case 'consent_withdrawn':
      return {
        subject: 'Toestemming ingetrokken / consent withdrawn',
        text: `De mama trok haar toestemming in. Wie een overdracht van haar had, ziet haar gegevens niet meer; lopende overdrachten zijn geannuleerd.\nThe mother withdrew her consent. Handoff recipients no longer see her data; open handoffs were cancelled.\n\n${baseUrl}/referrals/${facts.referralId}\n\nreferral ${facts.referralId}\n`
      }
    case 'referral_update': {
      const label = REFERRAL_STATUS_LABELS[facts.status]
      const ref = facts.externalReference
      if (facts.type === 'referral.contact_changed')
        return {
          subject: `Doorverwijzing ${ref}: nieuwe contactpersoon / new contact person`,
          text: `Uw doorverwijzing ${ref} heeft een nieuwe contactpersoon bij het programma; u vindt die in de doorverwijzing.\nYour referral ${ref} has a new contact person at the programme; the referral shows who.\n\nStatus: ${label.nl} / ${label.en}\n`
        }
      return {
        subject: `Doorverwijzing ${ref}: ${label.nl} / ${label.en}`,
        text: `Uw doorverwijzing ${ref} heeft een nieuwe status: ${label.nl}.\nYour referral ${ref} has a new status: ${label.en}.\n`
      }
    }
    case 'handoff_due': {
      const label = HANDOFF_TYPE_LABELS[facts.handoffType]
      const link = `${baseUrl}/handoffs/${facts.handoffId}`
      if (facts.type === 'handoff.overdue')
        return {
          subject: `Overdracht over tijd / handoff overdue: ${label.nl}`,
          text: `Een overdracht aan uw organisatie (${label.nl}) moest afgehandeld zijn op ${facts.dueBy}.\nA handoff to your organisation (${label.en}) was due on ${facts.dueBy}.\n\n${link}\n`
        }
      return {
        subject: `Overdracht bijna over tijd / handoff due soon: ${label.nl}`,
        text: `Een overdracht aan uw organisatie (${label.nl}) moet afgehandeld zijn op ${facts.dueBy}.\nA handoff to your organisation (${label.en}) is due on ${facts.dueBy}.\n\n${link}\n`
      }
    }
  }
}
