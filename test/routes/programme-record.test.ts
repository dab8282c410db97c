import t from 'tap'
import { testContext } from '../helpers/context.ts'
import { addDays } from '../../src/domain/dates.ts'
import { inszFor, referralBody, today } from '../helpers/referrals.ts'

/** The programme's record: its own start situation beside the referrer's, assessments as versioned documents. */
const ctx = await testContext(t, { REPORT_MIN_CELL: 1 })
const { send } = ctx
const programme = await ctx.party('programme')
const hospital = await ctx.party('hospital')
let mothers = 0

/** A referral the programme accepted today. */
async function accepted() {
  const body = referralBody()
  const res = await send(hospital, 'POST', '/referrals', {
    ...body,
    mother: { ...body.mother, birthDate: '1991-03-08', insz: inszFor('1991-03-08', ++mothers) }
  })
  if (res.statusCode !== 201) throw new Error(res.body)
  const id = res.json().id as string
  const ok = await send(programme, 'POST', `/referrals/${id}/transitions`, { status: 'accepted', track: 'opkomst' }, 1)
  if (ok.statusCode !== 200) throw new Error(ok.body)
  return id
}
const report = async () =>
  (await send(programme, 'GET', `/reports/impact?from=${addDays(today(), -1)}&to=${addDays(today(), 1)}`)).json()
    .overall

t.test(
  'the programme corrects income and housing at start: the report follows, the referrer sees no change',
  async (t) => {
    const id = await accepted()
    const at = `/referrals/${id}/screening`
    const before = await report()
    t.equal(before.shareWithoutIncome.value, 1, 'the referrer said: no income')
    t.equal(before.shareBadHousing.value, 1, 'and overcrowded')
    const referrerBefore = (await send(hospital, 'GET', `/referrals/${id}`)).json()

    const first = await send(programme, 'GET', at)
    t.equal(first.statusCode, 200)
    t.equal(first.headers.etag, '"0"')
    t.same(first.json().programme, {})
    t.equal(first.json().referrer.incomeSource, 'none')

    t.equal((await send(programme, 'PATCH', at, { incomeSource: 'benefit' })).statusCode, 428, 'If-Match required')
    const acting = { headers: { ...programme.headers, 'acting-person': programme.workerId } }
    const saved = await send(acting, 'PATCH', at, { incomeSource: 'benefit', housingSituation: 'adequate' }, 0)
    t.equal(saved.statusCode, 200, saved.body)
    t.equal(saved.headers.etag, '"1"')
    t.match(saved.json(), {
      referrer: { incomeSource: 'none', housingSituation: 'overcrowded' },
      programme: {
        incomeSource: { value: 'benefit', byWorkerId: programme.workerId, byClientId: programme.clientId },
        housingSituation: { value: 'adequate' }
      },
      effective: { incomeSource: 'benefit', housingSituation: 'adequate', income: 'vulnerable' }
    })
    t.equal((await send(programme, 'PATCH', at, { incomeSource: 'work' }, 0)).statusCode, 412, 'stale')
    const invalid = await send(programme, 'PATCH', at, { incomeSource: 'lottery' }, 1)
    t.equal(invalid.statusCode, 422)
    t.match(invalid.json().errors, [{ pointer: '/incomeSource' }])

    const after = await report()
    t.equal(after.shareWithoutIncome.value, 0, "the report uses the programme's value")
    t.equal(after.shareBadHousing.value, 0)

    t.same((await send(hospital, 'GET', `/referrals/${id}`)).json(), referrerBefore, "the referrer's view is unchanged")
    t.equal((await send(hospital, 'GET', at)).statusCode, 403, "the referrer never sees the programme's screening")

    await send(programme, 'PATCH', at, { incomeSource: 'work' }, 1)
    const history = (await send(programme, 'GET', `${at}/history`)).json().items
    t.match(history, [
      { version: 1, field: 'incomeSource', value: 'benefit', byWorkerId: programme.workerId },
      { version: 1, field: 'housingSituation', value: 'adequate' },
      { version: 2, field: 'incomeSource', value: 'work', byWorkerId: null }
    ])
    t.equal(history.length, 3, 'the history shows each correction')
  }
)

