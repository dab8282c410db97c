import {
  describeCodes,
  describeOutcomes,
  OUTCOME_CODES,
  OUTCOMES_FOR,
  REASON_CODES_FOR,
  REFERRAL_REASON_CODES
} from '../domain/reason-codes.ts'
import { accessLogExample, historyExample, referralExample, workerExample } from './examples.ts'
import { fieldsAlwaysRequired } from '../domain/status-machine.ts'
import { Type, type Static } from 'typebox'
import { HOUSING_DECISIONS } from '../domain/handoffs.ts'
import { DateOnly, DateTime, exactlyOneOf, Nullable, Uuid } from './common.ts'
import {
  CONSENT_METHODS,
  HOUSING_SITUATIONS,
  INCOME_SOURCES,
  INSZ_ABSENT_REASONS,
  LIFE_DOMAINS,
  REFERRAL_STATUSES,
  SCREENING_VALUES,
  SHARING_TYPES,
  TRACKS,
  URGENCIES
} from '../domain/vocabulary.ts'

const closed = { additionalProperties: false } as const
const Text = (maxLength: number, description: string) => Type.String({ minLength: 1, maxLength, description })
const Phone = Type.String({
  maxLength: 25,
  pattern: '^\\+?[0-9][0-9 ()./-]{5,24}$',
  description: 'Phone number, international form preferred (`+32 470 12 34 56`).'
})
const Email = Type.String({ format: 'email', maxLength: 254, description: 'E-mail address.' })
const Screening = (what: string) =>
  Type.Enum(SCREENING_VALUES, {
    description: `Deprivation on ${what}: \`vulnerable\`, \`not_vulnerable\` or \`unknown\`.`
  })

export const Address = Type.Object(
  {
    street: Text(200, 'Street.'),
    houseNumber: Text(20, 'House number with box, if any.'),
    postalCode: Type.String({
      pattern: '^[1-9][0-9]{3}$',
      maxLength: 4,
      description: 'Belgian postal code; routes the referral when no programmeId is given.'
    }),
    municipality: Text(100, 'Municipality.')
  },
  { title: 'Address', ...closed, description: 'Where the mother lives.' }
)

export const Mother = Type.Object(
  {
    givenName: Text(200, 'Given name.'),
    familyName: Text(200, 'Family name.'),
    birthDate: DateOnly('Birth date; gives an age of 12 to 55.'),
    insz: Type.Optional(
      Type.String({
        pattern: '^[0-9][0-9 .\\-/]{10,16}$',
        maxLength: 17,
        description: 'INSZ or BIS number (11 digits, separators allowed); checked, stored encrypted.'
      })
    ),
    inszAbsentReason: Type.Optional(
      Type.Enum(INSZ_ABSENT_REASONS, { description: 'Why there is no INSZ; required when `insz` is absent.' })
    ),
    phone: Type.Optional(Phone),
    email: Type.Optional(Email),
    address: Type.Optional(Address),
    preferredLanguage: Type.String({
      pattern: '^[a-z]{2}$',
      maxLength: 2,
      description: 'Preferred language, ISO 639-1 (`nl`, `fr`, `ar`, …).'
    }),
    interpreterNeeded: Type.Boolean({ description: 'Whether an interpreter is needed to talk with her.' })
  },
  { title: 'Mother', ...closed, description: 'The mother referred.', ...exactlyOneOf('insz', 'inszAbsentReason') }
)

export const Pregnancy = Type.Object(
  {
    expectedDeliveryDate: DateOnly('Expected delivery date; from one month ago to ten months ahead.')
  },
  { title: 'Pregnancy', ...closed, description: 'The pregnancy; give this or `youngestChild`, not both.' }
)

export const YoungestChild = Type.Object(
  {
    birthDate: DateOnly('Birth date of the youngest child; not in the future.')
  },
  {
    title: 'YoungestChild',
    ...closed,
    description: 'The youngest child, once born; give this or `pregnancy`, not both.'
  }
)

export const Household = Type.Object(
  {
    livesAloneWithChildren: Type.Boolean({ description: 'Single parent: lives without a partner.' }),
    numberOfChildren: Type.Integer({
      format: 'int32',
      minimum: 0,
      maximum: 30,
      description: 'Children in the household, not counting the pregnancy.'
    })
  },
  { title: 'Household', ...closed, description: 'The household.' }
)

