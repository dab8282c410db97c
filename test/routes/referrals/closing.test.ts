import t from 'tap'
import { testContext } from '../../helpers/context.ts'
import { inszFor, referralBody } from '../../helpers/referrals.ts'

// Ending a referral settles its handoffs (issue #20, item 7): refused while any is open, unless the
// request asks to close them, which cancels them with `referral_closed`.
const ctx = await testContext(t)
const { send } = ctx
const programme = await ctx.party('programme')
const hospital = await ctx.party('hospital')
const ocmw = await ctx.party('ocmw')

let mothers = 0
async function acceptedWithHandoff() {
  // A mother of her own each time: a second open referral of the same one would be a duplicate.
  const birthDate = '1990-02-02'
  const mother = { ...referralBody().mother, birthDate, insz: inszFor(birthDate, ++mothers) }
  const referral = (await send(hospital, 'POST', '/referrals', referralBody({ mother }))).json()
  const accepted = (
    await send(
      programme,
      'POST',
      `/referrals/${referral.id}/transitions`,
      { status: 'accepted', track: 'opkomst' },
      referral.version
    )
  ).json()
  const handoff = (
    await send(programme, 'POST', `/referrals/${referral.id}/handoffs`, {
      type: 'income_support',
      toOrganisationId: ocmw.organisationId,
      reason: 'Leefloon'
    })
  ).json()
  const current = (await send(programme, 'GET', `/referrals/${referral.id}`)).json()
  return { id: accepted.id as string, version: current.version as number, handoffId: handoff.id as string }
}

t.test('failing a referral with an open handoff is refused, listing it', async (t) => {
  const { id, version, handoffId } = await acceptedWithHandoff()
  const refused = await send(
    programme,
    'POST',
    `/referrals/${id}/transitions`,
    { status: 'failed', reasonCode: 'unreachable' },
    version
  )
  t.equal(refused.statusCode, 409)
  t.equal(refused.json().type, 'urn:opkomst:problem:open-handoffs')
  t.same(refused.json().openHandoffs, [handoffId])
  t.equal((await send(programme, 'GET', `/referrals/${id}`)).json().status, 'accepted', 'nothing changed')
})

t.test('with closeOpenHandoffs, the handoffs are cancelled with referral_closed', async (t) => {
  const { id, version, handoffId } = await acceptedWithHandoff()
  const failed = await send(
    programme,
    'POST',
    `/referrals/${id}/transitions`,
    { status: 'failed', reasonCode: 'unreachable', closeOpenHandoffs: true },
    version
  )
  t.equal(failed.statusCode, 200, failed.body)
  t.equal(failed.json().status, 'failed')
  const handoff = (await send(programme, 'GET', `/handoffs/${handoffId}`)).json()
  t.equal(handoff.status, 'cancelled')
  t.equal(handoff.statusReasonCode, 'referral_closed')
  const history = (await send(ocmw, 'GET', `/handoffs/${handoffId}/history`)).json().items
  t.equal(history.at(-1).reasonCode, 'referral_closed', 'the recipient sees why')
})
