import t, { type Test } from 'tap'
import { testContext, type Party } from '../../helpers/context.ts'
import { eventually } from '../../helpers/receiver.ts'
import { KNOWN_INSZ, referralBody } from '../../helpers/referrals.ts'

const ctx = await testContext(t)
const { send } = ctx
const programme = await ctx.party('programme')
const hospital = await ctx.party('hospital')
const ocmw = await ctx.party('ocmw')
const housing = await ctx.party('housing')
const kindEnGezin = await ctx.party('child_family')
const operator = { headers: ctx.admin }
const body = referralBody()
const referral = (await send(hospital, 'POST', '/referrals', body)).json()
await send(programme, 'POST', `/referrals/${referral.id}/transitions`, { status: 'accepted', track: 'opkomst' }, 1)

const handOff = async (type: string, to: Party, reason: string) => {
  const res = await send(programme, 'POST', `/referrals/${referral.id}/handoffs`, {
    type,
    toOrganisationId: to.organisationId,
    reason
  })
  if (res.statusCode !== 201) throw new Error(res.body)
  return res.json() as { id: string }
}

/** What a recipient can still read once its reason is gone: 404 on the referral, its own handoff as a record. */
async function cutOff(t: Test, who: Party, handoffId: string, status: string, reasonCode: string) {
  t.equal((await send(who, 'GET', `/referrals/${referral.id}`)).statusCode, 404, 'the referral is gone for it')
  const own = await send(who, 'GET', `/handoffs/${handoffId}`)
  t.equal(own.statusCode, 200, 'its own handoff stays readable')
  t.match(own.json(), {
    id: handoffId,
    status,
    statusReasonCode: reasonCode,
    reason: null,
    statusReason: null,
    referral: null
  })
  const listed = (await send(who, 'GET', '/handoffs')).json().items.find((h: { id: string }) => h.id === handoffId)
  t.match(listed, { status, reason: null }, 'and listed as a record')
  const history = (await send(who, 'GET', `/handoffs/${handoffId}/history`)).json().items
  t.ok(
    history.every((h: { reason: null }) => h.reason === null),
    'its history without free text'
  )
  for (const text of [own.body, JSON.stringify(listed), JSON.stringify(history)]) {
    t.notOk(
      text.includes(body.mother.familyName) || text.includes(KNOWN_INSZ) || text.includes('Voorbeeldstraat'),
      'nothing of the mother'
    )
  }
}

t.test('a recipient reads the mother while at work, and not after the programme cancels its handoff', async (t) => {
  const handoff = await handOff('income_support', ocmw, 'Leefloon aanvragen voor mevrouw')
  const read = await send(ocmw, 'GET', `/referrals/${referral.id}`)
  t.equal(read.statusCode, 200)
  t.equal(read.json().mother.familyName, body.mother.familyName)
  t.equal(
    (
      await send(
        programme,
        'POST',
        `/handoffs/${handoff.id}/transitions`,
        { status: 'cancelled', reasonCode: 'no_longer_needed', reason: 'Zelf geregeld' },
        1
      )
    ).statusCode,
    200
  )
  await cutOff(t, ocmw, handoff.id, 'cancelled', 'no_longer_needed')
})

t.test('a recipient that rejects its handoff loses the referral at once', async (t) => {
  const handoff = await handOff('housing_priority', housing, 'Voorrang LTR')
  t.equal(
    (await send(housing, 'POST', `/handoffs/${handoff.id}/transitions`, { status: 'received' }, 1)).statusCode,
    200
  )
  t.equal((await send(housing, 'GET', `/referrals/${referral.id}`)).statusCode, 200)
  t.equal(
    (
      await send(
        housing,
        'POST',
        `/handoffs/${handoff.id}/transitions`,
        { status: 'rejected', reasonCode: 'not_eligible' },
        2
      )
    ).statusCode,
    200
  )
  await cutOff(t, housing, handoff.id, 'rejected', 'not_eligible')
  const decision = await send(housing, 'POST', `/handoffs/${handoff.id}/housing-decision`, {
    decision: 'granted',
    validUntil: new Date(Date.now() + 86_400_000).toISOString().slice(0, 10)
  })
  t.equal(decision.statusCode, 409, 'no decision on ended work')
})

t.test('entered-in-error cancels every open handoff with a coded reason and cuts every recipient', async (t) => {
  const handoff = await handOff('postnatal_followup', kindEnGezin, 'Huisbezoek plannen')
  t.equal((await send(kindEnGezin, 'GET', `/referrals/${referral.id}`)).statusCode, 200)
  const version = (await send(programme, 'GET', `/referrals/${referral.id}`)).json().version
  const marked = await send(
    operator,
    'POST',
    `/referrals/${referral.id}/transitions`,
    { status: 'entered-in-error', reasonCode: 'wrong_mother' },
    version
  )
  t.equal(marked.statusCode, 200, marked.body)
  await cutOff(t, kindEnGezin, handoff.id, 'cancelled', 'referral_entered_in_error')
  const handoffs = (await send(programme, 'GET', `/referrals/${referral.id}`)).json().handoffs
  t.same(
    handoffs.map((h: { status: string }) => h.status),
    ['cancelled', 'rejected', 'cancelled'],
    'no handoff stays open'
  )
  const history = (await send(programme, 'GET', `/handoffs/${handoff.id}/history`)).json().items
  t.match(history.at(-1), { fromStatus: 'requested', toStatus: 'cancelled', reasonCode: 'referral_entered_in_error' })
  await eventually(
    'the event',
    async () =>
      (await send(kindEnGezin, 'GET', '/events?limit=500'))
        .json()
        .items.some(
          (e: { type: string; handoffId: string; reasonCode: string }) =>
            e.type === 'handoff.status_changed' &&
            e.handoffId === handoff.id &&
            e.reasonCode === 'referral_entered_in_error'
        ) || undefined
  )
  t.pass('the recipient is told by event')
})
