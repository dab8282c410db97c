import t from 'tap'
import createClient from 'openapi-fetch'
import type { components, paths } from '../../openapi/openapi.d.ts'
import { testContext } from '../helpers/context.ts'
import { KNOWN_INSZ, today } from '../helpers/referrals.ts'
import { addMonths } from '../../src/domain/dates.ts'

/**
 * A partner's view of the contract: types generated from openapi/openapi.json by openapi-typescript
 * (`npm run openapi`), requests through openapi-fetch over HTTP. The whole file passes `tsc --strict`
 * without a cast, so the contract is usable as it stands; it runs as the hospital → programme → OCMW
 * → housing story.
 */
const ctx = await testContext(t)
const programme = await ctx.party('programme')
const hospital = await ctx.party('hospital')
const ocmw = await ctx.party('ocmw')
const housing = await ctx.party('housing')
await ctx.app.listen({ port: 0, host: '127.0.0.1' })
const address = ctx.app.server.address()
const baseUrl = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`
const clientOf = (party: { headers: { authorization: string } }) =>
  createClient<paths>({ baseUrl, headers: { authorization: party.headers.authorization } })

t.test('hospital → programme → OCMW → housing, through a generated client', async (t) => {
  const asHospital = clientOf(hospital)
  const asProgramme = clientOf(programme)
  const asOcmw = clientOf(ocmw)
  const asHousing = clientOf(housing)

  const input: components['schemas']['ReferralInput'] = {
    externalReference: 'typed-client-1',
    mother: {
      givenName: 'Samira',
      familyName: 'Testmoeder',
      birthDate: '1985-07-30',
      insz: KNOWN_INSZ,
      preferredLanguage: 'nl',
      interpreterNeeded: false
    },
    pregnancy: { expectedDeliveryDate: addMonths(today(), 3) },
    household: { livesAloneWithChildren: true, numberOfChildren: 1 },
    screening: {
      income: 'vulnerable',
      employment: 'vulnerable',
      education: 'unknown',
      housing: 'vulnerable',
      childDevelopment: 'not_vulnerable',
      health: 'unknown',
      incomeSource: 'none',
      housingSituation: 'overcrowded'
    },
    needs: ['income', 'housing'],
    reason: 'Geen inkomen, overbewoonde woning.',
    urgency: 'routine',
    consent: {
      givenAt: new Date(Date.now() - 3600_000).toISOString(),
      recordedBy: 'Sociale dienst materniteit',
      method: 'verbal',
      sharingScope: ['programme', 'ocmw', 'housing']
    },
    referrerContact: { name: 'An Maatschappelijk Werker' }
  }
  const created = await asHospital.POST('/referrals', { body: input })
  t.equal(created.response.status, 201)
  if (created.data === undefined) throw new Error('no referral')
  const referralId = created.data.id
  t.equal(created.data.view, 'referrer')
  t.equal(created.data.externalReference, 'typed-client-1')

  const seen = await asProgramme.GET('/referrals/{referralId}', { params: { path: { referralId } } })
  const etag = seen.response.headers.get('etag') ?? ''
  // The view discriminator narrows the union: only the programme's view has `assignedWorkerId`.
  if (seen.data?.view !== 'programme') throw new Error(`the programme's view, not ${seen.data?.view}`)
  t.equal(seen.data.assignedWorkerId, null)

  const received = await asProgramme.POST('/referrals/{referralId}/transitions', {
    params: { path: { referralId }, header: { 'if-match': etag } },
    body: { status: 'received' }
  })
  t.equal(received.data?.view === 'programme' && received.data.status, 'received')
  const accepted = await asProgramme.POST('/referrals/{referralId}/transitions', {
    params: { path: { referralId }, header: { 'if-match': received.response.headers.get('etag') ?? '' } },
    body: { status: 'accepted', track: 'opkomst' }
  })
  t.equal(accepted.data?.view === 'programme' && accepted.data.status, 'accepted')

  const income = await asProgramme.POST('/referrals/{referralId}/handoffs', {
    params: { path: { referralId } },
    body: { type: 'income_support', toOrganisationId: ocmw.organisationId, reason: 'Leefloon aanvragen' }
  })
  if (income.data === undefined) throw new Error('no handoff')
  const incomeId = income.data.id
  const forOcmw = await asOcmw.GET('/handoffs/{handoffId}', { params: { path: { handoffId: incomeId } } })
  const referral = forOcmw.data?.referral
  if (referral?.view !== 'recipient:ocmw') throw new Error("the OCMW's view")
  t.equal(referral.screening?.incomeSource, input.screening.incomeSource, 'the OCMW sees the income source')
  let version = forOcmw.data?.version ?? 0
  for (const status of ['received', 'accepted'] as const) {
    const moved = await asOcmw.POST('/handoffs/{handoffId}/transitions', {
      params: { path: { handoffId: incomeId }, header: { 'if-match': `"${version}"` } },
      body: { status }
    })
    t.equal(moved.data?.status, status)
    version = moved.data?.version ?? 0
  }

  const priority = await asProgramme.POST('/referrals/{referralId}/handoffs', {
    params: { path: { referralId } },
    body: { type: 'housing_priority', toOrganisationId: housing.organisationId, reason: 'Dakloos na bevalling' }
  })
  if (priority.data === undefined) throw new Error('no handoff')
  const priorityId = priority.data.id
  let housingVersion = priority.data.version
  for (const status of ['received', 'accepted'] as const) {
    const moved = await asHousing.POST('/handoffs/{handoffId}/transitions', {
      params: { path: { handoffId: priorityId }, header: { 'if-match': `"${housingVersion}"` } },
      body: { status }
    })
    housingVersion = moved.data?.version ?? 0
  }
  const validUntil = new Date(Date.now() + 180 * 86_400_000).toISOString().slice(0, 10)
  const granted = await asHousing.POST('/handoffs/{handoffId}/housing-decision', {
    params: { path: { handoffId: priorityId } },
    body: { decision: 'granted', validUntil }
  })
  t.equal(granted.response.status, 200)
  t.equal(granted.data?.housing?.decision, 'granted')

  const refused = await asHospital.GET('/handoffs/{handoffId}', { params: { path: { handoffId: incomeId } } })
  t.equal(refused.response.status, 404, 'the hospital is no party to the handoff')
  t.equal(refused.error?.type, 'urn:opkomst:problem:not-found', 'errors are typed problems')
})
