import t from 'tap'
import { randomBytes } from 'node:crypto'
import { testDatabase, REDIS_URL, deleteRedisKeys } from '../helpers/context.ts'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import pg from 'pg'
import { ROOT, freePort, startPrivateRedis, startService, waitFor } from '../helpers/processes.ts'

const keys = {
  IDENTIFIER_KEYS: `k1:${randomBytes(32).toString('base64')}`,
  BLIND_INDEX_KEY: randomBytes(32).toString('base64')
}

t.test('ROLE=api and ROLE=worker run side by side on one database and Redis, and stop on SIGTERM', async (t) => {
  const url = await testDatabase(t)
  const prefix = `opk-test-${randomBytes(4).toString('hex')}`
  t.teardown(() => deleteRedisKeys(REDIS_URL, prefix))
  const port = await freePort()
  const env = { DATABASE_URL: url, REDIS_URL, REDIS_PREFIX: prefix, PORT: String(port), HOST: '127.0.0.1', ...keys }
  const api = startService(t, { ...env, ROLE: 'api' })
  const worker = startService(t, { ...env, ROLE: 'worker' })
  await waitFor(
    'the api',
    async () => (await fetch(`http://127.0.0.1:${port}/health/ready`).catch(() => null))?.status === 200
  )
  await waitFor('the worker', () => worker.output().includes('workers started'))
  t.notOk(worker.output().includes('"role":"api"'))
  const docs = await fetch(`http://127.0.0.1:${port}/docs`)
  t.equal(docs.status, 200)

  api.child.kill('SIGTERM')
  worker.child.kill('SIGTERM')
  t.equal(await api.exited, 0, 'the api stops cleanly')
  t.equal(await worker.exited, 0, 'the worker stops cleanly')
})

t.test('a bad variable stops the process with one line naming it', async (t) => {
  const proc = startService(t, { PORT: 'eighty' })
  t.equal(await proc.exited, 1)
  t.equal(proc.output().trim(), 'Invalid environment variable PORT: must be integer')
})

t.test('production without encryption keys refuses to boot', async (t) => {
  const url = await testDatabase(t)
  const proc = startService(t, {
    NODE_ENV: 'production',
    ROLE: 'api',
    DATABASE_URL: url,
    PORT: String(await freePort())
  })
  t.equal(await proc.exited, 1)
  t.match(proc.output(), /IDENTIFIER_KEYS or BLIND_INDEX_KEY/)
})

t.test('the worker role refuses a Redis that may evict keys', async (t) => {
  const redis = await startPrivateRedis(t, ['--maxmemory-policy', 'allkeys-lru'])
  const url = await testDatabase(t)
  const proc = startService(t, { ROLE: 'worker', DATABASE_URL: url, REDIS_URL: redis.url, ...keys })
  t.equal(await proc.exited, 1)
  t.match(proc.output(), /maxmemory-policy is "allkeys-lru"; the workers need "noeviction"/)
})

t.test(
  'npm start compiles the service and runs the result: API and workers in one process, on a database it migrates',
  async (t) => {
    const url = await testDatabase(t)
    const prefix = `opk-test-${randomBytes(4).toString('hex')}`
    t.teardown(() => deleteRedisKeys(REDIS_URL, prefix))
    const port = await freePort()
    const child = spawn('npm', ['start'], {
      cwd: ROOT,
      detached: true, // its own process group: npm, and the node it starts, are stopped together
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/tmp',
        npm_config_update_notifier: 'false',
        _TAPJS_PROCESSINFO_COVERAGE_: '0',
        NODE_ENV: 'test',
        LOG_LEVEL: 'info',
        CONTRACT_CHECK: 'on',
        DATABASE_URL: url,
        REDIS_URL,
        REDIS_PREFIX: prefix,
        PORT: String(port),
        HOST: '127.0.0.1',
        ...keys
      },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let out = ''
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString()
    })
    child.stderr.on('data', (d: Buffer) => {
      out += d.toString()
    })
    const exited = once(child, 'exit')
    t.teardown(() => {
      try {
        process.kill(-(child.pid as number), 'SIGKILL')
      } catch {}
    })
    await waitFor(
      'the compiled service',
      async () => (await fetch(`http://127.0.0.1:${port}/health/ready`).catch(() => null))?.status === 200,
      120_000
    )
    t.match(out, /node (--\S+ )*dist\/src\/server\.js/, 'it runs the compiled service')
    await waitFor('its workers', () => out.includes('workers started'))
    const db = new pg.Client({ connectionString: url })
    await db.connect()
    t.equal((await db.query('SELECT count(*)::int AS n FROM referrals')).rows[0].n, 0, 'the database is migrated')
    await db.end()
    process.kill(-(child.pid as number), 'SIGTERM')
    await exited
  }
)
