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

/** Without Accept-Language: what a Dutch-speaking reader gets by default. */
const dutch = (p: { headers: { authorization: string } }) => ({ authorization: p.headers.authorization })
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

t.test('every figure of the JSON report', async (t) => {
  const res = await app.inject({ method: 'GET', url: `/reports/impact?${period}`, headers: dutch(programme) })
  t.equal(res.statusCode, 200, res.body)
  t.equal(res.headers['content-language'], 'nl')
  const r = res.json()
  t.match(r, { programmeIds: [programme.organisationId], from: today(), minCell: 3, track: null })
  const o = r.overall
  const count = (value: number) => ({ value, suppressed: false })
  t.same(o.mothersInGuidance, count(5), 'D and E are one mother')
  t.same(o.mothersStarted, count(5))
  t.same(o.mothersReached, count(5), 'E was not reached, but D, her mother, was')
  t.same(o.mothersNotReached, count(0))
  t.same(o.guidanceCompleted, count(4))
  t.same(o.guidanceDroppedOut, count(0))
  t.same(o.childrenReached, count(9), 'one child each, and the expected one of the four pregnant')
  t.equal(o.meanPregnancyMonthAtStart.n, 4)
  t.ok(Math.abs(o.meanPregnancyMonthAtStart.value - (280 - 69 + (280 - 100) + (280 - 30) + 280) / 4 / M) < 1e-9)
  t.same(o.meanAgeAtStart, { value: (30 + 20 + 25 + 22 + 22 + 26) / 6, n: 6, suppressed: false })
  t.same(o.sharePregnantAtStart, { value: 4 / 6, n: 6, suppressed: false })
  t.same(o.shareWithoutIncome, { value: 3 / 5, n: 5, suppressed: false })
  t.same(o.shareBadHousing, { value: 3 / 5, n: 5, suppressed: false })
  t.same(o.shareLivingAlone, { value: 3 / 6, n: 6, suppressed: false })
  t.same(o.shareInGroupSessions, { value: 3 / 5, n: 5, suppressed: false }, 'of the mothers reached')
  t.same(o.groupWork, { sessionsHeld: 4, attendances: 4, meanAttendance: 1 })
  t.same(o.progressByDomain, [
    { domain: 'income', n: 4, meanStart: 7 / 4, meanEnd: 9 / 4, shareImproved: 2 / 4, suppressed: false },
    { domain: 'housing', n: 3, meanStart: 2, meanEnd: 3, shareImproved: 2 / 3, suppressed: false },
    { domain: 'mental_health', n: null, meanStart: null, meanEnd: null, shareImproved: null, suppressed: true }
  ])
  t.same(o.guidanceDays, { median: 0, p90: 0, n: 4, suppressed: false })
  t.same(r.referralsReceived, count(7), 'the one never accepted too, not the other programme’s')
  t.same(
    r.sources.map((s: { organisationType: string; referrals: unknown }) => [s.organisationType, s.referrals]),
    [['hospital', count(7)]]
  )
  t.same(r.outcomes, [
    { code: 'guidance_completed', count: count(4) },
    { code: 'transferred', count: count(0) }
  ])
  // The tracks: Opkomst+ has two mothers (withheld), so Opkomst's three are withheld too: 5 − 3 = 2.
  t.same(r.tracks.opkomst_plus.mothersInGuidance, { value: null, suppressed: true })
  t.same(r.tracks.opkomst.mothersInGuidance, { value: null, suppressed: true })
  t.same(r.tracks.opkomst.meanAgeAtStart, { value: 25, n: 3, suppressed: false })
  t.same(r.tracks.opkomst_plus.meanAgeAtStart, { value: 70 / 3, n: 3, suppressed: false })
  t.same(r.tracks.opkomst.shareWithoutIncome, { value: null, n: null, suppressed: true }, 'income known of two')

  const plusOnly = (
    await app.inject({ method: 'GET', url: `/reports/impact?${period}&track=opkomst_plus`, headers: dutch(programme) })
  ).json()
  t.same(plusOnly.overall.meanAgeAtStart, { value: 70 / 3, n: 3, suppressed: false })
  const before = (
    await app.inject({
      method: 'GET',
      url: `/reports/impact?from=2020-01-01&to=${today()}`,
      headers: dutch(programme)
    })
  ).json()
  t.same(before.overall.mothersInGuidance, count(0), 'nothing was accepted before today')
})

