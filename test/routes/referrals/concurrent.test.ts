import t from 'tap'
import { randomUUID } from 'node:crypto'
import { testContext } from '../../helpers/context.ts'
import { referralBody } from '../../helpers/referrals.ts'

// Concurrent reads and intakes share statements (Batch): each must still get its own answer, in its own view.
const ctx = await testContext(t)
const programme = await ctx.party('programme')
const hospitals = [await ctx.party('hospital'), await ctx.party('hospital')]
const created = await Promise.all(
  hospitals.map(async (h) => (await ctx.send(h, 'POST', '/referrals', referralBody())).json())
)

t.test('many reads at once: each its own referral, view, 404 or 304', async (t) => {
  const asks = Array.from({ length: 60 }, (_, i) => {
    const who = i % 3 === 2 ? programme : hospitals[i % 2]!
    const referral = created[(i >> 1) % 2]
    const kind = i % 10 === 9 ? 'missing' : i % 7 === 6 ? 'held' : 'read'
    const id = kind === 'missing' ? randomUUID() : referral.id
    const party = who === programme || who === hospitals[(i >> 1) % 2]
    return { i, who, id, kind, party, expected: kind === 'missing' || !party ? 404 : kind === 'held' ? 304 : 200 }
  })
  const run = randomUUID().slice(0, 8)
  const answers = await Promise.all(
    asks.map((a) =>
      ctx.app.inject({
        method: 'GET',
        url: `/referrals/${a.id}`,
        headers: {
          ...a.who.headers,
          'x-request-id': `${run}-${a.i}`,
          ...(a.kind === 'held' ? { 'if-none-match': '"1"' } : {})
        }
      })
    )
  )
  t.same(
    answers.map((r) => r.statusCode),
    asks.map((a) => a.expected),
    'every status as its own request deserves'
  )
  for (const [n, r] of answers.entries()) {
    if (r.statusCode !== 200) continue
    const a = asks[n]!
    t.equal(r.json().id, a.id, `read ${a.i}: its own referral`)
    t.equal(r.json().mother === undefined, false, 'both parties see the mother')
    t.equal(
      'possibleDuplicateOf' in r.json(),
      a.who === programme,
      `read ${a.i}: in ${a.who === programme ? "the programme's" : "the referrer's"} view`
    )
  }
  // The statement that read them logged them: a row for each answered read (200 or 304), by its
  // reader, and none for a 404; the rows committed together, not one commit each.
  const { rows } = await ctx.app.pool.query<{
    request_id: string
    referral_id: string
    organisation_id: string
    action: string
    tx: string
  }>(
    'SELECT request_id, referral_id, organisation_id, action, xmin::text AS tx FROM access_log WHERE request_id LIKE $1 ORDER BY id',
    [`${run}-%`]
  )
  const answered = asks.filter((a) => a.expected !== 404)
  t.same(
    rows.map((r) => r.request_id).sort(),
    answered.map((a) => `${run}-${a.i}`).sort(),
    'one row per answered read, none for a 404'
  )
  for (const r of rows) {
    const a = asks[Number(r.request_id.split('-')[1])]!
    t.same([r.referral_id, r.organisation_id, r.action], [a.id, a.who.organisationId, 'read'])
  }
  t.ok(
    new Set(rows.map((r) => r.tx)).size < answered.length / 2,
    `${answered.length} rows in ${new Set(rows.map((r) => r.tx)).size} commits`
  )
})

