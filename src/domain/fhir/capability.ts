/**
 * What the FHIR interface supports, as one table: the routes are written from it and the
 * CapabilityStatement says it (test/routes/fhir.test.ts holds both to what the tests exercise).
 */
import { CODE_SYSTEMS, TASK_STATUS_TOPIC } from './codes.ts'

export const TASK_SEARCH_PARAMS = {
  _lastUpdated: { type: 'date', documentation: 'gt, ge, lt or le an instant; may be given twice for a range.' },
  status: { type: 'token', documentation: 'A Task status code (the referral status).' },
  requester: { type: 'reference', documentation: 'Organization/{id}: the referring organisation.' },
  owner: { type: 'reference', documentation: 'Organization/{id}: the programme.' }
} as const

export const INTERACTIONS = {
  Task: {
    interactions: ['read', 'search-type', 'patch'],
    searchParams: TASK_SEARCH_PARAMS,
    searchInclude: ['Task:focus'],
    documentation:
      'A referral (id = the referral id) or, with partOf, a handoff of it (id = the handoff id). Oldest change first; page with _count (at most 100) and Bundle.link next. PATCH (JSON Patch, If-Match) changes status and statusReason under the status machine.'
  },
  ServiceRequest: {
    interactions: ['read'],
    documentation: 'What the referral asks; the screening as contained Observations.'
  },
  Patient: { interactions: ['read'], documentation: 'The mother as the referral records her, in your view.' },
  Consent: { interactions: ['read'], documentation: "The mother's consent to share, as sent with the referral." },
  Organization: { interactions: ['read'], documentation: 'An organisation of the network (the directory).' },
  PractitionerRole: {
    interactions: ['read'],
    documentation: "A worker's work contact: yours, or the programme's contact person for a referral you sent."
  },
  Subscription: {
    interactions: ['create', 'read', 'delete'],
    documentation: `R4 Subscriptions Backport: topic ${TASK_STATUS_TOPIC}, rest-hook, id-only or full-resource; notifications are signed as our webhooks are.`
  },
  CodeSystem: {
    interactions: ['read'],
    documentation: `Our code systems: ${Object.keys(CODE_SYSTEMS).join(', ')}.`
  }
} as const

export type FhirResourceType = keyof typeof INTERACTIONS

/** When what this interface offers last changed (CapabilityStatement.date). */
const CHANGED = '2026-12-04'

export function capabilityStatement(base: string) {
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: CHANGED,
    publisher: 'Opkomst referral network',
    kind: 'instance',
    software: { name: 'Opkomst referral network API' },
    implementation: { description: 'Opkomst referral network: FHIR R4 interface', url: base },
    fhirVersion: '4.0.1',
    format: ['json'],
    patchFormat: ['application/json-patch+json'],
    rest: [
      {
        mode: 'server',
        documentation:
          'Referrals of mothers to the Opkomst programme. Same API keys, scopes, access rules and access log as the REST API.',
        security: {
          cors: false,
          service: [
            {
              coding: [{ system: 'http://terminology.hl7.org/CodeSystem/restful-security-service', code: 'OAuth' }],
              text: 'Bearer API key'
            }
          ],
          description: 'Authorization: Bearer <API key of your organisation>.'
        },
        resource: Object.entries(INTERACTIONS).map(([type, r]) => ({
          type,
          documentation: r.documentation,
          interaction: r.interactions.map((code) => ({ code })),
          ...(type === 'Task' ||
          type === 'Patient' ||
          type === 'ServiceRequest' ||
          type === 'Consent' ||
          type === 'Subscription'
            ? { versioning: 'versioned', readHistory: false, updateCreate: false, conditionalCreate: type === 'Task' }
            : {}),
          ...('searchInclude' in r ? { searchInclude: [...r.searchInclude] } : {}),
          ...('searchParams' in r
            ? {
                searchParam: Object.entries(r.searchParams).map(([name, p]) => ({
                  name,
                  type: p.type,
                  documentation: p.documentation
                }))
              }
            : {})
        })),
        interaction: [
          {
            code: 'transaction',
            documentation: 'A referral: Patient, ServiceRequest, Consent and Task; ifNoneExist on the Task identifier.'
          }
        ]
      }
    ]
  }
}
