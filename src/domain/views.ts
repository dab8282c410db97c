/**
 * Who sees which fields of a referral (DESIGN §3), as data. Routes project with it, the response
 * schemas are derived from it and the tests compare key sets against it.
 */

export const REFERRAL_VIEWS = {
  /** The programme sees everything. */
  programme: [
    'id', 'version', 'status', 'statusReasonCode', 'statusReason', 'redirectSuggestion', 'track',
    'externalReference', 'referrerOrganisationId', 'programmeOrganisationId',
    'mother', 'pregnancy', 'youngestChild', 'household', 'screening', 'needs', 'reason', 'urgency', 'consent', 'referrerContact',
    'assignedWorker', 'firstContactOn', 'outcome', 'possibleDuplicateOf', 'acceptedAt', 'consentWithdrawal', 'handoffs', 'createdAt', 'updatedAt'
  ],
  /** What it sent, status and reasons, track; never the programme's internal fields. */
  referrer: [
    'id', 'version', 'status', 'statusReasonCode', 'statusReason', 'redirectSuggestion', 'track',
    'externalReference', 'referrerOrganisationId', 'programmeOrganisationId',
    'mother', 'pregnancy', 'youngestChild', 'household', 'screening', 'needs', 'reason', 'urgency', 'consent', 'referrerContact',
    'consentWithdrawal', 'handoffs.type', 'handoffs.status', 'handoffs.housingDecision', 'handoffs.createdAt', 'handoffs.updatedAt',
    'createdAt', 'updatedAt'
  ],
  /** The platform operator: enough to correct an entry in error, no personal data. */
  operator: ['id', 'version', 'status', 'referrerOrganisationId', 'programmeOrganisationId', 'createdAt', 'updatedAt']
} as const satisfies Record<string, readonly string[]>

export type ReferralView = keyof typeof REFERRAL_VIEWS

const IDENTITY = ['id', 'version', 'mother.givenName', 'mother.familyName', 'mother.birthDate', 'mother.insz']
const CONTACT = ['mother.phone', 'mother.email', 'mother.preferredLanguage', 'mother.interpreterNeeded']

/**
 * What a handoff recipient sees of the referral, by its organisation type (issue 6). Never health
 * criteria, the free-text reason, other handoffs or the programme's own fields.
 */
export const HANDOFF_RECIPIENT_VIEWS = {
  ocmw: [...IDENTITY, ...CONTACT, 'mother.address', 'household', 'screening.incomeSource'],
  housing: [...IDENTITY, ...CONTACT, 'household.numberOfChildren', 'household.livesAloneWithChildren', 'screening.housingSituation'],
  child_family: [...IDENTITY, ...CONTACT, 'mother.address', 'pregnancy', 'youngestChild'],
  other: [...IDENTITY, ...CONTACT]
} as const satisfies Record<string, readonly string[]>

export type RecipientView = keyof typeof HANDOFF_RECIPIENT_VIEWS
export function recipientView (type: string): RecipientView {
  return type === 'ocmw' || type === 'housing' || type === 'child_family' ? type : 'other'
}

/** Picks the fields named by dotted paths (`mother.givenName` picks one nested field). */
export function project<T extends Record<string, unknown>> (record: T, paths: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const path of paths) {
    const [head, ...rest] = path.split('.') as [string, ...string[]]
    const value = record[head]
    if (rest.length === 0) {
      out[head] = value === undefined ? null : value
    } else if (Array.isArray(value)) {
      // `handoffs.status` picks that field of every item.
      const existing = (out[head] ?? []) as Array<Record<string, unknown>>
      out[head] = value.map((item: Record<string, unknown>, i) => ({ ...existing[i], ...project(item, [rest.join('.')]) }))
    } else if (value !== null && typeof value === 'object') {
      const nested = (out[head] ?? {}) as Record<string, unknown>
      const picked = project(value as Record<string, unknown>, [rest.join('.')])
      out[head] = { ...nested, ...stripNull(picked) }
    } else {
      out[head] = out[head] ?? null
    }
  }
  return out
}

// Nested optional fields the sender left out stay out, as in what it sent.
function stripNull (o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null))
}

export function projectReferral (full: Record<string, unknown>, view: ReferralView): Record<string, unknown> {
  return project(full, REFERRAL_VIEWS[view])
}

/** The top-level keys a view's JSON has (`mother.insz` and `mother.phone` are one key, `mother`). */
export function topLevelKeys (paths: readonly string[]): string[] {
  return [...new Set(paths.map((p) => p.split('.')[0] as string))].sort()
}
