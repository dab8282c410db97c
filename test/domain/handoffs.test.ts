import t from 'tap'
import {
  allowedHandoffTransitions,
  checkHandoffTransition,
  HANDOFF_STATUSES,
  housingDecisionError,
  housingExpiresAt,
  HOUSING_DECISIONS,
  validThroughProblem,
  recipientTypeError,
  acceptedTypesError,
  DEFAULT_HANDOFF_TYPES,
  type HandoffRole
} from '../../src/domain/handoffs.ts'
import { ORGANISATION_TYPES, type OrganisationType } from '../../src/domain/vocabulary.ts'

// Issue 6 written out again: requested → received → accepted | rejected, accepted → in-progress → completed | failed, cancelled by the creator.
const EXPECTED: Record<HandoffRole, string[]> = {
  recipient: [
    'requested>received',
    'received>accepted',
    'received>rejected',
    'accepted>in-progress',
    'in-progress>completed',
    'in-progress>failed'
  ],
  creator: ['requested>cancelled', 'received>cancelled', 'accepted>cancelled', 'in-progress>cancelled']
}

t.test('every (from, to, role) triple', async (t) => {
  for (const role of ['recipient', 'creator'] as const) {
    for (const from of HANDOFF_STATUSES) {
      for (const to of HANDOFF_STATUSES) {
        const result = checkHandoffTransition(from, to, role, { reasonCode: 'x_y' })
        t.equal(result.ok, EXPECTED[role].includes(`${from}>${to}`), `${role}: ${from} → ${to}`)
      }
    }
  }
  t.same(allowedHandoffTransitions('received', 'recipient'), ['accepted', 'rejected'])
  t.same(checkHandoffTransition('received', 'rejected', 'recipient', {}), {
    ok: false,
    reason: 'missing_fields',
    missing: ['reasonCode']
  })
})

t.test('housing decisions and recipients', async (t) => {
  const today = '2026-11-26'
  const f = (validThrough: string | null, until?: string) => ({ validThrough, until, today })
  // Every (current, next) pair of the lifecycle: grant or refuse; extend, revoke or allocate a
  // standing grant; grant again after an expiry or a revocation; nothing after allocated or refused.
  const ALLOWED: Record<string, string[]> = {
    none: ['granted', 'refused'],
    granted: ['extended', 'revoked', 'allocated'],
    extended: ['extended', 'revoked', 'allocated'],
    revoked: ['granted'],
    expired: ['granted'],
    allocated: [],
    refused: []
  }
  for (const current of ['none', ...HOUSING_DECISIONS] as const) {
    for (const next of ['granted', 'extended', 'revoked', 'allocated', 'refused'] as const) {
      const error = housingDecisionError(current === 'none' ? null : current, next, f('2026-12-31', '2027-01-31'))
      t.equal(error === null, ALLOWED[current]?.includes(next), `${current} → ${next}: ${error ?? 'allowed'}`)
    }
  }
  t.match(housingDecisionError('granted', 'allocated', f('2026-11-25')), /expired/)
  t.equal(housingDecisionError('granted', 'allocated', f('2026-11-26')), null, 'its last day still counts')
  t.match(housingDecisionError('granted', 'extended', f('2026-12-31', '2026-12-01')), /past the current last day/)
  t.match(housingDecisionError('refused', 'granted', f(null)), /nothing more/)
  t.equal(validThroughProblem('2026-11-25', today), 'must not be in the past')
  t.equal(validThroughProblem('2026-11-26', today), null)
  t.equal(housingExpiresAt('2026-11-30').toISOString(), '2026-11-30T23:00:00.000Z', 'as the next Belgian day begins')
  const org = (type: OrganisationType, over: { acceptedHandoffTypes?: string[]; deactivatedAt?: string } = {}) => ({
    type,
    acceptedHandoffTypes: over.acceptedHandoffTypes ?? DEFAULT_HANDOFF_TYPES[type],
    deactivatedAt: over.deactivatedAt ?? null
  })
  t.match(
    recipientTypeError('housing_priority', org('ocmw', { acceptedHandoffTypes: ['housing_priority'] })),
    /housing/
  )
  t.equal(recipientTypeError('housing_priority', org('housing')), null)
  t.equal(recipientTypeError('income_support', org('ocmw')), null)
  t.match(
    recipientTypeError('income_support', org('ocmw', { acceptedHandoffTypes: ['debt_mediation'] })),
    /does not take income_support/
  )
  t.match(recipientTypeError('income_support', org('ocmw', { deactivatedAt: '2026-11-01T00:00:00Z' })), /deactivated/)
  t.match(recipientTypeError('other', org('operator')), /operator/)
})

t.test('accepted handoff types', async (t) => {
  t.equal(acceptedTypesError('housing', ['housing_priority']), null)
  t.match(acceptedTypesError('ocmw', ['income_support', 'housing_priority']), /only a housing/)
  for (const type of ORGANISATION_TYPES) t.equal(acceptedTypesError(type, DEFAULT_HANDOFF_TYPES[type]), null, type)
})
