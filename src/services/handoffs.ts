import { accessEntry, requireVersion, type Caller } from '../core/caller.ts'
import { writeTransaction } from '../db/client.ts'
import { notFound, ProblemError, validationProblem } from '../core/problems.ts'
import type { Executor } from '../db/client.ts'
import { findOrganisation } from '../db/queries/organisations.ts'
import { findReferral, lockReferral, type ReferralRow } from '../db/queries/referrals.ts'
import {
  handoffHistoryOf,
  handoffWithParties,
  housingDecisionsOf,
  insertHandoff,
  listHandoffs,
  openHandoffsOfReferral,
  touchReferralOf,
  lockHandoffWithParties,
  updateHandoff,
  type HandoffRow
} from '../db/queries/handoffs.ts'
import { recordAccess, recordEvent, recordHandoffHistory, recordHousingDecision } from '../db/record.ts'
import { recipientAccess, viewOf } from '../domain/access.ts'
import type { Party } from '../domain/audience.ts'
import { belgianDate, isoInstant, isoOrNull as iso } from '../domain/dates.ts'
import { reasonCodeProblem, type ReasonCode } from '../domain/reason-codes.ts'
import { dueByProblem } from '../domain/referral-rules.ts'
import {
  checkHandoffTransition,
  HOUSING_DECIDING_STATUSES,
  housingDecisionError,
  validThroughProblem,
  recipientTypeError,
  type HandoffRole,
  type HandoffStatus,
  type HandoffType
} from '../domain/handoffs.ts'
import { HANDOFF_RECIPIENT_VIEWS, project, recipientView } from '../domain/views.ts'
import { OPEN_STATUSES, type ReferralStatus } from '../domain/vocabulary.ts'
import type { ServiceDeps } from './deps.ts'
import type { HousingDecisionInput } from '../schemas/handoffs.ts'
import { toFull } from './referral-views.ts'
import { activeWorker, workContact } from './workers.ts'
import type { WorkContactRow } from '../db/queries/referrals.ts'

type Deps = Pick<ServiceDeps, 'db' | 'identifiers'>

/** The organisations a handoff's events may name (`EVENT_AUDIENCE` picks who hears which). */
const partiesOf = (
  h: HandoffRow,
  r: { referrerOrganisationId: string; programmeOrganisationId: string }
): Record<Party, string> => ({
  handoffCreator: h.fromOrganisationId,
  handoffRecipient: h.toOrganisationId,
  programme: r.programmeOrganisationId,
  referrer: r.referrerOrganisationId
})

/** What of its referral decides what a handoff's recipient may see (see `recipientAccess`). */
interface ReferralFacts {
  referralStatus: ReferralStatus
  consentWithdrawnAt: string | null
  sharingScope: readonly string[] | null
}

/** Whether the recipient of `h` may see the mother's data now, or only the record of its own work. */
function accessOf(h: HandoffRow, r: ReferralFacts, recipientType: string) {
  return recipientAccess({
    handoffStatus: h.status,
    referralStatus: r.referralStatus,
    consentWithdrawn: r.consentWithdrawnAt !== null,
    consentNamesType: (r.sharingScope ?? []).includes(recipientType)
  })
}

/**
 * A handoff in API shape. As a `record` (a recipient's closed work) it keeps the codes, statuses
 * and dates and drops every free text, which may speak of the mother.
 */
export function presentHandoff(h: HandoffRow, as: 'full' | 'record' = 'full', contact: WorkContactRow | null = null) {
  const text = (value: string | null) => (as === 'record' ? null : value)
  return {
    id: h.id,
    referralId: h.referralId,
    type: h.type,
    status: h.status,
    fromOrganisationId: h.fromOrganisationId,
    toOrganisationId: h.toOrganisationId,
    reason: text(h.reason),
    dueBy: h.dueBy,
    statusReasonCode: h.statusReasonCode,
    statusReason: text(h.statusReason),
    housing:
      h.type !== 'housing_priority'
        ? null
        : {
            decision: h.housingDecision,
            decidedAt: iso(h.housingDecidedAt),
            validUntil: h.housingValidThrough,
            reasonCode: h.housingReasonCode,
            reason: text(h.housingReason),
            allocatedOn: h.allocatedOn,
            municipality: h.allocatedMunicipality
          },
    contact,
    version: h.version,
    createdAt: new Date(h.createdAt).toISOString(),
    updatedAt: new Date(h.updatedAt).toISOString()
  }
}

