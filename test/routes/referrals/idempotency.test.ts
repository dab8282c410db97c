import t from 'tap'
import { openAnswer } from '../../../src/db/idempotency.ts'
import { randomUUID } from 'node:crypto'
import { buildApp } from '../../../src/app.ts'
import { testContext } from '../../helpers/context.ts'
import { inszFor, referralBody } from '../../helpers/referrals.ts'

// Intake claims its Idempotency-Key in the statement that writes the referral (no claim first);
// what a claim first gave must still hold: one record per key, the first answer replayed, 422 for
// another body, errors stored, expired keys reusable, and across processes too.
const ctx = await testContext(t)
const { app } = ctx
await ctx.party('programme')
const hospital = await ctx.party('hospital')
// A second API process on the same database: it shares no memory with the first.
const other = await buildApp(ctx.config)
t.teardown(() => other.close())

const noInsz = (externalReference = `EPD-${randomUUID()}`) =>
  referralBody({
    externalReference,
    mother: { ...referralBody().mother, insz: undefined, inszAbsentReason: 'unknown' }
  })
const withInsz = (serial: number) =>
  referralBody({ mother: { ...referralBody().mother, insz: inszFor('1990-04-12', serial), birthDate: '1990-04-12' } })
const post = (on: typeof app, payload: object, key?: string) =>
  on.inject({
    method: 'POST',
    url: '/referrals',
    headers: { ...hospital.headers, ...(key === undefined ? {} : { 'idempotency-key': key }) },
    payload
  })
/** A key's row, its stored answer opened (answers are kept encrypted, bound to their key). */
const keyRow = async (key: string) => {
  const row = (
    await app.pool.query(
      'SELECT principal, request_hash, response_status, response_body, xmin::text AS tx FROM idempotency_keys WHERE key = $1',
      [key]
    )
  ).rows[0]
  return {
    ...row,
    response_body:
      row.response_body === null
        ? null
        : openAnswer(app.identifiers, { principal: row.principal, key }, row.response_body)
  }
}
const referralsWith = async (externalReference: string) =>
  Number(
    (await app.pool.query('SELECT count(*) FROM referrals WHERE external_reference = $1', [externalReference])).rows[0]
      .count
  )

t.test('the key and its answer are written in the commit that writes the referral', async (t) => {
  for (const body of [noInsz(), withInsz(1)]) {
    const key = `same-commit-${randomUUID()}`
    const created = await post(app, body, key)
    t.equal(created.statusCode, 201)
    const {
      rows: [referral]
    } = await app.pool.query('SELECT xmin::text AS tx FROM referrals WHERE id = $1', [created.json().id])
    const stored = await keyRow(key)
    t.equal(stored.tx, referral.tx, `${body.mother.insz === undefined ? 'grouped' : 'INSZ'} intake: one transaction`)
    t.same([stored.response_status, stored.response_body], [201, created.body])
  }
})

t.test('the same key and body in two processes at once: one referral, the same answer twice', async (t) => {
  const pairs = Array.from({ length: 10 }, (_, i) => ({
    key: `two-processes-${randomUUID()}`,
    body: i % 2 === 0 ? noInsz() : withInsz(10 + i)
  }))
  const answers = await Promise.all(
    pairs.map(({ key, body }) => Promise.all([post(app, body, key), post(other, body, key)]))
  )
  for (const [i, [a, b]] of answers.entries()) {
    t.same([a.statusCode, b.statusCode], [201, 201], `pair ${i}`)
    t.equal(a.body, b.body, `pair ${i}: byte for byte`)
    t.equal(
      [a, b].filter((r) => r.headers['idempotent-replayed'] === 'true').length,
      1,
      `pair ${i}: one of them replayed`
    )
    t.equal(await referralsWith(pairs[i]!.body.externalReference), 1, `pair ${i}: one referral`)
  }
})

t.test(
  'the same key with another body, at once or later, in either process: 422, and nothing of it written',
  async (t) => {
    const key = `reused-${randomUUID()}`
    const first = noInsz()
    const rivals = [noInsz(), noInsz()]
    const answers = await Promise.all([post(app, first, key), post(other, rivals[0]!, key)])
    t.same(answers.map((r) => r.statusCode).sort(), [201, 422])
    const won = answers[0]!.statusCode === 201 ? first : rivals[0]!
    const lost = won === first ? rivals[0]! : first
    t.match(answers.find((r) => r.statusCode === 422)!.json(), { type: /idempotency-key-reused$/ })
    t.equal(await referralsWith(lost.externalReference), 0, 'the other body wrote nothing')

    // Later, in a burst of other intakes grouped with it: only it fails, the others are written.
    const burst = [rivals[1]!, ...Array.from({ length: 9 }, () => noInsz())]
    const later = await Promise.all(burst.map((body, i) => post(app, body, i === 0 ? key : `burst-${randomUUID()}`)))
    t.same(
      later.map((r) => r.statusCode),
      [422, ...Array(9).fill(201)]
    )
    t.equal(await referralsWith(rivals[1]!.externalReference), 0)
    t.equal(
      (await keyRow(key)).response_body,
      answers.find((r) => r.statusCode === 201)!.body,
      'the first answer still stands under the key'
    )
    const replay = await post(other, won, key)
    t.same(
      [replay.statusCode, replay.headers['idempotent-replayed'], replay.body],
      [201, 'true', (await keyRow(key)).response_body]
    )
  }
)

t.test('an intake that fails with a key: its problem is stored and replayed', async (t) => {
  const key = `refused-${randomUUID()}`
  const body = referralBody({ mother: { ...referralBody().mother, insz: '85073003329' } })
  const refused = await post(app, body, key)
  t.equal(refused.statusCode, 422)
  t.equal((await keyRow(key)).response_status, 422, 'stored')
  const again = await post(other, body, key)
  t.same([again.statusCode, again.headers['idempotent-replayed'], again.body], [422, 'true', refused.body])
  // Another key and an external reference already used: 409, stored too; the same key replays it.
  const used = noInsz()
  t.equal((await post(app, used)).statusCode, 201)
  const duplicate = await post(app, used, `dup-${randomUUID()}`)
  t.equal(duplicate.statusCode, 409)
  t.match(duplicate.json(), { type: /duplicate-external-reference$/ })
})

t.test('an expired key is taken over: the new request is written and its answer stored', async (t) => {
  const key = `expired-${randomUUID()}`
  await app.pool.query(
    `INSERT INTO idempotency_keys (principal, key, request_hash, response_status, response_headers, response_body, created_at, expires_at)
    VALUES ($1, $2, 'old', 201, '{}', 'old answer', now() - interval '25 hours', now() - interval '1 hour')`,
    [hospital.clientId, key]
  )
  const body = noInsz()
  const created = await post(app, body, key)
  t.equal(created.statusCode, 201)
  t.equal(created.headers['idempotent-replayed'], undefined)
  t.equal(await referralsWith(body.externalReference), 1)
  t.same([(await keyRow(key)).response_status, (await keyRow(key)).response_body], [201, created.body])
  t.equal((await post(other, body, key)).body, created.body, 'replayed from now on')
})
