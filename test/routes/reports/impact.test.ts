import t from 'tap'
import { XMLParser, XMLValidator } from 'fast-xml-parser'
import { testContext } from '../../helpers/context.ts'
import { inszFor, referralBody, today } from '../../helpers/referrals.ts'
import { addDays, addMonths } from '../../../src/domain/dates.ts'

const ctx = await testContext(t, { REPORT_MIN_CELL: 3 })
const { app } = ctx
const programme = await ctx.party('programme', { serviceArea: ['2800'] })
const otherProgramme = await ctx.party('programme', { serviceArea: ['9000'] })
const hospital = await ctx.party('hospital')
const secondHospital = await ctx.party('hospital')
const ocmw = await ctx.party('ocmw')

const yearsAgo = (n: number) => addMonths(today(), -12 * n)
const headersOf = (p: { headers: object }, version?: number) => ({
  ...p.headers,
  ...(version === undefined ? {} : { 'if-match': `"${version}"` })
})

interface Spec {
  by?: typeof hospital
  age: number
  insz?: string
  dueInDays?: number
  income: string
  housing: string
  alone: boolean
  track: 'opkomst' | 'opkomst_plus'
  sessions: number
  start?: Record<string, number>
  end?: Record<string, number>
}
/** Setup runs before the tests: a failure here throws rather than asserts. */
function expectStatus(res: { statusCode: number; body: string }, status: number) {
  if (res.statusCode !== status) throw new Error(`expected ${status}, got ${res.statusCode}: ${res.body}`)
}
async function refer(spec: Spec): Promise<string> {
  const birthDate = yearsAgo(spec.age)
  const base = referralBody()
  const body = referralBody({
    mother: { ...base.mother, birthDate, insz: spec.insz ?? inszFor(birthDate, Math.floor(Math.random() * 998) + 1) },
    ...(spec.dueInDays === undefined
      ? { pregnancy: undefined, youngestChild: { birthDate: addDays(today(), -30) } }
      : { pregnancy: { expectedDeliveryDate: addDays(today(), spec.dueInDays) } }),
    household: { livesAloneWithChildren: spec.alone, numberOfChildren: 1 },
    screening: { ...base.screening, incomeSource: spec.income, housingSituation: spec.housing }
  })
  const created = await app.inject({
    method: 'POST',
    url: '/referrals',
    headers: (spec.by ?? hospital).headers,
    payload: body
  })
  expectStatus(created, 201)
  const id = created.json().id
  let v = 1
  const go = async (payload: object) => {
    const res = await app.inject({
      method: 'POST',
      url: `/referrals/${id}/transitions`,
      headers: headersOf(programme, v++),
      payload
    })
    expectStatus(res, 200)
  }
  await go({ status: 'accepted', track: spec.track })
  for (let i = 0; i < spec.sessions; i++) {
    const session = await app.inject({
      method: 'POST',
      url: '/group-sessions',
      headers: programme.headers,
      payload: {
        heldOn: today(),
        theme: 'baby_care',
        track: spec.track,
        place: 'Huis van het Kind',
        facilitatorWorkerId: programme.workerId
      }
    })
    expectStatus(session, 201)
    expectStatus(
      await app.inject({
        method: 'PUT',
        url: `/group-sessions/${session.json().id}/attendance`,
        headers: headersOf(programme, 1),
        payload: { referralIds: [id] }
      }),
      200
    )
  }
  if (spec.start !== undefined) {
    await go({ status: 'in-progress', firstContactOn: today() })
    expectStatus(
      await app.inject({
        method: 'PUT',
        url: `/referrals/${id}/assessments/start`,
        headers: programme.headers,
        payload: { assessedOn: today(), scores: spec.start }
      }),
      201
    )
  }
  if (spec.end !== undefined) {
    expectStatus(
      await app.inject({
        method: 'PUT',
        url: `/referrals/${id}/assessments/end`,
        headers: programme.headers,
        payload: { assessedOn: today(), scores: spec.end }
      }),
      201
    )
    await go({ status: 'completed', outcome: 'guidance_completed' })
  }
  return id
}

