import t from 'tap'
import { BOOTSTRAP_OPERATOR, type Principal } from '../../src/core/caller.ts'
import { recipientAccess, transitionRole, viewOf } from '../../src/domain/access.ts'
import { HANDOFF_STATUSES, OPEN_HANDOFF_STATUSES } from '../../src/domain/handoffs.ts'
import { REFERRAL_STATUSES } from '../../src/domain/vocabulary.ts'

t.test(
  'a recipient sees the referral only while its handoff is at work, consent stands and names it, and the referral is not in error',
  async (t) => {
    let projections = 0
    for (const handoffStatus of HANDOFF_STATUSES) {
      for (const referralStatus of REFERRAL_STATUSES) {
        for (const consentWithdrawn of [false, true]) {
          for (const consentNamesType of [true, false]) {
            const access = recipientAccess({ handoffStatus, referralStatus, consentWithdrawn, consentNamesType })
            const expected =
              OPEN_HANDOFF_STATUSES.includes(handoffStatus) &&
              !consentWithdrawn &&
              consentNamesType &&
              referralStatus !== 'entered-in-error'
                ? 'projection'
                : 'record'
            if (access !== expected)
              t.fail(`${handoffStatus} × ${referralStatus} × withdrawn ${consentWithdrawn} × named ${consentNamesType}`)
            if (access === 'projection') projections++
          }
        }
      }
    }
    // 4 working handoff statuses × 9 referral statuses that are not in error, consent standing and naming the type.
    t.equal(projections, 4 * 9)
    for (const ended of ['cancelled', 'rejected', 'completed', 'failed'] as const) {
      t.equal(
        recipientAccess({
          handoffStatus: ended,
          referralStatus: 'in-progress',
          consentWithdrawn: false,
          consentNamesType: true
        }),
        'record',
        ended
      )
    }
    t.equal(
      recipientAccess({
        handoffStatus: 'accepted',
        referralStatus: 'entered-in-error',
        consentWithdrawn: false,
        consentNamesType: true
      }),
      'record'
    )
  }
)

t.test('the parties of a referral are its referrer, its programme and the operator; anyone else none', async (t) => {
  const row = { referrerOrganisationId: 'h', programmeOrganisationId: 'p' }
  const org = (organisationId: string, scopes: Principal['scopes']): Principal => ({
    kind: 'organisation',
    clientId: 'c',
    organisationId,
    organisationType: 'hospital',
    scopes,
    idempotencyScope: 'c'
  })
  const operator = BOOTSTRAP_OPERATOR
  t.equal(viewOf(org('h', ['referrals:write']), row), 'referrer')
  t.equal(viewOf(org('p', ['referrals:manage']), row), 'programme')
  t.equal(viewOf(operator, row), 'operator')
  t.equal(viewOf(org('x', ['referrals:read']), row), null)
  t.equal(transitionRole(org('p', ['referrals:manage']), row), 'programme')
  t.equal(transitionRole(org('p', ['referrals:read']), row), null, 'the programme needs referrals:manage')
  t.equal(transitionRole(org('h', ['referrals:read']), row), null, 'the referrer needs referrals:write')
  t.equal(transitionRole(org('h', ['referrals:write']), row), 'referrer')
  t.equal(transitionRole(operator, row), 'admin')
  t.equal(transitionRole(org('x', ['referrals:write']), row), null)
})
