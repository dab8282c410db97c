import t from 'tap'
import { testContext } from '../../helpers/context.ts'

// Organisations are edited under If-Match; names are unique per type; programme service areas
// never overlap, so every postal code has at most one programme (issue #20, item 4).
const ctx = await testContext(t)
const operator = { headers: ctx.admin }
const { send } = ctx
const onboard = (body: object) => send(operator, 'POST', '/admin/organisations', body)

const north = (await onboard({ name: 'Opkomst Noord', type: 'programme', serviceArea: ['2800', '2801'] })).json()
const south = (await onboard({ name: 'Opkomst Zuid', type: 'programme', serviceArea: ['2500'] })).json()

t.test('a name is unique per type', async (t) => {
  const again = await onboard({ name: ' opkomst noord ', type: 'programme' })
  t.equal(again.statusCode, 409)
  t.equal(again.json().type, 'urn:opkomst:problem:duplicate-organisation')
  t.equal(again.json().existingOrganisationId, north.id)
  const otherType = await onboard({ name: 'Opkomst Noord', type: 'ocmw' })
  t.equal(otherType.statusCode, 201, 'another type may share it')
})

t.test('onboarding a programme for codes another serves: 409 naming the codes and the programme', async (t) => {
  const overlap = await onboard({ name: 'Opkomst Centrum', type: 'programme', serviceArea: ['2801', '2830'] })
  t.equal(overlap.statusCode, 409)
  t.equal(overlap.json().type, 'urn:opkomst:problem:service-area-overlap')
  t.same(overlap.json().overlaps, [{ programmeId: north.id, postalCodes: ['2801'] }])
  t.match(overlap.json().detail, /2801 \(programme /)
})

t.test('editing: If-Match, a new ETag, and the same refusals', async (t) => {
  const url = `/admin/organisations/${south.id}`
  t.equal((await send(operator, 'PATCH', url, { name: 'Opkomst Zuid-Oost' })).statusCode, 428)
  t.equal((await send(operator, 'PATCH', url, { name: 'Opkomst Zuid-Oost' }, 9)).statusCode, 412)
  const renamed = await send(operator, 'PATCH', url, { name: 'Opkomst Zuid-Oost', notificationEmail: null }, 1)
  t.equal(renamed.statusCode, 200, renamed.body)
  t.equal(renamed.json().name, 'Opkomst Zuid-Oost')
  t.equal(renamed.headers.etag, '"2"')
  const overlap = await send(operator, 'PATCH', url, { serviceArea: ['2500', '2800'] }, 2)
  t.equal(overlap.statusCode, 409)
  t.same(overlap.json().overlaps, [{ programmeId: north.id, postalCodes: ['2800'] }])
  const clash = await send(operator, 'PATCH', url, { name: 'Opkomst Noord' }, 2)
  t.equal(clash.statusCode, 409, 'renaming onto another programme’s name')
  const grown = await send(operator, 'PATCH', url, { serviceArea: ['2500', '2580'] }, 2)
  t.equal(grown.statusCode, 200)
  t.same(grown.json().serviceArea, ['2500', '2580'])
  const notProgramme = (await onboard({ name: 'OCMW Zuid', type: 'ocmw' })).json()
  const area = await send(operator, 'PATCH', `/admin/organisations/${notProgramme.id}`, { serviceArea: ['2000'] }, 1)
  t.equal(area.statusCode, 422, 'only a programme has a service area')
})

t.test('routing follows an edited service area at once', async (t) => {
  const { referralBody } = await import('../../helpers/referrals.ts')
  const hospital = await ctx.party('hospital')
  const body = referralBody()
  const routed = await send(hospital, 'POST', '/referrals', {
    ...body,
    mother: { ...body.mother, address: { ...body.mother.address, postalCode: '2580' } }
  })
  t.equal(routed.statusCode, 201, routed.body)
  t.equal(routed.json().programmeOrganisationId, south.id)
})
