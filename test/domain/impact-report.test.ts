import t from 'tap'
import {
  impactReport,
  inGuidance,
  pregnancyMonthAtStart,
  quantile,
  type ReportReferral
} from '../../src/domain/impact-report.ts'
import { reportCsv, reportRows } from '../../src/domain/impact-csv.ts'

const year = { from: '2026-01-01', to: '2027-01-01' }
const NONE = { granted: 0, allocated: 0, expired: 0 }
let mothers = 0

const referral = (over: Partial<ReportReferral> = {}): ReportReferral => ({
  motherKey: `m${++mothers}`,
  track: 'opkomst',
  referrerType: 'hospital',
  referredOn: '2026-03-01',
  acceptedOn: '2026-03-03',
  firstContactOn: '2026-03-10',
  endedOn: null,
  endStatus: null,
  outcome: null,
  endReasonCode: null,
  motherBirthDate: '1996-03-03',
  expectedDeliveryDate: null,
  numberOfChildren: 1,
  livesAloneWithChildren: false,
  criteria: {
    income: 'vulnerable',
    employment: 'vulnerable',
    education: 'not_vulnerable',
    housing: 'unknown',
    childDevelopment: 'not_vulnerable',
    health: 'not_vulnerable'
  },
  incomeSource: 'none',
  housingSituation: 'adequate',
  groupSessions: 0,
  startScores: null,
  endScores: null,
  incomeSupport: [],
  ...over
})
const many = (n: number, over: Partial<ReportReferral> = {}) => Array.from({ length: n }, () => referral(over))

t.test('quantiles by nearest rank, pregnancy month at the start', async (t) => {
  t.equal(quantile([5, 1, 3, 2, 4], 0.5), 3)
  t.equal(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9), 9)
  t.equal(quantile([7], 0.9), 7)
  t.equal(pregnancyMonthAtStart('2024-03-01', '2024-03-01'), 280 / 30.4375, 'due today: 9.2 months')
  t.equal(pregnancyMonthAtStart('2024-03-01', '2024-05-10'), (280 - 70) / 30.4375)
  t.equal(pregnancyMonthAtStart('2024-03-01', '2024-02-28'), null, 'due date passed')
  t.equal(pregnancyMonthAtStart('2024-03-01', null), null, 'already born')
})

t.test('in guidance during the period: accepted before its end, not ended before its start', async (t) => {
  t.ok(inGuidance(referral({ acceptedOn: '2025-06-01' }), year), 'accepted last year, still in guidance')
  t.ok(inGuidance(referral({ acceptedOn: '2025-06-01', endedOn: '2026-01-01' }), year), 'ended on the first day')
  t.notOk(inGuidance(referral({ acceptedOn: '2025-06-01', endedOn: '2025-12-31' }), year), 'ended the day before')
  t.notOk(inGuidance(referral({ acceptedOn: '2027-01-01' }), year), 'accepted after the period')
  t.notOk(inGuidance(referral({ acceptedOn: null }), year), 'never accepted')
})

t.test('the reach of a year: in guidance, started, reached, children, ended', async (t) => {
  const twice = referral({
    acceptedOn: '2025-09-01',
    endedOn: '2026-02-01',
    endStatus: 'failed',
    endReasonCode: 'unreachable'
  })
  const rs = [
    ...many(5, { acceptedOn: '2025-05-01', numberOfChildren: 2 }),
    ...many(5, { expectedDeliveryDate: '2026-05-01', numberOfChildren: 0 }),
    ...many(5, { firstContactOn: null }),
    twice,
    {
      ...twice,
      acceptedOn: '2026-02-10',
      endedOn: null,
      endStatus: null,
      endReasonCode: null,
      firstContactOn: '2026-02-12'
    },
    ...many(6, {
      acceptedOn: '2025-01-10',
      endedOn: '2026-04-10',
      endStatus: 'completed',
      outcome: 'guidance_completed',
      startScores: { income: 2 },
      endScores: { income: 3 }
    }),
    referral({ acceptedOn: '2024-01-01', endedOn: '2025-06-01', endStatus: 'completed' })
  ]
  const r = impactReport(rs, [], NONE, year, 5)
  const o = r.overall
  t.same(
    o.mothersInGuidance,
    { value: 22, suppressed: false },
    'the one who ended in 2025 is not; the twice referred counts once'
  )
  t.same(o.mothersStarted, { value: 11, suppressed: false }, 'accepted in 2026')
  t.same(o.mothersReached, { value: 17, suppressed: false })
  t.same(o.mothersNotReached, { value: 5, suppressed: false }, 'accepted, never reached: not supported')
  t.same(o.childrenReached, { value: 5 * 2 + 5 * 1 + 1 + 6, suppressed: false }, 'the expected child counts')
  t.same(o.guidanceCompleted, { value: 6, suppressed: false })
  t.same(o.guidanceDroppedOut, { value: null, suppressed: true }, 'one drop-out: withheld')
  t.same(r.outcomes.find((x) => x.code === 'guidance_completed')?.count, { value: 6, suppressed: false })
  t.same(r.dropOutReasons, [{ code: 'unreachable', count: { value: null, suppressed: true } }])
  t.same(o.progressByDomain, [
    { domain: 'income', n: 6, meanStart: 2, meanEnd: 3, shareImproved: 1, suppressed: false }
  ])
  t.same(o.sharePregnantAtStart, { value: 5 / 23, n: 23, suppressed: false })
  t.same(o.criteria.income, { value: 1, n: 23, suppressed: false })
  t.same(o.criteria.housing, { value: null, n: 0, suppressed: false }, 'never known: no share')
  t.equal(o.guidanceDays.n, 7)
})

