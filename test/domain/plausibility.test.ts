import t from 'tap'
import {
  dueByProblem,
  nameProblem,
  normalizeName,
  outsideGuidance,
  referralRuleErrors
} from '../../src/domain/referral-rules.ts'

const ctx = { today: '2026-12-01', now: new Date('2026-12-01T12:00:00Z'), childMaxAgeMonths: 48 }
const facts = {
  mother: { givenName: 'Samira', familyName: 'Testmoeder', birthDate: '1990-05-01', inszAbsentReason: 'unknown' },
  pregnancy: { expectedDeliveryDate: '2027-02-01' },
  household: { numberOfChildren: 0 },
  consent: { givenAt: '2026-11-30T10:00:00Z', recordedBy: 'Sociale dienst', sharingScope: ['programme'] },
  referrerContact: { name: 'An' }
}

t.test('names: readable, with a letter; stored as NFC', async (t) => {
  t.equal(nameProblem('Zoë'), null)
  t.equal(nameProblem("N'Guessan-Özdemir"), null)
  t.match(nameProblem('Sam\u202Eari'), /bidirectional/)
  t.match(nameProblem('Sam\u0007ira'), /control/)
  t.match(nameProblem('\u200B\u200C'), /letter/, 'zero-width only')
  t.match(nameProblem('   '), /letter/)
  t.equal(normalizeName('Zoe\u0308 '), 'Zoë', 'decomposed ë is composed, and the name trimmed')
  const errors = referralRuleErrors(
    { ...facts, mother: { ...facts.mother, familyName: '\u2067x' }, referrerContact: { name: '\u200B' } },
    ctx
  )
  t.same(
    errors.map((e) => e.pointer),
    ['/mother/familyName', '/referrerContact/name']
  )
})

t.test('consent from 2000 on, not in the future', async (t) => {
  const at = (givenAt: string) =>
    referralRuleErrors({ ...facts, consent: { ...facts.consent, givenAt } }, ctx).map((e) => e.message)
  t.same(at('1999-12-31T23:00:00Z'), ['must not be before 2000'])
  t.same(at('2027-01-01T00:00:00Z'), ['must not be in the future'])
  t.same(at('2026-11-30T10:00:00Z'), [])
})

t.test('a handoff is due within two years, not in the past', async (t) => {
  t.equal(dueByProblem('2026-12-01', '2026-12-01'), null)
  t.equal(dueByProblem('2028-12-01', '2026-12-01'), null)
  t.match(dueByProblem('2028-12-02', '2026-12-01'), /two years/)
  t.match(dueByProblem('9999-12-31', '2026-12-01'), /two years/)
  t.match(dueByProblem('2026-11-30', '2026-12-01'), /past/)
})

t.test('assessments and sessions lie within the guidance', async (t) => {
  t.equal(outsideGuidance('2026-06-01', '2026-05-01', '2026-12-01'), null)
  t.match(outsideGuidance('2026-04-30', '2026-05-01', '2026-12-01'), /before the start of guidance \(2026-05-01\)/)
  t.match(outsideGuidance('2026-12-02', '2026-05-01', '2026-12-01'), /future/)
  t.match(outsideGuidance('2026-06-01', null, '2026-12-01'), /not in guidance/)
  t.match(outsideGuidance('1900-01-01', '2026-05-01', '2026-12-01'), /before/)
  t.equal(outsideGuidance('2026-11-30', '2026-05-01', '2026-12-01', '2026-11-30'), null, 'its last day counts')
  t.match(
    outsideGuidance('2026-12-01', '2026-05-01', '2026-12-01', '2026-11-30'),
    /after the end of guidance \(2026-11-30\)/
  )
})
