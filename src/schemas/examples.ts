/**
 * What the answers look like, for the contract's examples: one made-up referral of 2026-06 and what
 * surrounds it, consistent across resources (the ids match). test/contract/examples.test.ts
 * validates each example against its schema in the committed contract.
 */

const referralId = '0f8fad5b-d9cb-469f-a165-70867728950e'
const hospitalId = '7c9e6679-7425-40de-944b-e07fc1f90ae7'
const programmeId = '6fa459ea-ee8a-3ca4-894e-db77e160355e'
const ocmwId = '3f2b6c1e-8a4d-4e7b-9c2a-5d6e7f8a9b0c'
const handoffId = '9b2d4f7e-1c3a-4b5d-8e6f-0a1b2c3d4e5f'
const eventId = '16fd2706-8baf-433b-82eb-8c7fada847da'
const workerId = '5a1c3e7b-2d4f-4a6b-8c9d-0e1f2a3b4c5d'

/** The programme's social worker who guides her. */
export const workerExample = {
  id: workerId,
  organisationId: programmeId,
  name: 'Sara De Smet',
  role: 'maatschappelijk werker',
  workPhone: '+32 15 44 55 66',
  workEmail: 'sara.desmet@opkomst.example.be',
  active: true,
  version: 1,
  createdAt: '2026-05-02T09:00:00.000Z',
  updatedAt: '2026-05-02T09:00:00.000Z'
}

/** Every field of the referral; each view's example is its projection (`project`, as the server does). */
export const referralExample = {
  view: 'programme',
  id: referralId,
  version: 3,
  status: 'accepted',
  statusReasonCode: null,
  statusReason: null,
  redirectSuggestion: null,
  track: 'opkomst_plus',
  externalReference: 'EPD-2026-004211',
  referrerOrganisationId: hospitalId,
  programmeOrganisationId: programmeId,
  mother: {
    givenName: 'Samira',
    familyName: 'Voorbeeld',
    birthDate: '1985-07-30',
    insz: '85073003328',
    phone: '+32 470 12 34 56',
    address: { street: 'Voorbeeldstraat', houseNumber: '12', postalCode: '2800', municipality: 'Mechelen' },
    preferredLanguage: 'ar',
    interpreterNeeded: true
  },
  pregnancy: { expectedDeliveryDate: '2026-09-20' },
  youngestChild: null,
  household: { livesAloneWithChildren: true, numberOfChildren: 1 },
  screening: {
    income: 'vulnerable',
    employment: 'vulnerable',
    education: 'unknown',
    housing: 'vulnerable',
    childDevelopment: 'not_vulnerable',
    health: 'unknown',
    incomeSource: 'none',
    housingSituation: 'overcrowded'
  },
  needs: ['income', 'housing'],
  reason: 'Geen inkomen sinds januari, woont met haar zoontje in één kamer.',
  urgency: 'urgent',
  consent: {
    givenAt: '2026-05-28T08:15:00.000Z',
    recordedBy: 'Sociale dienst materniteit',
    method: 'verbal',
    sharingScope: ['programme', 'ocmw', 'housing']
  },
  referrerContact: { name: 'An Peeters', phone: '+32 15 00 00 00', email: 'an.peeters@azsm.example.be' },
  assignedWorkerId: workerId,
  programmeContact: {
    workerId,
    name: workerExample.name,
    role: workerExample.role,
    workPhone: workerExample.workPhone,
    workEmail: workerExample.workEmail
  },
  firstContactOn: null,
  outcome: null,
  outcomeNote: null,
  statusHistory: [
    { status: 'requested', at: '2026-05-28T08:20:00.000Z', reasonCode: null },
    { status: 'received', at: '2026-05-29T10:05:00.000Z', reasonCode: null },
    { status: 'accepted', at: '2026-06-01T07:40:00.000Z', reasonCode: null }
  ],
  possibleDuplicateOf: null,
  acceptedAt: '2026-06-01T07:40:00.000Z',
  consentWithdrawal: null,
  handoffs: [
    {
      id: handoffId,
      type: 'income_support',
      status: 'received',
      toOrganisationId: ocmwId,
      reason: 'Leefloon aanvragen: geen inkomen sinds januari.',
      dueBy: '2026-06-15',
      housingDecision: null,
      housingDecidedAt: null,
      createdAt: '2026-06-01T07:45:00.000Z',
      updatedAt: '2026-06-01T09:02:00.000Z'
    }
  ],
  createdAt: '2026-05-28T08:20:00.000Z',
  updatedAt: '2026-06-01T07:40:00.000Z'
}

