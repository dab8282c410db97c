/**
 * The FHIR face of our vocabularies: every code system the FHIR interface uses that is ours,
 * made from the same label tables as the REST API, so a code has one Dutch and one English label
 * wherever it appears. External systems (INSZ, LOINC, HL7) are named here too, once.
 */
import { HANDOFF_STATUS_LABELS, HANDOFF_TYPE_LABELS } from '../handoffs.ts'
import { OUTCOMES, REASON_CODES } from '../reason-codes.ts'
import {
  CONSENT_METHOD_LABELS,
  HOUSING_SITUATION_LABELS,
  INCOME_SOURCE_LABELS,
  INSZ_ABSENT_REASON_LABELS,
  LIFE_DOMAIN_LABELS,
  type Labels,
  ORGANISATION_TYPE_LABELS,
  REFERRAL_STATUS_LABELS,
  SCREENING_CRITERION_LABELS,
  SCREENING_VALUE_LABELS,
  TRACK_LABELS
} from '../vocabulary.ts'

/**
 * Where our canonical URLs live. A canonical names a definition, not a server: it stays the same on
 * every deployment, while each deployment also serves the CodeSystems at `/fhir/CodeSystem/{id}`.
 */
export const CANONICAL = 'https://opkomst.be/fhir'

export const FHIR_JSON = 'application/fhir+json'

/** A deployment's FHIR base URL, from its public base URL. */
export const fhirBaseOf = (publicBaseUrl: string) => `${publicBaseUrl.replace(/\/+$/, '')}/fhir`

export const SYSTEMS = {
  /** The Belgian federal core profiles' naming system for the INSZ/NISS. */
  ssin: 'https://www.ehealth.fgov.be/standards/fhir/core/NamingSystem/ssin',
  loinc: 'http://loinc.org',
  bcp47: 'urn:ietf:bcp:47',
  taskCode: 'http://hl7.org/fhir/CodeSystem/task-code',
  observationCategory: 'http://terminology.hl7.org/CodeSystem/observation-category',
  consentScope: 'http://terminology.hl7.org/CodeSystem/consentscope',
  actCode: 'http://terminology.hl7.org/CodeSystem/v3-ActCode',
  issueType: 'http://hl7.org/fhir/issue-type'
} as const

export const EXTENSIONS = {
  interpreterRequired: 'http://hl7.org/fhir/StructureDefinition/patient-interpreterRequired',
  streetName: 'http://hl7.org/fhir/StructureDefinition/iso21090-ADXP-streetName',
  houseNumber: 'http://hl7.org/fhir/StructureDefinition/iso21090-ADXP-houseNumber',
  inszAbsentReason: `${CANONICAL}/StructureDefinition/insz-absent-reason`,
  consentRecordedBy: `${CANONICAL}/StructureDefinition/consent-recorded-by`,
  consentMethod: `${CANONICAL}/StructureDefinition/consent-method`,
  sharingScope: `${CANONICAL}/StructureDefinition/sharing-scope`,
  /** On a Subscription just created only: the secret its notifications are signed with. */
  signingSecret: `${CANONICAL}/StructureDefinition/signing-secret`,
  backportPayload: 'http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-payload-content',
  backportHeartbeat: 'http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-heartbeat-period',
  backportFilter: 'http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-filter-criteria'
} as const

/** The one topic a Subscription may name: a referral's Task changed status (or was handed on). */
export const TASK_STATUS_TOPIC = `${CANONICAL}/SubscriptionTopic/referral-task-status`

/** LOINC codes the Gravity SDOH guide uses for what we screen, where one fits exactly. */
export const LOINC = {
  housingStatus: '71802-3',
  estimatedDeliveryDate: '11778-8',
  patientConsent: '59284-0'
} as const

/** What the screening Observations of a ServiceRequest record (the `code` of each). */
export const SCREENING_ITEM_LABELS = {
  ...SCREENING_CRITERION_LABELS,
  incomeSource: { nl: 'Voornaamste inkomensbron', en: 'Main income source' },
  housingSituation: { nl: 'Woonsituatie', en: 'Housing situation' },
  livesAloneWithChildren: { nl: 'Alleenstaande ouder', en: 'Single parent' },
  numberOfChildren: { nl: 'Aantal kinderen in het gezin', en: 'Children in the household' },
  expectedDeliveryDate: { nl: 'Verwachte bevallingsdatum', en: 'Expected delivery date' },
  youngestChildBirthDate: { nl: 'Geboortedatum jongste kind', en: 'Birth date of the youngest child' }
} as const satisfies Labels<string>
export type ScreeningItem = keyof typeof SCREENING_ITEM_LABELS

interface CodeSystemSource {
  title: string
  description: string
  labels: Record<string, { nl: string; en: string }>
}

