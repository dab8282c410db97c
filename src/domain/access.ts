import type { Principal } from '../core/caller.ts'
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
