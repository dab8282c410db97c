import t from 'tap'
import { openAnswer } from '../../../src/db/idempotency.ts'
import { testContext } from '../../helpers/context.ts'
import { inszFor, referralBody, today } from '../../helpers/referrals.ts'
import { REFERRAL_VIEWS, topLevelKeys } from '../../../src/domain/views.ts'

const ctx = await testContext(t)
const { app } = ctx
const programme = await ctx.party('programme', { serviceArea: ['2800', '2801'] })
const hospital = await ctx.party('hospital')
const keys = (o: object) => Object.keys(o).sort()

async function transition(id: string, who: { headers: object }, version: number, body: object) {
  return app.inject({
    method: 'POST',
    url: `/referrals/${id}/transitions`,
    headers: { ...who.headers, 'if-match': `"${version}"` },
    payload: body
  })
}

t.test('a hospital refers; the programme receives, accepts, starts; the hospital follows every status', async (t) => {
  const body = referralBody()
  const created = await app.inject({ method: 'POST', url: '/referrals', headers: hospital.headers, payload: body })
  t.equal(created.statusCode, 201)
  const referral = created.json()
  t.equal(created.headers.location, `${ctx.config.PUBLIC_BASE_URL}/referrals/${referral.id}`, 'absolute')
  t.equal(created.headers.etag, '"1"')
  t.same(keys(referral), topLevelKeys(REFERRAL_VIEWS.referrer), 'the answer is the referrer view')
  t.match(referral, {
    status: 'requested',
    version: 1,
    programmeOrganisationId: programme.organisationId,
    referrerOrganisationId: hospital.organisationId,
    mother: { insz: body.mother.insz }
  })

  const listed = await app.inject({ method: 'GET', url: '/referrals', headers: programme.headers })
  t.equal(listed.statusCode, 200)
  t.same(
    listed.json().items.map((r: { id: string }) => r.id),
    [referral.id],
    'the programme lists it'
  )
  t.same(keys(listed.json().items[0]), topLevelKeys(REFERRAL_VIEWS.programme))

  let version = 1
  const steps = [
    { status: 'received' },
    { status: 'accepted', track: 'opkomst_plus', assignedWorkerId: programme.workerId, reason: 'Past in Opkomst+' },
    { status: 'in-progress', firstContactOn: today() }
  ]
  for (const step of steps) {
    const res = await transition(referral.id, programme, version, step)
    t.equal(res.statusCode, 200, step.status)
    version++
    t.equal(res.headers.etag, `"${version}"`)
    t.same(keys(res.json()), topLevelKeys(REFERRAL_VIEWS.programme))
    const seen = await app.inject({ method: 'GET', url: `/referrals/${referral.id}`, headers: hospital.headers })
    t.equal(seen.json().status, step.status, `the hospital sees ${step.status}`)
    t.same(keys(seen.json()), topLevelKeys(REFERRAL_VIEWS.referrer), 'never the programme internal fields')
    t.notOk('assignedWorkerId' in seen.json())
    t.notOk('statusReason' in seen.json(), "never the programme's words")
  }
  const mine = (await app.inject({ method: 'GET', url: `/referrals/${referral.id}`, headers: hospital.headers })).json()
  t.match(mine, {
    status: 'in-progress',
    track: 'opkomst_plus',
    firstContactOn: today(),
    programmeContact: { workerId: programme.workerId, name: 'Ella programme', workPhone: '+32 15 00 00 01' }
  })
  t.same(
    mine.statusHistory.map((s: { status: string }) => s.status),
    ['requested', 'received', 'accepted', 'in-progress']
  )
  const full = (
    await app.inject({ method: 'GET', url: `/referrals/${referral.id}`, headers: programme.headers })
  ).json()
  t.match(full, { assignedWorkerId: programme.workerId, firstContactOn: today(), track: 'opkomst_plus' })
  t.type(full.acceptedAt, 'string')

  const onHold = await transition(referral.id, programme, version++, {
    status: 'on-hold',
    reasonCode: 'hospitalised',
    reason: 'Opname'
  })
  t.equal(onHold.statusCode, 200)
  t.match(
    (await app.inject({ method: 'GET', url: `/referrals/${referral.id}`, headers: hospital.headers })).json(),
    { status: 'on-hold', statusReasonCode: 'hospitalised' },
    'the hospital sees the coded reason'
  )
  const back = await transition(referral.id, programme, version++, { status: 'in-progress' })
  t.equal(back.statusCode, 200, 'on-hold returns to the status before it')
  const wrongWay = await transition(referral.id, programme, version, { status: 'completed' })
  t.equal(wrongWay.statusCode, 422, 'completed requires outcome')
  t.match(wrongWay.json().errors, [{ pointer: '/outcome' }])
  for (const phase of ['start', 'end']) {
    const assessed = await app.inject({
      method: 'PUT',
      url: `/referrals/${referral.id}/assessments/${phase}`,
      headers: programme.headers,
      payload: { assessedOn: today(), scores: { income: phase === 'start' ? 1 : 3 } }
    })
    t.equal(assessed.statusCode, 201, `${phase} assessment`)
  }
  const done = await transition(referral.id, programme, version++, {
    status: 'completed',
    outcome: 'guidance_completed',
    outcomeNote: 'Inkomen en huisvesting in orde'
  })
  t.equal(done.statusCode, 200)

  const history = await app.inject({
    method: 'GET',
    url: `/referrals/${referral.id}/history`,
    headers: hospital.headers
  })
  t.same(
    history.json().items.map((h: { fromStatus: string | null; toStatus: string }) => `${h.fromStatus}>${h.toStatus}`),
    [
      'null>requested',
      'requested>received',
      'received>accepted',
      'accepted>in-progress',
      'in-progress>on-hold',
      'on-hold>in-progress',
      'in-progress>completed'
    ]
  )
  t.match(history.json().items[4], { reasonCode: 'hospitalised', byOrganisationId: programme.organisationId })
})

