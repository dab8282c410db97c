import t from 'tap'
import { testContext } from '../../helpers/context.ts'
import { referralBody, today as belgianToday } from '../../helpers/referrals.ts'
import { addMonths } from '../../../src/domain/dates.ts'
import { eventually } from '../../helpers/receiver.ts'
import { inProcessWorkers, FAST_EVENTS } from '../../helpers/workers.ts'
import { HANDOFF_RECIPIENT_VIEWS, topLevelKeys } from '../../../src/domain/views.ts'

const ctx = await testContext(t, FAST_EVENTS)
const { app } = ctx
const programme = await ctx.party('programme')
const hospital = await ctx.party('hospital')
const ocmw = await ctx.party('ocmw')
const housing = await ctx.party('housing')
const otherHousing = await ctx.party('housing')
const childFamily = await ctx.party('child_family')
const socialWork = await ctx.party('social_work')
const { send } = ctx
const body = referralBody({
  consent: { ...referralBody().consent, sharingScope: ['programme', 'ocmw', 'housing', 'child_family', 'social_work'] }
})
const referral = (await send(hospital, 'POST', '/referrals', body)).json()
const inMonths = (n: number) => addMonths(belgianToday(), n)

/** The recipient receives and accepts a handoff: housing decisions come after. */
async function acceptAs(who: { headers: object }, handoffId: string) {
  for (const [status, version] of [
    ['received', 1],
    ['accepted', 2]
  ] as const) {
    const res = await send(who, 'POST', `/handoffs/${handoffId}/transitions`, { status }, version)
    if (res.statusCode !== 200) throw new Error(res.body)
  }
}
const handTo = (type: string, to: { organisationId: string }, reason = 'Graag opvolgen') =>
  send(programme, 'POST', `/referrals/${referral.id}/handoffs`, { type, toOrganisationId: to.organisationId, reason })

/** Every key path of a JSON value, nested objects included (arrays as their items). */
function keyPaths(value: unknown, prefix = ''): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [prefix]
  return Object.entries(value).flatMap(([k, v]) => keyPaths(v, prefix === '' ? k : `${prefix}.${k}`))
}
/** The key paths a view allows, expanded down to the leaves of what was sent. */
function allowedPaths(view: readonly string[], full: Record<string, unknown>): string[] {
  return view.flatMap((p) =>
    keyPaths(
      p.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)?.[k], full),
      p
    )
  )
}

t.test('each recipient type gets exactly the fields of its row, and never the reason or health', async (t) => {
  const full = (await send(programme, 'GET', `/referrals/${referral.id}`)).json()
  const cases = [
    [ocmw, 'income_support', 'ocmw'],
    [housing, 'housing_priority', 'housing'],
    [childFamily, 'postnatal_followup', 'child_family'],
    [socialWork, 'social_work', 'other']
  ] as const
  for (const [who, type, row] of cases) {
    const handoff = await handTo(type, who)
    t.equal(handoff.statusCode, 201, handoff.body)
    for (const [where, json] of [
      ['GET /referrals/{id}', (await send(who, 'GET', `/referrals/${referral.id}`)).json()],
      ['GET /handoffs/{id}', (await send(who, 'GET', `/handoffs/${handoff.json().id}`)).json().referral]
    ] as const) {
      t.same(
        topLevelKeys(Object.keys(json)),
        topLevelKeys(HANDOFF_RECIPIENT_VIEWS[row]),
        `${row} via ${where}: top-level keys`
      )
      t.same(
        keyPaths(json).sort(),
        allowedPaths(HANDOFF_RECIPIENT_VIEWS[row], full).sort(),
        `${row} via ${where}: every nested key`
      )
      const text = JSON.stringify(json)
      t.notOk(text.includes(body.reason), 'no free-text reason')
      t.notOk('health' in (json.screening ?? {}) || text.includes('"health"'), 'no health criteria')
      t.notOk('handoffs' in json, 'no other handoffs')
      t.notOk('assignedWorker' in json, "not the programme's fields")
    }
  }
  const housingView = (await send(housing, 'GET', `/referrals/${referral.id}`)).json()
  t.equal(housingView.mother.insz, body.mother.insz, 'identity includes the INSZ for the OCMW and housing')
  t.same(housingView.household, { numberOfChildren: 1, livesAloneWithChildren: true })
})

