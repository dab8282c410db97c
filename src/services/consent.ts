import { accessEntry, requireVersion, type Caller } from '../core/caller.ts'
import { notFound, ProblemError, validationProblem } from '../core/problems.ts'
import { writeTransaction, type Executor } from '../db/client.ts'
import { consentVersionsOf, openHandoffRecipients, type ConsentVersionRow } from '../db/queries/consent.ts'
import { lockReferral, updateReferral, type ReferralRow } from '../db/queries/referrals.ts'
import { recordAccess, recordConsentVersions, recordEvent, type ConsentVersionRow as NewVersion } from '../db/record.ts'
import { viewOf } from '../domain/access.ts'
import { consentChange, handoffsOutsideScope } from '../domain/consent.ts'
import { isoInstant } from '../domain/dates.ts'
import type { ConsentInput } from '../schemas/referrals.ts'
import type { ServiceDeps } from './deps.ts'
import { cancelOpenHandoffs } from './handoffs.ts'

type Deps = Pick<ServiceDeps, 'db'>

/** The mother's consent is the referrer's and the programme's to record; anyone else gets 404. */
async function asParty(tx: Executor, caller: Caller, referralId: string): Promise<ReferralRow> {
  const referral = await lockReferral(tx, referralId)
  const view = referral === undefined ? null : viewOf(caller.principal, referral)
  if (referral === undefined || (view !== 'programme' && view !== 'referrer')) throw notFound('Referral')
  return referral
}

const notInFuture = (at: string, pointer: string) => {
  if (Date.parse(at) > Date.now() + 5 * 60_000)
    throw validationProblem([{ pointer, message: 'must not be in the future' }])
}

/** The consent sent with the referral, as the first version (not written until the consent first changes). */
function firstVersion(referral: ReferralRow): NewVersion {
  const c = referral.details.consent
  return {
    referralId: referral.id,
    version: 1,
    kind: 'given',
    givenAt: c.givenAt,
    recordedBy: c.recordedBy,
    method: c.method,
    sharingScope: [...c.sharingScope],
    documentReference: c.documentReference ?? null,
    byOrganisationId: referral.referrerOrganisationId,
    at: referral.createdAt
  }
}

/** The versions so far, the first written now if it was still only the referral's own. */
async function versionsSoFar(tx: Executor, referral: ReferralRow): Promise<{ next: number; write: NewVersion[] }> {
  const stored = await consentVersionsOf(tx, referral.id)
  if (stored.length > 0) return { next: (stored.at(-1)?.version ?? 0) + 1, write: [] }
  return { next: 2, write: [firstVersion(referral)] }
}

const by = (caller: Caller) => ({
  byOrganisationId: caller.principal.organisationId,
  byClientId: caller.principal.clientId,
  byWorkerId: caller.actingWorkerId
})

const present = (v: ConsentVersionRow | NewVersion) => ({
  version: v.version,
  kind: v.kind,
  givenAt: isoInstant(v.givenAt),
  recordedBy: v.recordedBy,
  method: v.method ?? null,
  sharingScope: v.sharingScope,
  documentReference: v.documentReference ?? null,
  byOrganisationId: v.byOrganisationId ?? null,
  byWorkerId: v.byWorkerId ?? null,
  at: v.at === undefined ? null : isoInstant(v.at)
})

/** Every version of the mother's consent, oldest first; the last is the one that stands. */
export async function consentHistory(deps: Deps, caller: Caller, referralId: string) {
  return deps.db.transaction(async (tx) => {
    const referral = await asParty(tx, caller, referralId)
    const stored = await consentVersionsOf(tx, referralId)
    await recordAccess(tx, referralId, accessEntry(caller))
    return { items: (stored.length > 0 ? stored : [firstVersion(referral)]).map(present) }
  })
}

/**
 * A new version of her consent, under `If-Match` on the referral. A scope that no longer names an
 * organisation type cancels the open handoffs to it (`consent_narrowed`): those recipients lose
 * access in the same transaction. After a withdrawal it is consent given again: it opens the way to
 * new handoffs only; what the withdrawal cancelled stays cancelled.
 */