const sharedInsz = inszFor(yearsAgo(22), 5)
// The cohort, and the answers worked out by hand below.
await refer({
  age: 30,
  dueInDays: 69,
  income: 'none',
  housing: 'overcrowded',
  alone: true,
  track: 'opkomst',
  sessions: 2,
  start: { income: 1, housing: 2 },
  end: { income: 3, housing: 2 }
}) // A
await refer({
  age: 20,
  dueInDays: 100,
  income: 'work',
  housing: 'adequate',
  alone: false,
  track: 'opkomst',
  sessions: 0,
  start: { income: 2, housing: 3, mental_health: 2 },
  end: { income: 2, housing: 4, mental_health: 4 }
}) // B
await refer({
  age: 25,
  income: 'unknown',
  housing: 'homeless',
  alone: false,
  track: 'opkomst',
  sessions: 1,
  start: { income: 1 }
}) // C: born, guidance running
await refer({
  age: 22,
  insz: sharedInsz,
  dueInDays: 30,
  income: 'none',
  housing: 'unknown',
  alone: true,
  track: 'opkomst_plus',
  sessions: 0,
  start: { income: 1, housing: 1 },
  end: { income: 2, housing: 3 }
}) // D
await refer({
  by: secondHospital,
  age: 22,
  insz: sharedInsz,
  income: 'benefit',
  housing: 'insecure',
  alone: true,
  track: 'opkomst_plus',
  sessions: 0
}) // E: D's mother again
await refer({
  age: 26,
  dueInDays: 0,
  income: 'none',
  housing: 'adequate',
  alone: false,
  track: 'opkomst_plus',
  sessions: 1,
  start: { income: 3 },
  end: { income: 2 }
}) // F
// Not counted: never accepted; and another programme's referral.
await app.inject({
  method: 'POST',
  url: '/referrals',
  headers: hospital.headers,
  payload: referralBody({ mother: { ...referralBody().mother, insz: undefined, inszAbsentReason: 'unknown' } })
})
const elsewhere = referralBody({
  mother: { ...referralBody().mother, insz: undefined, inszAbsentReason: 'unknown' },
  programmeId: otherProgramme.organisationId
})
const other = (
  await app.inject({ method: 'POST', url: '/referrals', headers: hospital.headers, payload: elsewhere })
).json()
await app.inject({
  method: 'POST',
  url: `/referrals/${other.id}/transitions`,
  headers: headersOf(otherProgramme, 1),
  payload: { status: 'accepted', track: 'opkomst' }
})

const period = `from=${today()}&to=${addDays(today(), 1)}`
const M = 30.4375
const S = { value: null, n: null, suppressed: true }

t.test('every figure of the JSON report', async (t) => {
  const res = await app.inject({ method: 'GET', url: `/reports/impact?${period}`, headers: programme.headers })
  t.equal(res.statusCode, 200, res.body)
  const r = res.json()
  t.match(r, { programmeId: programme.organisationId, from: today(), minCell: 3, track: null })
  const o = r.overall
  t.same(o.mothersSupported, { value: 5, n: 6, suppressed: false }, 'D and E are one mother')
  t.equal(o.meanPregnancyMonthAtStart.n, 4)
  t.ok(Math.abs(o.meanPregnancyMonthAtStart.value - (280 - 69 + (280 - 100) + (280 - 30) + 280) / 4 / M) < 1e-9)
  t.same(o.meanAgeAtStart, { value: (30 + 20 + 25 + 22 + 22 + 26) / 6, n: 6, suppressed: false })
  t.same(o.shareWithoutIncome, { value: 3 / 5, n: 5, suppressed: false })
  t.same(o.shareBadHousing, { value: 3 / 5, n: 5, suppressed: false })
  t.same(o.shareLivingAlone, { value: 3 / 6, n: 6, suppressed: false })
  t.same(o.shareInGroupSessions, { value: 3 / 6, n: 6, suppressed: false })
  t.same(o.progressByDomain, [
    { domain: 'income', n: 4, meanStart: 7 / 4, meanEnd: 9 / 4, shareImproved: 2 / 4, suppressed: false },
    { domain: 'housing', n: 3, meanStart: 2, meanEnd: 3, shareImproved: 2 / 3, suppressed: false },
    { domain: 'mental_health', n: null, meanStart: null, meanEnd: null, shareImproved: null, suppressed: true }
  ])
  const a = r.tracks.opkomst
  t.same(a.mothersSupported, { value: 3, n: 3, suppressed: false })
  t.same(a.meanPregnancyMonthAtStart, S, 'two pregnant: suppressed')
  t.same(a.meanAgeAtStart, { value: 25, n: 3, suppressed: false })
  t.same(a.shareWithoutIncome, S)
  t.same(a.shareBadHousing, { value: 2 / 3, n: 3, suppressed: false })
  t.same(a.shareLivingAlone, { value: 1 / 3, n: 3, suppressed: false })
  t.same(a.shareInGroupSessions, { value: 2 / 3, n: 3, suppressed: false })
  t.ok(a.progressByDomain.every((p: { suppressed: boolean }) => p.suppressed))
  const p = r.tracks.opkomst_plus
  t.same(p.mothersSupported, { value: 2, n: 3, suppressed: false })
  t.same(p.meanAgeAtStart, { value: 70 / 3, n: 3, suppressed: false })
  t.same(p.shareWithoutIncome, { value: 2 / 3, n: 3, suppressed: false })
  t.same(p.shareBadHousing, S)
  t.same(p.shareLivingAlone, { value: 2 / 3, n: 3, suppressed: false })
  t.same(p.shareInGroupSessions, { value: 1 / 3, n: 3, suppressed: false })

  const plusOnly = (
    await app.inject({ method: 'GET', url: `/reports/impact?${period}&track=opkomst_plus`, headers: programme.headers })
  ).json()
  t.same(plusOnly.overall.mothersSupported, { value: 2, n: 3, suppressed: false })
  const before = (
    await app.inject({
      method: 'GET',
      url: `/reports/impact?from=2020-01-01&to=${today()}`,
      headers: programme.headers
    })
  ).json()
  t.same(before.overall.mothersSupported, S, 'nothing was accepted before today')
})

