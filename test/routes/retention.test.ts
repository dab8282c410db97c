import t from 'tap'
import { testContext } from '../helpers/context.ts'
import { addDays } from '../../src/domain/dates.ts'
import { inszFor, referralBody, today } from '../helpers/referrals.ts'
import { pseudonymiseExpired } from '../../src/services/retention.ts'

/**
 * Retention and erasure: a closed referral past its retention period, or one the operator erases on
 * the mother's request, keeps nothing that names her, and the impact figures do not move.
 */
const ctx = await testContext(t, { REPORT_MIN_CELL: 1, RETENTION_AFTER_CLOSURE: '2s' })
const { app, send } = ctx
const programme = await ctx.party('programme')
const hospital = await ctx.party('hospital')
const ocmw = await ctx.party('ocmw')
const operator = { headers: ctx.admin }

/** A mother's data, each value marked so a scan cannot find it by chance. */
function personal(mark: string, digits: string, serial: number) {
  const insz = inszFor('1988-02-17', serial)
  return {
    insz,
    inszFormatted: `${insz.slice(0, 2)}.${insz.slice(2, 4)}.${insz.slice(4, 6)}-${insz.slice(6, 9)}.${insz.slice(9)}`,
    givenName: `Zyx${mark}rina`,
    familyName: `Quomple${mark}straete`,
    phone: `+32 470 ${digits}`,
    email: `zyx${mark}@example.org`,
    street: `Vrijdag${mark}straat`,
    reason: `Onveilige woonsituatie ${mark}`,
    contact: `Brunhilde ${mark}`,
    externalReference: `EPD-${mark}`,
    handoffReason: `Leefloon ${mark}`,
    note: `Notitie ${mark}`,
    outcomeNote: `Afgerond ${mark}`,
    documentReference: `Dossier ${mark}`
  }
}

async function referHer(p: ReturnType<typeof personal>) {
  const body = referralBody()
  const res = await send(hospital, 'POST', '/referrals', {
    ...body,
    externalReference: p.externalReference,
    mother: {
      ...body.mother,
      givenName: p.givenName,
      familyName: p.familyName,
      birthDate: '1988-02-17',
      insz: p.inszFormatted,
      phone: p.phone,
      email: p.email,
      address: { ...body.mother.address, street: p.street }
    },
    reason: p.reason,
    referrerContact: { name: p.contact }
  })
  if (res.statusCode !== 201) throw new Error(res.body)
  return res.json().id as string
}

/** Where in the database any of these values still is. */
async function foundAnywhere(values: Record<string, string>): Promise<string[]> {
  const { rows: columns } = await app.pool.query<{ table_name: string; column_name: string; data_type: string }>(
    `SELECT table_name, column_name, data_type FROM information_schema.columns
     WHERE table_schema = 'public' AND data_type IN ('text', 'character varying', 'jsonb', 'json', 'ARRAY', 'bytea')`
  )
  const found: string[] = []
  for (const { table_name: table, column_name: column, data_type: type } of columns) {
    const asText = type === 'bytea' ? `encode("${column}", 'escape')` : `"${column}"::text`
    for (const [what, value] of Object.entries(values)) {
      const { rows } = await app.pool.query(`SELECT count(*)::int AS n FROM "${table}" WHERE ${asText} LIKE $1`, [
        `%${value}%`
      ])
      if (rows[0].n > 0) found.push(`${what} in ${table}.${column}`)
    }
  }
  return found
}

const report = async () =>
  (await send(programme, 'GET', `/reports/impact?from=${addDays(today(), -1)}&to=${addDays(today(), 1)}`)).body