export async function createHandoff(
  deps: Deps,
  caller: Caller,
  referralId: string,
  input: { type: HandoffType; toOrganisationId: string; reason: string; dueBy?: string | undefined }
) {
  const dueByError = input.dueBy === undefined ? null : dueByProblem(input.dueBy, belgianDate(caller.clock.now()))
  if (dueByError !== null) throw validationProblem([{ pointer: '/dueBy', message: dueByError }])
  return writeTransaction(deps.db, async (tx) => {
    const referral = await lockReferral(tx, referralId)
    const view = referral === undefined ? null : viewOf(caller.principal, referral)
    if (referral === undefined || (view !== 'programme' && view !== 'referrer')) throw notFound('Referral')
    const target = await findOrganisation(tx, input.toOrganisationId)
    if (target === undefined)
      throw validationProblem([{ pointer: '/toOrganisationId', message: 'is not a known organisation' }])
    const typeError = recipientTypeError(input.type, target)
    if (typeError !== null) throw validationProblem([{ pointer: '/toOrganisationId', message: typeError }])
    if (!referral.details.consent.sharingScope.includes(target.type as never)) {
      throw validationProblem([
        {
          pointer: '/toOrganisationId',
          message: `the mother's consent (consent.sharingScope) does not name ${target.type}`
        }
      ])
    }
    if (referral.consentWithdrawnAt !== null)
      throw new ProblemError('consent-withdrawn', 'The mother withdrew her consent: nothing more is handed off')
    if (!OPEN_STATUSES.includes(referral.status))
      throw new ProblemError('referral-closed', `The referral is ${referral.status}`)
    const referralVersion = await touchReferralOf(tx, referralId)
    const handoff = await insertHandoff(tx, {
      referralId,
      type: input.type,
      fromOrganisationId: caller.principal.organisationId as string,
      toOrganisationId: target.id,
      reason: input.reason,
      dueBy: input.dueBy ?? null,
      status: 'requested'
    })
    await recordHandoffHistory(tx, {
      handoffId: handoff.id,
      fromStatus: null,
      toStatus: 'requested',
      byOrganisationId: caller.principal.organisationId,
      byWorkerId: caller.actingWorkerId
    })
    await recordEvent(
      tx,
      {
        type: 'handoff.created',
        referralId,
        handoffId: handoff.id,
        status: 'requested',
        version: handoff.version,
        referralVersion
      },
      partiesOf(handoff, referral)
    )
    await recordAccess(tx, referralId, accessEntry(caller))
    return presentHandoff(handoff)
  })
}

/** Who the caller is to a handoff. Null: 404. */
function roleIn(
  caller: Caller,
  row: NonNullable<Awaited<ReturnType<typeof handoffWithParties>>>
): HandoffRole | 'programme' | null {
  const org = caller.principal.organisationId
  if (org === row.handoff.fromOrganisationId) return 'creator'
  if (org === row.handoff.toOrganisationId) return 'recipient'
  if (org === row.programmeOrganisationId) return 'programme'
  return null
}

/**
 * A handoff as its creator or the programme sees it. Its recipient, while at work on it (see
 * `recipientAccess`), also gets the referral fields its type needs; afterwards the record of its own
 * work, without the mother's data.
 */