t.test('the CSV holds the same numbers', async (t) => {
  const json = (
    await app.inject({ method: 'GET', url: `/reports/impact?${period}`, headers: programme.headers })
  ).json()
  const res = await app.inject({
    method: 'GET',
    url: `/reports/impact?${period}`,
    headers: { ...programme.headers, accept: 'text/csv' }
  })
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^text\/csv/)
  const rows = res.body
    .trim()
    .split('\r\n')
    .map((l) => l.split(','))
  t.same(rows[0], ['figure', 'track', 'domain', 'value', 'n', 'suppressed'])
  let compared = 0
  for (const [figure, track, domain, value, n, suppressed] of rows.slice(1)) {
    const figures = track === 'all' ? json.overall : json.tracks[track as string]
    const f = figure!.startsWith('progress.')
      ? {
          ...figures.progressByDomain.find((d: { domain: string }) => d.domain === domain),
          value: figures.progressByDomain.find((d: { domain: string }) => d.domain === domain)[figure!.slice(9)]
        }
      : figure!.startsWith('groupWork.')
        ? { value: figures.groupWork[figure!.slice(10)], n: null, suppressed: false }
        : figures[figure!]
    t.equal(value === '' ? null : Number(value), f.value, `${figure} ${track} ${domain}`)
    t.equal(n === '' ? null : Number(n), f.n)
    t.equal(suppressed, String(f.suppressed))
    compared++
  }
  t.equal(compared, 3 * 7 + 3 * 3 + 3 * 3 + 3 * 3 + 2 * 3)
})

t.test('the radar chart is a standalone SVG with an axis per domain shown and two polygons', async (t) => {
  const res = await app.inject({
    method: 'GET',
    url: `/reports/impact/progress.svg?${period}`,
    headers: programme.headers
  })
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^image\/svg\+xml/)
  t.equal(XMLValidator.validate(res.body), true, 'parses as XML')
  const doc = new XMLParser({ ignoreAttributes: false }).parse(res.body)
  t.equal(doc.svg['@_xmlns'], 'http://www.w3.org/2000/svg')
  const labels = (doc.svg.text as Array<{ '@_class'?: string; '#text': string }>)
    .filter((x) => x['@_class'] === 'axis-label')
    .map((x) => x['#text'])
  t.same(labels, ['income', 'housing'], 'mental health is suppressed (n = 1)')
  t.equal(doc.svg.polygon.length, 2)
})

t.test('who may see the report', async (t) => {
  t.equal(
    (await app.inject({ method: 'GET', url: `/reports/impact?${period}`, headers: hospital.headers })).statusCode,
    403,
    'a hospital lacks the scope'
  )
  t.equal(
    (await app.inject({ method: 'GET', url: `/reports/impact?${period}`, headers: ocmw.headers })).statusCode,
    403,
    'an OCMW lacks the scope'
  )
  const mine = (
    await app.inject({
      method: 'GET',
      url: `/reports/impact?${period}&programmeId=${programme.organisationId}`,
      headers: otherProgramme.headers
    })
  ).json()
  t.equal(mine.programmeId, otherProgramme.organisationId, "a programme never sees another programme's referrals")
  t.same(mine.overall.mothersSupported, S)
  const operator = await app.inject({
    method: 'GET',
    url: `/reports/impact?${period}&programmeId=${programme.organisationId}`,
    headers: ctx.admin
  })
  t.equal(operator.json().overall.mothersSupported.value, 5, 'the operator names the programme')
  t.equal((await app.inject({ method: 'GET', url: `/reports/impact?${period}`, headers: ctx.admin })).statusCode, 400)
  t.equal(
    (
      await app.inject({
        method: 'GET',
        url: `/reports/impact?${period}&programmeId=${hospital.organisationId}`,
        headers: ctx.admin
      })
    ).statusCode,
    404
  )
  t.equal(
    (
      await app.inject({
        method: 'GET',
        url: `/reports/impact?from=${today()}&to=${today()}`,
        headers: programme.headers
      })
    ).statusCode,
    400
  )
})