t.test('past its retention period a closed referral is pseudonymised; the figures stay the same', async (t) => {
  const her = personal('R7731', '98 77 31', 417)
  const id = await referHer(her)
  const at = `/referrals/${id}`
  const version = async () => (await send(programme, 'GET', at)).json().version as number
  const move = async (payload: object) => {
    const res = await send(programme, 'POST', `${at}/transitions`, payload, await version())
    t.equal(res.statusCode, 200, res.body)
  }
  await move({ status: 'accepted', track: 'opkomst' })
  const handoff = await send(programme, 'POST', `${at}/handoffs`, {
    type: 'income_support',
    toOrganisationId: ocmw.organisationId,
    reason: her.handoffReason
  })
  t.equal(handoff.statusCode, 201)
  await send(
    programme,
    'PUT',
    `${at}/consent`,
    {
      givenAt: new Date(Date.now() - 60_000).toISOString(),
      recordedBy: her.contact,
      method: 'written',
      sharingScope: ['programme', 'ocmw'],
      documentReference: her.documentReference
    },
    await version()
  )
  await send(programme, 'PATCH', `${at}/screening`, { incomeSource: 'benefit' }, 0)
  await move({ status: 'in-progress', firstContactOn: today() })
  for (const [phase, income] of [
    ['start', 1],
    ['end', 3]
  ] as const) {
    const res = await send(programme, 'PUT', `${at}/assessments/${phase}`, {
      assessedOn: today(),
      scores: { income, housing: 2 },
      notes: { income: her.note }
    })
    t.equal(res.statusCode, 201, res.body)
  }
  await move({
    status: 'completed',
    outcome: 'guidance_completed',
    outcomeNote: her.outcomeNote,
    closeOpenHandoffs: true
  })
  const [blind] = (await app.pool.query('SELECT insz_blind_index FROM referrals WHERE id = $1', [id])).rows
  const before = await report()
  t.match(JSON.parse(before).overall.mothersInGuidance, { value: 1 })
  const logged = (await app.pool.query('SELECT count(*)::int AS n FROM access_log WHERE referral_id = $1', [id]))
    .rows[0].n

  t.equal(await pseudonymiseExpired(app.deps), 0, 'not before its period ran out')
  await new Promise((resolve) => setTimeout(resolve, 2100))
  t.equal(await pseudonymiseExpired(app.deps), 1, 'the daily job pseudonymises it')
  t.equal(await pseudonymiseExpired(app.deps), 0, 'once')

  const { insz: _insz, ...values } = her
  t.same(
    await foundAnywhere({ ...values, inszDigits: her.insz, blindIndex: blind.insz_blind_index }),
    [],
    'nothing of her remains'
  )
  t.equal(await report(), before, 'the impact report is byte-identical')
  const after = (
    await app.pool.query(
      "SELECT count(*)::int AS n, count(*) FILTER (WHERE action = 'pseudonymise')::int AS p FROM access_log WHERE referral_id = $1",
      [id]
    )
  ).rows[0]
  t.equal(after.n, logged + 1 + 0, 'the access log keeps its rows, and records the pseudonymisation')
  t.equal(after.p, 1)
  const view = (await send(programme, 'GET', at)).json()
  t.equal(view.mother.familyName, '(gewist)')
  t.equal(view.track, 'opkomst', 'what the report needs stays')
})

t.test('the operator erases a mother’s data at once on her request, and logs it', async (t) => {
  const her = personal('E4412', '98 44 12', 418)
  const id = await referHer(her)
  const erase = (who: { headers: object }, reasonCode = 'data_subject_request') =>
    send(who, 'POST', `/admin/referrals/${id}/erasure`, { reasonCode })
  t.equal((await erase(operator)).statusCode, 409, 'an open referral is closed first')
  t.equal((await erase(hospital)).statusCode, 403)
  const rejected = await send(
    programme,
    'POST',
    `/referrals/${id}/transitions`,
    { status: 'rejected', reasonCode: 'not_eligible', reason: `Geweigerd ${her.reason}` },
    1
  )
  t.equal(rejected.statusCode, 200, rejected.body)
  t.equal((await erase(operator, 'retention_expired')).statusCode, 422, 'the job’s own code is not the operator’s')
  const erased = await erase(operator)
  t.equal(erased.statusCode, 200, erased.body)
  t.match(erased.json(), { referralId: id, reasonCode: 'data_subject_request' })
  const { insz: _insz, ...values } = her
  t.same(await foundAnywhere({ ...values, inszDigits: her.insz }), [], 'at once')
  const { rows } = await app.pool.query(
    "SELECT organisation_id, purpose FROM access_log WHERE referral_id = $1 AND action = 'erasure'",
    [id]
  )
  t.equal(rows.length, 1, 'in the access log')
  t.equal((await erase(operator)).statusCode, 200, 'again: nothing more to do')
  t.equal(
    (
      await send(operator, 'POST', '/admin/referrals/00000000-0000-4000-8000-000000000000/erasure', {
        reasonCode: 'data_subject_request'
      })
    ).statusCode,
    404
  )
})
