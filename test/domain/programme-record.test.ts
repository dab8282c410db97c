import t from 'tap'
import { mergeAssessment } from '../../src/domain/assessments.ts'
import { currentCorrections, effectiveSituation, type StartSituation } from '../../src/domain/screening.ts'

const twelve = {
  income: 1,
  debts: 2,
  housing: 2,
  daily_activities: 3,
  household_relations: 3,
  parenting: 4,
  mental_health: 2,
  physical_health: 3,
  social_network: 1,
  community_participation: 2,
  administration: 3,
  legal_status: 2
}

t.test('an assessment patch changes what it names and keeps the rest', async (t) => {
  const current = { assessedOn: '2026-06-01', scores: twelve, notes: { income: 'Geen leefloon' } }
  const merged = mergeAssessment(current, { scores: { debts: 4 } })
  t.same(merged?.scores, { ...twelve, debts: 4 }, 'the other eleven stay')
  t.same(merged?.notes, { income: 'Geen leefloon' })
  t.equal(merged?.assessedOn, '2026-06-01')

  const cleared = mergeAssessment(current, { scores: { debts: null }, notes: { income: null, housing: 'Wachtlijst' } })
  t.notOk(cleared !== null && 'debts' in cleared.scores, 'null clears a score')
  t.same(cleared?.notes, { housing: 'Wachtlijst' }, 'and a note')
  t.equal(
    mergeAssessment({ ...current, scores: { income: 1 } }, { scores: { income: null } }),
    null,
    'no score left: refused'
  )
  t.same(current.scores, twelve, 'the current document is not changed')
})

t.test("the programme's value of a field counts, the latest winning; the rest is the referrer's", async (t) => {
  const referrer: StartSituation = {
    income: 'vulnerable',
    employment: 'unknown',
    education: 'unknown',
    housing: 'vulnerable',
    childDevelopment: 'unknown',
    health: 'unknown',
    incomeSource: 'none',
    housingSituation: 'overcrowded',
    livesAloneWithChildren: true,
    numberOfChildren: 1
  }
  const corrections = [
    { field: 'incomeSource', value: 'work', id: 1 },
    { field: 'incomeSource', value: 'benefit', id: 2 },
    { field: 'numberOfChildren', value: 2, id: 3 }
  ] as const
  t.same(effectiveSituation(referrer, corrections), { ...referrer, incomeSource: 'benefit', numberOfChildren: 2 })
  t.same(effectiveSituation(referrer, []), referrer)
  t.same(Object.fromEntries(Object.entries(currentCorrections(corrections)).map(([f, c]) => [f, c.id])), {
    incomeSource: 2,
    numberOfChildren: 3
  })
})
