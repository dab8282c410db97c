import t from 'tap'
import { testContext } from '../helpers/context.ts'
import { inszFor, referralBody } from '../helpers/referrals.ts'

/** The mother's consent as data: narrowed, withdrawn, given again; every version kept. */
const ctx = await testContext(t)
const { app, send } = ctx
const programme = await ctx.party('programme')
const hospital = await ctx.party('hospital')
const ocmw = await ctx.party('ocmw')
const housing = await ctx.party('housing')
let mothers = 0

async function withHandoffs() {
  const body = referralBody()
  const created = await send(hospital, 'POST', '/referrals', {
    ...body,
    mother: { ...body.mother, birthDate: '1989-11-02', insz: inszFor('1989-11-02', ++mothers) }
  })
  const id = created.json().id as string
  await send(programme, 'POST', `/referrals/${id}/transitions`, { status: 'accepted', track: 'opkomst' }, 1)
  const handoff = async (type: string, to: { organisationId: string }) =>
    (
      await send(programme, 'POST', `/referrals/${id}/handoffs`, {
        type,
        toOrganisationId: to.organisationId,
        reason: 'Ondersteuning'
      })
    ).json().id as string
  return {
    id,
    body,
    income: await handoff('income_support', ocmw),
    priority: await handoff('housing_priority', housing)
  }
}
const versionOf = async (id: string) => (await send(programme, 'GET', `/referrals/${id}`)).json().version as number

t.test('narrowing the consent to exclude housing cuts the housing company off at once', async (t) => {
  const { id, body, income, priority } = await withHandoffs()
  t.equal((await send(housing, 'GET', `/referrals/${id}`)).statusCode, 200, 'the housing company reads her, before')
  const narrower = {
    givenAt: new Date().toISOString(),
    recordedBy: 'Sara De Smet (Opkomst)',
    method: 'written',
    sharingScope: ['programme', 'ocmw'],
    documentReference: 'Dossier 2026/118'
  }
  const at = `/referrals/${id}/consent`
  t.equal((await send(programme, 'PUT', at, narrower, 1)).statusCode, 412, 'If-Match on the referral')
  const version = await versionOf(id)
  const changed = await send(programme, 'PUT', at, narrower, version)
  t.equal(changed.statusCode, 200, changed.body)
  t.same(changed.json().cancelledHandoffs, [priority])
  t.equal(changed.headers.etag, `"${changed.json().version}"`)

  t.equal((await send(housing, 'GET', `/referrals/${id}`)).statusCode, 404, 'the housing company: 404 at once')
  t.match((await send(programme, 'GET', `/handoffs/${priority}`)).json(), {
    status: 'cancelled',
    statusReasonCode: 'consent_narrowed'
  })
  t.equal((await send(ocmw, 'GET', `/referrals/${id}`)).statusCode, 200, 'the OCMW, still named, keeps access')
  t.match((await send(programme, 'GET', `/handoffs/${income}`)).json(), { status: 'requested' })
  const refused = await send(programme, 'POST', `/referrals/${id}/handoffs`, {
    type: 'housing_priority',
    toOrganisationId: housing.organisationId,
    reason: 'Opnieuw'
  })
  t.equal(refused.statusCode, 422, 'no new handoff outside the scope')

  const versions = (await send(hospital, 'GET', at)).json().items
  t.match(versions, [
    { version: 1, kind: 'given', sharingScope: body.consent.sharingScope, recordedBy: body.consent.recordedBy },
    {
      version: 2,
      kind: 'changed',
      sharingScope: ['programme', 'ocmw'],
      documentReference: 'Dossier 2026/118',
      byOrganisationId: programme.organisationId
    }
  ])
  t.equal((await send(ocmw, 'GET', at)).statusCode, 404, 'a recipient does not read the consent record')
})

t.test('withdrawn, then given again: new handoffs only, and every version kept', async (t) => {
  const { id, income } = await withHandoffs()
  const withdrawn = await send(hospital, 'POST', `/referrals/${id}/consent/withdrawal`, {
    withdrawnAt: new Date().toISOString(),
    recordedBy: 'Sociale dienst'
  })
  t.equal(withdrawn.statusCode, 200, withdrawn.body)
  const { rows } = await app.pool.query(
    "SELECT audience, reason_code FROM outbox_events WHERE referral_id = $1 AND type = 'referral.consent_withdrawn'",
    [id]
  )
  t.equal(rows.length, 1, 'referral.consent_withdrawn')
  t.equal(rows[0].reason_code, 'consent_withdrawn')
  t.same([...rows[0].audience].sort(), [hospital.organisationId, programme.organisationId].sort())

  const handoff = (type: string, to: { organisationId: string }) =>
    send(programme, 'POST', `/referrals/${id}/handoffs`, { type, toOrganisationId: to.organisationId, reason: 'x' })
  const whileWithdrawn = await handoff('income_support', ocmw)
  t.equal(whileWithdrawn.statusCode, 409, 'no handoff while withdrawn')
  t.equal(whileWithdrawn.json().type, 'urn:opkomst:problem:consent-withdrawn')

  const again = await send(
    programme,
    'PUT',
    `/referrals/${id}/consent`,
    {
      givenAt: new Date().toISOString(),
      recordedBy: 'Sara De Smet (Opkomst)',
      method: 'verbal',
      sharingScope: ['programme', 'ocmw']
    },
    await versionOf(id)
  )
  t.equal(again.statusCode, 200, again.body)
  t.equal(again.json().consent.kind, 'given')
  t.same(again.json().cancelledHandoffs, [])
  t.match(
    (await send(programme, 'GET', `/handoffs/${income}`)).json(),
    {
      status: 'cancelled',
      statusReasonCode: 'consent_withdrawn'
    },
    'what the withdrawal cancelled stays cancelled'
  )
  t.equal((await handoff('income_support', ocmw)).statusCode, 201, 'a new handoff may follow')

  const kinds = (await send(programme, 'GET', `/referrals/${id}/consent`))
    .json()
    .items.map((v: { kind: string }) => v.kind)
  t.same(kinds, ['given', 'withdrawn', 'given'])
  const recipientWrites = await send(
    ocmw,
    'PUT',
    `/referrals/${id}/consent`,
    { givenAt: new Date().toISOString(), recordedBy: 'OCMW', method: 'verbal', sharingScope: ['ocmw'] },
    await versionOf(id)
  )
  t.equal(recipientWrites.statusCode, 404, 'a recipient does not record her consent')
  const stranger = await ctx.party('hospital')
  t.equal((await send(stranger, 'GET', `/referrals/${id}/consent`)).statusCode, 404)
})