t.test('many transitions at once: each decided on its own referral', async (t) => {
  const withoutInsz = () =>
    referralBody({ mother: { ...referralBody().mother, insz: undefined, inszAbsentReason: 'unknown' } })
  const many = await Promise.all(
    Array.from(
      { length: 20 },
      async () => (await ctx.send(hospitals[0]!, 'POST', '/referrals', withoutInsz())).json().id as string
    )
  )
  const answers = await Promise.all(
    many.map((id, i) =>
      ctx.send(
        i % 4 === 3 ? hospitals[1]! : programme,
        'POST',
        `/referrals/${id}/transitions`,
        { status: 'received' },
        1
      )
    )
  )
  t.same(
    answers.map((r) => r.statusCode),
    many.map((_, i) => (i % 4 === 3 ? 404 : 200)),
    'not a party: 404; the programme: 200'
  )
  t.same(
    answers.filter((r) => r.statusCode === 200).map((r) => r.json().id),
    many.filter((_, i) => i % 4 !== 3),
    'each answer about its own referral'
  )
  const changed = many.filter((_, i) => i % 4 !== 3)
  const { rows } = await ctx.app.pool.query<{ commits: number; history: number; events: number; logged: number }>(
    `SELECT
    (SELECT count(DISTINCT xmin::text) FROM referrals WHERE id = ANY($1::uuid[]))::int AS commits,
    (SELECT count(*) FROM referral_history WHERE referral_id = ANY($1::uuid[]) AND to_status = 'received')::int AS history,
    (SELECT count(*) FROM outbox_events WHERE referral_id = ANY($1::uuid[]) AND type = 'referral.status_changed')::int AS events,
    (SELECT count(*) FROM access_log WHERE referral_id = ANY($1::uuid[]) AND action = 'transition')::int AS logged`,
    [changed]
  )
  t.match(rows[0], { history: 15, events: 15, logged: 15 }, 'each change has its history, event and access-log row')
  t.ok(rows[0]!.commits < 15 / 2, `15 changes in ${rows[0]!.commits} commits`)

  // Two changes of one referral at once, from the same version: one is made, the other is 412.
  const twice = await Promise.all(
    [...changed.slice(0, 6), ...changed.slice(0, 6)].map((id, i) =>
      ctx.send(
        programme,
        'POST',
        `/referrals/${id}/transitions`,
        i < 6
          ? { status: 'accepted', track: 'opkomst' }
          : { status: 'rejected', reasonCode: 'not_eligible', reason: 'Buiten werkingsgebied' },
        2
      )
    )
  )
  for (let i = 0; i < 6; i++) {
    t.same(
      [twice[i]!.statusCode, twice[i + 6]!.statusCode].sort(),
      [200, 412],
      `referral ${i}: one change made, one 412`
    )
    const accepted = twice[i]!.statusCode === 200
    const {
      rows: [now]
    } = await ctx.app.pool.query(
      `SELECT status, version, track, status_reason_code AS "reasonCode", accepted_at IS NOT NULL AS "acceptedAt",
      (SELECT count(*)::int FROM referral_history WHERE referral_id = $1) AS history FROM referrals WHERE id = $1`,
      [changed[i]]
    )
    // What a change does not name keeps its value: a rejection leaves track and acceptedAt unset.
    t.same(
      now,
      accepted
        ? { status: 'accepted', version: 3, track: 'opkomst', reasonCode: null, acceptedAt: true, history: 3 }
        : { status: 'rejected', version: 3, track: null, reasonCode: 'not_eligible', acceptedAt: false, history: 3 },
      `referral ${i}: one change made, at version 3, with one history row more`
    )
  }
})

t.test('a change that fails fails alone: the others grouped with it are made', async (t) => {
  const withoutInsz = () =>
    referralBody({ mother: { ...referralBody().mother, insz: undefined, inszAbsentReason: 'unknown' } })
  const ids = await Promise.all(
    Array.from(
      { length: 10 },
      async () => (await ctx.send(hospitals[0]!, 'POST', '/referrals', withoutInsz())).json().id as string
    )
  )
  await ctx.app.pool.query(
    `CREATE FUNCTION refuse_history() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$`
  )
  await ctx.app.pool.query(
    `CREATE TRIGGER refuse_history BEFORE INSERT ON referral_history FOR EACH ROW WHEN (NEW.reason = 'refused') EXECUTE FUNCTION refuse_history()`
  )
  t.teardown(() =>
    ctx.app.pool.query('DROP TRIGGER refuse_history ON referral_history; DROP FUNCTION refuse_history()')
  )
  const answers = await Promise.all(
    ids.map((id, i) =>
      ctx.send(
        programme,
        'POST',
        `/referrals/${id}/transitions`,
        { status: 'rejected', reasonCode: 'not_eligible', reason: i === 4 ? 'refused' : 'Buiten werkingsgebied' },
        1
      )
    )
  )
  t.same(
    answers.map((r) => r.statusCode),
    ids.map((_, i) => (i === 4 ? 500 : 200))
  )
  const { rows } = await ctx.app.pool.query('SELECT id, status FROM referrals WHERE id = ANY($1::uuid[])', [ids])
  t.same(
    rows
      .filter((r) => r.status === 'rejected')
      .map((r) => r.id)
      .sort(),
    ids.filter((_, i) => i !== 4).sort(),
    'nine changed; the refused one is as it was'
  )
})