export async function readHandoff(deps: Deps, caller: Caller, id: string) {
  const row = await handoffWithParties(deps.db, id)
  const role = row === undefined ? null : roleIn(caller, row)
  if (row === undefined || role === null) throw notFound('Handoff')
  if (role !== 'recipient') return { ...presentHandoff(row.handoff, 'full', row.contact), referral: null }
  const type = caller.principal.organisationType
  if (accessOf(row.handoff, row, type) === 'record')
    return { ...presentHandoff(row.handoff, 'record', row.contact), referral: null }
  const referral = await lockReferralForRead(deps, caller, row.handoff.referralId)
  const fields = HANDOFF_RECIPIENT_VIEWS[recipientView(type)]
  return {
    ...presentHandoff(row.handoff, 'full', row.contact),
    referral: project(toFull(deps.identifiers, referral, `recipient:${type}`), fields)
  }
}

/** The recipient's read of the referral, with its access-log row in the same transaction. */
async function lockReferralForRead(deps: Deps, caller: Caller, referralId: string): Promise<ReferralRow> {
  return deps.db.transaction(async (tx) => {
    const referral = (await findReferral(tx, referralId)) as ReferralRow
    await recordAccess(tx, referralId, accessEntry(caller))
    return referral
  })
}

/** What the caller sent or received; a recipient's closed work as its record, without free text. */
export async function handoffList(
  deps: Deps,
  caller: Caller,
  q: {
    status?: string | undefined
    type?: string | undefined
    updatedSince?: string | undefined
    after: [string, string] | null
    limit: number
  }
) {
  const organisationId = caller.principal.organisationId as string
  const rows = await listHandoffs(deps.db, { organisationId, ...q, limit: q.limit + 1 })
  const page = rows.slice(0, q.limit)
  const last = page.at(-1)?.handoff
  const shown = (r: (typeof page)[number]) =>
    r.handoff.toOrganisationId === organisationId && r.handoff.fromOrganisationId !== organisationId
      ? accessOf(r.handoff, r, caller.principal.organisationType) === 'projection'
        ? 'full'
        : 'record'
      : 'full'
  return {
    items: page.map((r) => presentHandoff(r.handoff, shown(r), r.contact)),
    next: rows.length > q.limit && last !== undefined ? ([last.updatedAt, last.id] as [string, string]) : null
  }
}

export async function handoffHistory(deps: Deps, caller: Caller, id: string) {
  const row = await handoffWithParties(deps.db, id)
  const role = row === undefined ? null : roleIn(caller, row)
  if (row === undefined || role === null) throw notFound('Handoff')
  const record = role === 'recipient' && accessOf(row.handoff, row, caller.principal.organisationType) === 'record'
  // Its reasons are free text about her: a read of her record.
  await recordAccess(deps.db, row.handoff.referralId, accessEntry(caller))
  return (await handoffHistoryOf(deps.db, id)).map((h) => ({
    kind: 'status' as const,
    fromStatus: h.fromStatus,
    toStatus: h.toStatus,
    byOrganisationId: h.byOrganisationId,
    byWorkerId: h.byWorkerId,
    assignedWorkerId: null,
    reasonCode: h.reasonCode,
    reason: record ? null : h.reason,
    at: new Date(h.at).toISOString()
  }))
}

