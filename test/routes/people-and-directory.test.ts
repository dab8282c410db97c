import t from 'tap'
import { testContext } from '../helpers/context.ts'
import { inszFor, referralBody } from '../helpers/referrals.ts'

/** Workers with names, the programme's contact person, the network's directory, deactivation. */
const ctx = await testContext(t)
const { app, send } = ctx
const programme = await ctx.party('programme', { serviceArea: ['2800'], name: 'Opkomst Mechelen' })
const hospital = await ctx.party('hospital')
const housing = await ctx.party('housing', { name: 'Woonpunt Mechelen' })
const ocmw = await ctx.party('ocmw')
const operator = { headers: ctx.admin }
let mothers = 0
const refer = async () => {
  const body = referralBody()
  const res = await send(hospital, 'POST', '/referrals', {
    ...body,
    mother: { ...body.mother, birthDate: '1990-04-12', insz: inszFor('1990-04-12', ++mothers) }
  })
  if (res.statusCode !== 201) throw new Error(res.body)
  return res.json() as { id: string; version: number }
}
const workersOf = (who: { organisationId: string }) => `/organisations/${who.organisationId}/workers`

t.test('an organisation keeps its workers; no one else sees them but the operator', async (t) => {
  const added = await send(programme, 'POST', workersOf(programme), {
    name: 'Noor Janssens',
    role: 'maatschappelijk werker',
    workPhone: '+32 15 44 55 66',
    workEmail: 'noor@opkomst.example.be'
  })
  t.equal(added.statusCode, 201, added.body)
  t.equal(added.headers.etag, '"1"')
  t.match(added.headers.location, `${workersOf(programme)}/${added.json().id}`)
  const listed = (await send(programme, 'GET', workersOf(programme))).json().items as Array<{ name: string }>
  t.ok(listed.some((w) => w.name === 'Noor Janssens'))

  const at = `${workersOf(programme)}/${added.json().id}`
  t.equal((await send(programme, 'PATCH', at, { role: 'teamverantwoordelijke' }, 7)).statusCode, 412, 'stale')
  const changed = await send(programme, 'PATCH', at, { role: 'teamverantwoordelijke' }, 1)
  t.equal(changed.statusCode, 200)
  t.match(changed.json(), { role: 'teamverantwoordelijke', version: 2, active: true })

  t.equal((await send(hospital, 'GET', workersOf(programme))).statusCode, 404, "another organisation's: not found")
  t.equal((await send(hospital, 'GET', at)).statusCode, 404)
  t.equal((await send(hospital, 'POST', workersOf(programme), { name: 'X', role: 'y' })).statusCode, 404)
  t.equal((await send(operator, 'GET', workersOf(programme))).statusCode, 200, 'the operator, for any')
  const unknown = await send(programme, 'POST', workersOf(programme), { name: 'X', role: 'y', salary: 1 })
  t.equal(unknown.statusCode, 422, unknown.body)
  t.match(unknown.json().errors, [{ pointer: '/salary' }], 'naming the field')
})