t.test('a small track is withheld, and so is a second number, so no subtraction recovers it', async (t) => {
  const rs = [...many(12), ...many(3, { track: 'opkomst_plus' })]
  const r = impactReport(rs, [], NONE, year, 5)
  t.same(r.tracks.opkomst_plus.mothersInGuidance, { value: null, suppressed: true }, '3 < 5')
  t.same(r.tracks.opkomst.mothersInGuidance, { value: null, suppressed: true }, 'else 15 − 12 = 3')
  t.same(r.overall.mothersInGuidance, { value: 15, suppressed: false })
  t.same(r.tracks.opkomst_plus.meanAgeAtStart, { value: null, n: null, suppressed: true })
})

t.test('referral sources: how many, how many accepted, days to acceptance and first contact', async (t) => {
  const rs = [
    ...[1, 2, 3, 4, 10].map((d) =>
      referral({
        referredOn: '2026-03-01',
        acceptedOn: `2026-03-${String(1 + d).padStart(2, '0')}`,
        firstContactOn: '2026-03-20'
      })
    ),
    referral({ referredOn: '2026-03-01', acceptedOn: null, firstContactOn: null }),
    ...many(6, { referrerType: 'ocmw' })
  ]
  const r = impactReport(rs, [], NONE, year, 5)
  t.same(r.referralsReceived, { value: 12, suppressed: false })
  const hospital = r.sources.find((s) => s.organisationType === 'hospital')!
  t.same(hospital.referrals, { value: 6, suppressed: false })
  t.same(hospital.shareAccepted, { value: 5 / 6, n: 6, suppressed: false })
  t.same(hospital.daysToAcceptance, { median: 3, p90: 10, n: 5, suppressed: false })
  t.same(hospital.daysToFirstContact, { median: 19, p90: 19, n: 5, suppressed: false })
})

t.test('the CSV for Dutch Excel: semicolons, decimal commas, a BOM, a Dutch header row', async (t) => {
  const r = impactReport(many(8, { track: 'opkomst_plus', incomeSource: 'work' }).concat(many(8)), [], NONE, year, 5)
  const csv = reportCsv(reportRows(r, 'nl'), 'excel-nl', 'nl')
  t.ok(csv.startsWith('\uFEFFcode;omschrijving;traject;categorie;waarde;n;afgeschermd\r\n'))
  const rows = csv
    .slice(1)
    .trim()
    .split('\r\n')
    .map((l) => l.split(';'))
  t.ok(
    rows.every((r) => r.length === 7),
    'seven columns in every row'
  )
  t.same(
    rows.find((x) => x[0] === 'shareWithoutIncome' && x[2] === 'all'),
    ['shareWithoutIncome', 'Zonder inkomen', 'all', '', '0,5', '16', 'nee']
  )
  const rfc = reportCsv(reportRows(r, 'en'), 'rfc4180', 'en')
  t.ok(rfc.startsWith('code,label,track,category,value,n,suppressed\r\n'), 'no BOM, English header')
  t.match(rfc, '\r\nshareWithoutIncome,Without income,all,,0.5,16,false\r\n')
  const quoted = reportCsv(
    [{ code: 'x', label: 'a, "b"; c', track: 'all', category: '', value: 0.25, n: 8, suppressed: false }],
    'rfc4180',
    'en'
  )
  t.match(quoted, '\r\nx,"a, ""b""; c",all,,0.25,8,false\r\n', 'a field with the separator or a quote is quoted')
  t.match(
    reportCsv(
      [{ code: 'x', label: 'a; b', track: 'all', category: '', value: 0.25, n: 8, suppressed: true }],
      'excel-nl',
      'nl'
    ),
    '\r\nx;"a; b";all;;0,25;8;ja\r\n'
  )
})
