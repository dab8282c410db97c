import t from 'tap'
import fc from 'fast-check'
import pg from 'pg'
import { testContext } from '../../helpers/context.ts'
import { referralBody } from '../../helpers/referrals.ts'
import { addMonths, belgianDate } from '../../../src/domain/dates.ts'

// One test blocks a first request on a row for longer than IDEMPOTENCY_WAIT_MS: the lock wait must outlast it.
const ctx = await testContext(t, { IDEMPOTENCY_WAIT_MS: 3000, API_LOCK_TIMEOUT_MS: 10_000 })
const { app } = ctx
const programme = await ctx.party('programme', { serviceArea: ['2800'] })
const hospital = await ctx.party('hospital')
const rowCount = async () =>
  Number(
    (
      await app.pool.query(
        'SELECT (SELECT count(*) FROM referrals) + (SELECT count(*) FROM referral_history) + (SELECT count(*) FROM outbox_events) AS n'
      )
    ).rows[0].n
  )
const post = (payload: unknown, headers: Record<string, string> = {}) =>
  typeof payload === 'string'
    ? app.inject({
        method: 'POST',
        url: '/referrals',
        headers: { ...hospital.headers, 'content-type': 'application/json', ...headers },
        payload
      })
    : app.inject({
        method: 'POST',
        url: '/referrals',
        headers: { ...hospital.headers, ...headers },
        payload: payload as object
      })
const withoutInsz = () => ({ ...referralBody().mother, insz: undefined, inszAbsentReason: 'unknown' })

t.test('bad input: a 4xx problem naming the field, and no row written', async (t) => {
  const before = await rowCount()
  const cases: Array<[string, unknown, number, string]> = [
    [
      'invalid INSZ check digits',
      referralBody({ mother: { ...referralBody().mother, insz: '85073003329' } }),
      422,
      '/mother/insz'
    ],
    [
      'a delivery date two years ahead',
      referralBody({ pregnancy: { expectedDeliveryDate: addMonths(belgianDate(new Date()), 24) } }),
      422,
      '/pregnancy/expectedDeliveryDate'
    ],
    ['a missing consent', referralBody({ consent: undefined }), 422, '/consent'],
    [
      'an empty consent scope',
      referralBody({ consent: { ...referralBody().consent, sharingScope: [] } }),
      422,
      '/consent/sharingScope'
    ],
    [
      'consent in the future',
      referralBody({ consent: { ...referralBody().consent, givenAt: new Date(Date.now() + 86400_000).toISOString() } }),
      422,
      '/consent/givenAt'
    ],
    [
      'a 70 year old mother',
      referralBody({ mother: { ...withoutInsz(), birthDate: '1956-01-01' } }),
      422,
      '/mother/birthDate'
    ],
    [
      'both pregnancy and child',
      referralBody({ youngestChild: { birthDate: belgianDate(new Date()) } }),
      422,
      '/youngestChild'
    ],
    ['an unknown field', referralBody({ diagnosis: 'x' }), 422, '/diagnosis'],
    ['reason over 4000 characters', referralBody({ reason: 'x'.repeat(4001) }), 422, '/reason'],
    ['a non-JSON body', '{"mother": ', 400, '']
  ]
  for (const [what, payload, status, pointer] of cases) {
    const res = await post(payload)
    t.equal(res.statusCode, status, what)
    t.match(res.headers['content-type'], /^application\/problem\+json/, what)
    if (pointer !== '')
      t.ok(
        res.json().errors.some((e: { pointer: string }) => e.pointer === pointer),
        `${what} names ${pointer}: ${res.body}`
      )
  }
  t.equal(await rowCount(), before, 'nothing was written')
})

