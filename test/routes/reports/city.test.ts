import t from 'tap'
import { readFile } from 'node:fs/promises'
import { CONTRACT_PATH } from '../../../src/contract/conformance.ts'
import { testContext } from '../../helpers/context.ts'
import { inszFor, referralBody, today } from '../../helpers/referrals.ts'
import { addDays } from '../../../src/domain/dates.ts'

/** The city reads the aggregate figures of the programmes in its area, and nothing else. */
const ctx = await testContext(t, { REPORT_MIN_CELL: 1 })
const { send } = ctx
const ours = await ctx.party('programme', { serviceArea: ['2800'] })
const elsewhere = await ctx.party('programme', { serviceArea: ['9000'] })
const hospital = await ctx.party('hospital')
const city = await ctx.party('city', { serviceArea: ['2800', '2801'] })
const period = `from=${today()}&to=${addDays(today(), 1)}`

for (const [programme, postalCode, serial] of [
  [ours, '2800', 1],
  [elsewhere, '9000', 2]
] as const) {
  const body = referralBody()
  const created = await send(hospital, 'POST', '/referrals', {
    ...body,
    mother: {
      ...body.mother,
      birthDate: '1990-05-05',
      insz: inszFor('1990-05-05', serial),
      address: { ...body.mother.address, postalCode }
    }
  })
  if (created.statusCode !== 201) throw new Error(created.body)
  await send(
    programme,
    'POST',
    `/referrals/${created.json().id}/transitions`,
    { status: 'accepted', track: 'opkomst' },
    1
  )
}

t.test('the city reads the figures of the programmes in its area', async (t) => {
  const res = await send(city, 'GET', `/reports/impact?${period}`)
  t.equal(res.statusCode, 200, res.body)
  t.same(res.json().programmeIds, [ours.organisationId], 'not the programme of another area')
  t.same(res.json().overall.mothersInGuidance, { value: 1, suppressed: false })
  const named = await send(city, 'GET', `/reports/impact?${period}&programmeId=${ours.organisationId}`)
  t.same(named.json().programmeIds, [ours.organisationId])
  t.equal(
    (await send(city, 'GET', `/reports/impact?${period}&programmeId=${elsewhere.organisationId}`)).statusCode,
    404
  )
  for (const path of ['/reports/impact.html', '/reports/impact/progress.svg', '/reports/impact/shares.png'])
    t.equal((await send(city, 'GET', `${path}?${period}`)).statusCode, 200, path)
})

t.test('a city client may hold only reports:read', async (t) => {
  const res = await send({ headers: ctx.admin }, 'POST', `/admin/organisations/${city.organisationId}/clients`, {
    name: 'more',
    scopes: ['reports:read', 'referrals:read']
  })
  t.equal(res.statusCode, 422)
  t.match(res.body, 'referrals:read')
})

t.test('the city gets 403 from every other operation of the contract', async (t) => {
  const spec = JSON.parse(await readFile(CONTRACT_PATH, 'utf8'))
  const ids = { referralId: crypto.randomUUID(), organisationId: city.organisationId }
  let checked = 0
  for (const [path, item] of Object.entries<Record<string, { security?: unknown[] }>>(spec.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (path.startsWith('/reports/') || (op.security !== undefined && op.security.length === 0)) continue
      const url = path.replace(/\{(\w+)\}/g, (_m, name: string) => ids[name as keyof typeof ids] ?? crypto.randomUUID())
      const res = await ctx.app.inject({
        method: method.toUpperCase() as 'GET',
        url,
        headers: { ...city.headers, 'content-type': 'application/json' },
        ...(method === 'get' || method === 'delete' ? {} : { payload: '{}' })
      })
      t.equal(res.statusCode, 403, `${method.toUpperCase()} ${path}`)
      checked++
    }
  }
  t.ok(checked >= 40, `${checked} operations refused`)
})