t.test('a partial assessment save leaves the other eleven scores; stale If-Match is 412', async (t) => {
  const id = await accepted()
  const at = `/referrals/${id}/assessments/start`
  const scores = {
    income: 1,
    debts: 2,
    housing: 2,
    daily_activities: 3,
    household_relations: 3,
    parenting: 4,
    mental_health: 2,
    physical_health: 3,
    social_network: 1,
    community_participation: 2,
    administration: 3,
    legal_status: 2
  }
  t.equal((await send(programme, 'PUT', at, { assessedOn: today(), scores })).statusCode, 201)
  const patched = await send(programme, 'PATCH', at, { scores: { debts: 4 }, notes: { debts: 'Afbetalingsplan' } }, 1)
  t.equal(patched.statusCode, 200, patched.body)
  t.same(patched.json().scores, { ...scores, debts: 4 }, 'eleven unchanged, one changed')
  t.same(patched.json().notes, { debts: 'Afbetalingsplan' })
  t.equal(patched.headers.etag, '"2"')
  t.equal((await send(programme, 'PATCH', at, { scores: { debts: 5 } }, 1)).statusCode, 412, 'stale If-Match')
  t.equal((await send(programme, 'PATCH', at, { scores: { debts: 5 } })).statusCode, 428)
  const cleared = await send(programme, 'PATCH', at, { scores: { legal_status: null } }, 2)
  t.notOk('legal_status' in cleared.json().scores, 'null clears a score')
  t.equal(Object.keys(cleared.json().scores).length, 11)
  const early = await send(programme, 'PATCH', at, { assessedOn: addDays(today(), -400) }, 3)
  t.equal(early.statusCode, 422, 'not before guidance')
  t.match(early.json().errors, [{ pointer: '/assessedOn' }])
  t.equal((await send(hospital, 'PATCH', at, { scores: { debts: 1 } }, 3)).statusCode, 403, 'the programme’s only')
  t.equal(
    (await send(programme, 'PATCH', `/referrals/${id}/assessments/end`, { scores: { debts: 1 } }, 1)).statusCode,
    404,
    'no end assessment yet'
  )
})

t.test('the end assessment is corrected after completion, and the history says so', async (t) => {
  const id = await accepted()
  const ref = `/referrals/${id}`
  await send(programme, 'POST', `${ref}/transitions`, { status: 'in-progress', firstContactOn: today() }, 2)
  await send(programme, 'PUT', `${ref}/assessments/start`, { assessedOn: today(), scores: { income: 1, housing: 2 } })
  await send(programme, 'PUT', `${ref}/assessments/end`, { assessedOn: today(), scores: { income: 3, housing: 3 } })
  const done = await send(
    programme,
    'POST',
    `${ref}/transitions`,
    { status: 'completed', outcome: 'guidance_completed' },
    3
  )
  t.equal(done.statusCode, 200, done.body)

  const corrected = await send(programme, 'PATCH', `${ref}/assessments/end`, { scores: { housing: 4 } }, 1)
  t.equal(corrected.statusCode, 200, corrected.body)
  t.same(corrected.json().scores, { income: 3, housing: 4 })
  const history = (await send(programme, 'GET', `${ref}/assessments/end/history`)).json().items
  t.match(history, [
    { version: 1, scores: { income: 3, housing: 3 }, referralStatus: 'in-progress' },
    { version: 2, scores: { income: 3, housing: 4 }, referralStatus: 'completed', byClientId: programme.clientId }
  ])
  t.equal((await send(hospital, 'GET', `${ref}/assessments/end/history`)).statusCode, 403)

  // Guidance ended yesterday (its history says so): a correction may not date the assessment after it.
  await ctx.app.pool.query(
    "UPDATE referral_history SET at = now() - interval '1 day' WHERE referral_id = $1 AND to_status = 'completed'",
    [id]
  )
  const late = await send(programme, 'PATCH', `${ref}/assessments/end`, { assessedOn: today() }, 2)
  t.equal(late.statusCode, 422)
  t.match(late.json().errors, [{ pointer: '/assessedOn', message: /after the end of guidance/ }])
})
