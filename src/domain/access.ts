import type { Principal } from '../core/caller.ts'
import { type HandoffStatus, OPEN_HANDOFF_STATUSES } from './handoffs.ts'
import type { ReferralStatus } from './vocabulary.ts'
import type { TransitionRole } from './status-machine.ts'
import { HANDOFF_RECIPIENT_VIEWS, recipientView, REFERRAL_VIEWS, type ReferralView } from './views.ts'

/** The organisations a referral is shared between by its nature. */
export interface ReferralParties {
  referrerOrganisationId: string
  programmeOrganisationId: string
}

/** The view a caller has of a referral as one of its parties, or null when it is none (→ 404). */
export function viewOf(principal: Principal, row: ReferralParties): ReferralView | null {
  if (principal.scopes.includes('admin')) return 'operator'
  if (principal.organisationId === row.programmeOrganisationId) return 'programme'
  if (principal.organisationId === row.referrerOrganisationId) return 'referrer'
  return null
}

/**
 * Whose referrals a caller lists: the programme those it received, a partner those it sent, the
 * operator all of them in its view (ids, status, dates and organisations: no personal data).
 */
export function listSideOf(principal: Principal): ReferralView {
  if (principal.scopes.includes('admin')) return 'operator'
  return principal.organisationType === 'programme' ? 'programme' : 'referrer'
}

/** A view: one of the parties', or a handoff recipient's by its organisation type. */
export type AnyView = ReferralView | `recipient:${string}`

export function viewFields(view: AnyView): readonly string[] {
  return view.startsWith('recipient:')
    ? HANDOFF_RECIPIENT_VIEWS[recipientView(view.slice('recipient:'.length))]
    : REFERRAL_VIEWS[view as ReferralView]
}

/** Who the caller is when it changes a referral's status; null: it may not. */
export function transitionRole(principal: Principal, row: ReferralParties): TransitionRole | null {
  if (principal.scopes.includes('admin')) return 'admin'
  if (principal.organisationId === row.programmeOrganisationId) {
    return principal.scopes.includes('referrals:manage') ? 'programme' : null
  }
  if (principal.organisationId === row.referrerOrganisationId) {
    return principal.scopes.includes('referrals:write') ? 'referrer' : null
  }
  return null
}

/** What a handoff recipient knows that decides whether it may see the mother's data. */
export interface RecipientFacts {
  handoffStatus: HandoffStatus
  referralStatus: ReferralStatus
  consentWithdrawn: boolean
  /** The mother's consent (`consent.sharingScope`) names the recipient's organisation type. */
  consentNamesType: boolean
}

/** The handoff statuses in which its recipient is at work, and so may see the referral. */
export const RECIPIENT_WORKING_STATUSES: readonly HandoffStatus[] = OPEN_HANDOFF_STATUSES
/** Referral statuses in which no recipient sees anything of the mother, whatever its handoff says. */
export const RECIPIENT_BLIND_REFERRAL_STATUSES: readonly ReferralStatus[] = ['entered-in-error']

/**
 * Access follows its reason (DESIGN §3): a recipient sees its projection of the referral only while
 * its handoff is open, the consent stands and names its type, and the referral is not in error;
 * otherwise only the record of its own handoff, without the mother's personal data.
 */
export function recipientAccess(f: RecipientFacts): 'projection' | 'record' {
  const sees =
    RECIPIENT_WORKING_STATUSES.includes(f.handoffStatus) &&
    !f.consentWithdrawn &&
    f.consentNamesType &&
    !RECIPIENT_BLIND_REFERRAL_STATUSES.includes(f.referralStatus)
  return sees ? 'projection' : 'record'
}
