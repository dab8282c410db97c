import { accessEntry, requireVersion, type Caller } from '../core/caller.ts'
import { notFound } from '../core/problems.ts'
import { writeTransaction, type Executor } from '../db/client.ts'
import { lockReferral } from '../db/queries/referrals.ts'
import { screeningCorrectionsOf, type ScreeningCorrection } from '../db/queries/screening.ts'
import { recordAccess, recordScreeningCorrections } from '../db/record.ts'
import { viewOf } from '../domain/access.ts'
import { isoInstant } from '../domain/dates.ts'
import {
  currentCorrections,
  effectiveSituation,
  referrerSituation,
  SCREENING_FIELDS,
  type ScreeningField,
  type StartSituation
} from '../domain/screening.ts'
import type { ServiceDeps } from './deps.ts'

type Deps = Pick<ServiceDeps, 'db'>

/** The programme's screening is its own record: anyone else gets 404, the referrer included. */
async function asProgramme(tx: Executor, caller: Caller, referralId: string) {
  const row = await lockReferral(tx, referralId)
  if (row === undefined || viewOf(caller.principal, row) !== 'programme') throw notFound('Referral')
  return row
}

const recorded = (c: ScreeningCorrection) => ({
  value: c.value,
  at: isoInstant(c.at),
  byOrganisationId: c.byOrganisationId,
  byClientId: c.byClientId,
  byWorkerId: c.byWorkerId
})

function answer(referrer: StartSituation, corrections: ScreeningCorrection[]) {
  const current = currentCorrections(corrections)
  return {
    version: corrections.at(-1)?.version ?? 0,
    referrer,
    programme: Object.fromEntries(
      Object.entries(current).map(([field, c]) => [field, recorded(c as ScreeningCorrection)])
    ) as Partial<Record<ScreeningField, ReturnType<typeof recorded>>>,
    effective: effectiveSituation(referrer, corrections)
  }
}

export async function readScreening(deps: Deps, caller: Caller, referralId: string) {
  return deps.db.transaction(async (tx) => {
    const referral = await asProgramme(tx, caller, referralId)
    await recordAccess(tx, referralId, accessEntry(caller))
    return answer(referrerSituation(referral.details), await screeningCorrectionsOf(tx, referralId))
  })
}

/**
 * The programme records its own value of some fields of the start situation, under `If-Match`
 * (the screening's version, 0 before its first save). The referrer's screening stays as sent.
 */
export async function correctScreening(
  deps: Deps,
  caller: Caller,
  referralId: string,
  ifMatch: string | undefined,
  values: Partial<StartSituation>
) {
  return writeTransaction(deps.db, async (tx) => {
    const referral = await asProgramme(tx, caller, referralId)
    const before = await screeningCorrectionsOf(tx, referralId)
    const version = (before.at(-1)?.version ?? 0) + 1
    requireVersion(ifMatch, version - 1, 'screening')
    await recordScreeningCorrections(
      tx,
      SCREENING_FIELDS.filter((field) => values[field] !== undefined).map((field) => ({
        referralId,
        version,
        field,
        value: values[field] as string | number | boolean,
        byOrganisationId: caller.principal.organisationId,
        byClientId: caller.principal.clientId,
        byWorkerId: caller.actingWorkerId
      }))
    )
    await recordAccess(tx, referralId, accessEntry(caller))
    return answer(referrerSituation(referral.details), await screeningCorrectionsOf(tx, referralId))
  })
}

/** Every value the programme recorded, oldest first. */
export async function screeningHistory(deps: Deps, caller: Caller, referralId: string) {
  return deps.db.transaction(async (tx) => {
    await asProgramme(tx, caller, referralId)
    await recordAccess(tx, referralId, accessEntry(caller))
    return (await screeningCorrectionsOf(tx, referralId)).map((c) => ({
      version: c.version,
      field: c.field,
      ...recorded(c)
    }))
  })
}
