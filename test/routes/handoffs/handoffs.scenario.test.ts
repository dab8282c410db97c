import t from 'tap'
import { testContext } from '../../helpers/context.ts'
import { referralBody, today } from '../../helpers/referrals.ts'
import { addDays } from '../../../src/domain/dates.ts'
import { startReceiver, eventually } from '../../helpers/receiver.ts'
import { inProcessWorkers, FAST_EVENTS } from '../../helpers/workers.ts'

const ctx = await testContext(t, FAST_EVENTS)
const { app } = ctx
const programme = await ctx.party('programme')
const hospital = await ctx.party('hospital')
const ocmw = await ctx.party('ocmw')
const housing = await ctx.party('housing')
const bystander = await ctx.party('ocmw')
await inProcessWorkers(t, ctx.config)
const rxProgramme = await startReceiver(t)
const rxHospital = await startReceiver(t)
const allTypes = [
  'referral.created',
  'referral.status_changed',
  'handoff.created',
  'handoff.status_changed',
  'housing_priority.decided',
  'referral.updated'
]
for (const [who, rx] of [
  [programme, rxProgramme],
  [hospital, rxHospital]
] as const) {
  const res = await app.inject({
    method: 'POST',
    url: '/webhooks',
    headers: who.headers,
    payload: { url: rx.url, eventTypes: allTypes }
  })
  if (res.statusCode !== 201) throw new Error(res.body)
}
const { send } = ctx

