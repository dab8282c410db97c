import t from 'tap'
import { buildApp } from '../../../src/app.ts'
import { testContext } from '../../helpers/context.ts'
import { eventually } from '../../helpers/receiver.ts'

// Two API processes on one database: each remembers keys for a while (AUTH_CACHE_MS).
const ctx = await testContext(t, { AUTH_CACHE_MS: 300_000 })
const other = await buildApp(ctx.config)
await other.ready()
t.teardown(() => other.close())

const read = (app: typeof other, key: string) =>
  app.inject({ method: 'GET', url: '/referrals', headers: { authorization: `Bearer ${key}` } })

t.test('a key revoked through one process is refused by the other, which had it cached', async (t) => {
  const hospital = await ctx.party('hospital')
  // Each process has looked the key up (and the listeners are up, so they keep it).
  await eventually('both remember the key', async () =>
    (await read(other, hospital.key)).statusCode === 200 && (await read(ctx.app, hospital.key)).statusCode === 200
      ? true
      : undefined
  )
  const revoked = await ctx.app.inject({
    method: 'DELETE',
    url: `/admin/organisations/${hospital.organisationId}/clients/${hospital.clientId}`,
    headers: ctx.admin
  })
  t.equal(revoked.statusCode, 204)
  t.equal((await read(ctx.app, hospital.key)).statusCode, 401, 'refused at once where it was revoked')
  const started = Date.now()
  await eventually(
    'the other process refuses it',
    async () => (await read(other, hospital.key)).statusCode === 401 || undefined,
    5000
  )
  t.ok(Date.now() - started < 1000, `within ${Date.now() - started} ms, not the cache's five minutes`)
})

t.test('a revocation made straight in the database is heard too', async (t) => {
  const hospital = await ctx.party('hospital')
  await eventually('remembered', async () => (await read(other, hospital.key)).statusCode === 200 || undefined)
  await ctx.app.pool.query('UPDATE api_clients SET revoked_at = now() WHERE id = $1', [hospital.clientId])
  await eventually('refused', async () => (await read(other, hospital.key)).statusCode === 401 || undefined, 1000)
  t.pass('refused within a second')
})

t.test('using a key (last_used_at) does not clear the caches', async (t) => {
  const hospital = await ctx.party('hospital')
  let heard = 0
  const listener = await ctx.app.pool.connect()
  listener.on('notification', () => {
    heard++
  })
  await listener.query('LISTEN credentials_changed')
  t.teardown(async () => {
    await listener.query('UNLISTEN *')
    listener.release()
  })
  t.equal((await read(ctx.app, hospital.key)).statusCode, 200)
  await ctx.app.pool.query("UPDATE api_clients SET last_used_at = now() - interval '1 hour' WHERE id = $1", [
    hospital.clientId
  ])
  await new Promise((resolve) => setTimeout(resolve, 200))
  t.equal(heard, 0)
  await ctx.app.pool.query('UPDATE api_clients SET scopes = $2 WHERE id = $1', [hospital.clientId, ['referrals:read']])
  await eventually('a change of scopes is announced', () => heard > 0 || undefined, 2000)
  t.pass('announced')
})

t.test(
  'a remembered key is not looked up again: a revocation nobody announced goes unseen until the cache is cleared',
  async (t) => {
    const hospital = await ctx.party('hospital')
    await eventually('remembered', async () => (await read(other, hospital.key)).statusCode === 200 || undefined)
    // Triggers off for this one statement: the revocation is silent (only a test can do this).
    const c = await ctx.app.pool.connect()
    await c.query('BEGIN')
    await c.query('SET LOCAL session_replication_role = replica')
    await c.query('UPDATE api_clients SET revoked_at = now() WHERE id = $1', [hospital.clientId])
    await c.query('COMMIT')
    c.release()
    t.equal((await read(other, hospital.key)).statusCode, 200, 'served from memory')
    other.forgetCredentials()
    t.equal((await read(other, hospital.key)).statusCode, 401, 'looked up again once forgotten')
  }
)
