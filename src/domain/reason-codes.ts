/**
 * Every reason code (DESIGN §3: codes come from closed vocabularies with a Dutch and an English
 * label), and where each may be given. Events and the change feed carry only these codes; free text
 * stays in the views that may hold it.
 */
export const REASON_CODES = {
  not_eligible: { nl: 'Voldoet niet aan de voorwaarden', en: 'Not eligible' },
  outside_service_area: { nl: 'Buiten het werkingsgebied', en: 'Outside the service area' },
  no_capacity: { nl: 'Geen plaats', en: 'No capacity' },
  referred_elsewhere: { nl: 'Elders doorverwezen', en: 'Referred elsewhere' },
  declined_by_mother: { nl: 'Mama wil niet (meer)', en: 'Declined by the mother' },
  moved_away: { nl: 'Verhuisd', en: 'Moved away' },
  no_longer_needed: { nl: 'Niet meer nodig', en: 'No longer needed' },
  hospitalised: { nl: 'Opgenomen in het ziekenhuis', en: 'Hospitalised' },
  temporarily_unreachable: { nl: 'Tijdelijk onbereikbaar', en: 'Temporarily unreachable' },
  mother_request: { nl: 'Op vraag van mama', en: 'At the mother’s request' },
  unreachable: { nl: 'Onbereikbaar na aanklampend werken', en: 'Unreachable after outreach' },
  no_engagement: { nl: 'Geen samenwerking mogelijk', en: 'No engagement possible' },
  wrong_mother: { nl: 'Verkeerde persoon', en: 'Wrong person' },
  duplicate_record: { nl: 'Dubbele registratie', en: 'Duplicate record' },
  test_record: { nl: 'Testregistratie', en: 'Test record' },
  done_elsewhere: { nl: 'Elders geregeld', en: 'Arranged elsewhere' },
  income_too_high: { nl: 'Inkomen te hoog', en: 'Income too high' },
  not_our_competence: { nl: 'Niet onze bevoegdheid', en: 'Not our competence' },
  no_need: { nl: 'Geen nood aan voorrang', en: 'No need for priority' },
  no_local_tie: { nl: 'Geen lokale binding', en: 'No local tie' },
  committee_refused: { nl: 'Geweigerd door de toewijzingscommissie', en: 'Refused by the allocation committee' },
  // The service's own codes, not a caller's: the ones below.
  consent_withdrawn: { nl: 'Toestemming ingetrokken', en: 'Consent withdrawn' },
  consent_narrowed: { nl: 'Toestemming beperkt', en: 'Consent narrowed' },
  referral_entered_in_error: { nl: 'Doorverwijzing foutief ingevoerd', en: 'Referral entered in error' },
  referral_closed: { nl: 'Doorverwijzing afgesloten', en: 'Referral closed' },
  retention_expired: { nl: 'Bewaartermijn verstreken', en: 'Retention period ended' },
  data_subject_request: { nl: 'Op vraag van de betrokkene (AVG art. 17)', en: 'At her request (GDPR art. 17)' },
  unlawful_processing: { nl: 'Onrechtmatige verwerking', en: 'Unlawful processing' }
} as const satisfies Record<string, { nl: string; en: string }>

export type ReasonCode = keyof typeof REASON_CODES

/** The codes a caller may give, by what it gives them for. The codes from `consent_withdrawn` on above are the service's own (and the operator's erasure codes). */
export const REASON_CODES_FOR = {
  'referral.rejected': [
    'not_eligible',
    'outside_service_area',
    'no_capacity',
    'referred_elsewhere',
    'declined_by_mother'
  ],
  'referral.cancelled': [
    'moved_away',
    'declined_by_mother',
    'referred_elsewhere',
    'no_longer_needed',
    'duplicate_record'
  ],
  'referral.on-hold': ['hospitalised', 'temporarily_unreachable', 'mother_request'],
  'referral.failed': ['unreachable', 'declined_by_mother', 'moved_away', 'no_engagement'],
  'referral.entered-in-error': ['wrong_mother', 'duplicate_record', 'test_record'],
  'handoff.rejected': ['not_eligible', 'income_too_high', 'no_capacity', 'outside_service_area', 'not_our_competence'],
  'handoff.failed': ['unreachable', 'declined_by_mother', 'moved_away', 'no_engagement'],
  'handoff.cancelled': ['no_longer_needed', 'done_elsewhere', 'declined_by_mother', 'moved_away'],
  'housing.refused': ['no_need', 'income_too_high', 'no_local_tie', 'not_eligible', 'committee_refused'],
  'housing.revoked': ['no_longer_needed', 'moved_away', 'income_too_high', 'no_local_tie', 'declined_by_mother']
} as const satisfies Record<string, readonly ReasonCode[]>

