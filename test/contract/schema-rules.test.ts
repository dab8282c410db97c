import t from 'tap'
import { readFile } from 'node:fs/promises'
import { CONTRACT_PATH } from '../../src/contract/conformance.ts'
import { testContext } from '../helpers/context.ts'
import { referralBody } from '../helpers/referrals.ts'

// The rules JSON Schema can say are in the contract, and the server refuses by them with messages
// that name the fields (not "must match then schema").
const spec = JSON.parse(await readFile(CONTRACT_PATH, 'utf8'))
const schemas = spec.components.schemas
const ctx = await testContext(t)
const hospital = await ctx.party('hospital')
const programme = await ctx.party('programme')
const { send } = ctx
const pointed = (res: { json: () => { errors?: { pointer: string; message: string }[] } }) =>
  Object.fromEntries((res.json().errors ?? []).map((e) => [e.pointer, e.message]))

t.test('exactly one of pregnancy or youngestChild', async (t) => {
  t.same(schemas.ReferralInput.if.required, ['pregnancy'], 'in the contract')
  const both = await send(hospital, 'POST', '/referrals', {
    ...referralBody(),
    youngestChild: { birthDate: '2026-01-01' }
  })
  t.equal(both.statusCode, 422)
  t.same(pointed(both), { '/youngestChild': 'is not allowed together with pregnancy' })
  const { pregnancy: _, ...neither } = referralBody()
  const none = await send(hospital, 'POST', '/referrals', neither)
  t.equal(none.statusCode, 422)
  t.same(pointed(none), { '/youngestChild': 'is required without pregnancy' })
})

t.test('the INSZ or the reason it is absent', async (t) => {
  t.same(schemas.Mother.if.required, ['insz'], 'in the contract')
  const body = referralBody()
  const both = await send(hospital, 'POST', '/referrals', {
    ...body,
    mother: { ...body.mother, inszAbsentReason: 'refused' }
  })
  t.same(pointed(both), { '/mother/inszAbsentReason': 'is not allowed together with insz' })
  const { insz: _, ...withoutInsz } = body.mother
  const none = await send(hospital, 'POST', '/referrals', { ...body, mother: withoutInsz })
  t.same(pointed(none), { '/mother/inszAbsentReason': 'is required without insz' })
})

t.test('what each target status needs, and its own reason codes', async (t) => {
  t.ok(schemas.TransitionInput.allOf.length >= 5, 'one rule per status that needs a field, in the contract')
  const referral = (await send(hospital, 'POST', '/referrals', referralBody())).json()
  const url = `/referrals/${referral.id}/transitions`
  const noCode = await send(programme, 'POST', url, { status: 'rejected' }, referral.version)
  t.equal(noCode.statusCode, 422)
  t.same(pointed(noCode), { '/reasonCode': 'is required when status is rejected' })
  const wrongCode = await send(programme, 'POST', url, { status: 'rejected', reasonCode: 'moved_away' }, 1)
  t.match(pointed(wrongCode)['/reasonCode'], /^must be one of not_eligible, .* when status is rejected$/)
  const noOutcome = await send(programme, 'POST', url, { status: 'completed' }, 1)
  t.same(pointed(noOutcome), { '/outcome': 'is required when status is completed' })
  const resume = schemas.TransitionInput.allOf.map((r: { if: { properties: { status: { const: string } } } }) =>
    String(r.if.properties.status.const)
  )
  t.notOk(resume.includes('accepted'), 'accepting needs a track, but resuming from on-hold does not: not in the schema')
})

t.test('webhook URLs are https in the contract', async (t) => {
  t.equal(schemas.WebhookInput.properties.url.pattern, '^(?:https://)')
  const plain = await send(programme, 'POST', '/webhooks', {
    url: 'http://partner.example.org/hook',
    eventTypes: ['referral.created']
  })
  t.equal(plain.statusCode, 422)
  t.ok(pointed(plain)['/url'], 'names the field')
})

t.test('Idempotency-Key: 1 to 255 visible ASCII characters, in the contract', async (t) => {
  const key = spec.paths['/referrals'].post.parameters.find((p: { name: string }) => p.name === 'idempotency-key')
  t.equal(key.schema.pattern, '^[\\x21-\\x7E]{1,255}$')
  const res = await ctx.app.inject({
    method: 'POST',
    url: '/referrals',
    headers: { ...hospital.headers, 'idempotency-key': 'with space' },
    payload: referralBody()
  })
  t.equal(res.statusCode, 400)
  t.ok(pointed(res)['/idempotency-key'], 'names the header')
})