t.test("a housing company without a handoff gets 404 on the referral and on other companies' handoffs", async (t) => {
  const theirs = (await handTo('housing_priority', housing)).json()
  const routes = [
    ['GET', `/referrals/${referral.id}`],
    ['GET', `/referrals/${referral.id}/history`],
    ['GET', `/handoffs/${theirs.id}`],
    ['GET', `/handoffs/${theirs.id}/history`],
    ['POST', `/handoffs/${theirs.id}/transitions`, { status: 'received' }],
    ['POST', `/handoffs/${theirs.id}/housing-decision`, { decision: 'refused', reasonCode: 'no_need' }],
    [
      'POST',
      `/referrals/${referral.id}/handoffs`,
      { type: 'other', toOrganisationId: ocmw.organisationId, reason: 'x' }
    ]
  ] as const
  for (const [method, url, payload] of routes) {
    const res = await send(otherHousing, method, url, payload, 1)
    t.equal(res.statusCode, 404, `${method} ${url}`)
  }
  t.equal((await send(otherHousing, 'GET', '/handoffs')).json().items.length, 0)
  t.equal(
    (await send(housing, 'GET', `/referrals/${referral.id}/history`)).statusCode,
    404,
    'a recipient sees the referral only through its projection'
  )
})

t.test('refusals: outside the consent scope, housing priority to an OCMW, allocation before grant', async (t) => {
  const midwife = await ctx.party('midwife')
  const outside = await handTo('other', midwife)
  t.equal(outside.statusCode, 422)
  t.match(outside.json().errors, [{ pointer: '/toOrganisationId', message: /consent/ }])
  const wrong = await handTo('housing_priority', ocmw)
  t.equal(wrong.statusCode, 422)
  t.match(wrong.json().errors, [{ message: /housing organisation/ }])
  const priority = (await handTo('housing_priority', housing)).json()
  const early = await send(housing, 'POST', `/handoffs/${priority.id}/housing-decision`, {
    decision: 'allocated',
    allocatedOn: '2026-01-01',
    municipality: 'Mechelen'
  })
  t.equal(early.statusCode, 409)
  t.match(early.json(), { type: 'urn:opkomst:problem:housing-decision-not-allowed', detail: /accepted/ })
  const requested = await send(housing, 'POST', `/handoffs/${priority.id}/housing-decision`, {
    decision: 'granted',
    validUntil: inMonths(12)
  })
  t.equal(requested.statusCode, 409, 'no decision on a requested handoff')
  await acceptAs(housing, priority.id)
  const refused = await send(housing, 'POST', `/handoffs/${priority.id}/housing-decision`, {
    decision: 'refused',
    reasonCode: 'income_too_high'
  })
  t.equal(refused.statusCode, 200)
  t.equal(
    (
      await send(housing, 'POST', `/handoffs/${priority.id}/housing-decision`, {
        decision: 'granted',
        validUntil: inMonths(12)
      })
    ).statusCode,
    409,
    'nothing after a refusal'
  )
  const income = (await handTo('income_support', ocmw)).json()
  t.equal(
    (
      await send(ocmw, 'POST', `/handoffs/${income.id}/housing-decision`, {
        decision: 'refused',
        reasonCode: 'no_need'
      })
    ).statusCode,
    409,
    'only on housing_priority'
  )
  const skip = await send(ocmw, 'POST', `/handoffs/${income.id}/transitions`, { status: 'completed' }, 1)
  t.equal(skip.statusCode, 409)
  t.same(skip.json().allowedTransitions, ['received'])
  t.equal((await send(ocmw, 'POST', `/handoffs/${income.id}/transitions`, { status: 'received' })).statusCode, 428)
  t.equal((await send(ocmw, 'POST', `/handoffs/${income.id}/transitions`, { status: 'received' }, 7)).statusCode, 412)
  const byCreator = await send(
    programme,
    'POST',
    `/handoffs/${income.id}/transitions`,
    { status: 'cancelled', reasonCode: 'done_elsewhere' },
    1
  )
  t.equal(byCreator.statusCode, 200, 'the creator cancels')
})