t.test(
  'the intake answer is the referrer view a GET gives, to the millisecond, and the idempotent answer is stored byte for byte',
  async (t) => {
    // The answer is made before the insert and timed by it; a GET renders the stored row.
    for (let i = 0; i < 24; i++) {
      const withInsz = i % 2 === 0
      const key = i % 3 === 0 ? `same-as-get-${i}-${Date.now()}` : undefined
      const mother = withInsz
        ? { ...referralBody().mother, birthDate: '1991-03-14', insz: inszFor('1991-03-14', 100 + i) }
        : { ...referralBody().mother, insz: undefined, inszAbsentReason: 'unknown' }
      const created = await app.inject({
        method: 'POST',
        url: '/referrals',
        headers: { ...hospital.headers, ...(key === undefined ? {} : { 'idempotency-key': key }) },
        payload: referralBody({ mother })
      })
      t.equal(created.statusCode, 201)
      t.equal(created.headers['content-type'], 'application/json; charset=utf-8')
      const read = await app.inject({
        method: 'GET',
        url: created.headers.location as string,
        headers: hospital.headers
      })
      t.same(
        created.json(),
        read.json(),
        `referral ${i} (${withInsz ? 'with' : 'without'} INSZ${key === undefined ? '' : ', with a key'})`
      )
      t.equal(created.json().createdAt, read.json().createdAt)
      if (key === undefined) continue
      const {
        rows: [stored]
      } = await app.pool.query(
        'SELECT principal, response_status, response_headers, response_body FROM idempotency_keys WHERE key = $1',
        [key]
      )
      t.notOk(stored.response_body.includes(mother.familyName), 'stored encrypted')
      t.equal(
        openAnswer(app.identifiers, { principal: stored.principal, key }, stored.response_body),
        created.body,
        'stored as sent'
      )
      t.same(stored.response_headers, {
        'content-type': 'application/json; charset=utf-8',
        location: created.headers.location,
        etag: '"1"'
      })
      t.equal(stored.response_status, 201)
    }
  }
)

