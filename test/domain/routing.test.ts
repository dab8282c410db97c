import t from 'tap'
import { routeReferral } from '../../src/domain/routing.ts'

const mechelen = { id: 'p-mechelen', serviceArea: ['2800', '2801'] }
const gent = { id: 'p-gent', serviceArea: ['9000'] }

t.test('the programme named, if it is one', async (t) => {
  t.same(
    routeReferral([mechelen, gent], 'p-gent', '2800'),
    { programmeId: 'p-gent' },
    'the name wins over the postal code'
  )
  t.same(routeReferral([mechelen], 'p-hospital', undefined), {
    problem: { pointer: '/programmeId', message: 'is not a programme organisation' }
  })
})

t.test('else the only programme serving the postal code', async (t) => {
  t.same(routeReferral([mechelen, gent], undefined, '9000'), { programmeId: 'p-gent' })
  t.same(routeReferral([mechelen, gent, { id: 'p-gent-2', serviceArea: ['9000'] }], undefined, '2801'), {
    programmeId: 'p-mechelen'
  })
})

t.test('else the only programme there is, whatever the postal code', async (t) => {
  t.same(routeReferral([mechelen], undefined, '9000'), { programmeId: 'p-mechelen' })
  t.same(routeReferral([mechelen], undefined, undefined), { programmeId: 'p-mechelen' })
})

t.test('else the referrer must name one', async (t) => {
  const twoServing = routeReferral([mechelen, { id: 'p-other', serviceArea: ['2800'] }], undefined, '2800')
  t.match(
    twoServing,
    {
      problem: {
        pointer: '/programmeId',
        message: /no single programme serves the mother's postal code; give programmeId/
      }
    },
    'two serve it'
  )
  t.notMatch(JSON.stringify(twoServing), /2800/, 'her postal code is not repeated')
  t.match(
    routeReferral([mechelen, gent], undefined, '1000'),
    { problem: { pointer: '/programmeId' } },
    'none serves it'
  )
  t.match(routeReferral([mechelen, gent], undefined, undefined), { problem: { message: /no address given/ } })
  t.match(routeReferral([], undefined, '2800'), { problem: { pointer: '/programmeId' } }, 'no programme at all')
})
