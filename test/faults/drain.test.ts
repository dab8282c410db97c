import t from 'tap'
import { randomBytes } from 'node:crypto'
import { testDatabase, REDIS_URL, deleteRedisKeys } from '../helpers/context.ts'
import { httpParty, startApi } from './harness.ts'

t.test('SIGTERM with three open long polls: each gets its page at once, and the process exits 0', async (t) => {
  const url = await testDatabase(t)
  const prefix = `opk-test-${randomBytes(4).toString('hex')}`
  t.teardown(() => deleteRedisKeys(REDIS_URL, prefix))
  const { api, base } = await startApi(t, url, prefix)
  const { headers } = await httpParty(base, 'hospital', 'Ziekenhuis', ['events:read'])

  const polls = [0, 1, 2].map(async () => {
    const res = await fetch(`${base}/events?wait=25`, { headers })
    return { status: res.status, body: await res.json(), at: Date.now() }
  })
  await new Promise((resolve) => setTimeout(resolve, 500)) // the polls are waiting
  const signalled = Date.now()
  api.child.kill('SIGTERM')
  for (const answer of await Promise.all(polls)) {
    t.equal(answer.status, 200)
    t.match(answer.body, { items: [], nextCursor: String })
    t.ok(answer.at - signalled < 2000, `answered ${answer.at - signalled} ms after SIGTERM`)
  }
  t.equal(await api.exited, 0, 'exit code 0')
  t.ok(Date.now() - signalled < 5000, 'well within the grace period')
})