t.test('conditional GET answers 304, and every GET adds exactly one access-log row', async (t) => {
  const id = (
    await app.inject({
      method: 'POST',
      url: '/referrals',
      headers: hospital.headers,
      payload: referralBody({ mother: { ...referralBody().mother, insz: undefined, inszAbsentReason: 'none_issued' } })
    })
  ).json().id
  const count = async () =>
    Number(
      (await app.pool.query("SELECT count(*) FROM access_log WHERE referral_id = $1 AND action = 'read'", [id])).rows[0]
        .count
    )
  t.equal(await count(), 0)
  const first = await app.inject({ method: 'GET', url: `/referrals/${id}`, headers: hospital.headers })
  t.equal(await count(), 1)
  const cached = await app.inject({
    method: 'GET',
    url: `/referrals/${id}`,
    headers: { ...hospital.headers, 'if-none-match': first.headers.etag as string }
  })
  t.equal(cached.statusCode, 304)
  t.equal(cached.body, '')
  t.not(cached.headers['content-length'], '4', 'no length of a body that is not sent')
  t.equal(await count(), 2)
  const stale = await app.inject({
    method: 'GET',
    url: `/referrals/${id}`,
    headers: { ...hospital.headers, 'if-none-match': '"99"' }
  })
  t.equal(stale.statusCode, 200)
  t.equal(await count(), 3)
  t.notOk('insz' in stale.json().mother, 'a mother without INSZ has none')

  const log = await app.inject({
    method: 'GET',
    url: `/referrals/${id}/access-log?limit=2`,
    headers: programme.headers
  })
  t.equal(log.statusCode, 200)
  t.equal(log.json().items.length, 2)
  t.match(log.json().items[0], {
    action: 'create',
    organisationId: hospital.organisationId,
    clientId: hospital.clientId,
    purpose: 'intake'
  })
  const next = await app.inject({
    method: 'GET',
    url: `/referrals/${id}/access-log?cursor=${log.json().nextCursor}`,
    headers: programme.headers
  })
  t.match(next.json().items[0], { action: 'read' })
  const byOperator = await app.inject({ method: 'GET', url: `/referrals/${id}/access-log`, headers: ctx.admin })
  t.equal(byOperator.statusCode, 200, 'the operator reads the access log')
  const opView = await app.inject({ method: 'GET', url: `/referrals/${id}`, headers: ctx.admin })
  t.same(keys(opView.json()), topLevelKeys(REFERRAL_VIEWS.operator), 'the operator sees no personal data')
})

t.test('the referrer corrects what it sent while requested or received', async (t) => {
  const created = (
    await app.inject({
      method: 'POST',
      url: '/referrals',
      headers: hospital.headers,
      payload: referralBody({ mother: { ...referralBody().mother, insz: undefined, inszAbsentReason: 'unknown' } })
    })
  ).json()
  const noMatch = await app.inject({
    method: 'PATCH',
    url: `/referrals/${created.id}`,
    headers: hospital.headers,
    payload: { urgency: 'urgent' }
  })
  t.equal(noMatch.statusCode, 428)
  const patched = await app.inject({
    method: 'PATCH',
    url: `/referrals/${created.id}`,
    headers: { ...hospital.headers, 'if-match': '"1"' },
    payload: { urgency: 'urgent', pregnancy: null, youngestChild: { birthDate: today() } }
  })
  t.equal(patched.statusCode, 200, patched.body)
  t.match(patched.json(), { urgency: 'urgent', pregnancy: null, youngestChild: { birthDate: today() }, version: 2 })
  const stale = await app.inject({
    method: 'PATCH',
    url: `/referrals/${created.id}`,
    headers: { ...hospital.headers, 'if-match': '"1"' },
    payload: { urgency: 'routine' }
  })
  t.equal(stale.statusCode, 412)
  const bad = await app.inject({
    method: 'PATCH',
    url: `/referrals/${created.id}`,
    headers: { ...hospital.headers, 'if-match': '"2"' },
    payload: { pregnancy: { expectedDeliveryDate: today() } }
  })
  t.equal(bad.statusCode, 422, 'the corrected whole must still hold: pregnancy and child both given')
  const byProgramme = await app.inject({
    method: 'PATCH',
    url: `/referrals/${created.id}`,
    headers: { ...programme.headers, 'if-match': '"2"' },
    payload: { urgency: 'routine' }
  })
  t.equal(byProgramme.statusCode, 403)
  await transition(created.id, programme, 2, { status: 'accepted', track: 'opkomst' })
  const late = await app.inject({
    method: 'PATCH',
    url: `/referrals/${created.id}`,
    headers: { ...hospital.headers, 'if-match': '"3"' },
    payload: { urgency: 'routine' }
  })
  t.equal(late.statusCode, 409)
})

