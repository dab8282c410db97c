import t from 'tap'
import { testContext } from '../helpers/context.ts'
import { addDays } from '../../src/domain/dates.ts'
import { inszFor, referralBody, today } from '../helpers/referrals.ts'

/** Group work: one session, its attendance in one PUT, corrections and deletion with history, the report. */
const ctx = await testContext(t, { REPORT_MIN_CELL: 1 })
const { send } = ctx
const programme = await ctx.party('programme', { serviceArea: ['2800'] })
const otherProgramme = await ctx.party('programme', { serviceArea: ['9000'] })
const hospital = await ctx.party('hospital')
const acting = { headers: { ...programme.headers, 'acting-person': programme.workerId } }
let mothers = 0

/** A referral sent by the hospital; accepted and reached by its programme unless `accept` is false. */
async function referral(accept = true, track = 'opkomst', postalCode = '2800') {
  const body = referralBody()
  const birthDate = '1992-04-17'
  const res = await send(hospital, 'POST', '/referrals', {
    ...body,
    mother: {
      ...body.mother,
      birthDate,
      insz: inszFor(birthDate, ++mothers),
      address: { ...body.mother.address, postalCode }
    }
  })
  if (res.statusCode !== 201) throw new Error(res.body)
  const id = res.json().id as string
  if (accept) {
    const who = postalCode === '2800' ? programme : otherProgramme
    const ok = await send(who, 'POST', `/referrals/${id}/transitions`, { status: 'accepted', track }, 1)
    if (ok.statusCode !== 200) throw new Error(ok.body)
    // Reached: the report's share of group work is of the mothers reached.
    const contact = { status: 'in-progress', firstContactOn: today() }
    const reached = await send(who, 'POST', `/referrals/${id}/transitions`, contact, 2)
    if (reached.statusCode !== 200) throw new Error(reached.body)
  }
  return id
}

const session = (overrides: Record<string, unknown> = {}) => ({
  heldOn: today(),
  theme: 'baby_care',
  track: 'opkomst',
  place: 'Huis van het Kind, Stationsstraat',
  title: 'Babymassage',
  facilitatorWorkerId: programme.workerId,
  ...overrides
})
const period = `from=${today()}&to=${addDays(today(), 1)}`
const report = async () => {
  const res = await send(programme, 'GET', `/reports/impact?${period}`)
  if (res.statusCode !== 200) throw new Error(res.body)
  return res.json()
}