export async function transitionHandoff(
  deps: Deps,
  caller: Caller,
  id: string,
  ifMatch: string | undefined,
  input: {
    status: HandoffStatus
    reasonCode?: string | undefined
    reason?: string | undefined
    contactWorkerId?: string | undefined
  }
) {
  return writeTransaction(deps.db, async (tx) => {
    const row = await lockHandoffWithParties(tx, id)
    const role = row === undefined ? null : roleIn(caller, row)
    if (row === undefined || role === null) throw notFound('Handoff')
    if (role === 'programme')
      throw new ProblemError('transition-not-allowed', 'Only the creator and the recipient change a handoff', {
        allowedTransitions: []
      })
    requireVersion(ifMatch, row.handoff.version, 'handoff')
    const check = checkHandoffTransition(row.handoff.status, input.status, role, input)
    if (!check.ok && check.reason === 'not_allowed') {
      throw new ProblemError(
        'transition-not-allowed',
        `The ${role} cannot move a handoff from ${row.handoff.status} to ${input.status}`,
        { allowedTransitions: check.allowed }
      )
    }
    if (!check.ok)
      throw validationProblem(
        check.missing.map((f) => ({ pointer: `/${f}`, message: `is required to move to ${input.status}` }))
      )
    const codeProblem =
      input.reasonCode === undefined ? null : reasonCodeProblem(`handoff.${input.status}`, input.reasonCode)
    if (codeProblem !== null) throw validationProblem([{ pointer: '/reasonCode', message: codeProblem }])
    if (input.contactWorkerId !== undefined && input.status !== 'accepted')
      throw validationProblem([{ pointer: '/contactWorkerId', message: 'is named when accepting' }])
    const contact =
      input.contactWorkerId === undefined
        ? null
        : await activeWorker(tx, caller.principal.organisationId, input.contactWorkerId, '/contactWorkerId')
    const updated = await updateHandoff(tx, id, {
      status: input.status,
      statusReasonCode: input.reasonCode ?? null,
      statusReason: input.reason ?? null,
      ...(contact === null ? {} : { contactWorkerId: contact.id })
    })
    const referralVersion = await touchReferralOf(tx, updated.referralId)
    await recordHandoffHistory(tx, {
      handoffId: id,
      fromStatus: row.handoff.status,
      toStatus: input.status,
      byOrganisationId: caller.principal.organisationId,
      byWorkerId: caller.actingWorkerId,
      reasonCode: input.reasonCode ?? null,
      reason: input.reason ?? null
    })
    await recordEvent(
      tx,
      {
        type: 'handoff.status_changed',
        referralId: updated.referralId,
        handoffId: id,
        status: input.status,
        reasonCode: input.reasonCode ?? null,
        version: updated.version,
        referralVersion
      },
      partiesOf(updated, row)
    )
    return presentHandoff(updated, 'full', contact === null ? row.contact : workContact(contact))
  })
}

/** The columns of a handoff a housing decision sets: the decision stands there, its record in `housing_decisions`. */
function housingColumns(input: HousingDecisionInput, current: HandoffRow): Partial<HandoffRow> {
  switch (input.decision) {
    case 'granted':
    case 'extended':
      return { housingValidThrough: input.validUntil ?? null, housingReasonCode: null, housingReason: null }
    case 'revoked':
    case 'refused':
      return { housingReasonCode: input.reasonCode ?? null, housingReason: input.reason ?? null }
    case 'allocated':
      return {
        allocatedOn: input.allocatedOn ?? null,
        allocatedMunicipality: input.municipality ?? null,
        housingValidThrough: current.housingValidThrough
      }
  }
}

/**
 * A housing company's decision on a priority it accepted: grant (valid through a Belgian date),
 * extend, revoke (coded), allocate, or refuse; granted again after an expiry or a revocation.
 * Each is stored with who and when (`housing_decisions`) and raises `housing_priority.decided`.
 */
