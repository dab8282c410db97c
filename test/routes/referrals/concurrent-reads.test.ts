import t from 'tap'
import { randomUUID } from 'node:crypto'
import { testContext } from '../../helpers/context.ts'
import { referralBody } from '../../helpers/referrals.ts'

// Concurrent reads share a statement (Batch): each must still get its own answer, in its own view.
const ctx = await testContext(t)
const programme = await ctx.party('programme')
const hospitals = [await ctx.party('hospital'), await ctx.party('hospital')]
const created = await Promise.all(hospitals.map(async (h) => (await ctx.send(h, 'POST', '/referrals', referralBody())).json()))

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
  const answers = await Promise.all(asks.map((a) => ctx.app.inject({ method: 'GET', url: `/referrals/${a.id}`, headers: { ...a.who.headers, 'x-request-id': `${run}-${a.i}`, ...(a.kind === 'held' ? { 'if-none-match': '"1"' } : {}) } })))
  t.same(answers.map((r) => r.statusCode), asks.map((a) => a.expected), 'every status as its own request deserves')
  for (const [n, r] of answers.entries()) {
    if (r.statusCode !== 200) continue
    const a = asks[n]!
    t.equal(r.json().id, a.id, `read ${a.i}: its own referral`)
    t.equal(r.json().mother === undefined, false, 'both parties see the mother')
    t.equal('possibleDuplicateOf' in r.json(), a.who === programme, `read ${a.i}: in ${a.who === programme ? "the programme's" : "the referrer's"} view`)
  }
  // The statement that read them logged them: a row for each answered read (200 or 304), by its
  // reader, and none for a 404; the rows committed together, not one commit each.
  const { rows } = await ctx.app.pool.query<{ request_id: string, referral_id: string, organisation_id: string, action: string, tx: string }>(
    "SELECT request_id, referral_id, organisation_id, action, xmin::text AS tx FROM access_log WHERE request_id LIKE $1 ORDER BY id", [`${run}-%`])
  const answered = asks.filter((a) => a.expected !== 404)
  t.same(rows.map((r) => r.request_id).sort(), answered.map((a) => `${run}-${a.i}`).sort(), 'one row per answered read, none for a 404')
  for (const r of rows) {
    const a = asks[Number(r.request_id.split('-')[1])]!
    t.same([r.referral_id, r.organisation_id, r.action], [a.id, a.who.organisationId, 'read'])
  }
  t.ok(new Set(rows.map((r) => r.tx)).size < answered.length / 2, `${answered.length} rows in ${new Set(rows.map((r) => r.tx)).size} commits`)
})

t.test('many transitions at once: each decided on its own referral', async (t) => {
  const withoutInsz = () => referralBody({ mother: { ...referralBody().mother, insz: undefined, inszAbsentReason: 'unknown' } })
  const many = await Promise.all(Array.from({ length: 20 }, async () => (await ctx.send(hospitals[0]!, 'POST', '/referrals', withoutInsz())).json().id as string))
  const answers = await Promise.all(many.map((id, i) => ctx.send(i % 4 === 3 ? hospitals[1]! : programme, 'POST', `/referrals/${id}/transitions`, { status: 'received' }, 1)))
  t.same(answers.map((r) => r.statusCode), many.map((_, i) => i % 4 === 3 ? 404 : 200), 'not a party: 404; the programme: 200')
  t.same(answers.filter((r) => r.statusCode === 200).map((r) => r.json().id), many.filter((_, i) => i % 4 !== 3), 'each answer about its own referral')
})
