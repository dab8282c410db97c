import t from 'tap'
import { randomUUID } from 'node:crypto'
import { buildApp } from '../../src/app.ts'
import { testConfig, testContext, testDatabase, deleteRedisKeys } from '../helpers/context.ts'
import { readFileSync } from 'node:fs'
import { addMonths } from '../../src/domain/dates.ts'
import { inszFor, referralBody, today } from '../helpers/referrals.ts'
import type { Json } from '../helpers/fhir.ts'

/**
 * Every registered route declares what it leaves in the access log, and leaves exactly that: each
 * route is called once as the party it serves, and the rows with that request's id are counted.
 */
const ctx = await testContext(t, { WEBHOOK_ALLOWED_HOSTS: '127.0.0.1' })
const { app } = ctx
const programme = await ctx.party('programme', { serviceArea: ['2800'] })
const hospital = await ctx.party('hospital')
const housing = await ctx.party('housing')
const operator = { headers: ctx.admin }

// Ids the calls below fill in as they make things.
const made: Record<string, string> = {}
/** The FHIR routes share one `:id`: each call says which id it reads. */
const use = (id: () => string | undefined) => async () => {
  made.id = id() as string
}

interface FhirBundle {
  entry: Array<{ response: { location: string } }>
}

/** The example hospital Bundle of docs/fhir, dated now, for another mother. */
function fhirBundle() {
  const bundle = JSON.parse(readFileSync(new URL('../../docs/fhir/referral-bundle.json', import.meta.url), 'utf8'))
  const [patient, request, consent, task] = bundle.entry.map((e: { resource: Json }) => e.resource)
  patient.identifier[0].value = inszFor('1990-02-03', 1)
  patient.birthDate = '1990-02-03'
  request.contained.find((c: { id: string }) => c.id === 'expectedDeliveryDate').valueDateTime = addMonths(today(), 3)
  consent.dateTime = new Date(Date.now() - 60_000).toISOString()
  task.identifier[0].value = `EPD-${randomUUID()}`
  delete bundle.entry[3].request.ifNoneExist
  return bundle
}
const fill = (url: string) =>
  url.replace(/:(\w+)/g, (_m, name: string) => {
    const id = made[name]
    if (id === undefined) throw new Error(`no ${name} made before ${url}`)
    return id
  })

interface Call {
  who: { headers: object }
  query?: string
  body?: object
  version?: number
  expect: number
  keep?: (body: { id: string }) => void
  /** What the call needs first, done as another party. */
  before?: () => Promise<void>
}

