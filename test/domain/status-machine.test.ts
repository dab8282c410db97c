import t from 'tap'
import { allowedTransitions, checkTransition, type TransitionRole } from '../../src/domain/status-machine.ts'
import { REFERRAL_STATUSES, type ReferralStatus } from '../../src/domain/vocabulary.ts'

// DESIGN §2 written out again, independently of the module under test: "from>to" per role.
const EXPECTED: Record<TransitionRole, string[]> = {
  programme: [
    'requested>received',
    'requested>accepted',
    'received>accepted',
    'requested>rejected',
    'received>rejected',
    'accepted>in-progress',
    'accepted>on-hold',
    'in-progress>on-hold',
    'accepted>failed',
    'in-progress>failed',
    'on-hold>failed',
    'in-progress>completed'
  ],
  referrer: [
    'requested>cancelled',
    'received>cancelled',
    'accepted>cancelled',
    'requested>entered-in-error',
    'received>entered-in-error'
  ],
  admin: REFERRAL_STATUSES.filter((s) => s !== 'entered-in-error').map((s) => `${s}>entered-in-error`)
}
const REQUIRED: Partial<Record<ReferralStatus, string[]>> = {
  accepted: ['track'],
  rejected: ['reasonCode'],
  cancelled: ['reasonCode'],
  'in-progress': ['firstContactOn'],
  'on-hold': ['reasonCode'],
  failed: ['reasonCode'],
  completed: ['outcome'],
  'entered-in-error': ['reasonCode']
}
const ALL_FIELDS = {
  track: 'opkomst',
  reasonCode: 'x',
  firstContactOn: '2026-01-01',
  outcome: 'ok'
}

t.test('every (from, to, role) triple', async (t) => {
  let checked = 0
  for (const role of ['programme', 'referrer', 'admin'] as const) {
    for (const from of REFERRAL_STATUSES) {
      for (const to of REFERRAL_STATUSES) {
        const expected = EXPECTED[role].includes(`${from}>${to}`)
        const result = checkTransition(from, to, role, ALL_FIELDS, null)
        t.equal(result.ok, expected, `${role}: ${from} → ${to}`)
        if (!result.ok && result.reason === 'not_allowed') t.same(result.allowed, allowedTransitions(from, role, null))
        checked++
      }
    }
  }
  t.equal(checked, 3 * 10 * 10)
})

t.test('on-hold returns to the status before it, and only for the programme', async (t) => {
  for (const before of ['accepted', 'in-progress'] as const) {
    t.same(allowedTransitions('on-hold', 'programme', before), [before, 'failed'])
    t.same(checkTransition('on-hold', before, 'programme', {}, before), { ok: true }, 'nothing required to resume')
    t.equal(checkTransition('on-hold', before, 'referrer', {}, before).ok, false)
  }
  const other = before2other('accepted')
  t.match(checkTransition('on-hold', other, 'programme', ALL_FIELDS, 'accepted'), { ok: false, reason: 'not_allowed' })
})
function before2other(s: 'accepted'): ReferralStatus {
  return s === 'accepted' ? 'in-progress' : 'accepted'
}

t.test('each target requires its fields', async (t) => {
  for (const role of ['programme', 'referrer', 'admin'] as const) {
    for (const pair of EXPECTED[role]) {
      const [from, to] = pair.split('>') as [ReferralStatus, ReferralStatus]
      const required = REQUIRED[to] ?? []
      const result = checkTransition(from, to, role, {}, null)
      if (required.length === 0) t.same(result, { ok: true }, pair)
      else t.same(result, { ok: false, reason: 'missing_fields', missing: required }, `${role} ${pair}`)
      t.match(
        checkTransition(from, to, role, { ...ALL_FIELDS, [required[0] ?? 'x']: '' }, null),
        { ok: required.length === 0 },
        'empty strings do not count'
      )
    }
  }
})