export const ScreeningSchema = Type.Object(
  {
    income: Screening('income'),
    employment: Screening('employment'),
    education: Screening('education'),
    housing: Screening('housing'),
    childDevelopment: Screening("the child's development and stimulation"),
    health: Screening('health'),
    incomeSource: Type.Enum(INCOME_SOURCES, { description: 'Main income source; `none` is no income at all.' }),
    housingSituation: Type.Enum(HOUSING_SITUATIONS, {
      description: 'Housing situation; every value but `adequate` and `unknown` counts as bad housing.'
    })
  },
  {
    title: 'Screening',
    ...closed,
    description: 'Social screening at referral on the six Kind en Gezin deprivation criteria.'
  }
)

export const Consent = Type.Object(
  {
    givenAt: DateTime('When the mother consented; not in the future.'),
    recordedBy: Text(200, 'Who recorded the consent (name or role).'),
    method: Type.Enum(CONSENT_METHODS, { description: 'How consent was given.' }),
    sharingScope: Type.Array(Type.Enum(SHARING_TYPES), {
      minItems: 1,
      maxItems: SHARING_TYPES.length,
      uniqueItems: true,
      description: 'Organisation types her data may be shared with.'
    }),
    documentReference: Type.Optional(
      Text(200, "Where the signed form or note is kept in the sender's own file (a reference, not its content).")
    )
  },
  {
    title: 'Consent',
    ...closed,
    description: "The mother's consent. No consent, no referral.",
    examples: [
      {
        givenAt: '2026-05-31T10:00:00.000Z',
        recordedBy: 'Sara De Smet (Opkomst)',
        method: 'written',
        sharingScope: ['programme', 'ocmw'],
        documentReference: 'Dossier 2026/118, formulier 3'
      }
    ]
  }
)
export type ConsentInput = Static<typeof Consent>

export const consentVersionExample = {
  version: 2,
  kind: 'changed',
  givenAt: '2026-06-10T10:00:00.000Z',
  recordedBy: 'Sara De Smet (Opkomst)',
  method: 'written',
  sharingScope: ['programme', 'ocmw'],
  documentReference: 'Dossier 2026/118, formulier 3',
  byOrganisationId: null,
  byWorkerId: null,
  at: '2026-06-10T10:05:00.000Z'
}

export const ConsentVersion = Type.Object(
  {
    version: Type.Integer({
      format: 'int32',
      minimum: 1,
      maximum: 2147483647,
      description: '1 is the consent sent with the referral.'
    }),
    kind: Type.Enum(['given', 'changed', 'withdrawn'], {
      description: '`given`: the first, or again after a withdrawal; `changed`: its scope changed; `withdrawn`.'
    }),
    givenAt: DateTime('When she gave it (for a withdrawal: withdrew it).'),
    recordedBy: Type.String({ maxLength: 200, description: 'Who recorded it.' }),
    method: Nullable(Type.Enum(CONSENT_METHODS, { description: 'How it was given (null for a withdrawal).' })),
    sharingScope: Type.Array(Type.Enum(SHARING_TYPES), {
      maxItems: SHARING_TYPES.length,
      description: 'Organisation types her data may be shared with (empty once withdrawn).'
    }),
    documentReference: Nullable(Type.String({ maxLength: 200, description: 'Where the form or note is kept.' })),
    byOrganisationId: Nullable(Uuid('The organisation that recorded it.')),
    byWorkerId: Nullable(Uuid('The person it acted for (`Acting-Person`), if named.')),
    at: Nullable(DateTime('When it was recorded here.'))
  },
  { title: 'ConsentVersion', additionalProperties: false, examples: [consentVersionExample] }
)

export const ReferrerContact = Type.Object(
  {
    name: Text(200, 'The professional at the referring organisation.'),
    phone: Type.Optional(Phone),
    email: Type.Optional(Email)
  },
  { title: 'ReferrerContact', ...closed, description: 'Who to call back at the referring organisation.' }
)

const Needs = Type.Array(Type.Enum(LIFE_DOMAINS), {
  uniqueItems: true,
  maxItems: LIFE_DOMAINS.length,
  description: 'Life domains help is asked for.'
})
const Reason = Type.String({ maxLength: 4000, description: 'Why the mother is referred (free text).' })
const Urgency = Type.Enum(URGENCIES, { description: 'How urgent the referral is.' })

