import t from 'tap'
import { testContext } from '../helpers/context.ts'
import { referralBody } from '../helpers/referrals.ts'

const ctx = await testContext(t)
const { app, send } = ctx
const hospital = await ctx.party('hospital')
const programme = await ctx.party('programme')

t.test('401 says how to authenticate (RFC 6750)', async (t) => {
  const none = await app.inject({ url: '/referrals' })
  t.equal(none.statusCode, 401)
  t.equal(none.headers['www-authenticate'], 'Bearer realm="opkomst"')
  const bad = await app.inject({ url: '/referrals', headers: { authorization: 'Bearer opk_not-a-key' } })
  t.equal(bad.headers['www-authenticate'], 'Bearer realm="opkomst", error="invalid_token"')
})

t.test("a caller's request id is kept only when it is a plain token", async (t) => {
  for (const [sent, kept] of [
    ['partner-123', true],
    ['3f2b8c1e-6a9d-4e57-9c1b-0f3a2d4e5b6c', true],
    ['85073003328 Samira', false],
    ['a'.repeat(65), false],
    ['x:y', false]
  ] as const) {
    const res = await app.inject({ url: '/health/live', headers: { 'x-request-id': sent } })
    t.equal(res.headers['x-request-id'] === sent, kept, sent)
  }
})

t.test('the docs still load under the Content-Security-Policy', async (t) => {
  const docs = await app.inject('/docs')
  t.equal(docs.statusCode, 200)
  t.match(docs.headers['content-security-policy'], /script-src 'self'/)
})

t.test('the history shows free text only to views that show it; the operator sees codes and dates', async (t) => {
  const referral = (await send(hospital, 'POST', '/referrals', referralBody())).json()
  await send(
    programme,
    'POST',
    `/referrals/${referral.id}/transitions`,
    { status: 'rejected', reasonCode: 'outside_service_area', reason: 'Woont in Gent, zie mevrouw haar dossier' },
    1
  )
  const asProgramme = (await send(programme, 'GET', `/referrals/${referral.id}/history`)).json().items
  t.equal(asProgramme.at(-1).reason, 'Woont in Gent, zie mevrouw haar dossier')
  const asOperator = await send({ headers: ctx.admin }, 'GET', `/referrals/${referral.id}/history`)
  t.equal(asOperator.statusCode, 200)
  t.same(
    asOperator.json().items.map((h: { reason: string | null }) => h.reason),
    [null, null],
    'no free text for the operator'
  )
  t.equal(asOperator.json().items.at(-1).reasonCode, 'outside_service_area', 'the codes are there')
  t.notOk(asOperator.body.includes('Gent'))
})