t.test('reassigning: both views show the new contact, the history both, the log the acting person', async (t) => {
  const second = (
    await send(programme, 'POST', workersOf(programme), { name: 'Sara Peeters', role: 'maatschappelijk werker' })
  ).json()
  const referral = await refer()
  const at = `/referrals/${referral.id}`
  const accepted = await send(
    programme,
    'POST',
    `${at}/transitions`,
    { status: 'accepted', track: 'opkomst_plus', assignedWorkerId: programme.workerId },
    1
  )
  t.equal(accepted.statusCode, 200, accepted.body)

  const acting = { headers: { ...programme.headers, 'acting-person': programme.workerId } }
  t.equal((await send(acting, 'PUT', `${at}/assignment`, { workerId: second.id }, 1)).statusCode, 412, 'If-Match')
  t.equal((await send(acting, 'PUT', `${at}/assignment`, { workerId: second.id })).statusCode, 428)
  const elsewhere = await send(acting, 'PUT', `${at}/assignment`, { workerId: hospital.workerId }, 2)
  t.equal(elsewhere.statusCode, 422, 'a worker of another organisation')
  t.match(elsewhere.json().errors, [{ pointer: '/workerId' }])
  const stranger = { headers: { ...programme.headers, 'acting-person': hospital.workerId } }
  const refused = await send(stranger, 'PUT', `${at}/assignment`, { workerId: second.id }, 2)
  t.equal(refused.statusCode, 422, 'the acting person must be of the caller’s organisation')
  t.match(refused.json().errors, [{ pointer: '/acting-person' }])

  const reassigned = await send(acting, 'PUT', `${at}/assignment`, { workerId: second.id }, 2)
  t.equal(reassigned.statusCode, 200, reassigned.body)
  t.equal(reassigned.headers.etag, '"3"', 'a new version')
  t.equal(reassigned.json().assignedWorkerId, second.id, "the programme's view")
  t.match((await send(hospital, 'GET', at)).json().programmeContact, {
    workerId: second.id,
    name: 'Sara Peeters'
  })

  const history = (await send(programme, 'GET', `${at}/history`)).json().items
  t.match(history.slice(-2), [
    { kind: 'status', toStatus: 'accepted', assignedWorkerId: programme.workerId },
    { kind: 'assignment', assignedWorkerId: second.id, byWorkerId: programme.workerId }
  ])
  const log = (await send(programme, 'GET', `${at}/access-log`)).json().items as Array<Record<string, unknown>>
  t.ok(
    log.some(
      (e) =>
        e.action === 'assignment' && e.clientId === programme.clientId && e.onBehalfOfWorkerId === programme.workerId
    ),
    'client X on behalf of person Y'
  )
  const { rows } = await app.pool.query(
    "SELECT audience FROM outbox_events WHERE referral_id = $1 AND type = 'referral.contact_changed'",
    [referral.id]
  )
  t.equal(rows.length, 1)
  t.same([...rows[0].audience].sort(), [hospital.organisationId, programme.organisationId].sort())

  const resting = await send(programme, 'PATCH', `${workersOf(programme)}/${hospital.workerId}`, { active: false }, 1)
  t.equal(resting.statusCode, 404, "another organisation's worker is not found")
  await send(programme, 'PATCH', `${workersOf(programme)}/${second.id}`, { active: false }, 1)
  const inactive = await send(programme, 'PUT', `${at}/assignment`, { workerId: second.id }, 3)
  t.equal(inactive.statusCode, 422, 'an inactive worker is not assigned')
})

t.test('a recipient names its contact person when it accepts a handoff', async (t) => {
  const referral = await refer()
  await send(programme, 'POST', `/referrals/${referral.id}/transitions`, { status: 'accepted', track: 'opkomst' }, 1)
  const handoff = (
    await send(programme, 'POST', `/referrals/${referral.id}/handoffs`, {
      type: 'income_support',
      toOrganisationId: ocmw.organisationId,
      reason: 'Leefloon aanvragen'
    })
  ).json()
  const at = `/handoffs/${handoff.id}`
  t.equal((await send(ocmw, 'POST', `${at}/transitions`, { status: 'received' }, 1)).statusCode, 200)
  const acting = { headers: { ...ocmw.headers, 'acting-person': ocmw.workerId } }
  const foreign = await send(
    acting,
    'POST',
    `${at}/transitions`,
    { status: 'accepted', contactWorkerId: programme.workerId },
    2
  )
  t.equal(foreign.statusCode, 422, 'a worker of its own only')
  t.match(foreign.json().errors, [{ pointer: '/contactWorkerId' }])
  const accepted = await send(
    acting,
    'POST',
    `${at}/transitions`,
    { status: 'accepted', contactWorkerId: ocmw.workerId },
    2
  )
  t.equal(accepted.statusCode, 200, accepted.body)
  t.match(
    (await send(programme, 'GET', at)).json().contact,
    { workerId: ocmw.workerId, name: 'Ella ocmw' },
    'the programme sees whom to call'
  )
  const history = (await send(programme, 'GET', `${at}/history`)).json().items
  t.match(history.at(-1), { toStatus: 'accepted', byWorkerId: ocmw.workerId }, 'the acting person in the history')
})

t.test('the directory: programmes with their areas, who takes what, nothing secret, revalidated', async (t) => {
  await app.pool.query("UPDATE organisations SET notification_email = 'secret@example.org' WHERE id = $1", [
    housing.organisationId
  ])
  const res = await send(hospital, 'GET', '/directory/organisations')
  t.equal(res.statusCode, 200)
  t.equal(res.headers['cache-control'], 'private, no-cache')
  const items = res.json().items as Array<Record<string, unknown>>
  t.match(
    items.find((o) => o.id === programme.organisationId),
    { name: 'Opkomst Mechelen', type: 'programme', serviceArea: ['2800'], active: true }
  )
  const takesPriority = items.filter((o) => (o.acceptedHandoffTypes as string[]).includes('housing_priority'))
  t.same(
    takesPriority.map((o) => o.id),
    [housing.organisationId],
    'the housing company takes housing_priority'
  )
  t.notOk(
    items.some((o) => o.type === 'operator'),
    'the operator is not a partner'
  )
  const keys = new Set(items.flatMap((o) => Object.keys(o)))
  t.same(
    [...keys].sort(),
    [
      'acceptedHandoffTypes',
      'active',
      'contactEmail',
      'contactPhone',
      'id',
      'name',
      'serviceArea',
      'type',
      'updatedAt'
    ],
    'no secret field'
  )
  t.notOk(res.body.includes('secret@example.org'), 'the notice address is not public')

  const etag = res.headers.etag as string
  const again = await app.inject({
    url: '/directory/organisations',
    headers: { ...ocmw.headers, 'if-none-match': etag }
  })
  t.equal(again.statusCode, 304, 'the same for every partner, revalidated')
  const org = (await send(operator, 'GET', `/admin/organisations/${housing.organisationId}`)).json()
  await send(
    operator,
    'PATCH',
    `/admin/organisations/${housing.organisationId}`,
    { contactPhone: '+32 15 28 00 00' },
    org.version
  )
  const changed = await app.inject({
    url: '/directory/organisations',
    headers: { ...ocmw.headers, 'if-none-match': etag }
  })
  t.equal(changed.statusCode, 200, 'an edit gives a new ETag')
  t.not(changed.headers.etag, etag)
})

