import { describeCodes, HANDOFF_REASON_CODES, HOUSING_REFUSAL_CODES } from '../domain/reason-codes.ts'
import { handoffExample } from './examples.ts'
import { WorkContact } from './referrals.ts'
import { Type } from 'typebox'
import { DateOnly, DateTime, Nullable, Uuid } from './common.ts'
import { HANDOFF_STATUSES, HANDOFF_TYPES } from '../domain/handoffs.ts'
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
            Type.Enum(['granted', 'refused', 'allocated'], { description: 'The housing decision so far.' })
          ),
          validUntil: Nullable(DateTime('Until when a granted priority holds.')),
          refusalCode: Nullable(Type.String({ maxLength: 4000, description: 'Why priority was refused.' })),
          refusalReason: Nullable(Type.String({ maxLength: 4000, description: 'Explanation of a refusal.' })),
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

export const HousingDecisionInput = Type.Union(
  [
    Type.Object(
      { decision: Type.Literal('granted'), validUntil: DateTime('Until when the priority holds.') },
      { additionalProperties: false, title: 'HousingGranted' }
    ),
    Type.Object(
      {
        decision: Type.Literal('refused'),
        reasonCode: Type.Enum(HOUSING_REFUSAL_CODES, {
          description: `Why not. ${describeCodes(HOUSING_REFUSAL_CODES)}.`
        }),
        reason: Type.Optional(Type.String({ maxLength: 2000, description: 'Explanation.' }))
      },
      { additionalProperties: false, title: 'HousingRefused' }
    ),
    Type.Object(
      {
        decision: Type.Literal('allocated'),
        allocatedOn: DateOnly('When the dwelling was allocated.'),
        municipality: Type.String({ minLength: 1, maxLength: 100, description: 'Where.' })
      },
      { additionalProperties: false, title: 'HousingAllocated' }
    )
  ],
  {
    description: 'A decision on local allocation priority ("lokaal toewijzingsreglement").',
    examples: [{ decision: 'granted', validUntil: '2026-11-30T23:59:59+01:00' }]
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
