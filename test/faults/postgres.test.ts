import t from 'tap'
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { REDIS_URL, deleteRedisKeys, type Teardown } from '../helpers/context.ts'
import { startPrivatePostgres, waitFor } from '../helpers/processes.ts'
import { migrateDatabase } from '../../src/db/migrate.ts'
import { countBy, httpParty, startApi, withoutInsz } from './harness.ts'

/** The API as its own process on a PostgreSQL cluster of the test's own, with short waits. */
async function apiOnPrivatePostgres(t: Teardown) {
  const cluster = await startPrivatePostgres(t)
  const url = `${cluster.url}/opkomst`
  await migrateDatabase(url)
  const prefix = `opk-test-${randomBytes(4).toString('hex')}`
  t.teardown(() => deleteRedisKeys(REDIS_URL, prefix))
  const { api, base } = await startApi(t, url, prefix, {
    DATABASE_CONNECT_TIMEOUT_MS: '2000',
    API_STATEMENT_TIMEOUT_MS: '2000'
  })
  await httpParty(base, 'programme', 'Opkomst')
  const hospital = await httpParty(base, 'hospital', 'Ziekenhuis')
  const refer = async () => {
    const body = withoutInsz()
    const started = Date.now()
    const res = await fetch(`${base}/referrals`, {
      method: 'POST',
      headers: hospital.headers,
      body: JSON.stringify(body)
    }).catch(() => null)
    return {
      externalReference: body.externalReference as string,
      status: res?.status ?? 0,
      retryAfter: res?.headers.get('retry-after') ?? null,
      type: res === null ? null : ((await res.json()) as { type?: string }).type,
      ms: Date.now() - started
    }
  }
  const referralsWith = async (refs: string[]) => {
    const client = new pg.Client({ connectionString: url })
    await client.connect()
    try {
      const { rows } = await client.query(
        'SELECT external_reference FROM referrals WHERE external_reference = ANY($1)',
        [refs]
      )
      return rows.map((r) => r.external_reference as string)
    } finally {
      await client.end()
    }
  }
  return { cluster, api, refer, referralsWith }
}

t.test('PostgreSQL stopped: 503 with Retry-After, one line down and one up, no parameters', async (t) => {
  const { cluster, api, refer } = await apiOnPrivatePostgres(t)
  t.equal((await refer()).status, 201)
  await cluster.stop()
  const during = await Promise.all(Array.from({ length: 10 }, refer))
  t.same([...countBy(during.map((r) => String(r.status)))], [['503', 10]], 'every request 503, none 500')
  t.ok(
    during.every((r) => r.retryAfter !== null && r.type === 'urn:opkomst:problem:unavailable'),
    'with Retry-After'
  )
  await cluster.start()
  await waitFor('intake again', async () => (await refer()).status === 201, 20_000)
  await new Promise((resolve) => setTimeout(resolve, 1500)) // log lines are written within a second
  const log = api.output()
  t.equal(log.split('PostgreSQL unavailable').length - 1, 1, 'one line when it went')
  t.equal(log.split('PostgreSQL answers again').length - 1, 1, 'one line when it came back')
  t.notMatch(log, /params|Failed query|externalReference|Testmoeder/, 'no statement or parameters in any line')
  t.equal(api.child.exitCode, null, 'the same process throughout')
})

t.test(
  'PostgreSQL frozen for 20 s: 503 within the timeout, nothing answered 503 committed afterwards, recovery without a restart',
  async (t) => {
    const { cluster, api, refer, referralsWith } = await apiOnPrivatePostgres(t)
    t.equal((await refer()).status, 201)
    cluster.freeze()
    const frozenAt = Date.now()
    const answers: Awaited<ReturnType<typeof refer>>[] = []
    // Waves of intakes through the freeze, as clients retrying would send them.
    while (Date.now() - frozenAt < 15_000) {
      answers.push(...(await Promise.all(Array.from({ length: 5 }, refer))))
    }
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, 20_000 - (Date.now() - frozenAt))))
    cluster.thaw()
    const slowest = Math.max(...answers.map((a) => a.ms))
    t.comment(`answer times during the freeze (ms): ${answers.map((a) => a.ms).join(' ')}`)
    t.same(
      [...countBy(answers.map((a) => String(a.status)))],
      [['503', answers.length]],
      `${answers.length} intakes during the freeze, all 503`
    )
    t.ok(slowest < 6000, `each answered within the timeouts (slowest ${slowest} ms), none hung for the freeze`)
    t.ok(
      answers.every((a) => a.retryAfter !== null),
      'with Retry-After'
    )
    await waitFor('intake again', async () => (await refer()).status === 201, 30_000)
    await new Promise((resolve) => setTimeout(resolve, 2000)) // what the server held has run by now
    const committed = await referralsWith(answers.map((a) => a.externalReference))
    t.same(committed, [], 'not one intake answered 503 was committed after the thaw')
    t.equal(api.child.exitCode, null, 'the same process recovered')
    t.comment(`sent ${answers.length}, acknowledged 0, committed afterwards ${committed.length}, lost 0`)
  }
)
