import { addDays, addMonths, belgianMidnight } from './dates.ts'
import type { OrganisationType } from './vocabulary.ts'

export const HANDOFF_TYPES = [
  'income_support',
  'housing_priority',
  'postnatal_followup',
  'debt_mediation',
  'childcare',
  'mental_health',
  'social_work',
  'other'
] as const
export type HandoffType = (typeof HANDOFF_TYPES)[number]

export const HANDOFF_TYPE_LABELS: Record<HandoffType, { nl: string; en: string }> = {
  income_support: { nl: 'Inkomensondersteuning', en: 'Income support' },
  housing_priority: { nl: 'Voorrang voor een sociale woning', en: 'Social housing priority' },
  postnatal_followup: { nl: 'Postnatale opvolging', en: 'Postnatal follow-up' },
  debt_mediation: { nl: 'Schuldbemiddeling', en: 'Debt mediation' },
  childcare: { nl: 'Kinderopvang', en: 'Childcare' },
  mental_health: { nl: 'Geestelijke gezondheid', en: 'Mental health' },
  social_work: { nl: 'Maatschappelijk werk', en: 'Social work' },
  other: { nl: 'Andere', en: 'Other' }
}

export const HANDOFF_STATUSES = [
  'requested',
  'received',
  'accepted',
  'rejected',
  'in-progress',
  'completed',
  'failed',
  'cancelled'
] as const
export type HandoffStatus = (typeof HANDOFF_STATUSES)[number]
export const HANDOFF_STATUS_LABELS: Record<HandoffStatus, { nl: string; en: string }> = {
  requested: { nl: 'Gevraagd', en: 'Requested' },
  received: { nl: 'Ontvangen', en: 'Received' },
  accepted: { nl: 'Aanvaard', en: 'Accepted' },
  rejected: { nl: 'Geweigerd', en: 'Rejected' },
  'in-progress': { nl: 'Loopt', en: 'In progress' },
  completed: { nl: 'Afgerond', en: 'Completed' },
  failed: { nl: 'Niet gelukt', en: 'Failed' },
  cancelled: { nl: 'Geannuleerd', en: 'Cancelled' }
}
export const OPEN_HANDOFF_STATUSES: readonly HandoffStatus[] = ['requested', 'received', 'accepted', 'in-progress']

/** Who acts on a handoff: the organisation that made it, or the one it was made to. */
export type HandoffRole = 'creator' | 'recipient'

const RULES: ReadonlyArray<{
  from: readonly HandoffStatus[]
  to: HandoffStatus
  by: HandoffRole
  requires: readonly string[]
}> = [
  { from: ['requested'], to: 'received', by: 'recipient', requires: [] },
  { from: ['received'], to: 'accepted', by: 'recipient', requires: [] },
  { from: ['received'], to: 'rejected', by: 'recipient', requires: ['reasonCode'] },
  { from: ['accepted'], to: 'in-progress', by: 'recipient', requires: [] },
  { from: ['in-progress'], to: 'completed', by: 'recipient', requires: [] },
  { from: ['in-progress'], to: 'failed', by: 'recipient', requires: ['reasonCode'] },
  { from: OPEN_HANDOFF_STATUSES, to: 'cancelled', by: 'creator', requires: ['reasonCode'] }
]

export function allowedHandoffTransitions(from: HandoffStatus, role: HandoffRole): HandoffStatus[] {
  return RULES.filter((r) => r.by === role && r.from.includes(from)).map((r) => r.to)
}

export type HandoffCheck =
  | { ok: true }
  | { ok: false; reason: 'not_allowed'; allowed: HandoffStatus[] }
  | { ok: false; reason: 'missing_fields'; missing: string[] }

export function checkHandoffTransition(
  from: HandoffStatus,
  to: HandoffStatus,
  role: HandoffRole,
  fields: Record<string, unknown>
): HandoffCheck {
  const rule = RULES.find((r) => r.by === role && r.to === to && r.from.includes(from))
  if (rule === undefined) return { ok: false, reason: 'not_allowed', allowed: allowedHandoffTransitions(from, role) }
  const missing = rule.requires.filter((f) => fields[f] === undefined || fields[f] === '')
  return missing.length > 0 ? { ok: false, reason: 'missing_fields', missing } : { ok: true }
}

