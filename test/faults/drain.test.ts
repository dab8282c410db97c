import t from 'tap'
import { randomBytes } from 'node:crypto'
import { testDatabase, REDIS_URL, deleteRedisKeys, ADMIN_KEY } from '../helpers/context.ts'
import { freePort, startService, waitFor } from '../helpers/processes.ts'

t.test('SIGTERM with three open long polls: each gets its page at once, and the process exits 0', async (t) => {
  const url = await testDatabase(t)
  const prefix = `opk-test-${randomBytes(4).toString('hex')}`
  t.teardown(() => deleteRedisKeys(REDIS_URL, prefix))
  const port = await freePort()
  const base = `http://127.0.0.1:${port}`
  const api = startService(t, {
    ROLE: 'api',
    DATABASE_URL: url,
    REDIS_URL,
    REDIS_PREFIX: prefix,
    PORT: String(port),
    HOST: '127.0.0.1',
    RATE_LIMITS: 'off',
    ADMIN_API_KEY: ADMIN_KEY,
    IDENTIFIER_KEYS: `k1:${randomBytes(32).toString('base64')}`,
    BLIND_INDEX_KEY: randomBytes(32).toString('base64')
  })
  await waitFor('the api', async () => (await fetch(`${base}/health/ready`).catch(() => null))?.status === 200)
  const admin = { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' }
  const organisation = await (
    await fetch(`${base}/admin/organisations`, {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({ name: 'Ziekenhuis', type: 'hospital' })
    })
  ).json()
  const { key } = await (
    await fetch(`${base}/admin/organisations/${organisation.id}/clients`, {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({ name: 'feed', scopes: ['events:read'] })
    })
  ).json()
  t.type(key, 'string')

  const polls = [0, 1, 2].map(async () => {
    const res = await fetch(`${base}/events?wait=25`, { headers: { authorization: `Bearer ${key}` } })
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