t.test('no number withheld alone in a sum the report publishes', async (t) => {
  const r = (await app.inject({ method: 'GET', url: `/reports/impact?${period}`, headers: dutch(programme) })).json()
  let checked = 0
  const walk = (o: unknown, path: string[]) => {
    if (o === null || typeof o !== 'object' || Array.isArray(o)) return
    const node = o as Record<string, unknown>
    if ('suppressed' in node && ('value' in node || 'median' in node)) {
      const at = (scope: Record<string, unknown>) =>
        path.reduce<unknown>((x, k) => (x as Record<string, unknown>)?.[k], scope)
      const trio = [r.overall, r.tracks.opkomst, r.tracks.opkomst_plus].map((s) => at(s) as { suppressed: boolean })
      t.not(trio.filter((x) => x.suppressed).length, 1, path.join('.'))
      checked++
      return
    }
    for (const [k, v] of Object.entries(node)) walk(v, [...path, k])
  }
  walk(r.overall, [])
  t.ok(checked >= 20, `${checked} figures checked across the tracks`)
})

t.test('the CSV: Dutch Excel by default, RFC 4180 on request, the same numbers, named by period', async (t) => {
  const json = (await app.inject({ method: 'GET', url: `/reports/impact?${period}`, headers: dutch(programme) })).json()
  const res = await app.inject({
    method: 'GET',
    url: `/reports/impact?${period}`,
    headers: { ...dutch(programme), accept: 'text/csv' }
  })
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^text\/csv; charset=utf-8/)
  t.match(
    res.headers['content-disposition'],
    new RegExp(`^attachment; filename="opkomst-impact_${today()}_${today()}_all_\\d{8}T\\d{4}Z\\.csv"$`)
  )
  t.ok(res.body.startsWith('\uFEFF'), 'a byte-order mark: Excel reads UTF-8')
  // As Dutch Excel reads it: fields split at `;`, numbers with a decimal comma.
  const rows = res.body
    .slice(1)
    .trim()
    .split('\r\n')
    .map((l) => l.split(';'))
  t.same(rows[0], ['code', 'omschrijving', 'traject', 'categorie', 'waarde', 'n', 'afgeschermd'])
  const excelNumber = (s: string) => (s === '' ? null : Number(s.replace(',', '.')))
  const row = (code: string, track = 'all', category = '') =>
    rows.find((x) => x[0] === code && x[2] === track && x[3] === category)!
  t.same(row('shareWithoutIncome'), ['shareWithoutIncome', 'Zonder inkomen', 'all', '', '0,6', '5', 'nee'])
  t.equal(excelNumber(row('meanAgeAtStart')[4]!), json.overall.meanAgeAtStart.value)
  t.equal(row('mothersInGuidance', 'opkomst')[6], 'ja', 'withheld says so')
  t.equal(row('mothersInGuidance', 'opkomst')[4], '', 'and shows nothing')
  t.same(row('progress.shareImproved', 'all', 'income').slice(4), ['0,5', '4', 'nee'])

  const english = await app.inject({
    method: 'GET',
    url: `/reports/impact?${period}&dialect=rfc4180`,
    headers: { ...dutch(programme), accept: 'text/csv', 'accept-language': 'en-GB,en;q=0.9' }
  })
  t.equal(english.headers['content-language'], 'en')
  t.match(english.headers['content-type'], /header=present/)
  t.ok(english.body.startsWith('code,label,track,category,value,n,suppressed\r\n'))
  t.match(english.body, '\r\nshareWithoutIncome,Without income,all,,0.6,5,false\r\n')
  const wrong = await app.inject({
    method: 'GET',
    url: `/reports/impact?${period}&dialect=excel-fr`,
    headers: { ...dutch(programme), accept: 'text/csv' }
  })
  t.equal(wrong.statusCode, 400)
  t.match(wrong.json().errors, [{ pointer: '/dialect' }])
})