/** The handoff types a new organisation takes until the operator says otherwise, by its type. */
export const DEFAULT_HANDOFF_TYPES: Record<OrganisationType, readonly HandoffType[]> = {
  ocmw: ['income_support', 'debt_mediation', 'social_work', 'other'],
  housing: ['housing_priority', 'other'],
  child_family: ['postnatal_followup', 'childcare', 'other'],
  social_work: ['social_work', 'debt_mediation', 'mental_health', 'other'],
  hospital: ['postnatal_followup', 'mental_health', 'other'],
  midwife: ['postnatal_followup', 'other'],
  programme: ['social_work', 'other'],
  other: HANDOFF_TYPES.filter((t) => t !== 'housing_priority'),
  city: [],
  operator: []
}

/** Why an organisation cannot take a handoff of `type`, or null. Only a housing company decides on local allocation priority. */
export function recipientTypeError(
  type: HandoffType,
  recipient: { type: OrganisationType; acceptedHandoffTypes: readonly string[]; deactivatedAt: string | null }
): string | null {
  if (recipient.type === 'operator') return 'the operator receives no handoffs'
  if (recipient.type === 'city') return 'the city receives no handoffs: it reads aggregate figures only'
  if (recipient.deactivatedAt !== null) return 'the organisation was deactivated'
  if (type === 'housing_priority' && recipient.type !== 'housing')
    return 'a housing_priority handoff goes to a housing organisation'
  if (!recipient.acceptedHandoffTypes.includes(type))
    return `the organisation does not take ${type} handoffs (see GET /directory/organisations)`
  return null
}

/** Why a list of handoff types cannot be an organisation's, or null (housing priority is the housing companies'). */
export function acceptedTypesError(type: OrganisationType, accepted: readonly HandoffType[]): string | null {
  if (type !== 'housing' && accepted.includes('housing_priority'))
    return 'only a housing organisation takes housing_priority'
  if (type === 'operator' && accepted.length > 0) return 'the operator takes no handoffs'
  if (type === 'city' && accepted.length > 0) return 'the city takes no handoffs'
  return null
}

/**
 * A housing priority's decisions, in order: `granted` (valid through a Belgian date), `extended`,
 * `revoked` (coded), `expired` (stored by the timer the day after it ran out), `allocated`; or
 * `refused`. After an expiry or a revocation it may be granted again.
 */
export const HOUSING_DECISIONS = ['granted', 'extended', 'revoked', 'expired', 'allocated', 'refused'] as const
export type HousingDecision = (typeof HOUSING_DECISIONS)[number]
/** What a housing company decides; `expired` is the timer's. */
export type HousingCompanyDecision = Exclude<HousingDecision, 'expired'>

const NEXT_DECISIONS: Record<HousingDecision | 'none', readonly HousingCompanyDecision[]> = {
  none: ['granted', 'refused'],
  granted: ['extended', 'revoked', 'allocated'],
  extended: ['extended', 'revoked', 'allocated'],
  revoked: ['granted'],
  expired: ['granted'],
  allocated: [],
  refused: []
}

/** The handoff statuses in which a housing company decides: it accepted the work and has not ended it. */
export const HOUSING_DECIDING_STATUSES: readonly HandoffStatus[] = ['accepted', 'in-progress']

/** A priority that stands: granted or extended, not yet expired, revoked or used. */
export const isStandingPriority = (decision: HousingDecision | null) =>
  decision === 'granted' || decision === 'extended'

/**
 * Why a housing company may not take `next` now, or null. `validThrough` is the standing
 * priority's last day, `until` the one a grant or extension asks for, `today` the Belgian date.
 */
export function housingDecisionError(
  current: HousingDecision | null,
  next: HousingCompanyDecision,
  facts: { validThrough: string | null; until?: string | undefined; today: string }
): string | null {
  const allowed = NEXT_DECISIONS[current ?? 'none']
  if (!allowed.includes(next)) {
    const after = current === null ? 'before any decision' : `after ${current}`
    return allowed.length === 0
      ? `the priority was ${current}: nothing more is decided`
      : `${after} the priority can be ${allowed.join(' or ')}, not ${next}`
  }
  if (next === 'allocated' && facts.validThrough !== null && facts.validThrough < facts.today)
    return 'the priority expired before allocation'
  if (
    next === 'extended' &&
    facts.until !== undefined &&
    facts.validThrough !== null &&
    facts.until <= facts.validThrough
  )
    return `an extension runs past the current last day (${facts.validThrough})`
  return null
}

/** Why a grant's or an extension's last day is refused, or null: from today, within two years. */
export function validThroughProblem(until: string, today: string): string | null {
  if (until < today) return 'must not be in the past'
  if (until > addMonths(today, 24)) return 'must be within two years'
  return null
}

/** A priority valid through a Belgian day expires as the next one begins. */
export const housingExpiresAt = (validThrough: string): Date => belgianMidnight(addDays(validThrough, 1))
