import t from 'tap'
import { deleteRedisKeys, testDatabase, testConfig, REDIS_URL } from './helpers/context.ts'
import { runCli } from '../src/cli.ts'
import { buildApp } from '../src/app.ts'

const url = await testDatabase(t)
const env = { DATABASE_URL: url }
const run = async (...argv: string[]) => {
  const out: string[] = []
  const err: string[] = []
  const code = await runCli(
    argv,
    env,
    (s) => out.push(s),
    (s) => err.push(s)
  )
  return { code, out: out.join('\n'), err: err.join('\n') }
}

t.test('onboarding offline: an organisation, then a client whose key works', async (t) => {
  const org = await run('organisations:create', '--name', 'AZ Voorbeeld', '--type', 'hospital')
  t.equal(org.code, 0, org.err)
  const { id } = JSON.parse(org.out)
  const client = await run('clients:create', '--organisation', id, '--scopes', 'referrals:write,referrals:read')
  t.equal(client.code, 0, client.err)
  const { key, scopes } = JSON.parse(client.out)
  t.same(scopes, ['referrals:write', 'referrals:read'])
  t.match(client.err, /shown once/)

  const config = testConfig(url, { REDIS_URL })
  const app = await buildApp(config)
  t.teardown(async () => {
    await app.close()
    await deleteRedisKeys(REDIS_URL, config.REDIS_PREFIX)
  })
  const res = await app.inject({
    method: 'GET',
    url: '/admin/organisations',
    headers: { authorization: `Bearer ${key}` }
  })
  t.equal(res.statusCode, 403, 'authenticated, but not an operator')
})

t.test('refusals say why and exit non-zero', async (t) => {
  t.equal((await run('nonsense')).code, 2)
  t.equal((await run('organisations:create', '--name', 'X', '--type', 'bakery')).code, 2)
  t.equal((await run('clients:create', '--organisation', 'x', '--scopes', 'everything')).code, 2)
  const org = JSON.parse((await run('organisations:create', '--name', 'OCMW', '--type', 'ocmw')).out)
  const refused = await run('clients:create', '--organisation', org.id, '--scopes', 'reports:read')
  t.equal(refused.code, 1)
  t.match(refused.err, /may not hold reports:read/)
  const badEnv = await runCli(
    ['organisations:create'],
    { PORT: 'x' },
    () => {},
    (s) => t.match(s, /PORT/)
  )
  t.equal(badEnv, 1)
})

t.test('editing and deactivating offline', async (t) => {
  const org = JSON.parse((await run('organisations:create', '--name', 'Woonmaatschappij', '--type', 'housing')).out)
  const edited = await run(
    'organisations:edit',
    '--organisation',
    org.id,
    '--name',
    'Woonmaatschappij Rivierenland',
    '--handoff-types',
    'housing_priority',
    '--contact-email',
    'info@wmr.example.be'
  )
  t.equal(edited.code, 0, edited.err)
  t.match(JSON.parse(edited.out), {
    name: 'Woonmaatschappij Rivierenland',
    acceptedHandoffTypes: ['housing_priority'],
    active: true,
    version: 2
  })
  t.equal((await run('organisations:edit', '--organisation', org.id, '--handoff-types', 'bakery')).code, 2)
  const wrong = await run('organisations:edit', '--organisation', org.id, '--service-area', '2800')
  t.equal(wrong.code, 1)
  t.match(wrong.err, /only a programme/)
  const gone = await run('organisations:deactivate', '--organisation', org.id)
  t.equal(gone.code, 0, gone.err)
  t.match(JSON.parse(gone.out), { active: false })
  t.equal((await run('organisations:deactivate')).code, 2, '--organisation is required')
})
