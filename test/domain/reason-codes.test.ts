import t from 'tap'
import { REASON_CODES, REASON_CODES_FOR, reasonCodeProblem } from '../../src/domain/reason-codes.ts'

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
