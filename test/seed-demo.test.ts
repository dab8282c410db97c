import t from 'tap'
import { testContext } from './helpers/context.ts'
import { seedDemo } from '../src/seed-demo.ts'
import { belgianDate } from '../src/domain/dates.ts'
import { LIFE_DOMAINS } from '../src/domain/vocabulary.ts'

t.test('after seeding the demo, the report since 2020 has every figure', async (t) => {
  const { app } = await testContext(t)
  const { referred, parties } = await seedDemo(app.deps)
  t.ok(referred >= 300, `${referred} mothers`)
  const res = await app.inject({
    url: `/reports/impact?from=2020-01-01&to=${belgianDate(new Date())}`,
    headers: { authorization: `Bearer ${parties.programme.key}` }
  })
  t.equal(res.statusCode, 200)
  const report = res.json()
  // Every figure the impact study shows has a value, overall and per track (the demo is large enough).
  for (const figures of [report.overall, report.tracks.opkomst, report.tracks.opkomst_plus]) {
    for (const name of [
      'mothersInGuidance',
      'mothersReached',
      'childrenReached',
      'meanAgeAtStart',
      'sharePregnantAtStart',
      'shareWithoutIncome',
      'shareBadHousing',
      'shareLivingAlone',
      'shareInGroupSessions'
    ])
      t.not(figures[name].value, null, name)
    for (const [criterion, figure] of Object.entries<{ value: number | null }>(figures.criteria))
      t.not(figure.value, null, criterion)
    t.ok(figures.groupWork.sessionsHeld > 0, 'group sessions held')
    t.not(figures.guidanceDays.median, null)
  }
  t.ok(report.sources.some((s: { organisationType: string }) => s.organisationType === 'hospital'))
  t.not(report.sources[0].daysToAcceptance.median, null, 'how fast referrals are taken up')
  t.ok(report.housingPriority.granted.value > 0 && report.housingPriority.allocated.value > 0, 'housing priority')
  t.ok(report.incomeSupport.handoffs.value > 0, 'income-support handoffs')
  t.ok(
    report.incomeSupport.byStatus.some(
      (s: { status: string; count: { value: number } }) => s.status === 'completed' && s.count.value > 0
    )
  )
  t.ok(
    report.outcomes.some((o: { count: { value: number } }) => o.count.value > 0),
    'outcomes'
  )
  for (const track of ['opkomst', 'opkomst_plus'])
    t.ok(
      report.tracks[track].progressByDomain.some((p: { suppressed: boolean }) => !p.suppressed),
      `progress per domain for ${track}`
    )
  t.same(
    report.overall.progressByDomain.map((p: { domain: string }) => p.domain),
    [...LIFE_DOMAINS]
  )
  t.ok(
    report.overall.progressByDomain.every(
      (p: { suppressed: boolean; meanEnd: number; meanStart: number }) => !p.suppressed && p.meanEnd > p.meanStart
    )
  )
  // Shaped like the published figures (context/): about 7 months pregnant, 1 in 3 without income,
  // 4 in 10 in bad housing, one in three mothers in group work, few of Opkomst+.
  t.ok(Math.abs(report.overall.meanPregnancyMonthAtStart.value - 7) < 0.5)
  t.ok(Math.abs(report.overall.shareWithoutIncome.value - 1 / 3) < 0.08)
  t.ok(Math.abs(report.overall.shareBadHousing.value - 0.4) < 0.08)
  t.ok(report.tracks.opkomst_plus.shareInGroupSessions.value < 0.15, 'few Opkomst+ mothers in group sessions')
  t.ok(
    report.tracks.opkomst.meanAgeAtStart.value > report.tracks.opkomst_plus.meanAgeAtStart.value,
    'Opkomst+ mothers are younger'
  )
  const { rows } = await app.pool.query("SELECT count(*)::int AS n FROM referrals WHERE details::text LIKE '%Samira%'")
  t.equal(rows[0].n, 0, 'synthetic names only')
})

t.test('seeding the demo again makes no second programme for its postal codes; routing still works', async (t) => {
  const { app } = await testContext(t)
  const first = await seedDemo(app.deps, { mothers: 5 })
  const second = await seedDemo(app.deps, { mothers: 5 })
  t.equal(second.parties.programme.organisationId, first.parties.programme.organisationId, 'the same programme')
  const { rows } = await app.pool.query("SELECT count(*)::int AS n FROM organisations WHERE type = 'programme'")
  t.equal(rows[0].n, 1)
  const { referralBody } = await import('./helpers/referrals.ts')
  const routed = await app.inject({
    method: 'POST',
    url: '/referrals',
    headers: { authorization: `Bearer ${second.parties.hospital.key}` },
    payload: referralBody()
  })
  t.equal(routed.statusCode, 201, routed.body)
  t.equal(routed.json().programmeOrganisationId, first.parties.programme.organisationId, 'routed by postal code')
})
