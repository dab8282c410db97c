import { accessEntry, type AccessEntry, type Caller } from '../core/caller.ts'
import { notFound, ProblemError } from '../core/problems.ts'
import { writeTransaction, type Executor } from '../db/client.ts'
import { lockReferral, updateReferral, type ReferralRow } from '../db/queries/referrals.ts'
import { eraseAroundReferral, referralsPastRetention } from '../db/queries/retention.ts'
import { recordAccess, recordEvent } from '../db/record.ts'
import { belgianDate } from '../domain/dates.ts'
import { parseSpan } from '../domain/deadlines.ts'
import { CLOSED_STATUSES, pseudonymisedDetails, type ErasureReasonCode } from '../domain/retention.ts'
import { motherIdentity } from '../domain/impact-report.ts'
import type { ServiceDeps } from './deps.ts'

type Deps = Pick<ServiceDeps, 'db' | 'identifiers' | 'config'>

/**
 * Pseudonymises one referral in the caller's transaction: identity, contact, address, free text,
 * the INSZ ciphertext and blind index are erased; what the impact report needs stays, and she is
 * counted by her pseudonym. The access log keeps its rows (they hold ids only) and gains this one.
 */
async function pseudonymise(
  deps: Deps,
  tx: Executor,
  referral: ReferralRow,
  reasonCode: ErasureReasonCode,
  entry: AccessEntry
): Promise<ReferralRow> {
  const startDay = belgianDate(new Date(referral.acceptedAt ?? referral.createdAt))
  const updated = await updateReferral(tx, referral.id, {
    details: pseudonymisedDetails(referral.details, startDay),
    externalReference: `erased-${referral.id}`,
    inszCiphertext: null,
    inszBlindIndex: null,
    statusReason: null,
    redirectSuggestion: null,
    outcomeNote: null,
    consentWithdrawnRecordedBy: null,
    motherPseudonym: deps.identifiers.pseudonym(motherIdentity(referral)),
    pseudonymisedAt: new Date().toISOString(),
    erasureReasonCode: reasonCode
  })
  await eraseAroundReferral(tx, referral.id)
  await recordEvent(
    tx,
    { type: 'referral.updated', referralId: referral.id, status: updated.status, reasonCode, version: updated.version },
    { referrer: referral.referrerOrganisationId, programme: referral.programmeOrganisationId }
  )
  await recordAccess(tx, referral.id, entry)
  return updated
}

/**
 * The daily job: every closed referral whose last change is older than RETENTION_AFTER_CLOSURE,
 * each in a transaction of its own. Answers how many it pseudonymised.
 */
export async function pseudonymiseExpired(deps: Deps, now = new Date(), batch = 500): Promise<number> {
  const retention = parseSpan(deps.config.RETENTION_AFTER_CLOSURE) as { ms: number }
  const before = new Date(now.getTime() - retention.ms).toISOString()
  let done = 0
  for (const { id } of await referralsPastRetention(deps.db, before, batch)) {
    await writeTransaction(deps.db, async (tx) => {
      const referral = await lockReferral(tx, id)
      if (referral === undefined || referral.pseudonymisedAt !== null) return
      await pseudonymise(deps, tx, referral, 'retention_expired', {
        organisationId: null,
        clientId: null,
        onBehalfOfWorkerId: null,
        action: 'pseudonymise',
        purpose: 'retention period after closure ran out',
        requestId: `retention-${now.toISOString()}`
      })
      done++
    })
  }
  return done
}

/**
 * The operator erases a mother's data at once on her request (GDPR art. 17), with a coded reason.
 * An open referral is refused: the programme closes it first (she declined), which settles its
 * handoffs; then nothing of her is left to be processed.
 */
export async function eraseReferral(deps: Deps, caller: Caller, id: string, reasonCode: ErasureReasonCode) {
  return writeTransaction(deps.db, async (tx) => {
    const referral = await lockReferral(tx, id)
    if (referral === undefined) throw notFound('Referral')
    if (!CLOSED_STATUSES.includes(referral.status))
      throw new ProblemError('open-work', `The referral is ${referral.status}: the programme closes it before erasure`)
    const updated =
      referral.pseudonymisedAt !== null
        ? referral
        : await pseudonymise(deps, tx, referral, reasonCode, accessEntry(caller, 'erasure'))
    return {
      referralId: id,
      pseudonymisedAt: new Date(updated.pseudonymisedAt as string).toISOString(),
      reasonCode: updated.erasureReasonCode as ErasureReasonCode
    }
  })
}