t.test('deactivating: clients revoked, nothing new to it, the programme warned of open work', async (t) => {
  const otherHousing = await ctx.party('housing')
  const referral = await refer()
  await send(programme, 'POST', `/referrals/${referral.id}/transitions`, { status: 'accepted', track: 'opkomst' }, 1)
  const handoff = await send(programme, 'POST', `/referrals/${referral.id}/handoffs`, {
    type: 'housing_priority',
    toOrganisationId: otherHousing.organisationId,
    reason: 'Dakloos na de bevalling'
  })
  t.equal(handoff.statusCode, 201)

  const at = `/admin/organisations/${otherHousing.organisationId}`
  t.equal((await app.inject({ method: 'DELETE', url: at, headers: ctx.admin })).statusCode, 428, 'If-Match')
  const gone = await app.inject({ method: 'DELETE', url: at, headers: { ...ctx.admin, 'if-match': '"1"' } })
  t.equal(gone.statusCode, 200, gone.body)
  t.not(gone.json().deactivatedAt, null)
  t.equal((await send(otherHousing, 'GET', '/handoffs')).statusCode, 401, 'its key no longer works')

  const next = await refer()
  await send(programme, 'POST', `/referrals/${next.id}/transitions`, { status: 'accepted', track: 'opkomst' }, 1)
  const refused = await send(programme, 'POST', `/referrals/${next.id}/handoffs`, {
    type: 'housing_priority',
    toOrganisationId: otherHousing.organisationId,
    reason: 'Voorrang'
  })
  t.equal(refused.statusCode, 422)
  t.match(refused.json().errors, [{ pointer: '/toOrganisationId', message: /deactivated/ }])

  const warned = await app.pool.query(
    "SELECT audience, status FROM outbox_events WHERE type = 'organisation.deactivated' AND handoff_id = $1",
    [handoff.json().id]
  )
  t.equal(warned.rows.length, 1)
  t.same(warned.rows[0].audience, [programme.organisationId], 'the programme hears of it')
  t.equal(warned.rows[0].status, 'recipient_deactivated')
  const still = await send(programme, 'GET', `/handoffs/${handoff.json().id}`)
  t.equal(still.statusCode, 200, 'its open work stays visible to the programme')

  const listed = (await send(hospital, 'GET', '/directory/organisations')).json().items
  t.equal(listed.find((o: { id: string }) => o.id === otherHousing.organisationId).active, false)

  const emptyProgramme = await ctx.party('programme', { serviceArea: ['9999'] })
  const busy = await app.inject({
    method: 'DELETE',
    url: `/admin/organisations/${programme.organisationId}`,
    headers: {
      ...ctx.admin,
      'if-match': `"${(await send(operator, 'GET', `/admin/organisations/${programme.organisationId}`)).json().version}"`
    }
  })
  t.equal(busy.statusCode, 409, 'a programme still guiding mothers is not deactivated')
  t.equal(busy.json().type, 'urn:opkomst:problem:open-work')
  const idle = await app.inject({
    method: 'DELETE',
    url: `/admin/organisations/${emptyProgramme.organisationId}`,
    headers: { ...ctx.admin, 'if-match': '"1"' }
  })
  t.equal(idle.statusCode, 200)
  const toIdle = await send(hospital, 'POST', '/referrals', {
    ...referralBody(),
    programmeId: emptyProgramme.organisationId,
    mother: { ...referralBody().mother, birthDate: '1990-04-12', insz: inszFor('1990-04-12', ++mothers) }
  })
  t.equal(toIdle.statusCode, 422, 'no new referral to a deactivated programme')
  t.match(toIdle.json().errors, [{ pointer: '/programmeId' }])
})