/** One call per route, in an order that makes what later calls need; `who` is the party the route serves. */
const CALLS: Record<string, Call> = {
  'GET /health/live': { who: operator, expect: 200 },
  'GET /health/ready': { who: operator, expect: 200 },
  'POST /admin/organisations': {
    who: operator,
    body: { name: `Elders ${randomUUID()}`, type: 'ocmw' },
    expect: 201,
    keep: (b) => {
      made.organisationId = b.id
    }
  },
  'GET /admin/organisations': { who: operator, expect: 200 },
  'GET /admin/organisations/:organisationId': { who: operator, expect: 200 },
  'PATCH /admin/organisations/:organisationId': {
    who: operator,
    body: { notificationEmail: 'ocmw@example.be' },
    version: 1,
    expect: 200
  },
  'POST /admin/organisations/:organisationId/clients': {
    who: operator,
    body: { name: 'x', scopes: ['referrals:read'] },
    expect: 201,
    keep: (b) => {
      made.clientId = b.id
    }
  },
  'GET /admin/organisations/:organisationId/clients': { who: operator, expect: 200 },
  'DELETE /admin/organisations/:organisationId/clients/:clientId': { who: operator, expect: 204 },
  'POST /organisations/:organisationId/workers': {
    who: operator,
    body: { name: 'Fatima', role: 'maatschappelijk werker' },
    expect: 201,
    keep: (b) => {
      made.workerId = b.id
    }
  },
  'GET /organisations/:organisationId/workers': { who: operator, expect: 200 },
  'GET /organisations/:organisationId/workers/:workerId': { who: operator, expect: 200 },
  'PATCH /organisations/:organisationId/workers/:workerId': {
    who: operator,
    body: { active: false },
    version: 1,
    expect: 200
  },
  'DELETE /admin/organisations/:organisationId': { who: operator, version: 2, expect: 200 },
  'GET /directory/organisations': { who: hospital, expect: 200 },
  'POST /referrals': {
    who: hospital,
    body: referralBody(),
    expect: 201,
    keep: (b) => {
      made.referralId = b.id
    }
  },
  'GET /referrals': { who: hospital, expect: 200 },
  'GET /referrals/:referralId': { who: hospital, expect: 200 },
  'PATCH /referrals/:referralId': { who: hospital, body: { urgency: 'urgent' }, version: 1, expect: 200 },
  'POST /referrals/:referralId/transitions': {
    who: programme,
    body: { status: 'accepted', track: 'opkomst' },
    version: 2,
    expect: 200
  },
  'PUT /referrals/:referralId/assignment': {
    who: programme,
    body: { workerId: programme.workerId },
    version: 3,
    expect: 200
  },
  'GET /referrals/:referralId/history': { who: hospital, expect: 200 },
  // FHIR: a referral of its own by transaction Bundle, then the reads of the referral made above.
  'POST /fhir': {
    who: hospital,
    body: fhirBundle(),
    expect: 200,
    keep: (b) => {
      made.fhirTaskId = /^Task\/([^/]+)/.exec((b as unknown as FhirBundle).entry[3]!.response.location)![1]!
    }
  },
  'GET /fhir/Task': { who: hospital, expect: 200 },
  'GET /fhir/Task/:id': { who: hospital, before: use(() => made.referralId), expect: 200 },
  'GET /fhir/ServiceRequest/:id': { who: hospital, expect: 200 },
  'GET /fhir/Patient/:id': { who: hospital, expect: 200 },
  'GET /fhir/Consent/:id': { who: hospital, expect: 200 },
  'PATCH /fhir/Task/:id': {
    who: hospital,
    before: use(() => made.fhirTaskId),
    body: [
      { op: 'replace', path: '/status', value: 'cancelled' },
      { op: 'add', path: '/statusReason', value: { coding: [{ code: 'no_longer_needed' }] } }
    ],
    version: 1,
    expect: 200
  },
  'GET /fhir/Organization/:id': { who: hospital, before: use(() => programme.organisationId), expect: 200 },
  'GET /fhir/PractitionerRole/:id': { who: hospital, before: use(() => programme.workerId), expect: 200 },
  'POST /fhir/Subscription': {
    who: hospital,
    body: {
      resourceType: 'Subscription',
      status: 'requested',
      reason: 'Referral status',
      criteria: 'https://opkomst.be/fhir/SubscriptionTopic/referral-task-status',
      channel: { type: 'rest-hook', endpoint: 'http://127.0.0.1:9/fhir-hook' }
    },
    expect: 201,
    keep: (b) => {
      made.subscriptionId = b.id
    }
  },
  'GET /fhir/Subscription/:id': { who: hospital, before: use(() => made.subscriptionId), expect: 200 },
  'DELETE /fhir/Subscription/:id': { who: hospital, expect: 204 },
  'GET /referrals/:referralId/access-log': { who: programme, expect: 200 },
  'PUT /referrals/:referralId/assessments/:phase': {
    who: programme,
    body: { assessedOn: today(), scores: { income: 2 } },
    expect: 201
  },
  'PATCH /referrals/:referralId/assessments/:phase': {
    who: programme,
    body: { scores: { debts: 3 } },
    version: 1,
    expect: 200
  },
  'GET /referrals/:referralId/assessments/:phase/history': { who: programme, expect: 200 },
  'GET /referrals/:referralId/assessments': { who: programme, expect: 200 },
  'GET /referrals/:referralId/screening': { who: programme, expect: 200 },
  'PATCH /referrals/:referralId/screening': {
    who: programme,
    body: { incomeSource: 'benefit' },
    version: 0,
    expect: 200
  },
  'GET /referrals/:referralId/screening/history': { who: programme, expect: 200 },
  'POST /group-sessions': {
    who: programme,
    body: { heldOn: today(), theme: 'meeting', track: 'opkomst', place: 'x', facilitatorWorkerId: programme.workerId },
    expect: 201,
    keep: (b) => {
      made.sessionId = b.id
    }
  },
  'PUT /group-sessions/:sessionId/attendance': {
    who: programme,
    get body() {
      return { referralIds: [made.referralId] }
    },
    version: 1,
    expect: 200
  },
  'GET /group-sessions': { who: programme, expect: 200 },
  'GET /group-sessions/:sessionId': { who: programme, expect: 200 },
  'PATCH /group-sessions/:sessionId': { who: programme, body: { theme: 'feeding' }, version: 2, expect: 200 },
  'GET /group-sessions/:sessionId/history': { who: programme, expect: 200 },
  'DELETE /group-sessions/:sessionId': { who: programme, version: 3, expect: 204 },
  'GET /referrals/:referralId/group-sessions': { who: programme, expect: 200 },
  'GET /reports/impact': { who: programme, query: `?from=2020-01-01&to=${today()}`, expect: 200 },
  'GET /reports/impact/progress.svg': { who: programme, query: `?from=2020-01-01&to=${today()}`, expect: 200 },
  'GET /reports/impact/progress.png': { who: programme, query: `?from=2020-01-01&to=${today()}`, expect: 200 },
  'GET /reports/impact/shares.svg': { who: programme, query: `?from=2020-01-01&to=${today()}`, expect: 200 },
  'GET /reports/impact/shares.png': { who: programme, query: `?from=2020-01-01&to=${today()}`, expect: 200 },
  'GET /reports/impact.html': { who: programme, query: `?from=2020-01-01&to=${today()}`, expect: 200 },
  'GET /events': { who: hospital, expect: 200 },
  'POST /webhooks': {
    who: hospital,
    body: { url: 'http://127.0.0.1:9/hook', eventTypes: ['referral.created'] },
    expect: 201,
    keep: (b) => {
      made.webhookId = b.id
    }
  },
  'GET /webhooks': { who: hospital, expect: 200 },
  'GET /webhooks/:webhookId': { who: hospital, expect: 200 },
  'PATCH /webhooks/:webhookId': { who: hospital, body: { description: 'EPD' }, version: 1, expect: 200 },
  'POST /webhooks/:webhookId/rotate-secret': { who: hospital, expect: 200 },
  'POST /webhooks/:webhookId/test': { who: hospital, expect: 202 },
  'GET /webhooks/:webhookId/deliveries': { who: hospital, expect: 200 },
  'POST /webhooks/:webhookId/deliveries/:deliveryId/redeliver': { who: hospital, expect: 404 },
  'POST /webhooks/:webhookId/deliveries/redeliver': { who: hospital, body: {}, expect: 202 },
  'DELETE /webhooks/:webhookId': { who: hospital, expect: 204 },
  'POST /referrals/:referralId/handoffs': {
    who: programme,
    body: { type: 'housing_priority', toOrganisationId: housing.organisationId, reason: 'Voorrang' },
    expect: 201,
    keep: (b) => {
      made.handoffId = b.id
    }
  },
  'GET /handoffs': { who: housing, expect: 200 },
  'GET /handoffs/:handoffId': { who: housing, expect: 200 },
  'POST /handoffs/:handoffId/transitions': { who: housing, body: { status: 'received' }, version: 1, expect: 200 },
  'GET /handoffs/:handoffId/history': { who: housing, expect: 200 },
  'POST /handoffs/:handoffId/housing-decision': {
    who: housing,
    body: { decision: 'granted', validUntil: '2099-12-31' },
    // Only once the housing company accepted the handoff (received here): it logs nothing either way.
    expect: 409
  },
  'GET /handoffs/:handoffId/housing-decisions': { who: housing, expect: 200 },
  'GET /referrals/:referralId/consent': { who: hospital, expect: 200 },
  'PUT /referrals/:referralId/consent': {
    who: hospital,
    body: {
      givenAt: new Date(Date.now() - 60_000).toISOString(),
      recordedBy: 'Sociale dienst',
      method: 'verbal',
      sharingScope: ['programme', 'housing']
    },
    version: 6,
    expect: 200
  },
  'POST /referrals/:referralId/consent/withdrawal': {
    who: hospital,
    body: { withdrawnAt: new Date().toISOString(), recordedBy: 'Sociale dienst' },
    expect: 200
  },
  // Last: the operator closes the referral (entered in error), then erases it.
  'POST /admin/referrals/:referralId/erasure': {
    who: operator,
    before: async () => {
      const { version } = (await ctx.send(programme, 'GET', fill('/referrals/:referralId'))).json()
      const closed = await ctx.send(
        operator,
        'POST',
        fill('/referrals/:referralId/transitions'),
        { status: 'entered-in-error', reasonCode: 'test_record' },
        version
      )
      if (closed.statusCode !== 200) throw new Error(closed.body)
    },
    body: { reasonCode: 'data_subject_request' },
    expect: 200
  }
}