/** The fields a referrer sends and may later correct (everything but the routing fields). */
const correctable = {
  mother: Mother,
  pregnancy: Type.Optional(Pregnancy),
  youngestChild: Type.Optional(YoungestChild),
  household: Household,
  screening: ScreeningSchema,
  needs: Needs,
  reason: Reason,
  urgency: Urgency,
  consent: Consent,
  referrerContact: ReferrerContact
}

export const ReferralInput = Type.Object(
  {
    externalReference: Type.String({
      minLength: 1,
      maxLength: 100,
      pattern: '^[\\x21-\\x7E]+$',
      description: "The sender's own id for this referral; unique per sending organisation."
    }),
    ...correctable,
    programmeId: Type.Optional(
      Uuid('The receiving programme; when absent, routed by postal code or to the only programme.')
    )
  },
  {
    ...closed,
    $id: 'ReferralInput',
    title: 'ReferralInput',
    ...exactlyOneOf('pregnancy', 'youngestChild'),
    // Dated around 2026-06-01: the rules weigh dates against today (test/contract/examples.test.ts).
    examples: [
      {
        externalReference: referralExample.externalReference,
        // As a sender writes it: the INSZ with its separators, the consent in local time.
        mother: { ...referralExample.mother, insz: '85.07.30-033.28' },
        pregnancy: referralExample.pregnancy,
        household: referralExample.household,
        screening: referralExample.screening,
        needs: referralExample.needs,
        reason: referralExample.reason,
        urgency: 'routine',
        consent: { ...referralExample.consent, givenAt: '2026-05-28T10:15:00+02:00' },
        referrerContact: referralExample.referrerContact
      }
    ]
  }
)
export type ReferralInput = Static<typeof ReferralInput>

/** JSON merge patch of the referrer's own fields; `null` removes `pregnancy` or `youngestChild`. */
export const ReferralPatch = Type.Object(
  {
    mother: Type.Optional(Mother),
    pregnancy: Type.Optional(Nullable(Pregnancy)),
    youngestChild: Type.Optional(Nullable(YoungestChild)),
    household: Type.Optional(Household),
    screening: Type.Optional(ScreeningSchema),
    needs: Type.Optional(Needs),
    reason: Type.Optional(Reason),
    urgency: Type.Optional(Urgency),
    referrerContact: Type.Optional(ReferrerContact)
  },
  {
    ...closed,
    minProperties: 1,
    title: 'ReferralPatch',
    description: 'Each field given replaces the one sent before.',
    examples: [{ urgency: 'urgent', reason: 'Geen inkomen sinds januari; uithuiszetting aangekondigd voor eind juni.' }]
  }
)
export type ReferralPatch = Static<typeof ReferralPatch>

/** What is stored in `referrals.details`: the input without the INSZ and the routing fields. */
export type ReferralDetails = Omit<ReferralInput, 'externalReference' | 'programmeId' | 'mother'> & {
  mother: Omit<ReferralInput['mother'], 'insz'>
}

const Status = Type.Enum(REFERRAL_STATUSES, { description: 'FHIR R4 Task.status code.' })

/** A person's work contact as a partner sees it: never private data. */
export const WorkContact = Type.Object(
  {
    workerId: Uuid('The worker.'),
    name: Type.String({ maxLength: 200, description: 'Name.' }),
    role: Type.String({ maxLength: 200, description: 'Role, e.g. `maatschappelijk werker`.' }),
    workPhone: Nullable(Type.String({ maxLength: 25, description: 'Work phone.' })),
    workEmail: Nullable(Type.String({ maxLength: 254, description: 'Work e-mail.' }))
  },
  {
    additionalProperties: false,
    title: 'WorkContact',
    description: 'Who to call about it: a worker of the organisation, by their work contact.'
  }
)

const StatusStep = Type.Object(
  {
    status: Status,
    at: DateTime('When.'),
    reasonCode: Nullable(Type.String({ maxLength: 100, description: 'The reason code given, if any.' }))
  },
  { additionalProperties: false, title: 'StatusStep' }
)