t.test('assessment and completion rules', async (t) => {
  const id = (
    await app.inject({
      method: 'POST',
      url: '/referrals',
      headers: hospital.headers,
      payload: referralBody({ mother: { ...referralBody().mother, insz: undefined, inszAbsentReason: 'unknown' } })
    })
  ).json().id
  await app.inject({
    method: 'POST',
    url: `/referrals/${id}/transitions`,
    headers: headersOf(programme, 1),
    payload: { status: 'accepted', track: 'opkomst' }
  })
  await app.inject({
    method: 'POST',
    url: `/referrals/${id}/transitions`,
    headers: headersOf(programme, 2),
    payload: { status: 'in-progress', firstContactOn: today() }
  })
  const early = await app.inject({
    method: 'POST',
    url: `/referrals/${id}/transitions`,
    headers: headersOf(programme, 3),
    payload: { status: 'completed', outcome: 'guidance_completed' }
  })
  t.equal(early.statusCode, 409, 'completed without an end assessment')
  t.match(early.json(), { type: 'urn:opkomst:problem:assessment-required', detail: /end assessment/ })
  const endFirst = await app.inject({
    method: 'PUT',
    url: `/referrals/${id}/assessments/end`,
    headers: programme.headers,
    payload: { assessedOn: today(), scores: { income: 3 } }
  })
  t.equal(endFirst.statusCode, 409, 'an end assessment without a start')
  t.match(endFirst.json().detail, /start assessment/)
  const six = await app.inject({
    method: 'PUT',
    url: `/referrals/${id}/assessments/start`,
    headers: programme.headers,
    payload: { assessedOn: today(), scores: { income: 6 } }
  })
  t.equal(six.statusCode, 422)
  t.match(six.json().errors, [{ pointer: '/scores/income' }])
  const unknown = await app.inject({
    method: 'PUT',
    url: `/referrals/${id}/assessments/start`,
    headers: programme.headers,
    payload: { assessedOn: today(), scores: { happiness: 3 } }
  })
  t.equal(unknown.statusCode, 422)
  t.match(unknown.json().errors, [{ pointer: '/scores/happiness' }])
  t.equal(
    (
      await app.inject({
        method: 'PUT',
        url: `/referrals/${id}/assessments/start`,
        headers: programme.headers,
        payload: { assessedOn: today(), scores: {} }
      })
    ).statusCode,
    422,
    'at least one domain'
  )
  const start = await app.inject({
    method: 'PUT',
    url: `/referrals/${id}/assessments/start`,
    headers: programme.headers,
    payload: { assessedOn: today(), scores: { income: 2 } }
  })
  t.equal(start.statusCode, 201)
  t.equal(
    (
      await app.inject({
        method: 'PUT',
        url: `/referrals/${id}/assessments/start`,
        headers: programme.headers,
        payload: { assessedOn: today(), scores: { income: 3 } }
      })
    ).statusCode,
    428,
    'replacing needs If-Match'
  )
  const replaced = await app.inject({
    method: 'PUT',
    url: `/referrals/${id}/assessments/start`,
    headers: headersOf(programme, 1),
    payload: { assessedOn: today(), scores: { income: 3 } }
  })
  t.equal(replaced.statusCode, 200)
  t.equal(replaced.headers.etag, '"2"')
  const both = await app.inject({ method: 'GET', url: `/referrals/${id}/assessments`, headers: programme.headers })
  t.match(both.json(), { start: { phase: 'start', scores: { income: 3 }, version: 2 }, end: null })
  t.equal(
    (await app.inject({ method: 'GET', url: `/referrals/${id}/assessments`, headers: otherProgramme.headers }))
      .statusCode,
    404
  )
  t.equal(
    (await app.inject({ method: 'GET', url: `/referrals/${id}/group-sessions`, headers: otherProgramme.headers }))
      .statusCode,
    404
  )
  t.same(
    (await app.inject({ method: 'GET', url: `/referrals/${id}/group-sessions`, headers: programme.headers })).json(),
    { items: [] }
  )
})