t.test(
  'every route declares its access-log action, leaves exactly those rows, and sends the hardening headers',
  async (t) => {
    made.phase = 'start'
    made.deliveryId = randomUUID()
    const declared = app.accessDeclarations.filter((d) => d.method !== 'HEAD')
    const routes = declared.map((d) => `${d.method} ${d.url}`)
    t.same(
      routes.filter((r) => CALLS[r] === undefined),
      [],
      'every declared route has a call in this test'
    )
    t.same(
      Object.keys(CALLS).filter((r) => !routes.includes(r)),
      [],
      'every call here is a declared route'
    )
    for (const [route, call] of Object.entries(CALLS)) {
      const [method, url] = route.split(' ') as [string, string]
      await call.before?.()
      const requestId = `decl-${randomUUID()}`
      const res = await app.inject({
        method: method as 'GET',
        url: fill(url) + (call.query ?? ''),
        headers: {
          ...call.who.headers,
          'x-request-id': requestId,
          ...(call.version === undefined ? {} : { 'if-match': `"${call.version}"` })
        },
        ...(call.body === undefined ? {} : { payload: call.body })
      })
      t.equal(res.statusCode, call.expect, `${route}: ${res.body.slice(0, 200)}`)
      if (res.statusCode < 300 && call.keep !== undefined) call.keep(res.json())
      if (route.startsWith('GET /health') === false) {
        // The directory holds nothing personal: a client may keep it and revalidate.
        const caching = route === 'GET /directory/organisations' ? 'private, no-cache' : 'no-store'
        t.equal(res.headers['cache-control'], caching, `${route}: Cache-Control ${caching}`)
      }
      t.equal(res.headers['x-content-type-options'], 'nosniff', `${route}: hardening headers`)
      t.ok(res.headers['content-security-policy'], `${route}: a Content-Security-Policy`)
      const { rows } = await app.pool.query<{ action: string }>('SELECT action FROM access_log WHERE request_id = $1', [
        requestId
      ])
      const action = declared.find((d) => `${d.method} ${d.url}` === route)!.accessLog
      if (action === false) t.same(rows, [], `${route} declares no personal data and logs nothing`)
      else
        t.ok(
          rows.length > 0 && rows.every((r) => r.action === action),
          `${route} leaves its "${action}" rows and no other (${rows.map((r) => r.action).join(', ')})`
        )
    }
  }
)

t.test('a route without a declaration stops the app from starting', async (t) => {
  const config = testConfig(await testDatabase(t))
  const app = await buildApp(config)
  t.teardown(async () => {
    await app.close()
    await deleteRedisKeys(config.REDIS_URL, config.REDIS_PREFIX)
  })
  t.throws(
    () => app.get('/undeclared', { config: { scope: 'referrals:read' } }, async () => ({})),
    /must declare config.accessLog/
  )
  t.doesNotThrow(() =>
    app.get('/declared', { config: { scope: 'referrals:read', accessLog: false } }, async () => ({}))
  )
})
