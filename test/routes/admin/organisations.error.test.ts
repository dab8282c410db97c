import t from 'tap'
import { testContext } from '../../helpers/context.ts'

const { app, admin } = await testContext(t)
const problem = /^application\/problem\+json/

t.test('invalid organisations are refused naming the field', async (t) => {
  const bad = await app.inject({
    method: 'POST',
    url: '/admin/organisations',
    headers: admin,
    payload: { name: '', type: 'bakery' }
  })
  t.equal(bad.statusCode, 422)
  t.match(bad.headers['content-type'], problem)
  t.match(bad.json(), {
    type: 'urn:opkomst:problem:validation',
    status: 422,
    errors: [{ pointer: '/name' }, { pointer: '/type' }]
  })

  const area = await app.inject({
    method: 'POST',
    url: '/admin/organisations',
    headers: admin,
    payload: { name: 'AZ', type: 'hospital', serviceArea: ['2800'] }
  })
  t.equal(area.statusCode, 422)
  t.match(area.json().errors, [{ pointer: '/serviceArea' }])
})

t.test('scopes the organisation type may not hold → 422', async (t) => {
  const org = (
    await app.inject({
      method: 'POST',
      url: '/admin/organisations',
      headers: admin,
      payload: { name: 'AZ', type: 'hospital' }
    })
  ).json()
  for (const scope of ['referrals:manage', 'reports:read', 'admin']) {
    const res = await app.inject({
      method: 'POST',
      url: `/admin/organisations/${org.id}/clients`,
      headers: admin,
      payload: { name: 'x', scopes: ['referrals:read', scope] }
    })
    t.equal(res.statusCode, 422, scope)
    t.match(res.json(), { errors: [{ pointer: '/scopes', message: new RegExp(scope) }] })
  }
  const unknown = await app.inject({
    method: 'POST',
    url: `/admin/organisations/${org.id}/clients`,
    headers: admin,
    payload: { name: 'x', scopes: ['everything'] }
  })
  t.equal(unknown.statusCode, 422)
  const op = (
    await app.inject({
      method: 'POST',
      url: '/admin/organisations',
      headers: admin,
      payload: { name: 'Platform', type: 'operator' }
    })
  ).json()
  const opClient = await app.inject({
    method: 'POST',
    url: `/admin/organisations/${op.id}/clients`,
    headers: admin,
    payload: { name: 'ops', scopes: ['admin'] }
  })
  t.equal(opClient.statusCode, 201, 'only the operator holds admin')
})

t.test('missing things are 404 problems; bad ids and cursors 400', async (t) => {
  const missing = '00000000-0000-4000-8000-000000000000'
  for (const url of [`/admin/organisations/${missing}`, `/admin/organisations/${missing}/clients`]) {
    const res = await app.inject({ method: 'GET', url, headers: admin })
    t.equal(res.statusCode, 404, url)
    t.match(res.headers['content-type'], problem)
  }
  t.equal(
    (
      await app.inject({
        method: 'POST',
        url: `/admin/organisations/${missing}/clients`,
        headers: admin,
        payload: { name: 'x', scopes: ['referrals:read'] }
      })
    ).statusCode,
    404
  )
  t.equal(
    (await app.inject({ method: 'DELETE', url: `/admin/organisations/${missing}/clients/${missing}`, headers: admin }))
      .statusCode,
    404
  )
  const badId = await app.inject({ method: 'GET', url: '/admin/organisations/not-a-uuid', headers: admin })
  t.equal(badId.statusCode, 400)
  t.match(badId.json(), { type: 'urn:opkomst:problem:invalid-parameters', errors: [{ pointer: '/organisationId' }] })
  t.equal(
    (await app.inject({ method: 'GET', url: '/admin/organisations?cursor=garbage', headers: admin })).statusCode,
    400
  )
  t.equal((await app.inject({ method: 'GET', url: '/admin/organisations?limit=1000', headers: admin })).statusCode, 400)
})

t.test('malformed bodies, oversize bodies and unknown routes are problems, never 500', async (t) => {
  const json = await app.inject({
    method: 'POST',
    url: '/admin/organisations',
    headers: { ...admin, 'content-type': 'application/json' },
    payload: '{"name": "AZ'
  })
  t.equal(json.statusCode, 400)
  t.match(json.json(), { type: 'urn:opkomst:problem:malformed-json' })
  const big = await app.inject({
    method: 'POST',
    url: '/admin/organisations',
    headers: { ...admin, 'content-type': 'application/json' },
    payload: JSON.stringify({ name: 'x'.repeat(300_000), type: 'ocmw' })
  })
  t.equal(big.statusCode, 413)
  t.match(big.headers['content-type'], problem)
  const text = await app.inject({
    method: 'POST',
    url: '/admin/organisations',
    headers: { ...admin, 'content-type': 'text/plain' },
    payload: 'hello'
  })
  t.equal(text.statusCode, 415)
  t.match(text.headers['content-type'], problem)
  const none = await app.inject({ method: 'GET', url: '/nowhere' })
  t.equal(none.statusCode, 404)
  t.match(none.json(), { type: 'urn:opkomst:problem:not-found', status: 404 })
})