export async function replaceConsent(
  deps: Deps,
  caller: Caller,
  referralId: string,
  ifMatch: string | undefined,
  input: ConsentInput
) {
  notInFuture(input.givenAt, '/givenAt')
  return writeTransaction(deps.db, async (tx) => {
    const referral = await asParty(tx, caller, referralId)
    requireVersion(ifMatch, referral.version, 'referral')
    if (referral.status === 'entered-in-error')
      throw new ProblemError('transition-not-allowed', 'The referral was entered in error', { allowedTransitions: [] })
    const change = consentChange(
      { sharingScope: referral.details.consent.sharingScope, withdrawn: referral.consentWithdrawnAt !== null },
      input
    )
    const { next, write } = await versionsSoFar(tx, referral)
    const version: NewVersion = {
      referralId,
      version: next,
      kind: change.kind,
      givenAt: new Date(input.givenAt).toISOString(),
      recordedBy: input.recordedBy,
      method: input.method,
      sharingScope: [...input.sharingScope],
      documentReference: input.documentReference ?? null,
      ...by(caller)
    }
    await recordConsentVersions(tx, [...write, version])
    const updated = await updateReferral(tx, referralId, {
      details: { ...referral.details, consent: input },
      consentWithdrawnAt: null,
      consentWithdrawnRecordedBy: null
    })
    const outside = handoffsOutsideScope(await openHandoffRecipients(tx, referralId), input.sharingScope)
    const cancelled =
      outside.length === 0
        ? []
        : await cancelOpenHandoffs(
            tx,
            updated,
            'consent_narrowed',
            { organisationId: caller.principal.organisationId, workerId: caller.actingWorkerId },
            updated.version,
            outside
          )
    await recordEvent(
      tx,
      {
        type: 'referral.updated',
        referralId,
        status: updated.status,
        reasonCode: cancelled.length > 0 ? 'consent_narrowed' : null,
        version: updated.version
      },
      { referrer: referral.referrerOrganisationId, programme: referral.programmeOrganisationId }
    )
    await recordAccess(tx, referralId, accessEntry(caller))
    return { consent: present(version), cancelledHandoffs: cancelled, version: updated.version }
  })
}

/**
 * From `withdrawnAt` on no recipient sees her data: open handoffs are cancelled with
 * `consent_withdrawn` (each told by event); the programme and the referrer hear
 * `referral.consent_withdrawn`; the programme keeps its record (legal retention).
 */
export async function withdrawConsent(
  deps: Deps,
  caller: Caller,
  referralId: string,
  input: { withdrawnAt: string; recordedBy: string }
) {
  notInFuture(input.withdrawnAt, '/withdrawnAt')
  return writeTransaction(deps.db, async (tx) => {
    const referral = await asParty(tx, caller, referralId)
    if (referral.consentWithdrawnAt !== null)
      throw new ProblemError('consent-withdrawn', 'The withdrawal was recorded before')
    const { next, write } = await versionsSoFar(tx, referral)
    await recordConsentVersions(tx, [
      ...write,
      {
        referralId,
        version: next,
        kind: 'withdrawn',
        givenAt: new Date(input.withdrawnAt).toISOString(),
        recordedBy: input.recordedBy,
        sharingScope: [],
        ...by(caller)
      }
    ])
    const updated = await updateReferral(tx, referralId, {
      consentWithdrawnAt: input.withdrawnAt,
      consentWithdrawnRecordedBy: input.recordedBy
    })
    const cancelled = await cancelOpenHandoffs(
      tx,
      referral,
      'consent_withdrawn',
      { organisationId: caller.principal.organisationId, workerId: caller.actingWorkerId },
      updated.version
    )
    await recordEvent(
      tx,
      {
        type: 'referral.consent_withdrawn',
        referralId,
        status: referral.status,
        reasonCode: 'consent_withdrawn',
        version: updated.version
      },
      { referrer: referral.referrerOrganisationId, programme: referral.programmeOrganisationId }
    )
    await recordAccess(tx, referralId, accessEntry(caller))
    return {
      referralId,
      withdrawnAt: new Date(input.withdrawnAt).toISOString(),
      cancelledHandoffs: cancelled,
      version: updated.version
    }
  })
}