export async function decideHousing(deps: Deps, caller: Caller, id: string, input: HousingDecisionInput) {
  return writeTransaction(deps.db, async (tx) => {
    const row = await lockHandoffWithParties(tx, id)
    if (row === undefined || roleIn(caller, row) !== 'recipient') throw notFound('Handoff')
    const h = row.handoff
    if (h.type !== 'housing_priority')
      throw new ProblemError('not-housing-priority', 'Only a housing_priority handoff takes a housing decision')
    if (!HOUSING_DECIDING_STATUSES.includes(h.status))
      throw new ProblemError(
        'housing-decision-not-allowed',
        `The handoff is ${h.status}: decide once you accepted it, while it is accepted or in progress`
      )
    const today = belgianDate(caller.clock.now())
    if (input.validUntil !== undefined) {
      const problem = validThroughProblem(input.validUntil, today)
      if (problem !== null) throw validationProblem([{ pointer: '/validUntil', message: problem }])
    }
    const error = housingDecisionError(h.housingDecision, input.decision, {
      validThrough: h.housingValidThrough,
      until: input.validUntil,
      today
    })
    if (error !== null) throw new ProblemError('housing-decision-not-allowed', error)
    const at = caller.clock.now().toISOString()
    const updated = await updateHandoff(tx, id, {
      housingDecision: input.decision,
      housingDecidedAt: at,
      ...housingColumns(input, h)
    })
    await recordHousingDecision(tx, {
      handoffId: id,
      decision: input.decision,
      validThrough: updated.housingValidThrough,
      reasonCode: input.reasonCode ?? null,
      reason: input.reason ?? null,
      allocatedOn: input.allocatedOn ?? null,
      municipality: input.municipality ?? null,
      byOrganisationId: caller.principal.organisationId,
      byClientId: caller.principal.clientId,
      byWorkerId: caller.actingWorkerId,
      at
    })
    const referralVersion = await touchReferralOf(tx, updated.referralId)
    // The referrer hears of it as a change of its view (the decision shows there); the programme fetches the details.
    await recordEvent(
      tx,
      {
        type: 'housing_priority.decided',
        referralId: updated.referralId,
        handoffId: id,
        status: input.decision,
        reasonCode: input.reasonCode ?? null,
        version: updated.version,
        referralVersion
      },
      partiesOf(updated, row)
    )
    return presentHandoff(updated, 'full', row.contact)
  })
}

/** Every decision on a housing priority, oldest first: for the housing company and the handoff's creator. */
export async function housingDecisionHistory(deps: Deps, caller: Caller, id: string) {
  const row = await handoffWithParties(deps.db, id)
  const role = row === undefined ? null : roleIn(caller, row)
  if (row === undefined || role === null) throw notFound('Handoff')
  // Whether she got housing priority, and why not, is about her: a read of her record.
  await recordAccess(deps.db, row.handoff.referralId, accessEntry(caller))
  return (await housingDecisionsOf(deps.db, id)).map((d) => ({
    decision: d.decision,
    validThrough: d.validThrough,
    reasonCode: d.reasonCode,
    reason: d.reason,
    allocatedOn: d.allocatedOn,
    municipality: d.municipality,
    byOrganisationId: d.byOrganisationId,
    byWorkerId: d.byWorkerId,
    at: isoInstant(d.at)
  }))
}

/**
 * Cancels the open handoffs of a referral (all, or `only` these) with a coded reason, each with its
 * history row and its event, in the caller's transaction (consent withdrawn or narrowed, referral
 * ended or entered in error). Answers their ids.
 */
export async function cancelOpenHandoffs(
  tx: Executor,
  referral: { id: string; referrerOrganisationId: string; programmeOrganisationId: string },
  reasonCode: ReasonCode,
  by: { organisationId: string | null; workerId: string | null },
  referralVersion: number,
  only?: readonly string[]
): Promise<string[]> {
  const open = (await openHandoffsOfReferral(tx, referral.id)).filter((h) => only === undefined || only.includes(h.id))
  for (const h of open) {
    const cancelled = await updateHandoff(tx, h.id, {
      status: 'cancelled',
      statusReasonCode: reasonCode,
      statusReason: null
    })
    await recordHandoffHistory(tx, {
      handoffId: h.id,
      fromStatus: h.status,
      toStatus: 'cancelled',
      byOrganisationId: by.organisationId,
      byWorkerId: by.workerId,
      reasonCode
    })
    await recordEvent(
      tx,
      {
        type: 'handoff.status_changed',
        referralId: referral.id,
        handoffId: h.id,
        status: 'cancelled',
        reasonCode,
        version: cancelled.version,
        referralVersion
      },
      partiesOf(cancelled, referral)
    )
  }
  return open.map((h) => h.id)
}
