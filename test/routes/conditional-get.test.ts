import t from 'tap'
import { testContext } from '../helpers/context.ts'
import { referralBody } from '../helpers/referrals.ts'

// Every single-resource GET with a version answers 304 to the ETag it gave, with that ETag.
const ctx = await testContext(t, { WEBHOOK_ALLOWED_HOSTS: '127.0.0.1' })
const { send } = ctx
const programme = await ctx.party('programme')
const hospital = await ctx.party('hospital')
const ocmw = await ctx.party('ocmw')
const referral = (await send(hospital, 'POST', '/referrals', referralBody())).json()
const handoff = (
  await send(programme, 'POST', `/referrals/${referral.id}/handoffs`, {
    type: 'income_support',
    toOrganisationId: ocmw.organisationId,
    reason: 'Graag opvolgen'
  })
).json()
const webhook = (
  await send(programme, 'POST', '/webhooks', { url: 'http://127.0.0.1:9/hook', eventTypes: ['referral.created'] })
).json()

for (const [what, who, url] of [
  ['referral', hospital, `/referrals/${referral.id}`],
  ['handoff', ocmw, `/handoffs/${handoff.id}`],
  ['webhook', programme, `/webhooks/${webhook.id}`],
  ['organisation', { headers: ctx.admin }, `/admin/organisations/${ocmw.organisationId}`]
] as const) {
  t.test(`a ${what} answers 304 to If-None-Match with its ETag`, async (t) => {
    const first = await send(who, 'GET', url)
    t.equal(first.statusCode, 200)
    const etag = first.headers.etag as string
    t.match(etag, /^"\d+"$/, 'a strong ETag')
    const again = await ctx.app.inject({ method: 'GET', url, headers: { ...who.headers, 'if-none-match': etag } })
    t.equal(again.statusCode, 304)
    t.equal(again.headers.etag, etag)
    t.equal(again.body, '', 'no body')
    const weak = await ctx.app.inject({ method: 'GET', url, headers: { ...who.headers, 'if-none-match': `W/${etag}` } })
    t.equal(weak.statusCode, 304, 'If-None-Match compares weakly (RFC 9110)')
    const stale = await ctx.app.inject({ method: 'GET', url, headers: { ...who.headers, 'if-none-match': '"999"' } })
    t.equal(stale.statusCode, 200, 'another version gets the resource')
  })
}

t.test('If-Match compares strongly: a weak tag is refused', async (t) => {
  const res = await ctx.app.inject({
    method: 'PATCH',
    url: `/webhooks/${webhook.id}`,
    headers: { ...programme.headers, 'if-match': `W/"${webhook.version}"` },
    payload: { description: 'x' }
  })
  t.equal(res.statusCode, 412)
})
