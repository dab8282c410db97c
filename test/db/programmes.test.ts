import t from 'tap'
import { createDb } from '../../src/db/client.ts'
import { ProgrammeDirectory } from '../../src/db/programmes.ts'
import { onboardOrganisation } from '../../src/services/organisations.ts'
import { testContext, testDatabase } from '../helpers/context.ts'
import { eventually } from '../helpers/receiver.ts'
import { referralBody } from '../helpers/referrals.ts'

t.test('kept while listening; a change made elsewhere is heard at its commit', async (t) => {
  const url = await testDatabase(t)
  const { pool, db } = createDb(url, 2, () => {})
  t.teardown(() => pool.end())
  const directory = new ProgrammeDirectory(db)
  t.not(await directory.programmes(), await directory.programmes(), 'not listening yet: read each time')
  const listener = directory.listen(url)
  t.teardown(() => listener.close())
  const kept = await eventually('kept', async () => {
    const first = await directory.programmes()
    return first === (await directory.programmes()) ? first : undefined
  })
  t.same(kept, [], 'no programme yet')

  // Another process onboards a programme: this one is not told, the database tells it.
  const elsewhere = { db, programmes: new ProgrammeDirectory(db) }
  const gent = await onboardOrganisation(elsewhere, { name: 'Gent', type: 'programme', serviceArea: ['9000'] })
  const heard = await eventually(
    'heard',
    async () => {
      const now = await directory.programmes()
      return now.length === 1 ? now : undefined
    },
    2000
  )
  t.same(heard, [{ id: gent.id, serviceArea: ['9000'] }])
  await pool.query("UPDATE organisations SET service_area = '{9000,9050}' WHERE id = $1", [gent.id])
  await eventually(
    'a changed service area',
    async () => (await directory.programmes())[0]?.serviceArea.includes('9050') || undefined,
    2000
  )
  await onboardOrganisation(elsewhere, { name: 'A hospital', type: 'hospital' })
  t.equal((await directory.programmes()).length, 1, 'other organisations are not programmes')

  await onboardOrganisation(
    { db, programmes: directory },
    { name: 'Mechelen', type: 'programme', serviceArea: ['2800'] }
  )
  t.equal((await directory.programmes()).length, 2, 'onboarded through this process: known at once')
})

t.test('intake through one process routes to a programme onboarded through another at once', async (t) => {
  const ctx = await testContext(t)
  const hospital = await ctx.party('hospital')
  const first = await ctx.party('programme', { serviceArea: ['2800'] })
  const body = referralBody({ mother: { ...referralBody().mother, insz: undefined, inszAbsentReason: 'unknown' } })
  const routed = await ctx.send(hospital, 'POST', '/referrals', { ...body, programmeId: first.organisationId })
  t.equal(routed.statusCode, 201, 'the directory is read and kept')
  // Straight in the database, as another API process or the CLI would: this process is not told.
  const {
    rows: [second]
  } = await ctx.app.pool.query(
    "INSERT INTO organisations (name, type, service_area) VALUES ('Elsewhere', 'programme', '{}') RETURNING id"
  )
  const named = await ctx.send(hospital, 'POST', '/referrals', {
    ...body,
    externalReference: 'NEW-PROGRAMME',
    programmeId: second.id
  })
  t.equal(named.statusCode, 201, 'not refused as unknown while the notification is on its way')
  t.equal(named.json().programmeOrganisationId, second.id)
})
