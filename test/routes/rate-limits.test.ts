import t from 'tap'
import { randomUUID } from 'node:crypto'
import { testContext } from '../helpers/context.ts'
import { freePort, startService } from '../helpers/processes.ts'
import { eventually } from '../helpers/receiver.ts'

/** Two API processes sharing one Redis, with small limits; the test's own app only sets up parties. */
const ctx = await testContext(t, { WEBHOOK_ALLOWED_HOSTS: '127.0.0.1' })
const hospital = await ctx.party('hospital')
const other = await ctx.party('hospital')
const config = ctx.config
const ports = [await freePort(), await freePort()]
for (const port of ports) {
  startService(t, {
    DATABASE_URL: config.DATABASE_URL,
    REDIS_URL: config.REDIS_URL,
    REDIS_PREFIX: config.REDIS_PREFIX,
    IDENTIFIER_KEYS: config.IDENTIFIER_KEYS as string,
    BLIND_INDEX_KEY: config.BLIND_INDEX_KEY as string,
    WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
    ROLE: 'api',
    PORT: String(port),
    HOST: '127.0.0.1',
    RATE_LIMIT_PER_CLIENT: '5',
    RATE_LIMIT_UNAUTHENTICATED: '3',
    RATE_LIMIT_SENSITIVE: '2'
  })
}
for (const port of ports) {
  await eventually(
    'an API process',
    async () => (await fetch(`http://127.0.0.1:${port}/health/ready`).catch(() => null))?.status === 200 || undefined,
    30_000
  )
}
const call = (n: number, path: string, key?: string, method = 'GET') =>
  fetch(`http://127.0.0.1:${ports[n % 2]}${path}`, {
    method,
    headers: key === undefined ? {} : { authorization: `Bearer ${key}` }
  })

t.test('a client past its limit gets 429 across both processes; another client is unaffected', async (t) => {
  for (let i = 0; i < 5; i++)
    t.equal((await call(i, '/referrals', hospital.key)).status, 200, `request ${i + 1}, process ${(i % 2) + 1}`)
  const refused = await call(5, '/referrals', hospital.key)
  t.equal(refused.status, 429, 'the sixth in the minute, whichever process it reaches')
  t.equal(refused.headers.get('content-type'), 'application/problem+json; charset=utf-8')
  t.match(await refused.json(), { type: 'urn:opkomst:problem:too-many-requests', status: 429 })
  t.ok(Number(refused.headers.get('retry-after')) > 0, 'Retry-After')
  t.equal(refused.headers.get('ratelimit-limit'), '5')
  t.equal(refused.headers.get('ratelimit-remaining'), '0')
  t.equal(refused.headers.get('ratelimit-policy'), '5;w=60')
  t.equal((await call(1, '/referrals', other.key)).status, 200, "another client's key is unaffected")
})

t.test('unknown keys and no key count per IP address', async (t) => {
  const statuses = []
  for (let i = 0; i < 4; i++) statuses.push((await call(i, '/referrals', `opk_${randomUUID()}`)).status)
  t.same(statuses, [401, 401, 401, 429], 'three tries a minute, then 429 before any lookup')
  t.equal((await call(0, '/referrals')).status, 429, 'no key: the same bucket')
  t.equal((await call(0, '/health/live')).status, 200, 'health checks are never limited')
})

t.test('testing a webhook and rotating its secret have a tighter bucket of their own', async (t) => {
  const key = (await ctx.party('hospital')).key
  const created = await fetch(`http://127.0.0.1:${ports[0]}/webhooks`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ url: 'http://127.0.0.1:9/h', eventTypes: ['referral.created'] })
  })
  const { id } = await created.json()
  t.equal((await call(0, `/webhooks/${id}/test`, key, 'POST')).status, 202)
  t.equal((await call(1, `/webhooks/${id}/test`, key, 'POST')).status, 202)
  t.equal((await call(0, `/webhooks/${id}/test`, key, 'POST')).status, 429, 'the third test in the minute')
  t.equal((await call(1, `/webhooks/${id}`, key)).status, 200, "the client's other requests go on")
})