/** Every code a caller may give for any referral transition, for handoff transitions, for housing refusals. */
const codesOf = (prefix: string) =>
  [
    ...new Set(
      Object.entries(REASON_CODES_FOR)
        .filter(([use]) => use.startsWith(prefix))
        .flatMap(([, codes]) => codes)
    )
  ] as ReasonCode[]
export const REFERRAL_REASON_CODES = codesOf('referral.')
export const HANDOFF_REASON_CODES = codesOf('handoff.')
export const HOUSING_REASON_CODES = codesOf('housing.')

/** Why a code may not be given for `use`, or null. */
export function reasonCodeProblem(use: string, code: string): string | null {
  const allowed = (REASON_CODES_FOR as Record<string, readonly string[]>)[use]
  if (allowed === undefined || allowed.includes(code)) return null
  return `must be one of ${allowed.join(', ')} for this status`
}

/** The codes with their labels, as a contract description lists them. */
export const describeCodes = (codes: readonly ReasonCode[]) =>
  codes.map((c) => `\`${c}\`: ${REASON_CODES[c].nl} / ${REASON_CODES[c].en}`).join('; ')

/**
 * What became of the mother when guidance ended (the referrer's closed loop: FHIR `Task.output`),
 * with its Dutch and English label. A completed referral ends with one of the first two, a failed
 * one with one of the others.
 */
export const OUTCOMES = {
  guidance_completed: { nl: 'Begeleiding afgerond', en: 'Guidance completed' },
  transferred: { nl: 'Overgedragen aan een andere dienst', en: 'Transferred to another service' },
  moved_away: { nl: 'Verhuisd', en: 'Moved away' },
  declined: { nl: 'Mama wil geen begeleiding (meer)', en: 'Declined by the mother' },
  not_reached: { nl: 'Niet bereikt', en: 'Not reached' },
  stopped_early: { nl: 'Voortijdig gestopt', en: 'Stopped early' }
} as const satisfies Record<string, { nl: string; en: string }>

export type Outcome = keyof typeof OUTCOMES
export const OUTCOME_CODES = Object.keys(OUTCOMES) as Outcome[]

export const OUTCOMES_FOR = {
  completed: ['guidance_completed', 'transferred'],
  failed: ['moved_away', 'declined', 'not_reached', 'stopped_early']
} as const satisfies Record<string, readonly Outcome[]>

/** The outcome a failure stands for when the programme names none: read from its reason code. */
const OUTCOME_OF_FAILURE: Record<(typeof REASON_CODES_FOR)['referral.failed'][number], Outcome> = {
  unreachable: 'not_reached',
  declined_by_mother: 'declined',
  moved_away: 'moved_away',
  no_engagement: 'stopped_early'
}

/** The outcome of an ending: the one given, or for a failure the one its reason code stands for. */
export function outcomeOf(to: string, given: Outcome | undefined, reasonCode: string | undefined): Outcome | null {
  if (to !== 'completed' && to !== 'failed') return null
  if (given !== undefined) return given
  return to === 'failed' ? (OUTCOME_OF_FAILURE[reasonCode as keyof typeof OUTCOME_OF_FAILURE] ?? null) : null
}

/** Why an outcome may not end a referral moving to `to`, or null. */
export function outcomeProblem(to: string, outcome: string): string | null {
  const allowed = (OUTCOMES_FOR as Record<string, readonly string[]>)[to]
  if (allowed === undefined) return 'is given only when completing or failing'
  return allowed.includes(outcome) ? null : `must be one of ${allowed.join(', ')} when ${to}`
}

/** The outcomes with their labels, as a contract description lists them. */
export const describeOutcomes = (codes: readonly Outcome[]) =>
  codes.map((c) => `\`${c}\`: ${OUTCOMES[c].nl} / ${OUTCOMES[c].en}`).join('; ')