/** Every field of a referral; each viewer sees the subset its row of `REFERRAL_VIEWS` names. */
export const ReferralFull = Type.Object(
  {
    view: Type.String({
      maxLength: 30,
      description: 'Whose view of the referral this is: which fields it has (`programme`, `referrer`, …).'
    }),
    id: Uuid('Id of the referral.'),
    version: Type.Integer({
      format: 'int32',
      maximum: 2147483647,
      minimum: 1,
      description: 'Grows with every change; the `ETag` is this number.'
    }),
    status: Status,
    statusReasonCode: Nullable(
      Type.String({ maxLength: 4000, description: 'Reason code of the last transition that needed one.' })
    ),
    statusReason: Nullable(Type.String({ maxLength: 4000, description: 'Explanation of the last transition.' })),
    redirectSuggestion: Nullable(
      Type.String({ maxLength: 4000, description: 'Where the programme suggests referring instead (rejections).' })
    ),
    track: Nullable(Type.Enum(TRACKS, { description: 'Programme track, once accepted.' })),
    externalReference: Type.String({ maxLength: 4000, description: "The sender's own id." }),
    referrerOrganisationId: Uuid('The referring organisation.'),
    programmeOrganisationId: Uuid('The receiving programme.'),
    mother: Mother,
    pregnancy: Nullable(Pregnancy),
    youngestChild: Nullable(YoungestChild),
    household: Household,
    screening: ScreeningSchema,
    needs: Needs,
    reason: Reason,
    urgency: Urgency,
    consent: Consent,
    referrerContact: ReferrerContact,
    assignedWorkerId: Nullable(Uuid("The programme's worker guiding her (`GET /organisations/{id}/workers`).")),
    programmeContact: Nullable(WorkContact),
    firstContactOn: Nullable(DateOnly('Date of the first contact.')),
    outcome: Nullable(
      Type.Enum(OUTCOME_CODES, {
        description: `What became of her when guidance ended. ${describeOutcomes(OUTCOME_CODES)}.`
      })
    ),
    outcomeNote: Nullable(Type.String({ maxLength: 4000, description: "The programme's own words on the outcome." })),
    statusHistory: Type.Array(StatusStep, {
      maxItems: 1000,
      description: 'Each status the referral took, oldest first.'
    }),
    possibleDuplicateOf: Nullable(Uuid('An open referral of the same mother by another organisation.')),
    acceptedAt: Nullable(DateTime('When the programme accepted: the start of guidance.')),
    consentWithdrawal: Nullable(
      Type.Object(
        {
          withdrawnAt: DateTime('From when she withdrew her consent.'),
          recordedBy: Nullable(Type.String({ maxLength: 4000, description: 'Who recorded the withdrawal.' }))
        },
        {
          additionalProperties: false,
          description: 'Set once the mother withdrew her consent: handoff recipients see nothing from then on.'
        }
      )
    ),
    handoffs: Type.Array(
      Type.Object(
        {
          id: Uuid('Id of the handoff.'),
          type: Type.String({ maxLength: 4000, description: 'Handoff type.' }),
          status: Type.String({ maxLength: 4000, description: 'Handoff status (FHIR Task codes).' }),
          toOrganisationId: Uuid('The organisation it was handed to.'),
          reason: Type.String({ maxLength: 4000, description: 'Why it was handed off.' }),
          dueBy: Nullable(DateOnly('When it should be done.')),
          housingDecision: Nullable(
            Type.Enum(HOUSING_DECISIONS, {
              description: 'Housing priority decision so far (housing_priority only).'
            })
          ),
          housingDecidedAt: Nullable(DateTime('When that decision was taken.')),
          createdAt: DateTime('When it was made.'),
          updatedAt: DateTime('Last change.')
        },
        { additionalProperties: false }
      ),
      { maxItems: 1000, description: 'Parts of the work handed to other organisations.' }
    ),
    createdAt: DateTime('When the referral was received.'),
    updatedAt: DateTime('Last change.')
  },
  { additionalProperties: false }
)
export type ReferralFull = Static<typeof ReferralFull>

