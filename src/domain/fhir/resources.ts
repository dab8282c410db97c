/**
 * A referral in your view, as FHIR R4 resources. Each builder reads only the fields the view has:
 * the view decides what is shown (DESIGN §3), FHIR only how. The ids are the referral's: its Task,
 * its ServiceRequest, the Patient (the mother as this referral records her) and the Consent share it.
 */
import type { ReferralFull } from '../../schemas/referrals.ts'
import { type CodeSystemId, coding, concept, EXTENSIONS, LOINC, SYSTEMS } from './codes.ts'

/** What a view gives: any subset of the full referral. */
export type ReferralBody = Partial<ReferralFull> & Pick<ReferralFull, 'id' | 'version'>

type Resource = Record<string, unknown> & { resourceType: string }

/** Leaves out what is undefined, so absent fields stay absent rather than `null` (FHIR has no nulls). */
function compact<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null)) as T
}

/** Phone and e-mail as ContactPoints; undefined when there is neither (FHIR has no empty arrays). */
function telecomOf(phone: string | null | undefined, email: string | null | undefined, use: 'work' | 'mobile') {
  const points = [
    phone == null ? undefined : { system: 'phone', value: phone, use },
    email == null ? undefined : { system: 'email', value: email, ...(use === 'work' ? { use } : {}) }
  ].filter((t) => t !== undefined)
  return points.length > 0 ? points : undefined
}

const meta = (r: ReferralBody) => compact({ versionId: String(r.version), lastUpdated: r.updatedAt })
export const ref = (type: string, id: string) => ({ reference: `${type}/${id}` })

/** Referral status → ServiceRequest.status: the request stands while the referral is open. */
const SERVICE_REQUEST_STATUS: Record<string, string> = {
  requested: 'active',
  received: 'active',
  accepted: 'active',
  'in-progress': 'active',
  'on-hold': 'on-hold',
  completed: 'completed',
  failed: 'revoked',
  rejected: 'revoked',
  cancelled: 'revoked',
  'entered-in-error': 'entered-in-error'
}

export function patientOf(r: ReferralBody): Resource {
  const m = r.mother
  const extension = [
    m?.inszAbsentReason === undefined ? undefined : { url: EXTENSIONS.inszAbsentReason, valueCode: m.inszAbsentReason },
    m?.interpreterNeeded === undefined
      ? undefined
      : { url: EXTENSIONS.interpreterRequired, valueBoolean: m.interpreterNeeded }
  ].filter((e) => e !== undefined)
  const a = m?.address
  return compact({
    resourceType: 'Patient',
    id: r.id,
    meta: meta(r),
    extension: extension.length > 0 ? extension : undefined,
    identifier: m?.insz === undefined ? undefined : [{ use: 'official', system: SYSTEMS.ssin, value: m.insz }],
    name:
      m?.familyName === undefined && m?.givenName === undefined
        ? undefined
        : [
            compact({
              use: 'official',
              family: m?.familyName,
              given: m?.givenName === undefined ? undefined : [m.givenName]
            })
          ],
    telecom: telecomOf(m?.phone, m?.email, 'mobile'),
    birthDate: m?.birthDate,
    address:
      a === undefined
        ? undefined
        : [
            {
              use: 'home',
              line: [`${a.street} ${a.houseNumber}`],
              _line: [
                {
                  extension: [
                    { url: EXTENSIONS.streetName, valueString: a.street },
                    { url: EXTENSIONS.houseNumber, valueString: a.houseNumber }
                  ]
                }
              ],
              city: a.municipality,
              postalCode: a.postalCode,
              country: 'BE'
            }
          ],
    communication:
      m?.preferredLanguage === undefined
        ? undefined
        : [{ language: { coding: [{ system: SYSTEMS.bcp47, code: m.preferredLanguage }] }, preferred: true }]
  })
}

const SOCIAL_HISTORY = [{ coding: [{ system: SYSTEMS.observationCategory, code: 'social-history' }] }]

/** One screening answer as a contained Observation; `loinc` adds the LOINC code where one fits. */
function observation(id: string, r: ReferralBody, value: Record<string, unknown>, loinc?: string): Resource {
  const codings = [
    coding('screening-item', id),
    ...(loinc === undefined ? [] : [{ system: SYSTEMS.loinc, code: loinc }])
  ]
  return {
    resourceType: 'Observation',
    id,
    status: 'final',
    category: SOCIAL_HISTORY,
    code: { coding: codings },
    subject: ref('Patient', r.id),
    ...value
  }
}

const coded = (id: CodeSystemId, code: string) => ({ valueCodeableConcept: concept(id, code) })