t.test('a session with 12 mothers in one PUT; a repeat or a mother outside her guidance is refused', async (t) => {
  const twelve: string[] = []
  for (let i = 0; i < 12; i++) twelve.push(await referral(true, i < 9 ? 'opkomst' : 'opkomst_plus'))
  const notReached = await referral()

  const created = await send(acting, 'POST', '/group-sessions', session())
  t.equal(created.statusCode, 201, created.body)
  t.equal(created.headers.etag, '"1"')
  t.match(created.headers.location, `/group-sessions/${created.json().id}`)
  t.match(created.json(), { theme: 'baby_care', track: 'opkomst', referralIds: [], version: 1 })
  const at = `/group-sessions/${created.json().id}`

  t.equal((await send(programme, 'PUT', `${at}/attendance`, { referralIds: twelve })).statusCode, 428, 'If-Match')
  const put = await send(acting, 'PUT', `${at}/attendance`, { referralIds: twelve }, 1)
  t.equal(put.statusCode, 200, put.body)
  t.equal(put.headers.etag, '"2"')
  t.same(put.json().referralIds, [...twelve].sort())
  t.equal((await send(programme, 'PUT', `${at}/attendance`, { referralIds: twelve }, 1)).statusCode, 412, 'stale')
  const { rows: logged } = await ctx.app.pool.query<{ referral_id: string }>(
    "SELECT DISTINCT referral_id FROM access_log WHERE action = 'group session' AND referral_id = ANY($1)",
    [twelve]
  )
  t.equal(logged.length, 12, 'the access log has a row for each mother on it')

  const twice = await send(programme, 'PUT', `${at}/attendance`, { referralIds: [...twelve, twelve[4]] }, 2)
  t.equal(twice.statusCode, 422)
  t.equal(twice.headers['content-type'], 'application/problem+json; charset=utf-8')
  t.match(twice.json(), {
    errors: [
      {
        pointer: '/referralIds/12',
        message: 'is listed twice (also at /referralIds/4): a mother attends a session once'
      }
    ]
  })

  // Accepted today; the session is of yesterday: before her guidance.
  const yesterday = await send(programme, 'POST', '/group-sessions', session({ heldOn: addDays(today(), -1) }))
  t.equal(yesterday.statusCode, 201, yesterday.body)
  const early = await send(
    programme,
    'PUT',
    `/group-sessions/${yesterday.json().id}/attendance`,
    { referralIds: [twelve[0]] },
    1
  )
  t.equal(early.statusCode, 422)
  t.match(early.json().errors, [
    {
      pointer: '/referralIds/0',
      message: `started guidance on ${today()}, after the session (${addDays(today(), -1)})`
    }
  ])
  const others = [await referral(false), await referral(true, 'opkomst', '9000')]
  const strangers = await send(programme, 'PUT', `${at}/attendance`, { referralIds: others }, 2)
  t.match(strangers.json().errors, [
    { pointer: '/referralIds/0', message: 'is not in guidance (not accepted)' },
    { pointer: '/referralIds/1', message: 'is not a referral of your programme' }
  ])
  t.same(
    (await send(programme, 'GET', at)).json().referralIds,
    [...twelve].sort(),
    'the refused writes changed nothing'
  )

  const r = await report()
  t.same(r.tracks.opkomst.groupWork, { sessionsHeld: 1, attendances: 12, meanAttendance: 12 }, 'by the session’s track')
  t.same(r.overall.groupWork, { sessionsHeld: 1, attendances: 12, meanAttendance: 12 }, 'the empty one was not held')
  t.same(r.tracks.opkomst.shareInGroupSessions, { value: 9 / 10, n: 10, suppressed: false }, 'by the mother’s track')
  t.same(r.tracks.opkomst_plus.shareInGroupSessions, { value: 1, n: 3, suppressed: false })
  t.ok(notReached)
  const csv = await ctx.app.inject({
    url: `/reports/impact?${period}`,
    headers: { authorization: programme.headers.authorization, accept: 'text/csv' }
  })
  t.match(csv.body, 'groupWork.sessionsHeld;Groepssessies;all;;1;;nee')

  const hers = await send(programme, 'GET', `/referrals/${twelve[3]}/group-sessions`)
  t.same(hers.json().items, [
    {
      id: created.json().id,
      heldOn: today(),
      theme: 'baby_care',
      track: 'opkomst',
      place: 'Huis van het Kind, Stationsstraat',
      title: 'Babymassage'
    }
  ])

  // Corrections: a day before the mothers' guidance is refused naming one of them; a theme is kept.
  const moved = await send(programme, 'PATCH', at, { heldOn: addDays(today(), -1) }, 2)
  t.equal(moved.statusCode, 422)
  t.match(moved.json().errors[0], {
    pointer: '/heldOn',
    message: /^for an attending mother \(.{36}\): started guidance on/
  })
  const corrected = await send(acting, 'PATCH', at, { theme: 'feeding', title: null }, 2)
  t.equal(corrected.statusCode, 200, corrected.body)
  t.match(corrected.json(), { theme: 'feeding', title: null, version: 3 })

  // Deletion: gone from the lists, her record and the report; its history stays.
  t.equal((await send(programme, 'DELETE', at, undefined, 2)).statusCode, 412)
  t.equal((await send(acting, 'DELETE', at, undefined, 3)).statusCode, 204)
  t.equal((await send(programme, 'GET', at)).statusCode, 404)
  t.same((await send(programme, 'GET', `/referrals/${twelve[3]}/group-sessions`)).json().items, [])
  const after = await report()
  t.same(after.overall.groupWork, { sessionsHeld: 0, attendances: 0, meanAttendance: null })
  t.same(after.tracks.opkomst.shareInGroupSessions, { value: 0, n: 10, suppressed: false })
  const history = (await send(programme, 'GET', `${at}/history`)).json().items
  t.same(
    history.map((h: { version: number; change: string }) => [h.version, h.change]),
    [
      [1, 'recorded'],
      [2, 'attendance'],
      [3, 'corrected'],
      [4, 'deleted']
    ]
  )
  t.match(history[1], {
    referralIds: [...twelve].sort(),
    byWorkerId: programme.workerId,
    byClientId: programme.clientId
  })
  t.match(history[2], { theme: 'feeding', heldOn: today(), referralIds: [...twelve].sort() })
  t.ok(history.every((h: { at: string }) => !Number.isNaN(Date.parse(h.at))))
})

