import t from 'tap'
import {
  OUTCOMES,
  OUTCOMES_FOR,
  outcomeOf,
  outcomeProblem,
  REASON_CODES,
  REASON_CODES_FOR,
  reasonCodeProblem
} from '../../src/domain/reason-codes.ts'

t.test('every code has a Dutch and an English label, and every use lists known codes', async (t) => {
  for (const [code, label] of Object.entries(REASON_CODES)) {
    t.match(code, /^[a-z][a-z0-9_]+$/)
    t.ok(label.nl.length > 0 && label.en.length > 0, `${code} has both labels`)
  }
  for (const [use, codes] of Object.entries(REASON_CODES_FOR)) {
    t.ok(codes.length > 0, use)
    for (const code of codes) t.ok(code in REASON_CODES, `${use}: ${code}`)
  }
  t.equal(reasonCodeProblem('referral.rejected', 'not_eligible'), null)
  t.match(reasonCodeProblem('referral.rejected', 'hospitalised'), /must be one of/)
})

t.test('outcomes: labelled, split by ending, a failure read from its reason code', async (t) => {
  for (const [code, label] of Object.entries(OUTCOMES)) t.ok(label.nl.length > 0 && label.en.length > 0, code)
  t.same([...OUTCOMES_FOR.completed, ...OUTCOMES_FOR.failed].sort(), Object.keys(OUTCOMES).sort())
  t.equal(outcomeOf('completed', 'transferred', undefined), 'transferred')
  t.equal(outcomeOf('failed', undefined, 'unreachable'), 'not_reached')
  for (const code of REASON_CODES_FOR['referral.failed']) t.not(outcomeOf('failed', undefined, code), null, code)
  t.equal(outcomeOf('accepted', undefined, undefined), null)
  t.equal(outcomeProblem('completed', 'guidance_completed'), null)
  t.match(outcomeProblem('completed', 'not_reached'), /guidance_completed, transferred/)
  t.match(outcomeProblem('accepted', 'declined'), /only when completing or failing/)
})
