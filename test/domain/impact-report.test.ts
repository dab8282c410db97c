import t from 'tap'
import {
  impactCsv,
  impactFigures,
  impactReport,
  pregnancyMonthAtStart,
  type CohortMember
} from '../../src/domain/impact-report.ts'
import { radarSvg } from '../../src/domain/radar-svg.ts'

const member = (over: Partial<CohortMember> = {}): CohortMember => ({
  motherKey: Math.random().toString(36),
  track: 'opkomst',
  startDate: '2024-03-01',
  motherBirthDate: '1994-03-01',
  expectedDeliveryDate: null,
  incomeSource: 'work',
  housingSituation: 'adequate',
  livesAloneWithChildren: false,
  groupSessions: 0,
  completed: false,
  startScores: null,
  endScores: null,
  ...over
})
const five = (over: Partial<CohortMember> = {}) => Array.from({ length: 5 }, () => member(over))

t.test('pregnancy month at the start', async (t) => {
  t.equal(pregnancyMonthAtStart('2024-03-01', '2024-03-01'), 280 / 30.4375, 'due today: 9.2 months')
  t.equal(pregnancyMonthAtStart('2024-03-01', '2024-05-10'), (280 - 70) / 30.4375)
  t.equal(pregnancyMonthAtStart('2024-03-01', '2024-02-28'), null, 'due date passed: not pregnant at the start')
  t.equal(pregnancyMonthAtStart('2024-03-01', null), null, 'already born')
})

t.test('suppression at n = 4, not at n = 5', async (t) => {
  const four = impactFigures(five().slice(0, 4), [], 5)
  t.same(four.mothersSupported, { value: null, n: null, suppressed: true })
  t.same(four.meanAgeAtStart, { value: null, n: null, suppressed: true })
  const fiveFigures = impactFigures(five(), [], 5)
  t.same(fiveFigures.mothersSupported, { value: 5, n: 5, suppressed: false })
  t.same(fiveFigures.meanAgeAtStart, { value: 30, n: 5, suppressed: false })
})

t.test('a mother referred twice counts once among mothers, but each referral counts in n', async (t) => {
  const figures = impactFigures([...five(), member({ motherKey: 'same' }), member({ motherKey: 'same' })], [], 5)
  t.same(figures.mothersSupported, { value: 6, n: 7, suppressed: false })
})

t.test('unknowns are left out of the denominators', async (t) => {
  const cohort = [
    member({ incomeSource: 'none', housingSituation: 'homeless' }),
    member({ incomeSource: 'none', housingSituation: 'overcrowded' }),
    member({ incomeSource: 'benefit', housingSituation: 'insecure' }),
    member({ incomeSource: 'work', housingSituation: 'poor_quality' }),
    member({ incomeSource: 'other', housingSituation: 'adequate' }),
    member({ incomeSource: 'unknown', housingSituation: 'unknown' })
  ]
  const f = impactFigures(cohort, [], 5)
  t.same(f.shareWithoutIncome, { value: 2 / 5, n: 5, suppressed: false })
  t.same(f.shareBadHousing, { value: 4 / 5, n: 5, suppressed: false })
  t.same(f.shareLivingAlone, { value: 0, n: 6, suppressed: false })
})

t.test('pregnancy vs already born: only those pregnant at the start count for the month', async (t) => {
  const cohort = [
    ...five({ expectedDeliveryDate: '2024-05-10' }),
    member({ expectedDeliveryDate: null }),
    member({ expectedDeliveryDate: '2024-01-01' })
  ]
  const month = impactFigures(cohort, [], 5).meanPregnancyMonthAtStart
  t.match(month, { n: 5, suppressed: false })
  t.ok(Math.abs((month.value as number) - 210 / 30.4375) < 1e-12, 'full precision, no rounding')
  t.equal(impactFigures(cohort, [], 5).meanAgeAtStart.n, 7)
})

t.test('age in completed years; group sessions; living alone', async (t) => {
  const cohort = [
    member({ motherBirthDate: '1994-03-02', groupSessions: 3, livesAloneWithChildren: true }), // 29, a day short of 30
    member({ motherBirthDate: '1994-03-01', groupSessions: 1 }),
    member({ motherBirthDate: '2002-03-01' }),
    member({ motherBirthDate: '2002-03-01' }),
    member({ motherBirthDate: '2002-03-01', livesAloneWithChildren: true })
  ]
  const f = impactFigures(cohort, [], 5)
  t.equal(f.meanAgeAtStart.value, (29 + 30 + 22 + 22 + 22) / 5)
  t.equal(f.shareInGroupSessions.value, 2 / 5)
  t.equal(f.shareLivingAlone.value, 2 / 5)
})