/** Our code systems by id; each is served at `/fhir/CodeSystem/{id}` with canonical `${CANONICAL}/CodeSystem/{id}`. */
export const CODE_SYSTEMS = {
  'referral-service': {
    title: 'Opkomst referral service',
    description: 'What a referral asks for.',
    labels: { opkomst: { nl: 'Doorverwijzing naar Opkomst / Opkomst+', en: 'Referral to Opkomst / Opkomst+' } }
  },
  'referral-status': {
    title: 'Referral status as a person reads it',
    description: 'Task.businessStatus: the FHIR Task status in the words of the programme.',
    labels: REFERRAL_STATUS_LABELS
  },
  'handoff-status': {
    title: 'Handoff status as a person reads it',
    description: 'Task.businessStatus of a handoff sub-Task.',
    labels: HANDOFF_STATUS_LABELS
  },
  'reason-code': {
    title: 'Status reasons',
    description: 'Why a referral or handoff moved to its status (Task.statusReason).',
    labels: REASON_CODES
  },
  outcome: { title: 'Outcomes', description: 'How guidance ended (Task.output).', labels: OUTCOMES },
  'task-output': {
    title: 'Task outputs',
    description: 'What Task.output carries back to the referrer.',
    labels: {
      outcome: { nl: 'Uitkomst', en: 'Outcome' },
      'first-contact': { nl: 'Datum eerste contact', en: 'First contact date' },
      'contact-person': { nl: 'Contactpersoon', en: 'Contact person' },
      track: { nl: 'Traject', en: 'Track' }
    }
  },
  track: { title: 'Tracks', description: 'Opkomst or Opkomst+.', labels: TRACK_LABELS },
  'life-domain': {
    title: 'Life domains',
    description: 'The domains help is asked for (ServiceRequest.reasonCode).',
    labels: LIFE_DOMAIN_LABELS
  },
  'screening-item': {
    title: 'Screening items',
    description: 'What each screening Observation records.',
    labels: SCREENING_ITEM_LABELS
  },
  'screening-value': {
    title: 'Deprivation',
    description: 'The answer on each Kind en Gezin deprivation criterion.',
    labels: SCREENING_VALUE_LABELS
  },
  'income-source': { title: 'Income sources', description: 'Main income source.', labels: INCOME_SOURCE_LABELS },
  'housing-situation': {
    title: 'Housing situations',
    description: 'Every value but adequate and unknown counts as bad housing.',
    labels: HOUSING_SITUATION_LABELS
  },
  'organisation-type': {
    title: 'Organisation types',
    description: 'Who a mother may consent to share with; what an organisation is.',
    labels: ORGANISATION_TYPE_LABELS
  },
  'consent-method': { title: 'Consent methods', description: 'How consent was given.', labels: CONSENT_METHOD_LABELS },
  'insz-absent-reason': {
    title: 'Why there is no INSZ',
    description: 'Given instead of an INSZ.',
    labels: INSZ_ABSENT_REASON_LABELS
  },
  'handoff-type': { title: 'Handoff types', description: 'What is handed on.', labels: HANDOFF_TYPE_LABELS }
} as const satisfies Record<string, CodeSystemSource>
export type CodeSystemId = keyof typeof CODE_SYSTEMS

export const systemOf = (id: CodeSystemId) => `${CANONICAL}/CodeSystem/${id}`

/** A Coding of ours, with its Dutch label as display (the programme's language). */
export function coding(id: CodeSystemId, code: string) {
  const labels = CODE_SYSTEMS[id].labels as Record<string, { nl: string; en: string }>
  const label = labels[code]
  return { system: systemOf(id), code, ...(label === undefined ? {} : { display: label.nl }) }
}

export const concept = (id: CodeSystemId, code: string) => ({ coding: [coding(id, code)] })

/** The code of `system` in a CodeableConcept, if it has one. */
export function codeIn(value: unknown, system: string): string | undefined {
  const codings = (value as { coding?: unknown } | undefined)?.coding
  if (!Array.isArray(codings)) return undefined
  const found = codings.find((c) => (c as { system?: unknown })?.system === system) as { code?: unknown } | undefined
  return typeof found?.code === 'string' ? found.code : undefined
}

/** A CodeSystem resource: Dutch displays, English designations. */
export function codeSystemResource(id: CodeSystemId) {
  const source = CODE_SYSTEMS[id]
  const labels = source.labels as Record<string, { nl: string; en: string }>
  return {
    resourceType: 'CodeSystem',
    id,
    url: systemOf(id),
    version: '1',
    name: id
      .split('-')
      .map((w) => w[0]?.toUpperCase() + w.slice(1))
      .join(''),
    title: source.title,
    status: 'active',
    experimental: false,
    publisher: 'Opkomst referral network',
    description: source.description,
    language: 'nl',
    caseSensitive: true,
    content: 'complete',
    count: Object.keys(labels).length,
    concept: Object.entries(labels).map(([code, label]) => ({
      code,
      display: label.nl,
      designation: [{ language: 'en', value: label.en }]
    }))
  }
}
