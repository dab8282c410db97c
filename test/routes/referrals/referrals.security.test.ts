import t from 'tap'
import { sql } from 'drizzle-orm'
import { Writable } from 'node:stream'
import { testContext } from '../../helpers/context.ts'
import { referralBody } from '../../helpers/referrals.ts'
import { ORGANISATION_TYPES } from '../../../src/domain/vocabulary.ts'

let logged = ''
const logStream = new Writable({
  write(chunk, _enc, done) {
    logged += chunk.toString()
    done()
  }
})
const ctx = await testContext(t, { LOG_LEVEL: 'trace' }, { logStream })
const { app } = ctx
const programme = await ctx.party('programme', { serviceArea: ['2800'] })
const hospital = await ctx.party('hospital')
const body = referralBody()
const referral = (
  await app.inject({ method: 'POST', url: '/referrals', headers: hospital.headers, payload: body })
).json()
const MISSING = '00000000-0000-4000-8000-000000000000'

const routes = (id: string) => [
  { method: 'GET' as const, url: `/referrals/${id}` },
  { method: 'GET' as const, url: `/referrals/${id}/history` },
  { method: 'GET' as const, url: `/referrals/${id}/access-log` },
  { method: 'PATCH' as const, url: `/referrals/${id}`, payload: { urgency: 'urgent' }, ifMatch: true },
  {
    method: 'POST' as const,
    url: `/referrals/${id}/transitions`,
    payload: { status: 'cancelled', reasonCode: 'moved_away' },
    ifMatch: true
  }
]

t.test('every non-party organisation gets 404 on every referral route, identical to a missing id', async (t) => {
  const outsiders = await Promise.all(
    ORGANISATION_TYPES.filter((type) => type !== 'operator').map((type) => ctx.party(type))
  )
  for (const outsider of outsiders) {
    for (const [i, route] of routes(referral.id).entries()) {
      const missingRoute = routes(MISSING)[i]!
      const headers = { ...outsider.headers, ...(route.ifMatch === true ? { 'if-match': '"1"' } : {}) }
      const res = await app.inject({
        method: route.method,
        url: route.url,
        headers,
        ...(route.payload === undefined ? {} : { payload: route.payload })
      })
      const missing = await app.inject({
        method: missingRoute.method,
        url: missingRoute.url,
        headers,
        ...(route.payload === undefined ? {} : { payload: route.payload })
      })
      // Routes needing a scope the type cannot hold answer 403 to everyone alike, which leaks nothing either.
      t.equal(res.statusCode, missing.statusCode, `${route.method} ${route.url} for ${outsider.organisationId}`)
      t.ok([403, 404].includes(res.statusCode))
      const strip = (b: Record<string, unknown>) => ({ ...b, instance: undefined })
      t.same(strip(res.json()), strip(missing.json()), 'the same problem body')
    }
    const list = await app.inject({ method: 'GET', url: '/referrals', headers: outsider.headers })
    if (list.statusCode === 200) t.notOk(list.body.includes(referral.id), 'not in its lists')
  }
  const { rows } = await app.pool.query(
    'SELECT count(*)::int AS n FROM access_log WHERE referral_id = $1 AND organisation_id <> ALL($2::uuid[])',
    [referral.id, [hospital.organisationId, programme.organisationId]]
  )
  t.equal(rows[0].n, 0, 'outsiders left no access-log rows: they read nothing')
})

t.test('no table holds the INSZ in plaintext, and the blind index finds the same mother', async (t) => {
  const { rows: tables } = await app.pool.query(
    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
  )
  t.ok(tables.length >= 7)
  for (const { table_name: table } of tables) {
    const { rows } = await app.pool.query(
      `SELECT count(*)::int AS n FROM "${table}" x WHERE x::text LIKE $1 OR x::text LIKE $2`,
      ['%85073003328%', '%85.07.30%']
    )
    t.equal(rows[0].n, 0, `${table} has no plaintext INSZ`)
  }
  const { rows } = await app.pool.query('SELECT insz_ciphertext, insz_blind_index FROM referrals WHERE id = $1', [
    referral.id
  ])
  t.match(rows[0].insz_ciphertext, /^t1\.[\w-]+\.[\w-]+\.[\w-]+$/, 'encrypted under a named key')
  t.equal(app.identifiers.decrypt(rows[0].insz_ciphertext, referral.id), '85073003328')
  t.throws(() => app.identifiers.decrypt(rows[0].insz_ciphertext, programme.organisationId), 'bound to its referral id')
  t.equal(rows[0].insz_blind_index, app.identifiers.blindIndex('85073003328'))
})