t.test('a session is recorded once held, led by a worker of the programme; it is nobody else’s', async (t) => {
  const future = await send(programme, 'POST', '/group-sessions', session({ heldOn: addDays(today(), 1) }))
  t.match(future.json(), { status: 422, errors: [{ pointer: '/heldOn', message: /must not be in the future/ }] })
  const foreign = await send(
    programme,
    'POST',
    '/group-sessions',
    session({ facilitatorWorkerId: otherProgramme.workerId })
  )
  t.match(foreign.json(), { status: 422, errors: [{ pointer: '/facilitatorWorkerId' }] })
  const theme = await send(programme, 'POST', '/group-sessions', session({ theme: 'knitting' }))
  t.match(theme.json(), { status: 422, errors: [{ pointer: '/theme' }] })

  const created = await send(programme, 'POST', '/group-sessions', session())
  const at = `/group-sessions/${created.json().id}`
  for (const [method, url, body] of [
    ['GET', at, undefined],
    ['GET', `${at}/history`, undefined],
    ['PATCH', at, { theme: 'other' }],
    ['PUT', `${at}/attendance`, { referralIds: [] }],
    ['DELETE', at, undefined]
  ] as const) {
    t.equal((await send(otherProgramme, method, url, body, 1)).statusCode, 404, `${method} ${url}: another programme`)
    t.equal((await send(hospital, method, url, body, 1)).statusCode, 403, `${method} ${url}: not a programme`)
  }
  t.equal((await send(programme, 'GET', at)).statusCode, 200, 'still there')
})

t.test('the programme lists its sessions newest first, page by page, with how many came', async (t) => {
  const days = [-3, -2, -2, -1].map((d) => addDays(today(), d))
  for (const heldOn of days)
    await send(
      otherProgramme,
      'POST',
      '/group-sessions',
      session({ heldOn, facilitatorWorkerId: otherProgramme.workerId })
    )
  const seen: Array<{ heldOn: string; attendees: number }> = []
  let cursor: string | null = ''
  while (cursor !== null) {
    const page = await send(otherProgramme, 'GET', `/group-sessions?limit=3${cursor === '' ? '' : `&cursor=${cursor}`}`)
    t.equal(page.statusCode, 200, page.body)
    seen.push(...page.json().items)
    cursor = page.json().nextCursor
  }
  t.same(
    seen.map((s) => s.heldOn),
    [...days].reverse()
  )
  t.ok(
    seen.every((s) => s.attendees === 0 && !('referralIds' in s)),
    'how many, not who'
  )
  const filtered = await send(otherProgramme, 'GET', `/group-sessions?from=${days[1]}&to=${days[3]}&track=opkomst`)
  t.equal(filtered.json().items.length, 2)
  t.equal((await send(otherProgramme, 'GET', '/group-sessions?cursor=bm9wZQ')).statusCode, 400, 'a forged cursor')
})