t.test(
  'many intakes at once: grouped into few commits, each with its own answer, rows and stored replay',
  async (t) => {
    const hospital = hospitals[0]!
    const noInsz = (externalReference: string) =>
      referralBody({
        externalReference,
        mother: { ...referralBody().mother, insz: undefined, inszAbsentReason: 'unknown' }
      })
    const used = `EPD-${randomUUID()}`
    await ctx.send(hospital, 'POST', '/referrals', noInsz(used))
    const twice = `EPD-${randomUUID()}`
    const asks = Array.from({ length: 40 }, (_, i) => ({
      i,
      key: i % 2 === 0 ? `intake-${randomUUID()}` : undefined,
      body: noInsz(i === 7 ? used : i === 11 || i === 12 ? twice : `EPD-${randomUUID()}`)
    }))
    const answers = await Promise.all(
      asks.map((a) =>
        ctx.app.inject({
          method: 'POST',
          url: '/referrals',
          payload: a.body,
          headers: { ...hospital.headers, ...(a.key === undefined ? {} : { 'idempotency-key': a.key }) }
        })
      )
    )
    const statuses = answers.map((r) => r.statusCode)
    t.equal(statuses[7], 409, 'an externalReference used before: 409')
    t.same([statuses[11], statuses[12]].sort(), [201, 409], 'one externalReference twice in a burst: one is written')
    t.equal(statuses.filter((s) => s === 201).length, 38)
    for (const r of answers.filter((r) => r.statusCode === 409))
      t.match(r.json(), { type: /duplicate-external-reference$/ })
    const created = answers.flatMap((r, n) => (r.statusCode === 201 ? [{ ask: asks[n]!, answer: r }] : []))
    for (const { ask, answer } of created)
      t.equal(answer.json().externalReference, ask.body.externalReference, `intake ${ask.i}: its own referral`)
    const ids = created.map((c) => c.answer.json().id as string)
    const { rows } = await ctx.app.pool.query<{
      commits: number
      referrals: number
      history: number
      events: number
      logged: number
    }>(
      `SELECT
    (SELECT count(DISTINCT xmin::text) FROM referrals WHERE id = ANY($1::uuid[]))::int AS commits,
    (SELECT count(*) FROM referrals WHERE id = ANY($1::uuid[]))::int AS referrals,
    (SELECT count(*) FROM referral_history WHERE referral_id = ANY($1::uuid[]))::int AS history,
    (SELECT count(*) FROM outbox_events WHERE referral_id = ANY($1::uuid[]) AND type = 'referral.created')::int AS events,
    (SELECT count(*) FROM access_log WHERE referral_id = ANY($1::uuid[]) AND action = 'create')::int AS logged`,
      [ids]
    )
    t.match(
      rows[0],
      { referrals: 38, history: 38, events: 38, logged: 38 },
      'each written referral has its history, event and access-log row'
    )
    t.ok(rows[0]!.commits < 38 / 2, `38 referrals in ${rows[0]!.commits} commits`)
    // A replay answers what was sent, byte for byte.
    for (const { ask, answer } of created.filter((c) => c.ask.key !== undefined)) {
      const replay = await ctx.app.inject({
        method: 'POST',
        url: '/referrals',
        payload: ask.body,
        headers: { ...hospital.headers, 'idempotency-key': ask.key! }
      })
      t.equal(replay.headers['idempotent-replayed'], 'true')
      t.equal(replay.body, answer.body, `intake ${ask.i}: replayed as answered`)
    }
  }
)

t.test('an intake that fails fails alone: the others grouped with it are written', async (t) => {
  const hospital = hospitals[1]!
  const refused = `REFUSED-${randomUUID()}`
  await ctx.app.pool.query(
    `CREATE FUNCTION refuse_referral() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$`
  )
  await ctx.app.pool.query(
    `CREATE TRIGGER refuse_referral BEFORE INSERT ON referrals FOR EACH ROW WHEN (NEW.external_reference = '${refused}') EXECUTE FUNCTION refuse_referral()`
  )
  t.teardown(() => ctx.app.pool.query('DROP TRIGGER refuse_referral ON referrals; DROP FUNCTION refuse_referral()'))
  const bodies = Array.from({ length: 12 }, (_, i) =>
    referralBody({
      externalReference: i === 5 ? refused : `EPD-${randomUUID()}`,
      mother: { ...referralBody().mother, insz: undefined, inszAbsentReason: 'unknown' }
    })
  )
  const answers = await Promise.all(bodies.map((payload) => ctx.send(hospital, 'POST', '/referrals', payload)))
  t.same(
    answers.map((r) => r.statusCode),
    bodies.map((_, i) => (i === 5 ? 500 : 201))
  )
  t.match(answers[5]!.headers['content-type'], /^application\/problem\+json/)
  const { rows } = await ctx.app.pool.query(
    'SELECT external_reference FROM referrals WHERE external_reference = ANY($1::text[])',
    [bodies.map((b) => b.externalReference)]
  )
  t.equal(rows.length, 11, 'the eleven others are written; the refused one is not')
})