t.test('the charts: standalone SVG with both tracks, n and the scale; the same as PNG', async (t) => {
  const res = await app.inject({
    method: 'GET',
    url: `/reports/impact/progress.svg?${period}`,
    headers: dutch(programme)
  })
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^image\/svg\+xml/)
  t.equal(XMLValidator.validate(res.body), true, 'parses as XML')
  const doc = new XMLParser({ ignoreAttributes: false }).parse(res.body)
  t.equal(doc.svg['@_xmlns'], 'http://www.w3.org/2000/svg')
  const texts = (doc.svg.text as Array<{ '@_class'?: string; '#text': string | number }>).map((x) => ({
    cls: x['@_class'],
    text: String(x['#text'])
  }))
  t.match(texts[0]!.text, /^Impactrapport /, 'the programme in the title, in Dutch')
  t.match(texts[1]!.text, `Periode ${today()} tot en met ${today()}`)
  t.same(
    texts.filter((x) => x.cls === 'panel').map((x) => x.text),
    ['Opkomst (n = –)', 'Opkomst+ (n = –)'],
    'both tracks, their n withheld (two each)'
  )
  t.same(
    texts.filter((x) => x.cls === 'scale').map((x) => x.text),
    ['1', '2', '3', '4', '5', '1', '2', '3', '4', '5'],
    'the 1–5 scale on each'
  )
  const shares = await app.inject({
    method: 'GET',
    url: `/reports/impact/shares.svg?${period}`,
    headers: dutch(programme)
  })
  t.equal(XMLValidator.validate(shares.body), true)
  t.match(shares.body, 'Zonder inkomen')
  t.match(shares.body, 'Opkomst+: afgeschermd')
  const english = await app.inject({
    method: 'GET',
    url: `/reports/impact/shares.svg?${period}`,
    headers: { ...dutch(programme), 'accept-language': 'en' }
  })
  t.match(english.body, 'Without income')
  const png = await app.inject({
    method: 'GET',
    url: `/reports/impact/progress.png?${period}`,
    headers: dutch(programme)
  })
  t.equal(png.statusCode, 200)
  t.equal(png.headers['content-type'], 'image/png')
  t.same([...png.rawPayload.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG signature')
  t.equal(png.rawPayload.readUInt32BE(16), 2000, 'twice the SVG’s width')
})

t.test(
  'the printable page: Dutch, its figures and definitions, a policy that lets only its own style in',
  async (t) => {
    const res = await app.inject({ method: 'GET', url: `/reports/impact.html?${period}`, headers: dutch(programme) })
    t.equal(res.statusCode, 200)
    t.match(res.headers['content-type'], /^text\/html/)
    t.match(res.headers['content-security-policy'], /^default-src 'none'; style-src 'sha256-/)
    t.match(res.body, '<html lang="nl">')
    t.match(res.body, 'Mama’s in begeleiding')
    t.match(res.body, 'Definities')
    t.match(res.body, 'Aantallen kleiner dan 3 worden afgeschermd')
    t.notMatch(res.body, '<script')
  }
)

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
  t.same(mine.programmeIds, [otherProgramme.organisationId], "a programme never sees another programme's referrals")
  t.same(mine.overall.mothersInGuidance, { value: null, suppressed: true })
  const operator = await app.inject({
    method: 'GET',
    url: `/reports/impact?${period}&programmeId=${programme.organisationId}`,
    headers: ctx.admin
  })
  t.equal(operator.statusCode, 403, 'the operator runs the service; the figures are the programme’s and the city’s')
  t.equal(
    (
      await app.inject({
        method: 'GET',
        url: `/reports/impact?from=${today()}&to=${today()}`,
        headers: dutch(programme)
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