t.test('lists: filters, keyset pages without gaps or repeats, updatedSince', async (t) => {
  const other = await ctx.party('hospital')
  const ids: string[] = []
  for (let i = 0; i < 7; i++) {
    const m = { ...referralBody().mother, insz: undefined, inszAbsentReason: 'unknown' }
    ids.push(
      (
        await app.inject({
          method: 'POST',
          url: '/referrals',
          headers: other.headers,
          payload: referralBody({ mother: m })
        })
      ).json().id
    )
  }
  const seen: string[] = []
  let cursor: string | null = null
  do {
    const url: string = `/referrals?limit=3${cursor === null ? '' : `&cursor=${cursor}`}`
    const res = await app.inject({ method: 'GET', url, headers: other.headers })
    const body: { items: Array<{ id: string }>; nextCursor: string | null } = res.json()
    seen.push(...body.items.map((r) => r.id))
    cursor = body.nextCursor
  } while (cursor !== null)
  t.same(seen, ids, 'the referrer sees its own, oldest change first, each once')

  const since = (await app.inject({ method: 'GET', url: `/referrals/${ids[3]}`, headers: other.headers })).json()
    .updatedAt
  const recent = await app.inject({
    method: 'GET',
    url: `/referrals?updatedSince=${encodeURIComponent(since)}`,
    headers: other.headers
  })
  t.same(
    recent.json().items.map((r: { id: string }) => r.id),
    ids.slice(3)
  )
  await transition(ids[0]!, programme, 1, { status: 'received' })
  const received = await app.inject({ method: 'GET', url: '/referrals?status=received', headers: other.headers })
  t.same(
    received.json().items.map((r: { id: string }) => r.id),
    [ids[0]]
  )
  const onTrack = await app.inject({ method: 'GET', url: '/referrals?track=opkomst', headers: programme.headers })
  t.ok(onTrack.json().items.every((r: { track: string }) => r.track === 'opkomst'))
  t.equal((await app.inject({ method: 'GET', url: '/referrals?cursor=nope', headers: other.headers })).statusCode, 400)
})

t.test('routing: by postal code, or to the only programme, or by programmeId', async (t) => {
  const body = referralBody({
    mother: {
      ...referralBody().mother,
      insz: undefined,
      inszAbsentReason: 'unknown',
      address: { street: 'X', houseNumber: '1', postalCode: '9000', municipality: 'Gent' }
    }
  })
  const onlyOne = await app.inject({ method: 'POST', url: '/referrals', headers: hospital.headers, payload: body })
  t.equal(onlyOne.json().programmeOrganisationId, programme.organisationId, 'the only programme')
  const second = await ctx.party('programme', { serviceArea: ['9000'] })
  const byCode = await app.inject({
    method: 'POST',
    url: '/referrals',
    headers: hospital.headers,
    payload: { ...body, externalReference: 'ROUTE-2' }
  })
  t.equal(byCode.json().programmeOrganisationId, second.organisationId, 'by postal code')
  const explicit = await app.inject({
    method: 'POST',
    url: '/referrals',
    headers: hospital.headers,
    payload: { ...body, externalReference: 'ROUTE-3', programmeId: programme.organisationId }
  })
  t.equal(explicit.json().programmeOrganisationId, programme.organisationId)
  const nowhere = await app.inject({
    method: 'POST',
    url: '/referrals',
    headers: hospital.headers,
    payload: {
      ...body,
      externalReference: 'ROUTE-4',
      mother: { ...body.mother, address: { ...body.mother.address, postalCode: '1000' } }
    }
  })
  t.equal(nowhere.statusCode, 422, 'two programmes, none serving 1000')
  t.match(nowhere.json().errors, [{ pointer: '/programmeId' }])
  const notProgramme = await app.inject({
    method: 'POST',
    url: '/referrals',
    headers: hospital.headers,
    payload: { ...body, externalReference: 'ROUTE-5', programmeId: hospital.organisationId }
  })
  t.equal(notProgramme.statusCode, 422)
})
