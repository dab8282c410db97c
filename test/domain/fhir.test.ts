import { readFileSync } from 'node:fs'
import t from 'tap'
import fc from 'fast-check'
import { capabilityStatement, INTERACTIONS } from '../../src/domain/fhir/capability.ts'
import { CODE_SYSTEMS, codeSystemResource, SYSTEMS } from '../../src/domain/fhir/codes.ts'
import { expressionOf, readTransaction } from '../../src/domain/fhir/intake.ts'
import { operationOutcome } from '../../src/domain/fhir/outcome.ts'
import { patientOf, serviceRequestOf, taskOf } from '../../src/domain/fhir/resources.ts'
import { notificationBundle, readSubscription } from '../../src/domain/fhir/subscriptions.ts'
import { referralExample } from '../../src/schemas/examples.ts'
import { type Json, replaceSomewhere } from '../helpers/fhir.ts'

const example = (): Json =>
  JSON.parse(readFileSync(new URL('../../docs/fhir/referral-bundle.json', import.meta.url), 'utf8'))

t.test('the example Bundle reads as the referral POST /referrals takes', async (t) => {
  const read = readTransaction(example())
  if (!read.ok) throw new Error(JSON.stringify(read.issues))
  // The example is the contract's example referral (src/schemas/examples.ts), written as FHIR.
  const e = referralExample
  t.match(read.read.input, {
    externalReference: e.externalReference,
    mother: e.mother,
    pregnancy: { expectedDeliveryDate: '2027-03-15' },
    household: e.household,
    screening: e.screening,
    needs: e.needs,
    reason: e.reason,
    urgency: e.urgency,
    consent: { recordedBy: e.consent.recordedBy, method: e.consent.method, sharingScope: e.consent.sharingScope },
    referrerContact: e.referrerContact
  })
  t.notOk('programmeId' in read.read.input, 'no owner: routed by postal code')
  t.equal(read.read.ifNoneExist, 'EPD-2026-004211')
  t.equal(expressionOf(read.read.origins, '/mother/insz'), 'Bundle.entry[0].resource.identifier[0].value')
  t.equal(
    expressionOf(read.read.origins, '/screening/incomeSource'),
    'Bundle.entry[1].resource.contained[7].valueCodeableConcept'
  )
  t.equal(
    expressionOf(read.read.origins, '/consent/sharingScope/1'),
    expressionOf(read.read.origins, '/consent/sharingScope')
  )
  t.equal(expressionOf(read.read.origins, '/nothing/here'), 'Bundle')
})

t.test('an address line without its parts is read as street and number', async (t) => {
  const bundle = example()
  const address = bundle.entry[0].resource.address[0]
  delete address._line
  address.line = ['Lange Nieuwstraat 112 bus 3']
  const read = readTransaction(bundle)
  t.ok(read.ok)
  if (read.ok) t.match(read.read.input.mother.address, { street: 'Lange Nieuwstraat', houseNumber: '112 bus 3' })
})

t.test('what a Bundle lacks or may not hold is named by FHIRPath', async (t) => {
  const cases: Array<[string, (b: Json) => void, string[]]> = [
    ['not a Bundle', (b) => (b.resourceType = 'Parameters'), ['Bundle']],
    ['a batch', (b) => (b.type = 'batch'), ['Bundle.type']],
    [
      'an Observation entry',
      (b) =>
        b.entry.push({ resource: { resourceType: 'Observation' }, request: { method: 'POST', url: 'Observation' } }),
      ['Bundle.entry[4].resource']
    ],
    ['no Task', (b) => b.entry.pop(), ['Bundle.entry']],
    ['PUT, not POST', (b) => (b.entry[2].request.method = 'PUT'), ['Bundle.entry[2].request.method']],
    [
      'no name',
      (b) => delete b.entry[0].resource.name,
      ['Bundle.entry[0].resource.name[0].given', 'Bundle.entry[0].resource.name[0].family']
    ],
    ['neither INSZ nor reason', (b) => (b.entry[0].resource.identifier = []), ['Bundle.entry[0].resource.identifier']],
    [
      'a need outside the list',
      (b) => (b.entry[1].resource.reasonCode[0].coding[0].code = 'luck'),
      ['Bundle.entry[1].resource.reasonCode[0]']
    ],
    [
      'a dangling supportingInfo',
      (b) => b.entry[1].resource.supportingInfo.push({ reference: '#gone' }),
      ['Bundle.entry[1].resource.supportingInfo[11]']
    ],
    ['a withdrawn consent', (b) => (b.entry[2].resource.status = 'inactive'), ['Bundle.entry[2].resource.status']],
    [
      'a Task about another patient',
      (b) => (b.entry[3].resource.for.reference = 'urn:uuid:x'),
      ['Bundle.entry[3].resource.for']
    ],
    [
      'an ifNoneExist on another identifier',
      (b) => (b.entry[3].request.ifNoneExist = 'identifier=x|y'),
      ['Bundle.entry[3].request.ifNoneExist']
    ]
  ]
  for (const [what, change, expressions] of cases) {
    const bundle = example()
    change(bundle)
    const read = readTransaction(bundle)
    t.notOk(read.ok, what)
    if (!read.ok)
      t.same(
        read.issues.map((i) => i.expression),
        expressions,
        what
      )
  }
})