t.test('property: thousands of random and mutated bodies never get a 500', async (t) => {
  const valid = referralBody()
  const paths: string[][] = []
  const walk = (o: unknown, path: string[]) => {
    if (o !== null && typeof o === 'object')
      for (const [k, v] of Object.entries(o)) {
        paths.push([...path, k])
        walk(v, [...path, k])
      }
  }
  walk(valid, [])
  const mutate = (path: string[], value: unknown) => {
    const copy = structuredClone(valid)
    // biome-ignore lint/suspicious/noExplicitAny: walks any path of the body
    let node: any = copy
    for (const k of path.slice(0, -1)) node = node[k]
    node[path.at(-1)!] = value
    return copy
  }
  let statuses = new Map<number, number>()
  await fc.assert(
    fc.asyncProperty(
      fc.oneof(
        {
          weight: 4,
          arbitrary: fc
            .tuple(
              fc.constantFrom(...paths),
              fc.oneof(
                fc.anything(),
                fc.string(),
                fc.integer(),
                fc.constant(null),
                fc.date({ noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10))
              )
            )
            .map(([p, v]) => mutate(p, v))
        },
        { weight: 1, arbitrary: fc.anything() },
        { weight: 1, arbitrary: fc.json() }
      ),
      async (body) => {
        const res = await post(typeof body === 'string' ? body : JSON.stringify(body ?? null), {
          'content-type': 'application/json'
        })
        statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1)
        return res.statusCode < 500
      }
    ),
    { numRuns: 2000 }
  )
  t.ok(
    [...statuses.keys()].every((s) => s < 500),
    JSON.stringify(Object.fromEntries(statuses))
  )
  statuses = new Map()
})

t.test('Idempotency-Key: 20 parallel POSTs create one referral, all answers identical', async (t) => {
  const body = referralBody({ mother: withoutInsz() })
  const answers = await Promise.all(Array.from({ length: 20 }, () => post(body, { 'idempotency-key': 'parallel-1' })))
  t.same(new Set(answers.map((a) => a.statusCode)), new Set([201]))
  t.equal(new Set(answers.map((a) => a.body)).size, 1, 'byte for byte')
  t.equal(new Set(answers.map((a) => a.headers.location)).size, 1)
  const { rows } = await app.pool.query('SELECT count(*)::int AS n FROM referrals WHERE external_reference = $1', [
    body.externalReference
  ])
  t.equal(rows[0].n, 1)
  t.equal(answers.filter((a) => a.headers['idempotent-replayed'] === 'true').length, 19)

  const other = await post({ ...body, urgency: 'urgent' }, { 'idempotency-key': 'parallel-1' })
  t.equal(other.statusCode, 422)
  t.match(other.json(), { type: 'urn:opkomst:problem:idempotency-key-reused' })
  const reordered = await post(Object.fromEntries(Object.entries(body).reverse()), { 'idempotency-key': 'parallel-1' })
  t.equal(reordered.statusCode, 201, 'the same body in another key order is the same request')
  const otherClient = await ctx.party('hospital')
  const scoped = await app.inject({
    method: 'POST',
    url: '/referrals',
    headers: { ...otherClient.headers, 'idempotency-key': 'parallel-1' },
    payload: body
  })
  t.equal(scoped.statusCode, 201, 'keys are scoped to the client')
  t.not(scoped.json().id, answers[0]!.json().id)
  t.equal((await post(body, { 'idempotency-key': 'x'.repeat(300) })).statusCode, 400)
})

t.test('Idempotency-Key: the same key while the first request still runs → 409', async (t) => {
  const body = referralBody({ mother: withoutInsz() })
  // Hold the external reference in an open transaction, so the first POST blocks on it.
  const blocker = new pg.Client({ connectionString: ctx.config.DATABASE_URL })
  await blocker.connect()
  await blocker.query('BEGIN')
  await blocker.query(
    `INSERT INTO referrals (id, referrer_organisation_id, programme_organisation_id, external_reference, status, details)
    VALUES (gen_random_uuid(), $1, $2, $3, 'requested', '{}')`,
    [hospital.organisationId, programme.organisationId, body.externalReference]
  )
  const first = post(body, { 'idempotency-key': 'slow-1' })
  await new Promise((resolve) => setTimeout(resolve, 300))
  const second = await post(body, { 'idempotency-key': 'slow-1' })
  t.equal(second.statusCode, 409)
  t.match(second.json(), { type: 'urn:opkomst:problem:idempotency-in-progress' })
  await blocker.query('ROLLBACK')
  await blocker.end()
  t.equal((await first).statusCode, 201)
  const replay = await post(body, { 'idempotency-key': 'slow-1' })
  t.equal(replay.body, (await first).body)
})

