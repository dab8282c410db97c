import t from 'tap'
import { testContext } from '../helpers/context.ts'
import { referralBody } from '../helpers/referrals.ts'

/** Problems speak Dutch unless the caller asks for English; their machine keys stay English. */
const ctx = await testContext(t)
const hospital = await ctx.party('hospital')

t.test('problem titles in Dutch by default and for nl, in English for en', async (t) => {
  const ask = (language?: string) =>
    ctx.app.inject({
      method: 'GET',
      url: '/referrals/00000000-0000-4000-8000-000000000000',
      headers: {
        authorization: hospital.headers.authorization,
        ...(language === undefined ? {} : { 'accept-language': language })
      }
    })
  for (const [language, title, content] of [
    [undefined, 'Niet gevonden', 'nl'],
    ['nl-BE', 'Niet gevonden', 'nl'],
    ['en-GB,en;q=0.8', 'Not found', 'en'],
    ['de', 'Niet gevonden', 'nl']
  ] as const) {
    const res = await ask(language)
    t.equal(res.statusCode, 404)
    t.match(res.json(), { type: 'urn:opkomst:problem:not-found', title }, `Accept-Language ${language}`)
    t.equal(res.headers['content-language'], content)
  }
  const invalid = await ctx.app.inject({
    method: 'POST',
    url: '/referrals',
    headers: { ...hospital.headers, 'accept-language': 'en' },
    payload: { colour: 'blue' }
  })
  t.match(invalid.json(), { type: 'urn:opkomst:problem:validation', title: 'Invalid request' })
  const dutchOnly = { authorization: hospital.headers.authorization }
  const dutch = await ctx.app.inject({ method: 'POST', url: '/referrals', headers: dutchOnly, payload: {} })
  t.match(dutch.json(), { type: 'urn:opkomst:problem:validation', title: 'Ongeldige vraag' })
  t.match(dutch.json().errors, [{ pointer: '/externalReference', message: 'is verplicht' }], 'field messages in Dutch')
  t.match(dutch.json().detail, /^\/externalReference is verplicht; /, 'and the detail')
  const forbidden = await ctx.app.inject({
    method: 'GET',
    url: '/reports/impact?from=2026-01-01&to=2027-01-01',
    headers: dutchOnly
  })
  t.match(forbidden.json(), {
    status: 403,
    title: 'Geen toegang',
    detail: 'Deze API-client mist de scope reports:read'
  })
  const missing = await ctx.app.inject({
    method: 'GET',
    url: '/referrals/00000000-0000-4000-8000-000000000000',
    headers: dutchOnly
  })
  t.equal(missing.json().detail, 'Doorverwijzing bestaat niet of is niet van u om in te zien')
  const english = await ctx.app.inject({
    method: 'GET',
    url: '/referrals/00000000-0000-4000-8000-000000000000',
    headers: { ...dutchOnly, 'accept-language': 'en' }
  })
  t.equal(english.json().detail, 'Referral does not exist or is not yours to see')
  const late = await ctx.app.inject({
    method: 'POST',
    url: '/referrals',
    headers: dutchOnly,
    payload: { ...referralBody(), consent: { ...referralBody().consent, givenAt: '2999-01-01T00:00:00Z' } }
  })
  t.equal(late.statusCode, 422)
  t.match(
    late.json().errors,
    [{ pointer: '/consent/givenAt', message: 'mag niet in de toekomst liggen' }],
    'a rule of the service, in Dutch too'
  )
})