t.test(
  'housing priority: grant, extend, expire (stored, once), grant again, allocate; revoke with a code',
  async (t) => {
    const workers = await inProcessWorkers(t, ctx.config)
    const priority = (await handTo('housing_priority', housing)).json()
    await acceptAs(housing, priority.id)
    const at = `/handoffs/${priority.id}/housing-decision`
    const decide = (payload: object, who: { headers: object } = housing) => send(who, 'POST', at, payload)
    const acting = { headers: { ...housing.headers, 'acting-person': housing.workerId } }

    const instant = await decide({ decision: 'granted', validUntil: '2026-12-31T23:59:59+01:00' })
    t.equal(instant.statusCode, 422, 'validUntil is a date')
    t.same(instant.json().errors, [
      { pointer: '/validUntil', message: 'must be a calendar date, YYYY-MM-DD (2026-06-30)' }
    ])
    const missing = await decide({ decision: 'granted' })
    t.equal(missing.statusCode, 422)
    t.match(missing.json().errors, [{ pointer: '/validUntil', message: /required when decision is granted/ }])

    const today = belgianToday()
    t.equal((await decide({ decision: 'granted', validUntil: today }, acting)).statusCode, 200)
    t.equal((await decide({ decision: 'extended', validUntil: today })).statusCode, 409, 'an extension runs later')
    const extended = await decide({ decision: 'extended', validUntil: inMonths(6) })
    t.equal(extended.statusCode, 200, extended.body)
    t.match(extended.json().housing, { decision: 'extended', validUntil: inMonths(6) })

    // Time passes: its last day is now behind it (the API refuses a past date).
    await app.pool.query('UPDATE handoffs SET housing_valid_through = current_date - 1 WHERE id = $1', [priority.id])
    const stored = await eventually(
      'stored as expired',
      async () => {
        const h = (await send(housing, 'GET', `/handoffs/${priority.id}`)).json()
        return h.housing.decision === 'expired' && h
      },
      15_000
    )
    t.ok(stored.housing.decidedAt, 'with its time')
    await new Promise((resolve) => setTimeout(resolve, 2500))
    const expired = await app.pool.query(
      "SELECT audience FROM outbox_events WHERE type = 'housing_priority.expired' AND handoff_id = $1",
      [priority.id]
    )
    t.equal(expired.rows.length, 1, 'the event once, however often the reconcile reschedules it')
    t.equal(
      (await decide({ decision: 'allocated', allocatedOn: today, municipality: 'Mechelen' })).statusCode,
      409,
      'no allocation after expiry'
    )
    t.equal((await decide({ decision: 'granted', validUntil: inMonths(12) }, acting)).statusCode, 200, 'a new grant')
    const allocated = await decide({ decision: 'allocated', allocatedOn: today, municipality: 'Mechelen' })
    t.equal(allocated.statusCode, 200)

    const history = (await send(programme, 'GET', `/handoffs/${priority.id}/housing-decisions`)).json().items
    t.match(history, [
      {
        decision: 'granted',
        validThrough: today,
        byOrganisationId: housing.organisationId,
        byWorkerId: housing.workerId
      },
      { decision: 'extended', validThrough: inMonths(6), byWorkerId: null },
      { decision: 'expired', byOrganisationId: null },
      { decision: 'granted', validThrough: inMonths(12) },
      { decision: 'allocated', allocatedOn: today, municipality: 'Mechelen' }
    ])
    t.ok(
      history.every((d: { at: string }) => !Number.isNaN(Date.parse(d.at))),
      'each with its time'
    )
    t.equal((await send(housing, 'GET', `/handoffs/${priority.id}/housing-decisions`)).statusCode, 200)
    t.equal((await send(ocmw, 'GET', `/handoffs/${priority.id}/housing-decisions`)).statusCode, 404)
    const brief = (await send(hospital, 'GET', `/referrals/${referral.id}`)).json().handoffs as Array<
      Record<string, unknown>
    >
    t.ok(
      brief.some((h) => h.housingDecision === 'allocated' && typeof h.housingDecidedAt === 'string'),
      'the referrer sees the current decision and its date'
    )

    const other = (await handTo('housing_priority', otherHousing)).json()
    await acceptAs(otherHousing, other.id)
    const otherAt = `/handoffs/${other.id}/housing-decision`
    await send(otherHousing, 'POST', otherAt, { decision: 'granted', validUntil: inMonths(12) })
    const uncoded = await send(otherHousing, 'POST', otherAt, { decision: 'revoked' })
    t.equal(uncoded.statusCode, 422, 'a revocation needs its code')
    const wrongCode = await send(otherHousing, 'POST', otherAt, {
      decision: 'revoked',
      reasonCode: 'committee_refused'
    })
    t.equal(wrongCode.statusCode, 422)
    t.match(wrongCode.json().errors, [{ pointer: '/reasonCode' }])
    const revoked = await send(otherHousing, 'POST', otherAt, { decision: 'revoked', reasonCode: 'moved_away' })
    t.equal(revoked.statusCode, 200, revoked.body)
    t.match(revoked.json().housing, { decision: 'revoked', reasonCode: 'moved_away' })
    t.equal(
      (await send(otherHousing, 'POST', otherAt, { decision: 'granted', validUntil: inMonths(12) })).statusCode,
      200,
      'granted again after a revocation'
    )
    await workers.close()
  }
)

