import t from 'tap'
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { REDIS_URL, deleteRedisKeys, testDatabase } from '../helpers/context.ts'
import { countBy, httpParty, startApi, withoutInsz } from './harness.ts'

t.test('the same Idempotency-Key sent to two API processes at once: one referral, one answer', async (t) => {
  const url = await testDatabase(t)
  const prefix = `opk-test-${randomBytes(4).toString('hex')}`
  t.teardown(() => deleteRedisKeys(REDIS_URL, prefix))
  const bases: string[] = []
  for (let i = 0; i < 2; i++) bases.push((await startApi(t, url, prefix)).base)
  await httpParty(bases[0]!, 'programme', 'Opkomst')
  const hospital = await httpParty(bases[0]!, 'hospital', 'Ziekenhuis')

  for (let round = 0; round < 5; round++) {
    const body = JSON.stringify(withoutInsz())
    const key = `two-processes-${round}`
    const answers = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const res = await fetch(`${bases[i % 2]}/referrals`, {
          method: 'POST',
          headers: { ...hospital.headers, 'idempotency-key': key },
          body
        })
        return { status: res.status, body: await res.text() }
      })
    )
    const created = answers.filter((a) => a.status === 201)
    t.same(
      [...countBy(answers.map((a) => String(a.status)))].filter(([s]) => s !== '201' && s !== '409'),
      [],
      `round ${round}: 201s and, for a repeat that waited too long, 409 in progress`
    )
    t.equal(new Set(created.map((a) => a.body)).size, 1, `round ${round}: every 201 the same answer`)
    const client = new pg.Client({ connectionString: url })
    await client.connect()
    const { rows } = await client.query('SELECT count(*)::int AS n FROM referrals WHERE external_reference = $1', [
      JSON.parse(body).externalReference
    ])
    await client.end()
    t.equal(rows[0].n, 1, `round ${round}: sent 20, one referral`)
  }
})