t.test('progress per domain: ties are not progress; only completed with both assessments', async (t) => {
  const cohort = [
    member({ completed: true, startScores: { income: 1, housing: 2 }, endScores: { income: 3, housing: 2 } }),
    member({ completed: true, startScores: { income: 2, housing: 3 }, endScores: { income: 2, housing: 4 } }),
    member({ completed: true, startScores: { income: 1, housing: 1 }, endScores: { income: 2, housing: 3 } }),
    member({ completed: true, startScores: { income: 3 }, endScores: { income: 2, debts: 5 } }),
    member({ completed: true, startScores: { income: 4, housing: 1 }, endScores: { income: 4, housing: 2 } }),
    member({ completed: false, startScores: { income: 1 }, endScores: { income: 5 } }),
    member({ completed: true, startScores: { income: 1 }, endScores: null })
  ]
  const progress = impactFigures(cohort, [], 5).progressByDomain
  t.same(
    progress.map((p) => p.domain),
    ['income', 'housing'],
    'debts has no start score anywhere'
  )
  t.same(progress[0], {
    domain: 'income',
    n: 5,
    meanStart: 11 / 5,
    meanEnd: 13 / 5,
    shareImproved: 2 / 5,
    suppressed: false
  })
  t.same(
    progress[1],
    { domain: 'housing', n: null, meanStart: null, meanEnd: null, shareImproved: null, suppressed: true },
    'n = 4 is suppressed'
  )
})

t.test('the report per track, the CSV and the chart', async (t) => {
  const cohort = [
    ...five({ track: 'opkomst', incomeSource: 'none' }),
    ...five({
      track: 'opkomst_plus',
      completed: true,
      startScores: { income: 1, parenting: 2 },
      endScores: { income: 2, parenting: 2 }
    })
  ]
  const sessions = [
    { track: 'opkomst', attendees: 12 },
    { track: 'opkomst', attendees: 6 },
    { track: 'opkomst', attendees: 0 },
    { track: 'opkomst_plus', attendees: 3 }
  ]
  const report = impactReport(cohort, sessions, 5)
  t.same(
    report.overall.groupWork,
    { sessionsHeld: 3, attendances: 21, meanAttendance: 7 },
    'an empty session was not held'
  )
  t.same(report.tracks.opkomst.groupWork, { sessionsHeld: 2, attendances: 18, meanAttendance: 9 })
  t.same(report.tracks.opkomst_plus.groupWork, { sessionsHeld: 1, attendances: 3, meanAttendance: 3 })
  t.equal(report.overall.mothersSupported.value, 10)
  t.equal(report.tracks.opkomst.shareWithoutIncome.value, 1)
  t.equal(report.tracks.opkomst_plus.shareWithoutIncome.value, 0)
  t.equal(report.tracks.opkomst.progressByDomain.length, 0)
  const csv = impactCsv(report)
    .trim()
    .split('\r\n')
    .map((l) => l.split(','))
  t.same(csv[0], ['figure', 'track', 'domain', 'value', 'n', 'suppressed'])
  t.same(
    csv.find((r) => r[0] === 'shareWithoutIncome' && r[1] === 'opkomst'),
    ['shareWithoutIncome', 'opkomst', '', '1', '5', 'false']
  )
  t.same(
    csv.find((r) => r[0] === 'groupWork.meanAttendance' && r[1] === 'opkomst'),
    ['groupWork.meanAttendance', 'opkomst', '', '9', '', 'false']
  )
  t.same(
    csv.find((r) => r[0] === 'progress.shareImproved' && r[1] === 'opkomst_plus' && r[2] === 'parenting'),
    ['progress.shareImproved', 'opkomst_plus', 'parenting', '0', '5', 'false']
  )
  const svg = radarSvg(report.overall.progressByDomain, 'Test <&>')
  t.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/)
  t.equal((svg.match(/<polygon /g) ?? []).length, 2)
  t.equal((svg.match(/class="axis-label"/g) ?? []).length, 2)
  t.match(svg, 'Test &lt;&amp;&gt;')
  t.match(radarSvg([], 'empty'), /suppressed/)
})
