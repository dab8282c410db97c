import t from 'tap'
import { testContext } from '../helpers/context.ts'
import { referralBody } from '../helpers/referrals.ts'
import { REFERRAL_VIEWS, topLevelKeys } from '../../src/domain/views.ts'

// Polling never misses a change (issue #20, item 5): a handoff moving moves its referral; a handoff
// ended by consent withdrawal stays in the recipient's list; unknown parameters are refused.
const ctx = await testContext(t)
const { send } = ctx
const programme = await ctx.party('programme')
const hospital = await ctx.party('hospital')
const ocmw = await ctx.party('ocmw')
const otherHospital = await ctx.party('hospital')

const created = await send(hospital, 'POST', '/referrals', referralBody({ externalReference: 'EPD-POLL-1' }))
const referral = created.json()

t.test('a handoff that moves gives its referral a new version: a conditional GET answers 200', async (t) => {
  const before = await send(hospital, 'GET', `/referrals/${referral.id}`)
  const etag = before.headers.etag as string
  const since = new Date().toISOString()
  const handoff = (
    await send(programme, 'POST', `/referrals/${referral.id}/handoffs`, {
      type: 'income_support',
      toOrganisationId: ocmw.organisationId,
      reason: 'Leefloon'
    })
  ).json()
  const afterCreate = await ctx.app.inject({
    method: 'GET',
    url: `/referrals/${referral.id}`,
    headers: { ...hospital.headers, 'if-none-match': etag }
  })
  t.equal(afterCreate.statusCode, 200, 'not 304: the referrer sees the new handoff')
  t.not(afterCreate.headers.etag, etag)

  const moved = await send(ocmw, 'POST', `/handoffs/${handoff.id}/transitions`, { status: 'received' }, handoff.version)
  t.equal(moved.statusCode, 200)
  const afterMove = await ctx.app.inject({
    method: 'GET',
    url: `/referrals/${referral.id}`,
    headers: { ...hospital.headers, 'if-none-match': afterCreate.headers.etag as string }
  })
  t.equal(afterMove.statusCode, 200, 'a handoff status change is a change of the referral')
  t.equal(afterMove.json().handoffs[0].status, 'received')
  t.ok(afterMove.json().updatedAt > afterCreate.json().updatedAt, 'updatedAt moved too')

  const polled = await send(hospital, 'GET', `/referrals?updatedSince=${encodeURIComponent(since)}`)
  t.same(
    polled.json().items.map((r: { id: string }) => r.id),
    [referral.id],
    'an updatedSince poll finds it'
  )
})

t.test('a handoff cancelled by consent withdrawal stays in the recipient’s poll, without personal data', async (t) => {
  const since = new Date().toISOString()
  const current = (await send(programme, 'GET', `/referrals/${referral.id}`)).json()
  const withdrawn = await send(programme, 'POST', `/referrals/${referral.id}/consent/withdrawal`, {
    withdrawnAt: new Date().toISOString(),
    recordedBy: 'Sara'
  })
  t.equal(withdrawn.statusCode, 200, withdrawn.body)
  t.ok(withdrawn.json().version > current.version)
  const polled = await send(ocmw, 'GET', `/handoffs?updatedSince=${encodeURIComponent(since)}`)
  t.equal(polled.statusCode, 200)
  const [item] = polled.json().items
  t.equal(item?.status, 'cancelled')
  t.equal(item?.statusReasonCode, 'consent_withdrawn')
  t.equal(item?.reason, null, 'no free text: the record only')
  t.notOk('referral' in (item ?? {}), 'nothing of the mother')
})

t.test('unknown parameters are refused, and the referrer finds its own by externalReference', async (t) => {
  const colour = await send(hospital, 'GET', '/referrals?colour=blue')
  t.equal(colour.statusCode, 400)
  t.same(colour.json().errors, [{ pointer: '/colour', message: 'is not an allowed field' }])
  for (const url of ['/handoffs?colour=blue', '/events?colour=blue', '/webhooks/x/deliveries?colour=blue']) {
    t.equal((await send(hospital, 'GET', url)).statusCode, 400, url)
  }
  // Another hospital uses the same reference for a referral of its own.
  await send(otherHospital, 'POST', '/referrals', referralBody({ externalReference: 'EPD-POLL-1' }))
  const mine = await send(hospital, 'GET', '/referrals?externalReference=EPD-POLL-1')
  t.same(
    mine.json().items.map((r: { id: string }) => r.id),
    [referral.id],
    'its own, not the other hospital’s'
  )
  const none = await send(hospital, 'GET', '/referrals?externalReference=EPD-NONE')
  t.same(none.json().items, [])
})

t.test('the operator lists every referral in its view, without personal data', async (t) => {
  const listed = await send({ headers: ctx.admin }, 'GET', '/referrals')
  t.equal(listed.statusCode, 200)
  const items = listed.json().items as Record<string, unknown>[]
  t.equal(items.length, 2, 'both hospitals’ referrals')
  for (const item of items) t.same(Object.keys(item).sort(), topLevelKeys(REFERRAL_VIEWS.operator))
})
