import { describeCodes, HANDOFF_REASON_CODES, HOUSING_REASON_CODES, REASON_CODES_FOR } from '../domain/reason-codes.ts'
import { handoffExample } from './examples.ts'
import { WorkContact } from './referrals.ts'
import { Type, type Static } from 'typebox'
import { DateOnly, DateTime, Nullable, Uuid } from './common.ts'
import { HANDOFF_STATUSES, HANDOFF_TYPES, HOUSING_DECISIONS, type HousingCompanyDecision } from '../domain/handoffs.ts'
import { RecipientViews, viewExample, viewUnion } from './views.ts'
import { HANDOFF_RECIPIENT_VIEWS } from '../domain/views.ts'

export const HandoffInput = Type.Object(
  {
    type: Type.Enum(HANDOFF_TYPES, {
      description: 'What is handed off; `housing_priority` goes to a housing organisation only.'
    }),
    toOrganisationId: Uuid('The organisation taking it on; its type must be in the consent sharingScope.'),
    reason: Type.String({
      minLength: 1,
      maxLength: 2000,
      description: 'What is asked of the recipient (it sees this).'
    }),
    dueBy: Type.Optional(DateOnly('When it should be done.'))
  },
  {
    additionalProperties: false,
    title: 'HandoffInput',
    examples: [
      {
        type: 'income_support',
        toOrganisationId: '3f2b6c1e-8a4d-4e7b-9c2a-5d6e7f8a9b0c',
        reason: 'Leefloon aanvragen: geen inkomen sinds januari.',
        dueBy: '2026-06-15'
      }
    ]
  }
)

export const Handoff = Type.Object(
  {
    id: Uuid('Id of the handoff.'),
    referralId: Uuid('The referral it belongs to.'),
    type: Type.Enum(HANDOFF_TYPES, { description: 'Handoff type.' }),
    status: Type.Enum(HANDOFF_STATUSES, { description: 'FHIR Task status code.' }),
    fromOrganisationId: Uuid('Who handed it off.'),
    toOrganisationId: Uuid('Who takes it on.'),
    reason: Nullable(
      Type.String({
        maxLength: 4000,
        description: 'What is asked; null in the record a recipient keeps of its closed work.'
      })
    ),
    dueBy: Nullable(DateOnly('When it should be done.')),
    statusReasonCode: Nullable(
      Type.String({
        maxLength: 4000,
        description: 'Reason code of the last transition (`consent_withdrawn` when consent was withdrawn).'
      })
    ),
    statusReason: Nullable(Type.String({ maxLength: 4000, description: 'Explanation of the last transition.' })),
    housing: Nullable(
      Type.Object(
        {
          decision: Nullable(
            Type.Enum(HOUSING_DECISIONS, { description: 'The last decision (history: `…/housing-decisions`).' })
          ),
          decidedAt: Nullable(DateTime('When it was taken.')),
          validUntil: Nullable(DateOnly('The last day a granted or extended priority holds.')),
          reasonCode: Nullable(Type.String({ maxLength: 100, description: 'Why it was refused or revoked.' })),
          reason: Nullable(Type.String({ maxLength: 4000, description: 'Explanation of a refusal or revocation.' })),
          allocatedOn: Nullable(DateOnly('When a dwelling was allocated.')),
          municipality: Nullable(Type.String({ maxLength: 4000, description: 'Where.' }))
        },
        { additionalProperties: false, description: 'Local allocation priority (housing_priority only).' }
      )
    ),
    contact: Nullable(WorkContact),
    version: Type.Integer({ format: 'int32', minimum: 0, maximum: 2147483647, description: 'The ETag.' }),
    createdAt: DateTime('When it was made.'),
    updatedAt: DateTime('Last change.')
  },
  { additionalProperties: false, title: 'Handoff', examples: [handoffExample] }
)

export const HandoffWithReferral = Type.Object(
  {
    ...Handoff.properties,
    referral: Nullable(
      viewUnion(RecipientViews, 'For the recipient: the fields of the referral its type needs, and nothing else.')
    )
  },
  {
    additionalProperties: false,
    title: 'HandoffWithReferral',
    examples: [{ ...handoffExample, referral: viewExample(HANDOFF_RECIPIENT_VIEWS.ocmw, 'recipient:ocmw') }]
  }
)

export const HandoffTransition = Type.Object(
  {
    status: Type.Enum(HANDOFF_STATUSES, { description: 'The new status.' }),
    reasonCode: Type.Optional(
      Type.Enum(HANDOFF_REASON_CODES, {
        description: `Required for rejected, failed and cancelled; the codes each allows are in REASON_CODES_FOR. ${describeCodes(HANDOFF_REASON_CODES)}.`
      })
    ),
    reason: Type.Optional(Type.String({ maxLength: 2000, description: 'Explanation.' })),
    contactWorkerId: Type.Optional(
      Uuid(
        'On accepted (recipient): its contact person for this work, an active worker of its own (`GET /organisations/{id}/workers`).'
      )
    )
  },
  { additionalProperties: false, title: 'HandoffTransition', examples: [{ status: 'received' }] }
)