t.test('transitions: If-Match required, stale → 412, concurrent → one 200 and one 412', async (t) => {
  const id = (await post(referralBody({ mother: withoutInsz() }))).json().id
  const url = `/referrals/${id}/transitions`
  const noMatch = await app.inject({ method: 'POST', url, headers: programme.headers, payload: { status: 'received' } })
  t.equal(noMatch.statusCode, 428)
  const racers = await Promise.all(
    [0, 1].map(() =>
      app.inject({
        method: 'POST',
        url,
        headers: { ...programme.headers, 'if-match': '"1"' },
        payload: { status: 'received' }
      })
    )
  )
  t.same(racers.map((r) => r.statusCode).sort(), [200, 412])
  const notAllowed = await app.inject({
    method: 'POST',
    url,
    headers: { ...programme.headers, 'if-match': '"2"' },
    payload: { status: 'completed', outcome: 'guidance_completed' }
  })
  t.equal(notAllowed.statusCode, 409)
  t.same(notAllowed.json().allowedTransitions, ['accepted', 'rejected'])
  const byReferrer = await app.inject({
    method: 'POST',
    url,
    headers: { ...hospital.headers, 'if-match': '"2"' },
    payload: { status: 'accepted', track: 'opkomst' }
  })
  t.equal(byReferrer.statusCode, 409, 'the referrer may not accept')
  t.same(byReferrer.json().allowedTransitions, ['cancelled', 'entered-in-error'])
  const readOnly = await ctx.party('programme', { scopes: ['referrals:read', 'referrals:write'] })
  const other = await app.inject({
    method: 'POST',
    url,
    headers: { ...readOnly.headers, 'if-match': '"2"' },
    payload: { status: 'received' }
  })
  t.equal(other.statusCode, 404, 'another programme is not a party')
  const future = await app.inject({
    method: 'POST',
    url,
    headers: { ...programme.headers, 'if-match': '"2"' },
    payload: { status: 'accepted', track: 'opkomst' }
  })
  t.equal(future.statusCode, 200)
  const ahead = await app.inject({
    method: 'POST',
    url,
    headers: { ...programme.headers, 'if-match': '"3"' },
    payload: { status: 'in-progress', firstContactOn: addMonths(belgianDate(new Date()), 1) }
  })
  t.equal(ahead.statusCode, 422, 'first contact cannot be in the future')
  const cancelled = await app.inject({
    method: 'POST',
    url,
    headers: { ...hospital.headers, 'if-match': '"3"' },
    payload: { status: 'cancelled', reasonCode: 'moved_away' }
  })
  t.equal(cancelled.statusCode, 200, 'the referrer cancels an accepted referral')
  const admin = await app.inject({
    method: 'POST',
    url,
    headers: { ...ctx.admin, 'if-match': '"4"' },
    payload: { status: 'entered-in-error', reasonCode: 'test_record' }
  })
  t.equal(admin.statusCode, 200, 'the operator marks any status entered-in-error')
  t.same(Object.keys(admin.json()).sort(), [
    'createdAt',
    'id',
    'programmeOrganisationId',
    'referrerOrganisationId',
    'status',
    'updatedAt',
    'version',
    'view'
  ])
})

t.test(
  'duplicates: same sender → 409 pointing at it; another organisation → accepted and flagged to the programme',
  async (t) => {
    const body = referralBody({ mother: { ...referralBody().mother, insz: '17073003384', birthDate: '2017-07-30' } })
    // A 9-year-old mother is refused by the age rule; use a valid adult number instead.
    const adult = referralBody({ mother: { ...referralBody().mother, insz: '90020212372', birthDate: '1990-02-02' } })
    t.equal((await post(body)).statusCode, 422)
    const first = await post(adult)
    t.equal(first.statusCode, 201, first.body)
    const again = await post({ ...adult, externalReference: 'DUP-2' })
    t.equal(again.statusCode, 409)
    t.match(again.json(), { type: 'urn:opkomst:problem:duplicate-referral', existingReferralId: first.json().id })
    const sameRef = await post({
      ...referralBody({ mother: withoutInsz() }),
      externalReference: adult.externalReference
    })
    t.equal(sameRef.statusCode, 409)
    t.match(sameRef.json(), { type: 'urn:opkomst:problem:duplicate-external-reference' })

    const otherHospital = await ctx.party('hospital')
    const second = await app.inject({
      method: 'POST',
      url: '/referrals',
      headers: otherHospital.headers,
      payload: { ...adult, mother: { ...adult.mother, insz: '90.02.02-123.72' } }
    })
    t.equal(second.statusCode, 201, 'another organisation is not refused')
    t.notOk('possibleDuplicateOf' in second.json(), 'the sender is not told she is known')
    const seen = await app.inject({ method: 'GET', url: `/referrals/${second.json().id}`, headers: programme.headers })
    t.equal(seen.json().possibleDuplicateOf, first.json().id, 'the programme sees the possible duplicate')
  }
)
