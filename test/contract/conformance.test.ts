import t from 'tap'
import { readFile } from 'node:fs/promises'
import { CONTRACT_PATH, contractChecker } from '../../src/contract/conformance.ts'
import { testContext } from '../helpers/context.ts'

const committed = JSON.parse(await readFile(CONTRACT_PATH, 'utf8'))
const check = contractChecker(committed)
const getReferral = '/referrals/:referralId'
const problem = JSON.stringify({ type: 'urn:opkomst:problem:not-found', title: 'Not found', status: 404 })
const problemHeaders = { 'content-type': 'application/problem+json; charset=utf-8' }

t.test('a conforming answer passes', async (t) => {
  t.same(check({ method: 'GET', route: getReferral, status: 404, headers: problemHeaders, body: problem }), [])
  t.same(check({ method: 'GET', route: getReferral, status: 304, headers: { etag: '"3"' }, body: '' }), [])
})

t.test('each kind of mismatch is named', async (t) => {
  const [status] = check({ method: 'GET', route: getReferral, status: 418, headers: problemHeaders, body: problem })
  t.match(status, /GET \/referrals\/:referralId → 418: status not declared/)
  const [type] = check({
    method: 'GET',
    route: getReferral,
    status: 404,
    headers: { 'content-type': 'application/json' },
    body: problem
  })
  t.match(type, /content type application\/json not declared \(application\/problem\+json\)/)
  const missing = check({
    method: 'POST',
    route: '/referrals',
    status: 201,
    headers: { 'content-type': 'application/json' },
    body: '{}'
  })
  t.ok(missing.some((m) => /required header Location missing/.test(m)))
  t.ok(missing.some((m) => /required header ETag missing/.test(m)))
  t.ok(
    missing.some((m) => /body must have required property 'id'/.test(m)),
    'the body is checked against its schema'
  )
  const [relative] = check({ method: 'GET', route: getReferral, status: 304, headers: { etag: 'W/"3"' }, body: '' })
  t.match(relative ?? '', /header ETag is not as declared/, 'a header value off its schema')
})

t.test('in the app, an answer off the contract fails the request that caused it', async (t) => {
  // The committed contract, broken on purpose: getReferral no longer declares 404.
  const broken = structuredClone(committed)
  delete broken.paths['/referrals/{referralId}'].get.responses['404']
  const ctx = await testContext(t, {}, { contract: broken })
  const programme = await ctx.party('programme')
  const res = await ctx.send(programme, 'GET', '/referrals/00000000-0000-4000-8000-000000000000')
  t.equal(res.statusCode, 500, res.body)
  t.equal(res.json().type, 'urn:opkomst:problem:contract-mismatch')
  t.match(res.json().detail, 'GET /referrals/:referralId → 404: status not declared in the contract')
  const live = await ctx.app.inject('/health/live')
  t.equal(live.statusCode, 200, 'answers the broken contract still declares pass')
})

t.test('the suite runs with the check on', async (t) => {
  const ctx = await testContext(t)
  t.equal(ctx.config.CONTRACT_CHECK, 'on')
})