t.test('hospital → programme → OCMW and housing company, and everyone hears what is theirs', async (t) => {
  const referral = (await send(hospital, 'POST', '/referrals', referralBody())).json()
  t.equal(
    (
      await send(
        programme,
        'POST',
        `/referrals/${referral.id}/transitions`,
        { status: 'accepted', track: 'opkomst_plus' },
        1
      )
    ).statusCode,
    200
  )

  const income = await send(programme, 'POST', `/referrals/${referral.id}/handoffs`, {
    type: 'income_support',
    toOrganisationId: ocmw.organisationId,
    reason: 'Leefloon aanvragen',
    dueBy: today()
  })
  t.equal(income.statusCode, 201, income.body)
  const priority = await send(programme, 'POST', `/referrals/${referral.id}/handoffs`, {
    type: 'housing_priority',
    toOrganisationId: housing.organisationId,
    reason: 'Overbewoning, voorrang LTR gevraagd'
  })
  t.equal(priority.statusCode, 201)

  // The OCMW polls, as OCMW systems do.
  const since = new Date(Date.now() - 60_000).toISOString()
  const polled = await send(ocmw, 'GET', `/handoffs?updatedSince=${encodeURIComponent(since)}`)
  t.same(
    polled.json().items.map((h: { id: string }) => h.id),
    [income.json().id]
  )
  t.equal(
    (await send(ocmw, 'POST', `/handoffs/${income.json().id}/transitions`, { status: 'received' }, 1)).statusCode,
    200
  )
  t.equal(
    (await send(ocmw, 'POST', `/handoffs/${income.json().id}/transitions`, { status: 'accepted' }, 2)).statusCode,
    200
  )

  // The housing company decides once it took the handoff on.
  for (const [status, version] of [
    ['received', 1],
    ['accepted', 2]
  ] as const) {
    const moved = await send(housing, 'POST', `/handoffs/${priority.json().id}/transitions`, { status }, version)
    t.equal(moved.statusCode, 200, moved.body)
  }
  const granted = await send(housing, 'POST', `/handoffs/${priority.json().id}/housing-decision`, {
    decision: 'granted',
    validUntil: addDays(today(), 90)
  })
  t.equal(granted.statusCode, 200, granted.body)
  const allocated = await send(housing, 'POST', `/handoffs/${priority.json().id}/housing-decision`, {
    decision: 'allocated',
    allocatedOn: today(),
    municipality: 'Mechelen'
  })
  t.equal(allocated.statusCode, 200)
  t.match(allocated.json().housing, { decision: 'allocated', municipality: 'Mechelen' })

  const handoffEvents = [
    'handoff.created',
    'handoff.created',
    'handoff.status_changed',
    'handoff.status_changed',
    'handoff.status_changed',
    'handoff.status_changed',
    'housing_priority.decided',
    'housing_priority.decided'
  ]
  const expected = {
    programme: ['referral.created', 'referral.status_changed', ...handoffEvents],
    // The referrer cannot look a handoff up: each change reaches it as its referral's new version.
    hospital: ['referral.created', 'referral.status_changed', ...handoffEvents.map(() => 'referral.updated')]
  }
  for (const [who, rx] of [
    ['programme', rxProgramme],
    ['hospital', rxHospital]
  ] as const) {
    await eventually(`${who} deliveries`, () => rx.received.length >= expected[who].length || undefined)
    t.same(
      rx.received.map((r) => JSON.parse(r.body).type).sort(),
      [...expected[who]].sort(),
      `${who} received its events`
    )
  }
  const updates = rxHospital.received
    .map((r) => JSON.parse(r.body))
    .filter((b) => b.type === 'referral.updated')
    .map((b) => b.data.version as number)
    .sort((a, b) => a - b)
  t.equal(new Set(updates).size, handoffEvents.length, 'each update names a new version of the referral')
  t.notOk(
    rxHospital.received.some((r) => r.body.includes(income.json().id) || r.body.includes(priority.json().id)),
    'no handoff id reaches the referrer'
  )

  const view = (await send(hospital, 'GET', `/referrals/${referral.id}`)).json()
  t.same(
    view.handoffs.map((h: Record<string, unknown>) => Object.keys(h).sort()),
    [
      ['createdAt', 'housingDecidedAt', 'housingDecision', 'status', 'type', 'updatedAt'],
      ['createdAt', 'housingDecidedAt', 'housingDecision', 'status', 'type', 'updatedAt']
    ],
    'type, status, decision and dates, nothing more'
  )
  t.same(view.handoffs.map((h: { type: string; status: string }) => `${h.type}:${h.status}`).sort(), [
    'housing_priority:accepted',
    'income_support:accepted'
  ])
  const full = (await send(programme, 'GET', `/referrals/${referral.id}`)).json()
  t.equal(full.handoffs[0].reason, 'Leefloon aanvragen', 'the programme sees everything')

  // Closed loop: each event reached the referrer, the programme and the recipient, and no one else.
  const { rows } = await app.pool.query(
    "SELECT type, audience FROM outbox_events WHERE referral_id = $1 AND type IN ('referral.status_changed', 'handoff.status_changed')",
    [referral.id]
  )
  for (const row of rows) {
    t.equal(
      row.audience.includes(hospital.organisationId),
      row.type === 'referral.status_changed',
      `${row.type}: the referrer hears it as such only if it is the referral's`
    )
    t.ok(row.audience.includes(programme.organisationId), `${row.type}: the programme`)
    t.notOk(row.audience.includes(bystander.organisationId))
  }
  const handoffRows = await app.pool.query(
    "SELECT handoff_id, audience FROM outbox_events WHERE type = 'handoff.status_changed' AND referral_id = $1",
    [referral.id]
  )
  t.ok(
    handoffRows.rows.every(
      (r) =>
        r.audience.includes(r.handoff_id === income.json().id ? ocmw.organisationId : housing.organisationId) &&
        !r.audience.includes(r.handoff_id === income.json().id ? housing.organisationId : ocmw.organisationId)
    ),
    "each handoff's events reach its recipient, not the other's"
  )
  t.same((await send(bystander, 'GET', '/events')).json().items, [], 'a bystander hears nothing')
  const ocmwFeed = await eventually('the OCMW feed', async () => {
    const types = (await send(ocmw, 'GET', '/events')).json().items.map((e: { type: string }) => e.type) as string[]
    return types.includes('handoff.status_changed') && types
  })
  t.notOk(ocmwFeed.includes('referral.created'), 'a recipient does not hear of the referral itself')

  const history = await send(ocmw, 'GET', `/handoffs/${income.json().id}/history`)
  t.same(
    history.json().items.map((h: { toStatus: string }) => h.toStatus),
    ['requested', 'received', 'accepted']
  )
})