/** What each decision needs; the rest of the fields are refused with it. */
const HOUSING_DECISION_FIELDS: Record<HousingCompanyDecision, readonly string[]> = {
  granted: ['validUntil'],
  extended: ['validUntil'],
  revoked: ['reasonCode'],
  refused: ['reasonCode'],
  allocated: ['allocatedOn', 'municipality']
}
const OPTIONAL_WITH: Record<string, readonly string[]> = { revoked: ['reason'], refused: ['reason'] }

export const HousingDecisionInput = Type.Object(
  {
    decision: Type.Enum(Object.keys(HOUSING_DECISION_FIELDS) as HousingCompanyDecision[], {
      description:
        '`granted` (with `validUntil`), `extended` (a later `validUntil`), `revoked` or `refused` (with `reasonCode`), `allocated` (with `allocatedOn` and `municipality`). Once the handoff is accepted; after an expiry or a revocation it may be granted again.'
    }),
    validUntil: Type.Optional(
      DateOnly('The last day the priority holds (Europe/Brussels): it expires as the next begins.')
    ),
    reasonCode: Type.Optional(
      Type.Enum(HOUSING_REASON_CODES, {
        description: `Why it is refused (${REASON_CODES_FOR['housing.refused'].join(', ')}) or revoked (${REASON_CODES_FOR['housing.revoked'].join(', ')}). ${describeCodes(HOUSING_REASON_CODES)}.`
      })
    ),
    reason: Type.Optional(Type.String({ minLength: 1, maxLength: 2000, description: 'Explanation.' })),
    allocatedOn: Type.Optional(DateOnly('When a dwelling was allocated.')),
    municipality: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Where.' }))
  },
  {
    additionalProperties: false,
    title: 'HousingDecisionInput',
    description: 'A decision on local allocation priority ("lokaal toewijzingsreglement").',
    examples: [{ decision: 'granted', validUntil: '2026-11-30' }],
    allOf: Object.entries(HOUSING_DECISION_FIELDS).map(([decision, required]) => {
      const allowed = new Set(['decision', ...required, ...(OPTIONAL_WITH[decision] ?? [])])
      const codes = REASON_CODES_FOR[`housing.${decision}` as keyof typeof REASON_CODES_FOR]
      return {
        if: { properties: { decision: { const: decision } }, required: ['decision'] },
        // biome-ignore lint/suspicious/noThenProperty: JSON Schema's `then`, never awaited
        then: {
          required,
          properties: {
            ...Object.fromEntries(required.map((f) => [f, {}])),
            ...Object.fromEntries(
              ['validUntil', 'reasonCode', 'reason', 'allocatedOn', 'municipality']
                .filter((f) => !allowed.has(f))
                .map((f) => [f, false])
            ),
            ...(codes === undefined ? {} : { reasonCode: { enum: codes } })
          }
        }
      }
    })
  }
)
export type HousingDecisionInput = Static<typeof HousingDecisionInput>

export const HousingDecisionRecord = Type.Object(
  {
    decision: Type.Enum(HOUSING_DECISIONS, { description: 'The decision; `expired` is stored by the service.' }),
    validThrough: Nullable(DateOnly('The last day a grant or an extension holds.')),
    reasonCode: Nullable(Type.String({ maxLength: 100, description: 'Why it was refused or revoked.' })),
    reason: Nullable(Type.String({ maxLength: 2000, description: 'Explanation.' })),
    allocatedOn: Nullable(DateOnly('When a dwelling was allocated.')),
    municipality: Nullable(Type.String({ maxLength: 100, description: 'Where.' })),
    byOrganisationId: Nullable(Uuid('Who decided (null: the service, for an expiry).')),
    byWorkerId: Nullable(Uuid('The person it acted for (`Acting-Person`), if named.')),
    at: DateTime('When.')
  },
  {
    additionalProperties: false,
    title: 'HousingDecisionRecord',
    examples: [
      {
        decision: 'granted',
        validThrough: '2026-11-30',
        reasonCode: null,
        reason: null,
        allocatedOn: null,
        municipality: null,
        byOrganisationId: handoffExample.toOrganisationId,
        byWorkerId: null,
        at: '2026-06-02T09:00:00.000Z'
      }
    ]
  }
)

export const ConsentWithdrawalInput = Type.Object(
  {
    withdrawnAt: DateTime('From when the mother withdrew her consent.'),
    recordedBy: Type.String({ minLength: 1, maxLength: 200, description: 'Who recorded it.' })
  },
  {
    additionalProperties: false,
    title: 'ConsentWithdrawalInput',
    examples: [{ withdrawnAt: '2026-05-31T18:00:00+02:00', recordedBy: 'Sara De Smet (Opkomst)' }]
  }
)