export const organisationExample = {
  id: hospitalId,
  name: 'AZ Sint-Maarten, sociale dienst',
  type: 'hospital',
  notificationEmail: 'sociale.dienst@azsm.example.be',
  noticeLanguage: 'nl',
  serviceArea: [],
  acceptedHandoffTypes: ['postnatal_followup', 'mental_health', 'other'],
  contactPhone: '+32 15 89 20 00',
  contactEmail: 'sociale.dienst@azsm.example.be',
  active: true,
  version: 1,
  createdAt: '2026-05-02T09:00:00.000Z'
}

export const clientExample = {
  id: 'a8098c1a-f86e-41ab-a35c-6e2a1d0f3b2c',
  organisationId: hospitalId,
  name: 'EPD koppeling',
  keyPrefix: 'opk_3kT9',
  scopes: ['referrals:write', 'referrals:read', 'events:read', 'webhooks:manage'],
  lastUsedAt: '2026-06-01T07:30:12.000Z',
  revokedAt: null,
  createdAt: '2026-05-02T09:05:00.000Z'
}

export const handoffExample = {
  id: handoffId,
  referralId,
  type: 'income_support',
  status: 'received',
  fromOrganisationId: programmeId,
  toOrganisationId: ocmwId,
  reason: 'Leefloon aanvragen: geen inkomen sinds januari.',
  dueBy: '2026-06-15',
  statusReasonCode: null,
  statusReason: null,
  housing: null,
  contact: null,
  version: 2,
  createdAt: '2026-06-01T07:45:00.000Z',
  updatedAt: '2026-06-01T09:02:00.000Z'
}

export const webhookExample = {
  id: 'd3b07384-d113-4ec6-a5e2-1f7b2c9d8e4a',
  url: 'https://epd.azsm.example.be/opkomst/events',
  eventTypes: ['referral.status_changed', 'handoff.status_changed'],
  description: 'EPD koppeling',
  payload: 'standard',
  disabledAt: null,
  disabledReason: null,
  version: 1,
  createdAt: '2026-05-02T09:10:00.000Z'
}

export const deliveryExample = {
  id: 'e4d909c2-90d0-4b1c-8f3e-7a6b5c4d3e2f',
  eventId,
  eventType: 'referral.status_changed',
  state: 'delivered',
  attempts: 1,
  lastStatusCode: 204,
  lastError: null,
  nextAttemptAt: null,
  deliveredAt: '2026-06-01T07:40:01.000Z',
  createdAt: '2026-06-01T07:40:00.000Z'
}

export const eventExample = {
  id: eventId,
  type: 'referral.status_changed',
  occurredAt: '2026-06-01T07:40:00.000Z',
  referralId,
  handoffId: null,
  status: 'accepted',
  reasonCode: null,
  version: 3,
  outcome: null
}

export const assessmentExample = {
  phase: 'start',
  assessedOn: '2026-06-01',
  scores: { income: 1, housing: 2, parenting: 3, social_network: 2 },
  notes: { income: 'Geen leefloon aangevraagd; samen met het OCMW opnemen.' },
  version: 1
}

export const historyExample = {
  kind: 'status',
  fromStatus: 'requested',
  toStatus: 'accepted',
  byOrganisationId: programmeId,
  byWorkerId: workerId,
  assignedWorkerId: workerId,
  reasonCode: null,
  reason: null,
  at: '2026-06-01T07:40:00.000Z'
}

export const accessLogExample = {
  organisationId: ocmwId,
  clientId: 'b1946ac9-2d3c-4e5f-8a7b-6c5d4e3f2a1b',
  onBehalfOfWorkerId: null,
  action: 'read via handoff',
  purpose: 'handoff',
  requestId: 'c0ffee00-1234-4abc-9def-0123456789ab',
  at: '2026-06-01T09:01:30.000Z'
}

/** A session of the programme's group work, on the day she was accepted, with her among those who came. */
export const groupSessionExample = {
  id: 'd4c3b2a1-6f5e-4d7c-8b9a-0f1e2d3c4b5a',
  heldOn: '2026-06-01',
  theme: 'money_admin',
  track: 'opkomst',
  place: 'Huis van het Kind, Stationsstraat',
  title: 'Budgetteren met een baby',
  facilitatorWorkerId: workerId,
  referralIds: [referralId],
  version: 2,
  createdAt: '2026-06-01T15:00:00.000Z',
  updatedAt: '2026-06-01T15:05:00.000Z'
}

export const ids = { referralId, handoffId, eventId, workerId, programmeId }
