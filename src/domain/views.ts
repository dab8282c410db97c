/**
 * Who sees which fields of a referral (DESIGN §3), as data. Routes project with it, the response
 * schemas are derived from it and the tests compare key sets against it.
 */

export const REFERRAL_VIEWS = {
  /** The programme sees everything. */
  programme: [
    'view',
    'id',
    'version',
    'status',
    'statusReasonCode',
    'statusReason',
    'redirectSuggestion',
    'track',
    'externalReference',
    'referrerOrganisationId',
    'programmeOrganisationId',
    'mother',
    'pregnancy',
    'youngestChild',
    'household',
    'screening',
    'needs',
    'reason',
    'urgency',
    'consent',
    'referrerContact',
    'assignedWorkerId',
    'programmeContact',
    'firstContactOn',
    'outcome',
    'outcomeNote',
    'statusHistory',
    'possibleDuplicateOf',
    'acceptedAt',
    'consentWithdrawal',
    'handoffs',
    'createdAt',
    'updatedAt'
  ],
  /**
   * What it sent, and what became of it (the closed loop): each status with its date and code, the
   * programme's contact person, first contact, the coded outcome. Never the programme's words.
   */
  referrer: [
    'view',
    'id',
    'version',
    'status',
    'statusReasonCode',
    'statusHistory',
    'programmeContact',
    'firstContactOn',
    'outcome',
    'acceptedAt',
    'track',
    'externalReference',
    'referrerOrganisationId',
    'programmeOrganisationId',
    'mother',
    'pregnancy',
    'youngestChild',
    'household',
    'screening',
    'needs',
    'reason',
    'urgency',
    'consent',
    'referrerContact',
    'consentWithdrawal',
    'handoffs.type',
    'handoffs.status',
    'handoffs.housingDecision',
    'handoffs.housingDecidedAt',
    'handoffs.createdAt',
    'handoffs.updatedAt',
    'createdAt',
    'updatedAt'
  ],
  /** The platform operator: enough to correct an entry in error, no personal data. */
  operator: [
    'view',
    'id',
    'version',
    'status',
    'referrerOrganisationId',
    'programmeOrganisationId',
    'createdAt',
    'updatedAt'
  ]
} as const satisfies Record<string, readonly string[]>

export type ReferralView = keyof typeof REFERRAL_VIEWS

const IDENTITY = ['view', 'id', 'version', 'mother.givenName', 'mother.familyName', 'mother.birthDate', 'mother.insz']
const CONTACT = ['mother.phone', 'mother.email', 'mother.preferredLanguage', 'mother.interpreterNeeded']

/**
 * What a handoff recipient sees of the referral, by its organisation type (issue 6). Never health
 * criteria, the free-text reason, other handoffs or the programme's own fields.
 */
export const HANDOFF_RECIPIENT_VIEWS = {
  ocmw: [...IDENTITY, ...CONTACT, 'mother.address', 'household', 'screening.incomeSource'],
  housing: [
    ...IDENTITY,
    ...CONTACT,
    'household.numberOfChildren',
    'household.livesAloneWithChildren',
    'screening.housingSituation'
  ],
  child_family: [...IDENTITY, ...CONTACT, 'mother.address', 'pregnancy', 'youngestChild'],
  other: [...IDENTITY, ...CONTACT]
} as const satisfies Record<string, readonly string[]>

export type RecipientView = keyof typeof HANDOFF_RECIPIENT_VIEWS
export function recipientView(type: string): RecipientView {
  return type === 'ocmw' || type === 'housing' || type === 'child_family' ? type : 'other'
}

/** The `view` field each answer carries, so a client tells the shapes apart (the contract's discriminator). */
export type ViewName = ReferralView | `recipient:${RecipientView}`
export function viewName(view: ReferralView | `recipient:${string}`): ViewName {
  return view.startsWith('recipient:')
    ? `recipient:${recipientView(view.slice('recipient:'.length))}`
    : (view as ReferralView)
}

/** Dotted paths as a tree: a field taken whole (null), or the fields picked of it. */
type Picks = Map<string, Picks | null>

function picksOf(paths: readonly string[]): Picks {
  const tree: Picks = new Map()
  for (const path of paths) {
    const parts = path.split('.')
    const last = parts.pop() as string
    let node: Picks | null = tree
    for (const part of parts) {
      if (node.get(part) === undefined) node.set(part, new Map())
      node = node.get(part) as Picks | null
      if (node === null) break // taken whole already
    }
    node?.set(last, null)
  }
  return tree
}

// The views are constants: each is parsed once, not on every answer.
const parsed = new WeakMap<readonly string[], Picks>()

/** Nested optional fields the sender left out (null) stay out, as in what it sent: `keepNulls` false. */
function pick(record: Record<string, unknown>, picks: Picks, keepNulls = true): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [head, picksOfHead] of picks) {
    const value = record[head]
    let picked: unknown = null
    if (picksOfHead === null) picked = value ?? null
    // `handoffs.status` picks that field of every item.
    else if (Array.isArray(value)) picked = value.map((item: Record<string, unknown>) => pick(item, picksOfHead))
    else if (value !== null && typeof value === 'object')
      picked = pick(value as Record<string, unknown>, picksOfHead, false)
    if (keepNulls || picked !== null) out[head] = picked
  }
  return out
}

/** Picks the fields named by dotted paths (`mother.givenName` picks one nested field). */
export function project<T extends Record<string, unknown>>(
  record: T,
  paths: readonly string[]
): Record<string, unknown> {
  let picks = parsed.get(paths)
  if (picks === undefined) {
    picks = picksOf(paths)
    parsed.set(paths, picks)
  }
  return pick(record, picks)
}

export function projectReferral(full: Record<string, unknown>, view: ReferralView): Record<string, unknown> {
  return project(full, REFERRAL_VIEWS[view])
}

/** The top-level keys a view's JSON has (`mother.insz` and `mother.phone` are one key, `mother`). */
export function topLevelKeys(paths: readonly string[]): string[] {
  return [...new Set(paths.map((p) => p.split('.')[0] as string))].sort()
}