t.test('the application cannot change or remove access-log rows', async (t) => {
  const before = (await app.pool.query('SELECT count(*)::int AS n FROM access_log')).rows[0].n
  t.ok(before > 0)
  await t.rejects(app.pool.query("UPDATE access_log SET purpose = 'tampered'"), /append-only/)
  await t.rejects(app.pool.query('DELETE FROM access_log'), /append-only/)
  await t.rejects(app.pool.query('TRUNCATE access_log'), /append-only/)
  t.equal((await app.pool.query('SELECT count(*)::int AS n FROM access_log')).rows[0].n, before)
})

t.test('a request carrying a name, an INSZ and a phone number leaves none of them in the logs', async (t) => {
  const secret = { givenName: 'Zohrabelle', familyName: 'Quaxendonck', insz: '92041512345', phone: '+32 499 87 65 43' }
  const mother = {
    ...body.mother,
    givenName: secret.givenName,
    familyName: secret.familyName,
    phone: secret.phone,
    insz: '85073003328'
  }
  await app.inject({ method: 'POST', url: '/referrals', headers: programme.headers, payload: referralBody({ mother }) })
  await app.inject({
    method: 'POST',
    url: '/referrals',
    headers: hospital.headers,
    payload: referralBody({ mother: { ...mother, insz: secret.insz } })
  })
  await app.inject({
    method: 'POST',
    url: '/referrals',
    headers: { ...hospital.headers, 'content-type': 'application/json' },
    payload: `{"mother": {"givenName": "${secret.givenName}", "insz": "${secret.insz}", "phone": "${secret.phone}"`
  })
  await app.inject({
    method: 'POST',
    url: '/admin/organisations',
    headers: ctx.admin,
    payload: { name: secret.givenName, type: 'hospital', notificationEmail: 'x' }
  })
  // A URL may carry anything a caller typed: the request line logs the route, not the URL.
  await app.inject({
    method: 'GET',
    url: `/referrals?status=${secret.familyName}&phone=${encodeURIComponent(secret.phone)}`,
    headers: hospital.headers
  })
  await app.inject({ method: 'GET', url: `/referrals/${secret.insz}`, headers: hospital.headers })
  t.ok(logged.length > 1000, 'the logs were written at trace level')
  for (const [what, value] of Object.entries(secret)) {
    t.notOk(logged.includes(value), `no ${what} in the logs`)
  }
  t.notOk(logged.includes('85073003328'))
  t.notOk(logged.includes(hospital.key), 'no API key in the logs')
  // One line per request, when it is answered, with what operators need.
  const lines = logged
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l))
    .filter((l) => l.msg === 'request completed' && l.req?.url === '/admin/organisations')
  t.equal(lines.length, 1)
  t.match(lines[0], { req: { method: 'POST' }, res: { statusCode: 422 }, responseTime: Number, reqId: String })
})

t.test('a failing query is logged without its parameters', async (t) => {
  const { safeError } = await import('../../../src/logging.ts')
  const failed = await app.db.execute(sql`SELECT ${'Zohrabelle-secret'}::int`).catch((err: unknown) => err)
  const logged = JSON.stringify(safeError(failed))
  t.notOk(logged.includes('Zohrabelle-secret'), 'no parameter in the logged error')
  t.match(logged, /withheld/)
  t.match(logged, /22P02/, "PostgreSQL's code is kept")
  const raw = await app.pool.query('SELECT $1::int', ['Zohrabelle-secret']).catch((err: unknown) => err)
  t.notOk(
    JSON.stringify(safeError(raw)).includes('Zohrabelle-secret'),
    "nor PostgreSQL's own message quoting the value"
  )
  t.match(JSON.stringify(safeError(new Error('plain'))), /plain/)
})
