import { REFERRAL_STATUSES, type ReferralStatus } from './vocabulary.ts'

/** Who is asking, relative to one referral. */
export type TransitionRole = 'referrer' | 'programme' | 'admin'

/** Fields a transition body may carry; which are required depends on the target status. */
export type TransitionField = 'track' | 'reasonCode' | 'firstContactOn' | 'outcome'

interface Rule {
  from: readonly ReferralStatus[]
  to: ReferralStatus
  by: TransitionRole
  requires: readonly TransitionField[]
}

/** DESIGN §2, row for row. `on-hold` → "the status before it" is handled in `allowedTransitions`. */
export const TRANSITIONS: readonly Rule[] = [
  { from: ['requested'], to: 'received', by: 'programme', requires: [] },
  { from: ['requested', 'received'], to: 'accepted', by: 'programme', requires: ['track'] },
  { from: ['requested', 'received'], to: 'rejected', by: 'programme', requires: ['reasonCode'] },
  { from: ['requested', 'received', 'accepted'], to: 'cancelled', by: 'referrer', requires: ['reasonCode'] },
  { from: ['accepted'], to: 'in-progress', by: 'programme', requires: ['firstContactOn'] },
  { from: ['accepted', 'in-progress'], to: 'on-hold', by: 'programme', requires: ['reasonCode'] },
  { from: ['accepted', 'in-progress', 'on-hold'], to: 'failed', by: 'programme', requires: ['reasonCode'] },
  { from: ['in-progress'], to: 'completed', by: 'programme', requires: ['outcome'] },
  { from: ['requested', 'received'], to: 'entered-in-error', by: 'referrer', requires: ['reasonCode'] },
  {
    from: REFERRAL_STATUSES.filter((s) => s !== 'entered-in-error'),
    to: 'entered-in-error',
    by: 'admin',
    requires: ['reasonCode']
  }
]

/** The statuses `role` may move a referral in status `from` to. */
export function allowedTransitions(
  from: ReferralStatus,
  role: TransitionRole,
  statusBeforeHold?: ReferralStatus | null
): ReferralStatus[] {
  const targets = TRANSITIONS.filter((r) => r.by === role && r.from.includes(from)).map((r) => r.to)
  if (from === 'on-hold' && role === 'programme' && statusBeforeHold != null) targets.unshift(statusBeforeHold)
  return targets
}

export type TransitionCheck =
  | { ok: true }
  | { ok: false; reason: 'not_allowed'; allowed: ReferralStatus[] }
  | { ok: false; reason: 'missing_fields'; missing: TransitionField[] }

export function checkTransition(
  from: ReferralStatus,
  to: ReferralStatus,
  role: TransitionRole,
  fields: Partial<Record<TransitionField, unknown>>,
  statusBeforeHold?: ReferralStatus | null
): TransitionCheck {
  const allowed = allowedTransitions(from, role, statusBeforeHold)
  if (!allowed.includes(to)) return { ok: false, reason: 'not_allowed', allowed }
  // Returning from on-hold needs nothing; every other target has exactly one rule per role.
  const rule =
    from === 'on-hold' && to === statusBeforeHold
      ? undefined
      : TRANSITIONS.find((r) => r.by === role && r.to === to && r.from.includes(from))
  const missing = (rule?.requires ?? []).filter(
    (f) => fields[f] === undefined || fields[f] === null || fields[f] === ''
  )
  return missing.length > 0 ? { ok: false, reason: 'missing_fields', missing } : { ok: true }
}

/** Statuses a referral on hold returns to; moving back to them needs no fields. */
const RESUMABLE: ReadonlySet<ReferralStatus> = new Set(
  TRANSITIONS.filter((r) => r.to === 'on-hold').flatMap((r) => r.from)
)

/**
 * The fields a move to `to` needs whoever makes it and from wherever: what the request schema can
 * require by the target status alone (the rest, such as `track` when accepting, is checked here).
 */
export function fieldsAlwaysRequired(to: ReferralStatus): TransitionField[] {
  const rules = TRANSITIONS.filter((r) => r.to === to)
  if (RESUMABLE.has(to) || rules.length === 0) return []
  return (rules[0] as Rule).requires.filter((f) => rules.every((r) => r.requires.includes(f)))
}
