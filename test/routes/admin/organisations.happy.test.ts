import t from 'tap'
import { testContext } from '../../helpers/context.ts'

const ctx = await testContext(t)
const { app, admin } = ctx

t.test('the operator onboards an organisation and issues a key that authenticates', async (t) => {
  const created = await app.inject({
    method: 'POST',
    url: '/admin/organisations',
    headers: admin,
    payload: { name: 'AZ Voorbeeld', type: 'hospital', notificationEmail: 'sociale.dienst@example.org' }
  })
  t.equal(created.statusCode, 201)
  const org = created.json()
  t.match(org, {
    name: 'AZ Voorbeeld',
    type: 'hospital',
    notificationEmail: 'sociale.dienst@example.org',
    serviceArea: []
  })
  t.equal(created.headers.location, `${ctx.config.PUBLIC_BASE_URL}/admin/organisations/${org.id}`, 'absolute')

  const got = await app.inject({ method: 'GET', url: `/admin/organisations/${org.id}`, headers: admin })
  t.same(got.json(), org)

  const client = await app.inject({
    method: 'POST',
    url: `/admin/organisations/${org.id}/clients`,
    headers: admin,
    payload: { name: 'EPD', scopes: ['referrals:write', 'referrals:read'] }
  })
  t.equal(client.statusCode, 201)
  const { key, id: clientId } = client.json()
  t.match(key, /^opk_[A-Za-z0-9_-]{43}$/)
  t.equal(client.headers['cache-control'], 'no-store')

  const listed = await app.inject({ method: 'GET', url: `/admin/organisations/${org.id}/clients`, headers: admin })
  t.equal(listed.statusCode, 200)
  t.equal(listed.json().items.length, 1)
  t.notOk(JSON.stringify(listed.json()).includes(key), 'the list never shows the key')
  t.equal(listed.json().items[0].keyPrefix, key.slice(0, 10))

  // The key authenticates: a route it has no scope for answers 403, not 401.
  const withKey = await app.inject({
    method: 'GET',
    url: '/admin/organisations',
    headers: { authorization: `Bearer ${key}` }
  })
  t.equal(withKey.statusCode, 403)
  const afterUse = await app.inject({ method: 'GET', url: `/admin/organisations/${org.id}/clients`, headers: admin })
  t.ok(afterUse.json().items[0].lastUsedAt, 'lastUsedAt is set once the key is used')

  const { rows } = await app.pool.query('SELECT key_hash FROM api_clients WHERE id = $1', [clientId])
  t.not(rows[0].key_hash, key, 'only a hash is stored')
  t.match(rows[0].key_hash, /^[0-9a-f]{64}$/)

  const revoked = await app.inject({
    method: 'DELETE',
    url: `/admin/organisations/${org.id}/clients/${clientId}`,
    headers: admin
  })
  t.equal(revoked.statusCode, 204)
  const after = await app.inject({
    method: 'GET',
    url: '/admin/organisations',
    headers: { authorization: `Bearer ${key}` }
  })
  t.equal(after.statusCode, 401, 'revoked at once')
  t.match(after.headers['content-type'], /^application\/problem\+json/)
})

t.test('a programme has a service area; organisations list by cursor', async (t) => {
  const p = await app.inject({
    method: 'POST',
    url: '/admin/organisations',
    headers: admin,
    payload: { name: 'Opkomst', type: 'programme', serviceArea: ['2800', '2801'] }
  })
  t.equal(p.statusCode, 201)
  t.same(p.json().serviceArea, ['2800', '2801'])
  for (let i = 0; i < 3; i++)
    await app.inject({
      method: 'POST',
      url: '/admin/organisations',
      headers: admin,
      payload: { name: `OCMW ${i}`, type: 'ocmw' }
    })
  const seen: string[] = []
  let cursor: string | null = null
  do {
    const url: string = `/admin/organisations?limit=2${cursor === null ? '' : `&cursor=${cursor}`}`
    const page = await app.inject({ method: 'GET', url, headers: admin })
    t.equal(page.statusCode, 200)
    const body: { items: Array<{ id: string }>; nextCursor: string | null } = page.json()
    t.ok(body.items.length <= 2)
    seen.push(...body.items.map((o: { id: string }) => o.id))
    cursor = body.nextCursor
  } while (cursor !== null)
  t.equal(new Set(seen).size, seen.length, 'no organisation twice')
  t.ok(seen.length >= 5)
})