const body = {
  id: '00000000-0000-4000-8000-000000000001',
  version: 4,
  view: 'referrer',
  status: 'completed',
  statusReasonCode: null,
  track: 'opkomst',
  firstContactOn: '2026-11-02',
  outcome: 'guidance_completed',
  programmeContact: {
    workerId: '00000000-0000-4000-8000-000000000009',
    name: 'Ella',
    role: 'mw',
    workPhone: null,
    workEmail: null
  },
  acceptedAt: '2026-11-01T10:00:00.000Z',
  statusHistory: [{ status: 'completed', at: '2026-12-01T10:00:00.000Z', reasonCode: null }],
  referrerOrganisationId: '00000000-0000-4000-8000-000000000002',
  programmeOrganisationId: '00000000-0000-4000-8000-000000000003',
  createdAt: '2026-10-30T10:00:00.000Z',
  updatedAt: '2026-12-01T10:00:00.000Z'
} as const

t.test('a Task says back what its view shows, and only that', async (t) => {
  const task = taskOf(body as never) as Json
  t.same(
    task.output.map((o: Json) => o.type.coding[0].code),
    ['track', 'first-contact', 'contact-person', 'outcome']
  )
  t.same(task.executionPeriod, { start: '2026-11-01T10:00:00.000Z', end: '2026-12-01T10:00:00.000Z' })
  t.notOk('statusReason' in task, 'no reason given, none shown')
  const early = taskOf({ id: body.id, version: 1, status: 'requested' } as never) as Json
  t.notOk('output' in early)
  t.notOk('executionPeriod' in early)
})

t.test('a Patient has only the fields of the view it is made from', async (t) => {
  const patient = patientOf({
    id: body.id,
    version: 2,
    mother: { givenName: 'Samira', familyName: 'Voorbeeld', birthDate: '1985-07-30', insz: '85073003328' }
  } as never) as Json
  t.same(Object.keys(patient).sort(), ['birthDate', 'id', 'identifier', 'meta', 'name', 'resourceType'])
  t.same(patient.identifier, [{ use: 'official', system: SYSTEMS.ssin, value: '85073003328' }])
  const nothing = serviceRequestOf({ id: body.id, version: 2 } as never) as Json
  t.notOk('contained' in nothing, 'no screening in the view: no Observations')
})

t.test('an OperationOutcome names each element refused, or the problem', async (t) => {
  t.same(
    operationOutcome({
      kind: 'validation',
      status: 422,
      title: 'Invalid request',
      issues: [{ code: 'value', expression: 'Bundle.entry[0].resource.birthDate', message: 'is too old' }]
    }).issue,
    [
      {
        severity: 'error',
        code: 'value',
        details: { text: 'is too old' },
        diagnostics: 'Bundle.entry[0].resource.birthDate is too old',
        expression: ['Bundle.entry[0].resource.birthDate']
      }
    ]
  )
  t.match(operationOutcome({ kind: 'duplicate-referral', status: 409, title: 'Already referred' }).issue, [
    { code: 'duplicate' }
  ])
  t.match(operationOutcome({ kind: 'not-found', status: 404, title: 'Not found' }).issue, [{ code: 'not-found' }])
  t.match(operationOutcome({ kind: 'unavailable', status: 503, title: 'x' }).issue, [
    { severity: 'fatal', code: 'transient' }
  ])
})

t.test('a Subscription must name our topic and a rest-hook', async (t) => {
  const read = readSubscription({
    resourceType: 'Subscription',
    criteria: 'Task?status=completed',
    channel: { type: 'email' }
  })
  t.notOk(read.ok)
  if (!read.ok)
    t.same(
      read.issues.map((i) => i.expression),
      ['Subscription.criteria', 'Subscription.reason', 'Subscription.channel.type', 'Subscription.channel.endpoint']
    )
  const bundle = notificationBundle({
    base: 'https://x.example/fhir',
    subscriptionId: 's1',
    eventNumber: '42',
    timestamp: '2026-12-01T10:00:00.000Z',
    focus: { type: 'Task', id: 't1', version: 3 },
    payload: 'id-only'
  }) as Json
  t.equal(bundle.type, 'history')
  t.match(bundle.entry[0].resource.parameter.at(-1).part, [
    { name: 'event-number', valueString: '42' },
    { name: 'timestamp' },
    { name: 'focus', valueReference: { reference: 'https://x.example/fhir/Task/t1/_history/3' } }
  ])
  t.notOk('resource' in bundle.entry[1], 'id-only: no resource')
})

t.test('every code system of ours is whole, and the CapabilityStatement lists each resource', async (t) => {
  for (const id of Object.keys(CODE_SYSTEMS) as Array<keyof typeof CODE_SYSTEMS>) {
    const cs = codeSystemResource(id)
    t.equal(cs.count, Object.keys(CODE_SYSTEMS[id].labels).length, id)
    t.ok(
      cs.concept.every((c) => c.display.length > 0 && c.designation[0]!.value.length > 0),
      `${id}: nl and en`
    )
  }
  const capability = capabilityStatement('https://x.example/fhir')
  t.same(
    capability.rest[0]!.resource.map((r) => r.type),
    Object.keys(INTERACTIONS)
  )
})

t.test('no Bundle, however broken, makes reading it throw', async (t) => {
  /** The example with one value anywhere in it replaced by anything JSON can hold. */
  const mutated = fc
    .tuple(fc.array(fc.nat(), { minLength: 1, maxLength: 8 }), fc.jsonValue())
    .map(([steps, value]) => replaceSomewhere(example(), steps, value))
  fc.assert(
    fc.property(fc.oneof(mutated, fc.jsonValue()), (bundle) => {
      const read = readTransaction(bundle)
      return read.ok || read.issues.length > 0
    }),
    { numRuns: 2000 }
  )
  fc.assert(fc.property(fc.jsonValue(), (body) => readSubscription(body).ok === false))
  t.pass('2,000 broken Bundles read without a throw, each refused with its issues or read whole')
})
