import t from 'tap'
import { REASON_CODES } from '../../src/domain/reason-codes.ts'
import { testContext } from '../helpers/context.ts'
import { eventually } from '../helpers/receiver.ts'
import { referralBody } from '../helpers/referrals.ts'

const ctx = await testContext(t)
const { send } = ctx
const hospital = await ctx.party('hospital')
const programme = await ctx.party('programme')
const ocmw = await ctx.party('ocmw')

t.test('a reason code outside the vocabulary, or of another status, is 422; the feed carries only codes', async (t) => {
  const referral = (await send(hospital, 'POST', '/referrals', referralBody())).json()
  const smuggled = await send(
    programme,
    'POST',
    `/referrals/${referral.id}/transitions`,
    { status: 'rejected', reasonCode: 'mother_95031412417_hiv_positive' },
    1
  )
  t.match(smuggled.json(), { status: 422, errors: [{ pointer: '/reasonCode' }] })
  t.notOk(smuggled.body.includes('95031412417'), 'the answer does not echo it')
  const misplaced = await send(
    programme,
    'POST',
    `/referrals/${referral.id}/transitions`,
    { status: 'rejected', reasonCode: 'hospitalised' },
    1
  )
  t.match(misplaced.json(), {
    status: 422,
    errors: [{ pointer: '/reasonCode', message: /must be one of not_eligible/ }]
  })
  t.equal(
    (
      await send(
        programme,
        'POST',
        `/referrals/${referral.id}/transitions`,
        { status: 'accepted', track: 'opkomst' },
        1
      )
    ).statusCode,
    200
  )
  const handoff = (
    await send(programme, 'POST', `/referrals/${referral.id}/handoffs`, {
      type: 'income_support',
      toOrganisationId: ocmw.organisationId,
      reason: 'x'
    })
  ).json()
  const handoffCode = await send(
    programme,
    'POST',
    `/handoffs/${handoff.id}/transitions`,
    { status: 'cancelled', reasonCode: 'free_text_here' },
    1
  )
  t.equal(handoffCode.statusCode, 422)
  t.equal(
    (
      await send(
        programme,
        'POST',
        `/handoffs/${handoff.id}/transitions`,
        { status: 'cancelled', reasonCode: 'done_elsewhere' },
        1
      )
    ).statusCode,
    200
  )
  const events = await eventually('the events', async () => {
    const items = (await send(ocmw, 'GET', '/events?limit=500')).json().items
    return items.some((e: { reasonCode: string | null }) => e.reasonCode === 'done_elsewhere') ? items : undefined
  })
  for (const e of events as Array<{ reasonCode: string | null }>) {
    if (e.reasonCode !== null) t.ok(e.reasonCode in REASON_CODES, `${e.reasonCode} is in the vocabulary`)
  }
})