t.test(
  'after consent withdrawal recipients get 404 on the referral, keep a record of their handoff, and each got a handoff.status_changed event with consent_withdrawn',
  async (t) => {
    const own = (
      await send(
        hospital,
        'POST',
        '/referrals',
        referralBody({
          mother: { ...body.mother, insz: undefined, inszAbsentReason: 'unknown' },
          consent: body.consent
        })
      )
    ).json()
    const income = (
      await send(programme, 'POST', `/referrals/${own.id}/handoffs`, {
        type: 'income_support',
        toOrganisationId: ocmw.organisationId,
        reason: 'x'
      })
    ).json()
    const priority = (
      await send(programme, 'POST', `/referrals/${own.id}/handoffs`, {
        type: 'housing_priority',
        toOrganisationId: housing.organisationId,
        reason: 'y'
      })
    ).json()
    t.equal((await send(ocmw, 'GET', `/referrals/${own.id}`)).statusCode, 200)
    const withdrawn = await send(hospital, 'POST', `/referrals/${own.id}/consent/withdrawal`, {
      withdrawnAt: new Date().toISOString(),
      recordedBy: 'Sociale dienst'
    })
    t.equal(withdrawn.statusCode, 200, withdrawn.body)
    t.same(withdrawn.json().cancelledHandoffs.sort(), [income.id, priority.id].sort())
    for (const [who, handoff] of [
      [ocmw, income],
      [housing, priority]
    ] as const) {
      t.equal((await send(who, 'GET', `/referrals/${own.id}`)).statusCode, 404)
      // Its own handoff stays readable as a record of its work, without the mother's data or free text.
      t.match((await send(who, 'GET', `/handoffs/${handoff.id}`)).json(), {
        status: 'cancelled',
        reason: null,
        referral: null
      })
      t.match(
        (await send(who, 'GET', '/handoffs')).json().items.find((h: { id: string }) => h.id === handoff.id),
        { status: 'cancelled', reason: null }
      )
      // The feed waits for every older transaction in the cluster (other test files run in parallel).
      const told = await eventually(
        'the event',
        async () =>
          (await send(who, 'GET', '/events?limit=500'))
            .json()
            .items.some(
              (e: { type: string; handoffId: string; status: string; reasonCode: string }) =>
                e.type === 'handoff.status_changed' &&
                e.handoffId === handoff.id &&
                e.status === 'cancelled' &&
                e.reasonCode === 'consent_withdrawn'
            ) || undefined
      )
      t.ok(told, 'told by event')
    }
    const kept = (await send(programme, 'GET', `/referrals/${own.id}`)).json()
    t.match(
      kept,
      { consentWithdrawal: { recordedBy: 'Sociale dienst' }, mother: { givenName: body.mother.givenName } },
      'the programme keeps its record'
    )
    t.same(
      kept.handoffs.map((h: { status: string }) => h.status),
      ['cancelled', 'cancelled']
    )
    const log = (await send(programme, 'GET', `/referrals/${own.id}/access-log?limit=100`)).json().items
    t.ok(
      log.some((l: { action: string }) => l.action === 'consent withdrawal'),
      'the access log records it'
    )
    t.equal(
      (
        await send(programme, 'POST', `/referrals/${own.id}/handoffs`, {
          type: 'other',
          toOrganisationId: ocmw.organisationId,
          reason: 'z'
        })
      ).statusCode,
      409,
      'nothing more is handed off'
    )
    t.equal(
      (
        await send(hospital, 'POST', `/referrals/${own.id}/consent/withdrawal`, {
          withdrawnAt: new Date().toISOString(),
          recordedBy: 'x'
        })
      ).statusCode,
      409
    )
  }
)
