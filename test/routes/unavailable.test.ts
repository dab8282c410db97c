import t from 'tap'
import { Writable } from 'node:stream'
import { buildApp } from '../../src/app.ts'
import { databaseFault } from '../../src/db/unavailable.ts'
import { ADMIN_KEY, deleteRedisKeys, testConfig } from '../helpers/context.ts'
import { freePort } from '../helpers/processes.ts'

t.test('PostgreSQL away: 503 with Retry-After, logged once, with no query parameters', async (t) => {
  const lines: string[] = []
  const logStream = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk))
      done()
    }
  })
  // A port nobody listens on: every connection is refused, as when PostgreSQL is stopped.
  const port = await freePort()
  const config = testConfig(`postgres://postgres@127.0.0.1:${port}/opk_nowhere`, { LOG_LEVEL: 'info' })
  const app = await buildApp(config, { logStream })
  t.teardown(async () => {
    await app.close()
    await deleteRedisKeys(config.REDIS_URL, config.REDIS_PREFIX)
  })
  for (let i = 0; i < 5; i++) {
    const res = await app.inject({
      url: `/admin/organisations?limit=${i + 1}`,
      headers: { authorization: `Bearer ${ADMIN_KEY}` }
    })
    t.equal(res.statusCode, 503)
    t.equal(res.headers['retry-after'], '5')
    t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8')
    t.match(res.json(), { type: 'urn:opkomst:problem:unavailable', status: 503 })
  }
  const logged = lines.join('')
  t.equal(logged.split('PostgreSQL unavailable').length - 1, 1, 'one line for the outage, not one per request')
  t.notMatch(logged, /params|Failed query|opk_nowhere/, 'no statement, parameters or connection string in the log')
  app.databaseConnected()
  t.equal(lines.join('').split('PostgreSQL answers again').length - 1, 1, 'and one when it is back')
})

t.test('what counts as PostgreSQL being away or out of time, and what does not', async (t) => {
  for (const err of [
    Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
    { message: 'Failed query', cause: { code: '57P01' } },
    new Error('Connection terminated unexpectedly'),
    new Error('timeout exceeded when trying to connect'),
    new Error('Query read timeout'),
    { code: '08006' }
  ])
    t.equal(databaseFault(err), 'unreachable', JSON.stringify(err) ?? String(err))
  for (const err of [{ code: '57014' }, { message: 'Failed query', cause: { code: '55P03' } }, { code: '25P03' }])
    t.equal(databaseFault(err), 'timed-out', JSON.stringify(err))
  for (const err of [{ code: '23505' }, { code: '22P02' }, new Error('boom'), null, undefined])
    t.equal(databaseFault(err), null, JSON.stringify(err) ?? String(err))
})