/** The screening, household and pregnancy or child of a referral, as the Observations its view allows. */
export function screeningObservations(r: ReferralBody): Resource[] {
  const s = r.screening
  const out: Resource[] = []
  for (const criterion of ['income', 'employment', 'education', 'housing', 'childDevelopment', 'health'] as const) {
    const value = s?.[criterion]
    if (value !== undefined) out.push(observation(criterion, r, coded('screening-value', value)))
  }
  if (s?.incomeSource !== undefined) out.push(observation('incomeSource', r, coded('income-source', s.incomeSource)))
  if (s?.housingSituation !== undefined)
    out.push(observation('housingSituation', r, coded('housing-situation', s.housingSituation), LOINC.housingStatus))
  const h = r.household
  if (h?.livesAloneWithChildren !== undefined)
    out.push(observation('livesAloneWithChildren', r, { valueBoolean: h.livesAloneWithChildren }))
  if (h?.numberOfChildren !== undefined)
    out.push(observation('numberOfChildren', r, { valueInteger: h.numberOfChildren }))
  if (r.pregnancy != null)
    out.push(
      observation(
        'expectedDeliveryDate',
        r,
        { valueDateTime: r.pregnancy.expectedDeliveryDate },
        LOINC.estimatedDeliveryDate
      )
    )
  if (r.youngestChild != null)
    out.push(observation('youngestChildBirthDate', r, { valueDateTime: r.youngestChild.birthDate }))
  return out
}

export function serviceRequestOf(r: ReferralBody): Resource {
  const observations = screeningObservations(r)
  const c = r.referrerContact
  const contact =
    c === undefined
      ? undefined
      : compact({
          resourceType: 'Practitioner',
          id: 'referrer-contact',
          name: [{ text: c.name }],
          telecom: telecomOf(c.phone, c.email, 'work')
        })
  const contained = [...(contact === undefined ? [] : [contact]), ...observations]
  return compact({
    resourceType: 'ServiceRequest',
    id: r.id,
    meta: meta(r),
    contained: contained.length > 0 ? contained : undefined,
    status: r.status === undefined ? 'unknown' : SERVICE_REQUEST_STATUS[r.status],
    intent: 'order',
    code: concept('referral-service', 'opkomst'),
    priority: r.urgency,
    subject: ref('Patient', r.id),
    authoredOn: r.createdAt,
    requester: contact === undefined ? undefined : { reference: '#referrer-contact' },
    performer: r.programmeOrganisationId === undefined ? undefined : [ref('Organization', r.programmeOrganisationId)],
    reasonCode: r.needs?.map((n) => concept('life-domain', n)),
    supportingInfo: observations.length > 0 ? observations.map((o) => ({ reference: `#${o.id}` })) : undefined,
    note: r.reason === undefined || r.reason === '' ? undefined : [{ text: r.reason }]
  })
}

export function consentOf(r: ReferralBody): Resource {
  const c = r.consent
  const withdrawn = r.consentWithdrawal != null
  const extension =
    c === undefined
      ? []
      : [
          { url: EXTENSIONS.consentRecordedBy, valueString: c.recordedBy },
          { url: EXTENSIONS.consentMethod, valueCode: c.method },
          ...(withdrawn ? [] : c.sharingScope.map((t) => ({ url: EXTENSIONS.sharingScope, valueCode: t })))
        ]
  return compact({
    resourceType: 'Consent',
    id: r.id,
    meta: meta(r),
    extension: extension.length > 0 ? extension : undefined,
    status: withdrawn ? 'inactive' : 'active',
    scope: { coding: [{ system: SYSTEMS.consentScope, code: 'patient-privacy' }] },
    category: [{ coding: [{ system: SYSTEMS.loinc, code: LOINC.patientConsent }] }],
    patient: ref('Patient', r.id),
    dateTime: withdrawn ? r.consentWithdrawal?.withdrawnAt : c?.givenAt,
    sourceAttachment: c?.documentReference === undefined ? undefined : { title: c.documentReference },
    // Opt-in: the mother agreed to share with the organisation types named in `sharing-scope`.
    policyRule: { coding: [{ system: SYSTEMS.actCode, code: withdrawn ? 'OPTOUT' : 'OPTIN' }] },
    provision: { type: withdrawn ? 'deny' : 'permit' }
  })
}

/** Task.output: what the programme tells the referrer back (the closed loop), as its view allows. */
function outputsOf(r: ReferralBody): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = []
  if (r.track != null)
    out.push({ type: concept('task-output', 'track'), valueCodeableConcept: concept('track', r.track) })
  if (r.firstContactOn != null) out.push({ type: concept('task-output', 'first-contact'), valueDate: r.firstContactOn })
  if (r.programmeContact != null)
    out.push({
      type: concept('task-output', 'contact-person'),
      valueReference: { ...ref('PractitionerRole', r.programmeContact.workerId), display: r.programmeContact.name }
    })
  if (r.outcome != null)
    out.push({ type: concept('task-output', 'outcome'), valueCodeableConcept: concept('outcome', r.outcome) })
  return out
}