export const TransitionInput = Type.Object(
  {
    status: Status,
    reasonCode: Type.Optional(
      Type.Enum(REFERRAL_REASON_CODES, {
        description: `Required for rejected, cancelled, on-hold, failed and entered-in-error, from the codes of that status. ${describeCodes(REFERRAL_REASON_CODES)}.`
      })
    ),
    reason: Type.Optional(Type.String({ maxLength: 2000, description: 'Explanation in words.' })),
    redirectSuggestion: Type.Optional(
      Type.String({ maxLength: 500, description: 'On rejection: where to refer instead.' })
    ),
    track: Type.Optional(Type.Enum(TRACKS, { description: 'Required for accepted (not when resuming from on-hold).' })),
    assignedWorkerId: Type.Optional(
      Uuid(
        "On accepted: the programme's worker who guides her, an active worker of the programme; the referrer's contact person. Later: `PUT /referrals/{referralId}/assignment`."
      )
    ),
    firstContactOn: Type.Optional(
      DateOnly('Required for in-progress (not when resuming from on-hold); not in the future.')
    ),
    outcome: Type.Optional(
      Type.Enum(OUTCOME_CODES, {
        description: `Required for completed (${OUTCOMES_FOR.completed.join(', ')}); for failed (${OUTCOMES_FOR.failed.join(', ')}) read from the reason code when absent.`
      })
    ),
    outcomeNote: Type.Optional(
      Type.String({
        maxLength: 2000,
        description: "On completed or failed: the programme's own words; the referrer never sees them."
      })
    ),
    closeOpenHandoffs: Type.Optional(
      Type.Boolean({
        description:
          'On completed or failed: cancel the handoffs still open (reason `referral_closed`). Without it, open handoffs refuse the move with 409 listing them.'
      })
    )
  },
  {
    additionalProperties: false,
    title: 'TransitionInput',
    examples: [{ status: 'accepted', track: 'opkomst_plus', assignedWorkerId: workerExample.id }],
    // What each target status needs, whoever moves it: the reason code from that status's list.
    allOf: REFERRAL_STATUSES.flatMap((to) => {
      const required = fieldsAlwaysRequired(to)
      if (required.length === 0) return []
      const codes = REASON_CODES_FOR[`referral.${to}` as keyof typeof REASON_CODES_FOR]
      return [
        {
          if: { properties: { status: { const: to } }, required: ['status'] },
          // biome-ignore lint/suspicious/noThenProperty: JSON Schema's `then`, never awaited
          then: {
            required,
            properties: {
              ...Object.fromEntries(
                required.map((field) => [field, field === 'reasonCode' && codes !== undefined ? { enum: codes } : {}])
              ),
              ...(to === 'completed' || to === 'failed' ? { outcome: { enum: OUTCOMES_FOR[to] } } : {})
            }
          }
        }
      ]
    })
  }
)
export type TransitionInput = Static<typeof TransitionInput>

export const HistoryEntry = Type.Object(
  {
    fromStatus: Nullable(Status),
    toStatus: Status,
    kind: Type.Enum(['status', 'assignment'], {
      description: '`status`: a transition; `assignment`: the guiding worker changed, the status stayed.'
    }),
    byOrganisationId: Nullable(Uuid('Who made the transition (null: the operator).')),
    byWorkerId: Nullable(
      Uuid('The person of that organisation who acted, when the request named one (`Acting-Person`).')
    ),
    assignedWorkerId: Nullable(Uuid('The worker this change assigned.')),
    reasonCode: Nullable(Type.String({ maxLength: 4000, description: 'Reason code given.' })),
    reason: Nullable(Type.String({ maxLength: 4000, description: 'Explanation given.' })),
    at: DateTime('When.')
  },
  { title: 'HistoryEntry', additionalProperties: false, examples: [historyExample] }
)

export const AccessLogEntry = Type.Object(
  {
    organisationId: Nullable(Uuid('The organisation that read or wrote (null: the operator).')),
    clientId: Nullable(Uuid('Its API client.')),
    onBehalfOfWorkerId: Nullable(
      Uuid('The person the client acted for, when the request named one (`Acting-Person`).')
    ),
    action: Type.String({ maxLength: 4000, description: '`create`, `read`, `list`, `update`, `transition`, …' }),
    purpose: Type.String({ maxLength: 4000, description: 'Why: the operation that touched the data.' }),
    requestId: Nullable(Type.String({ maxLength: 4000, description: 'Request id, as in the logs.' })),
    at: DateTime('When.')
  },
  { title: 'AccessLogEntry', additionalProperties: false, examples: [accessLogExample] }
)
