import t from 'tap'
import { testContext } from '../../helpers/context.ts'

const ctx = await testContext(t)
const { app } = ctx
const routes = [
  ['POST', '/admin/organisations', { name: 'x', type: 'ocmw' }],
  ['GET', '/admin/organisations'],
  ['GET', '/admin/organisations/00000000-0000-4000-8000-000000000000'],
  [
    'POST',
    '/admin/organisations/00000000-0000-4000-8000-000000000000/clients',
    { name: 'x', scopes: ['referrals:read'] }
  ],
  ['GET', '/admin/organisations/00000000-0000-4000-8000-000000000000/clients'],
  ['DELETE', '/admin/organisations/00000000-0000-4000-8000-000000000000/clients/00000000-0000-4000-8000-000000000000']
] as const

t.test('no key, a malformed header or an unknown key → 401 problem on every admin route', async (t) => {
  for (const [method, url, payload] of routes) {
    for (const headers of [{}, { authorization: 'Basic abc' }, { authorization: 'Bearer opk_unknown' }]) {
      const res = await app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload }) })
      t.equal(res.statusCode, 401, `${method} ${url} ${JSON.stringify(headers)}`)
      t.match(res.json(), { type: 'urn:opkomst:problem:unauthorized', status: 401 })
    }
  }
})

t.test('a client without the admin scope → 403 problem on every admin route', async (t) => {
  const programme = await ctx.party('programme')
  for (const [method, url, payload] of routes) {
    const res = await app.inject({
      method,
      url,
      headers: programme.headers,
      ...(payload === undefined ? {} : { payload })
    })
    t.equal(res.statusCode, 403, `${method} ${url}`)
    t.match(res.json(), { type: 'urn:opkomst:problem:forbidden' })
  }
})

t.test('an operator client with admin works like the bootstrap key', async (t) => {
  const operator = await ctx.party('operator')
  const res = await app.inject({ method: 'GET', url: '/admin/organisations', headers: operator.headers })
  t.equal(res.statusCode, 200)
})