const ENDED = new Set(['completed', 'failed', 'rejected', 'cancelled', 'entered-in-error'])

export function taskOf(r: ReferralBody): Resource {
  const status = r.status ?? 'requested'
  const endedAt = ENDED.has(status) ? r.statusHistory?.findLast((s) => s.status === status)?.at : undefined
  const outputs = outputsOf(r)
  const reason =
    r.statusReasonCode == null && r.statusReason == null
      ? undefined
      : compact({
          coding: r.statusReasonCode == null ? undefined : [coding('reason-code', r.statusReasonCode)],
          text: r.statusReason ?? undefined
        })
  return compact({
    resourceType: 'Task',
    id: r.id,
    meta: meta(r),
    identifier:
      r.externalReference === undefined
        ? undefined
        : [
            compact({
              use: 'usual',
              value: r.externalReference,
              assigner:
                r.referrerOrganisationId === undefined ? undefined : ref('Organization', r.referrerOrganisationId)
            })
          ],
    status,
    statusReason: reason,
    businessStatus: { ...concept('referral-status', status), text: coding('referral-status', status).display },
    intent: 'order',
    priority: r.urgency,
    code: { coding: [{ system: SYSTEMS.taskCode, code: 'fulfill' }] },
    focus: ref('ServiceRequest', r.id),
    for: ref('Patient', r.id),
    executionPeriod: r.acceptedAt == null ? undefined : compact({ start: r.acceptedAt, end: endedAt }),
    authoredOn: r.createdAt,
    lastModified: r.updatedAt,
    requester: r.referrerOrganisationId === undefined ? undefined : ref('Organization', r.referrerOrganisationId),
    owner: r.programmeOrganisationId === undefined ? undefined : ref('Organization', r.programmeOrganisationId),
    output: outputs.length > 0 ? outputs : undefined
  })
}

/** A handoff as a sub-Task of the referral's Task: its creator asks, its recipient owns. */
export interface HandoffBody {
  id: string
  referralId: string
  type: string
  status: string
  fromOrganisationId: string
  toOrganisationId: string
  reason: string | null
  dueBy: string | null
  statusReasonCode: string | null
  statusReason: string | null
  contact: { workerId: string; name: string } | null
  version: number
  createdAt: string
  updatedAt: string
}

export function handoffTaskOf(h: HandoffBody): Resource {
  const reason =
    h.statusReasonCode === null && h.statusReason === null
      ? undefined
      : compact({
          coding: h.statusReasonCode === null ? undefined : [coding('reason-code', h.statusReasonCode)],
          text: h.statusReason ?? undefined
        })
  return compact({
    resourceType: 'Task',
    id: h.id,
    meta: { versionId: String(h.version), lastUpdated: h.updatedAt },
    partOf: [ref('Task', h.referralId)],
    status: h.status,
    statusReason: reason,
    businessStatus: concept('handoff-status', h.status),
    intent: 'order',
    code: { coding: [{ system: SYSTEMS.taskCode, code: 'fulfill' }, coding('handoff-type', h.type)] },
    description: h.reason ?? undefined,
    for: ref('Patient', h.referralId),
    authoredOn: h.createdAt,
    lastModified: h.updatedAt,
    requester: ref('Organization', h.fromOrganisationId),
    owner: ref('Organization', h.toOrganisationId),
    restriction: h.dueBy === null ? undefined : { period: { end: h.dueBy } },
    output:
      h.contact === null
        ? undefined
        : [
            {
              type: concept('task-output', 'contact-person'),
              valueReference: { ...ref('PractitionerRole', h.contact.workerId), display: h.contact.name }
            }
          ]
  })
}

export interface OrganisationBody {
  id: string
  name: string
  type: string
  active: boolean
  contactPhone: string | null
  contactEmail: string | null
  updatedAt: string
}

export function organizationOf(o: OrganisationBody): Resource {
  return compact({
    resourceType: 'Organization',
    id: o.id,
    meta: { lastUpdated: o.updatedAt },
    active: o.active,
    type: [concept('organisation-type', o.type)],
    name: o.name,
    telecom: telecomOf(o.contactPhone, o.contactEmail, 'work')
  })
}

export interface WorkerBody {
  id: string
  organisationId: string
  name: string
  role: string
  workPhone: string | null
  workEmail: string | null
  active: boolean
  version: number
  updatedAt: string
}

export function practitionerRoleOf(w: WorkerBody): Resource {
  return compact({
    resourceType: 'PractitionerRole',
    id: w.id,
    meta: { versionId: String(w.version), lastUpdated: w.updatedAt },
    active: w.active,
    practitioner: { display: w.name },
    organization: ref('Organization', w.organisationId),
    code: [{ text: w.role }],
    telecom: telecomOf(w.workPhone, w.workEmail, 'work')
  })
}
