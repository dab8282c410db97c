import { randomUUID } from 'node:crypto'
import { Value } from 'typebox/value'
import { accessEntry, requireVersion, type Caller } from '../core/caller.ts'
import { invalidParameters, notFound, ProblemError, validationProblem } from '../core/problems.ts'
import { sealAnswer, type AnswerToStore } from '../db/idempotency.ts'
import { inTransaction, writeTransaction } from '../db/client.ts'
import { hasAssessment } from '../db/queries/assessments.ts'
import { handoffsOfReferral, handoffsOfReferrals, openHandoffsOfReferral } from '../db/queries/handoffs.ts'
import {
  accessLogOf,
  feedbackOf,
  historyOf,
  insertReferral,
  insertReferralIn,
  listReferralPage,
  lockMother,
  lockReferral,
  openReferralsOfMother,
  referralForReader,
  referralHead,
  updateReferral,
  updateReferralIfAt,
  type NewReferral,
  type NewReferralRow,
  type ReferralFilter,
  type ReaderRow,
  type Transition,
  type ReferralRow
} from '../db/queries/referrals.ts'
import { recordAccess, recordAccessToMany, recordEvent, recordReferralHistory } from '../db/record.ts'
import { listSideOf, transitionRole, viewFields, viewOf, type AnyView } from '../domain/access.ts'
import type { ReferralView } from '../domain/views.ts'
import type { ReferralStatus } from '../domain/vocabulary.ts'
import { belgianDate, isoInstant as isoOf } from '../domain/dates.ts'
import { normalizeInsz } from '../domain/insz.ts'
import { outcomeOf, outcomeProblem, type ReasonCode, reasonCodeProblem } from '../domain/reason-codes.ts'
import { normalizeName, referralRuleErrors, type RuleContext } from '../domain/referral-rules.ts'
import { routeReferral } from '../domain/routing.ts'
import { checkTransition } from '../domain/status-machine.ts'
import { ReferralInput, type ReferralDetails, type ReferralPatch, type TransitionInput } from '../schemas/referrals.ts'
import type { ServiceDeps } from './deps.ts'
import { cancelOpenHandoffs } from './handoffs.ts'
import { present, toFull, type ViewResult } from './referral-views.ts'
import { activeWorker } from './workers.ts'

type Deps = Pick<ServiceDeps, 'db' | 'identifiers' | 'config'>
/** Intake routes through the programmes this process keeps. */
type IntakeDeps = Deps & Pick<ServiceDeps, 'programmes'>

function ruleContext(deps: Deps, now: Date): RuleContext {
  return { today: belgianDate(now), now, childMaxAgeMonths: deps.config.CHILD_MAX_AGE_MONTHS }
}

async function routeToProgramme(deps: IntakeDeps, input: ReferralInput): Promise<string> {
  const route = async (fresh: boolean) =>
    routeReferral(await deps.programmes.programmes(fresh), input.programmeId, input.mother.address?.postalCode)
  let routing = await route(false)
  // A programme onboarded a moment ago, in another process, may not be heard of yet: look again.
  if ('problem' in routing) routing = await route(true)
  if ('problem' in routing) throw validationProblem([routing.problem])
  return routing.programmeId
}

function splitInput(input: ReferralInput): ReferralDetails {
  const { externalReference: _e, programmeId: _p, mother, ...rest } = input
  const { insz: _i, ...motherWithoutInsz } = mother
  return { ...rest, mother: motherWithoutInsz }
}

/** The people's names of a referral as they are stored (`normalizeName`). */
function withNormalizedNames(input: ReferralInput): ReferralInput {
  return {
    ...input,
    mother: {
      ...input.mother,
      givenName: normalizeName(input.mother.givenName),
      familyName: normalizeName(input.mother.familyName)
    },
    consent: { ...input.consent, recordedBy: normalizeName(input.consent.recordedBy) },
    referrerContact: { ...input.referrerContact, name: normalizeName(input.referrerContact.name) }
  }
}

const NEW_VERSION = 1

type IntakeRow = Pick<
  ReferralRow,
  | 'id'
  | 'referrerOrganisationId'
  | 'programmeOrganisationId'
  | 'externalReference'
  | 'details'
  | 'inszCiphertext'
  | 'inszBlindIndex'
  | 'possibleDuplicateOf'
> & { at: string }

/** The referrer's view of a referral as intake writes it, at the time it gives it (`row.at`). */
function intakeAnswer(deps: Deps, created: IntakeRow): string {
  const row: ReferralRow = {
    ...created,
    status: 'requested',
    version: NEW_VERSION,
    statusBeforeHold: null,
    statusReasonCode: null,
    statusReason: null,
    redirectSuggestion: null,
    track: null,
    assignedWorkerId: null,
    firstContactOn: null,
    outcome: null,
    outcomeNote: null,
    acceptedAt: null,
    consentWithdrawnAt: null,
    consentWithdrawnRecordedBy: null,
    pseudonymisedAt: null,
    erasureReasonCode: null,
    motherPseudonym: null,
    createdAt: created.at,
    updatedAt: created.at
  }
  const requested = { status: 'requested', at: isoOf(created.at), reasonCode: null }
  return JSON.stringify(
    present(deps.identifiers, { ...row, statusHistory: [requested], programmeContact: null }, 'referrer').body
  )
}

/**
 * Refers a mother. Answers with the referrer's view as sent (JSON), which the intake statement also
 * stores as the request's idempotent answer when `answerToStore` gives one (from the new id and version).
 */
export async function createReferral(
  deps: IntakeDeps,
  caller: Caller,
  sent: ReferralInput,
  answerToStore: (created: { id: string; version: number }) => AnswerToStore | null = () => null
): Promise<{ id: string; version: number; answer: string }> {
  const input = withNormalizedNames(sent)
  const now = caller.clock.now()
  const errors = referralRuleErrors(input, ruleContext(deps, now))
  if (errors.length > 0) throw validationProblem(errors)
  const programmeId = await routeToProgramme(deps, input)
  const referrerId = caller.principal.organisationId as string
  const id = randomUUID()
  const insz = input.mother.insz === undefined ? null : normalizeInsz(input.mother.insz)
  const blindIndex = insz === null ? null : deps.identifiers.blindIndex(insz)

  const row = {
    id,
    referrerOrganisationId: referrerId,
    programmeOrganisationId: programmeId,
    externalReference: input.externalReference,
    details: splitInput(input),
    inszCiphertext: insz === null ? null : deps.identifiers.encrypt(insz, id),
    inszBlindIndex: blindIndex,
    possibleDuplicateOf: null as string | null,
    // The application's clock, not the database's: the answer (and a stored replay of it) is whole before the write.
    at: now.toISOString()
  }
  const entry = accessEntry(caller)
  const store = answerToStore({ id, version: NEW_VERSION })
  const referral = (possibleDuplicateOf: string | null): NewReferral => {
    const created = { ...row, possibleDuplicateOf }
    const body = intakeAnswer(deps, created)
    return {
      row: created,
      entry,
      answer: { body, store, sealed: store === null ? null : sealAnswer(deps.identifiers, store, body) }
    }
  }
  // Without an INSZ there is no one to compare: grouped with concurrent intakes. With one, intake
  // of the same mother is serialised and checked first.
  const result =
    blindIndex === null
      ? await insertReferral(deps.db, referral(null))
      : await inTransaction(deps.db, async (client) => {
          await lockMother(client, blindIndex)
          const open = await openReferralsOfMother(client, blindIndex)
          const own = open.find((r) => r.referrerOrganisationId === referrerId)
          if (own !== undefined) {
            throw new ProblemError('duplicate-referral', 'Your organisation has an open referral for this mother', {
              existingReferralId: own.id
            })
          }
          // Another organisation referred her too: accepted, and flagged to the programme only.
          return insertReferralIn(client, referral(open[0]?.id ?? null))
        })
  if ('duplicateExternalReference' in result) {
    throw new ProblemError(
      'duplicate-external-reference',
      'Your organisation already sent a referral with this externalReference'
    )
  }
  return { id, version: NEW_VERSION, answer: result.answer }
}

/**
 * Whose referrals a caller reads: any (null) for the operator, else its organisation's. The read
 * logs what it finds, so what it finds must be exactly what `viewOf` lets the caller see.
 */
/** The parties of a referral, as its events' audience names them. */
export const partiesOf = (r: { referrerOrganisationId: string; programmeOrganisationId: string }) => ({
  referrer: r.referrerOrganisationId,
  programme: r.programmeOrganisationId
})

function readingParty(caller: Caller): string | null {
  if (caller.principal.scopes.includes('admin')) return null
  if (caller.principal.organisationId === null) throw notFound('Referral')
  return caller.principal.organisationId
}

export async function readReferral(
  deps: Deps,
  caller: Caller,
  id: string,
  heldVersions: readonly number[] = []
): Promise<ViewResult | { notModified: true; version: number }> {
  const row = await referralForReader(
    deps.db,
    id,
    { party: readingParty(caller), partyType: caller.principal.organisationType, recipients: true, heldVersions },
    accessEntry(caller)
  )
  const view: AnyView | null =
    row === undefined
      ? null
      : (viewOf(caller.principal, row) ?? (row.isRecipient ? `recipient:${caller.principal.organisationType}` : null))
  if (row === undefined || view === null) throw notFound('Referral')
  if (heldVersions.includes(row.version)) return { notModified: true, version: row.version }
  // Parties see the handoffs (the referrer only their type, status and dates); recipients never.
  return present(deps.identifiers, row, view, view === 'programme' || view === 'referrer' ? row.handoffs : [])
}

export async function listReferrals(
  deps: Deps,
  caller: Caller,
  q: {
    status?: string | undefined
    track?: string | undefined
    assignedWorkerId?: string | undefined
    externalReference?: string | undefined
    updatedSince?: string | undefined
    updated?: ReferralFilter['updated']
    referrerId?: string | undefined
    programmeId?: string | undefined
    after: [string, string] | null
    limit: number
  }
) {
  const side = listSideOf(caller.principal)
  if (q.assignedWorkerId !== undefined && side !== 'programme')
    throw invalidParameters([{ pointer: '/assignedWorkerId', message: "filters the programme's own referrals only" }])
  const rows = await listReferralPage(deps.db, {
    side,
    organisationId: caller.principal.organisationId,
    ...q,
    limit: q.limit + 1
  })
  const page = rows.slice(0, q.limit)
  await recordAccessToMany(
    deps.db,
    page.map((r) => r.id),
    accessEntry(caller)
  )
  const last = page.at(-1)
  const handoffs = await handoffsOfReferrals(
    deps.db,
    page.map((r) => r.id)
  )
  return {
    items: page.map(
      (row) =>
        present(deps.identifiers, row, side, side === 'operator' ? [] : handoffs.filter((h) => h.referralId === row.id))
          .body
    ),
    next: rows.length > q.limit && last !== undefined ? ([last.updatedAt, last.id] as [string, string]) : null
  }
}

/**
 * Optimistic: the referral is read without a lock, checked, and changed only if it is still at the
 * version read, in one statement with its history, event and access-log rows. A change that came in
 * between makes that statement change nothing: 412, as `If-Match` would have answered.
 */
export async function transitionReferral(
  deps: Deps,
  caller: Caller,
  id: string,
  ifMatch: string | undefined,
  input: TransitionInput
): Promise<ViewResult> {
  const row = await referralHead(deps.db, id)
  const view = row === undefined ? null : viewOf(caller.principal, row)
  if (row === undefined || view === null) throw notFound('Referral')
  const role = transitionRole(caller.principal, row)
  if (role === null) throw new ProblemError('forbidden', 'This API client may not change the status of this referral')
  requireVersion(ifMatch, row.version, 'referral')

  const from = row.status
  const check = checkTransition(from, input.status, role, input, row.statusBeforeHold)
  if (!check.ok && check.reason === 'not_allowed') {
    throw new ProblemError(
      'transition-not-allowed',
      `A ${role} cannot move a referral from ${from} to ${input.status}`,
      { allowedTransitions: check.allowed }
    )
  }
  if (!check.ok)
    throw validationProblem(
      check.missing.map((f) => ({ pointer: `/${f}`, message: `is required to move to ${input.status}` }))
    )
  const codeProblem =
    input.reasonCode === undefined ? null : reasonCodeProblem(`referral.${input.status}`, input.reasonCode)
  if (codeProblem !== null) throw validationProblem([{ pointer: '/reasonCode', message: codeProblem }])
  const outcomeError = input.outcome === undefined ? null : outcomeProblem(input.status, input.outcome)
  if (outcomeError !== null) throw validationProblem([{ pointer: '/outcome', message: outcomeError }])
  if (input.outcomeNote !== undefined && input.status !== 'completed' && input.status !== 'failed')
    throw validationProblem([{ pointer: '/outcomeNote', message: 'is given only when completing or failing' }])
  if (input.assignedWorkerId !== undefined && input.status !== 'accepted') {
    throw validationProblem([
      {
        pointer: '/assignedWorkerId',
        message: 'is given on accepted; reassign with PUT /referrals/{referralId}/assignment'
      }
    ])
  }
  const at = caller.clock.now()
  if (input.firstContactOn !== undefined && input.firstContactOn > belgianDate(at)) {
    throw validationProblem([{ pointer: '/firstContactOn', message: 'must not be in the future' }])
  }
  if (input.status === 'completed' && !(await hasAssessment(deps.db, id, 'end'))) {
    throw new ProblemError(
      'assessment-required',
      'Record the end assessment (PUT /referrals/{referralId}/assessments/end) before completing'
    )
  }
  const worker =
    input.assignedWorkerId === undefined
      ? null
      : await activeWorker(deps.db, row.programmeOrganisationId, input.assignedWorkerId, '/assignedWorkerId')

  const to = input.status
  const outcome = outcomeOf(to, input.outcome, input.reasonCode)
  const transition: Transition = {
    id,
    expectedVersion: row.version,
    set: {
      status: to,
      statusBeforeHold: to === 'on-hold' ? from : null,
      statusReasonCode: input.reasonCode ?? null,
      statusReason: input.reason ?? null,
      ...(to === 'rejected' ? { redirectSuggestion: input.redirectSuggestion ?? null } : {}),
      ...(to === 'accepted' && from !== 'on-hold'
        ? { track: input.track ?? null, assignedWorkerId: worker?.id ?? null, acceptedAt: at.toISOString() }
        : {}),
      ...(to === 'in-progress' && input.firstContactOn !== undefined ? { firstContactOn: input.firstContactOn } : {}),
      ...(outcome === null ? {} : { outcome, outcomeNote: input.outcomeNote ?? null })
    },
    history: {
      fromStatus: from,
      toStatus: to,
      byOrganisationId: caller.principal.organisationId,
      byClientId: caller.principal.clientId,
      byWorkerId: caller.actingWorkerId,
      assignedWorkerId: worker?.id ?? null,
      reasonCode: input.reasonCode ?? null,
      reason: input.reason ?? null,
      at: at.toISOString()
    },
    entry: accessEntry(caller)
  }
  // Ending a referral settles its handoffs (rare moves: not grouped, one transaction each).
  const updated =
    to === 'entered-in-error'
      ? await endWithHandoffs(deps, transition, 'referral_entered_in_error', true)
      : to === 'completed' || to === 'failed'
        ? await endWithHandoffs(deps, transition, 'referral_closed', input.closeOpenHandoffs === true)
        : await updateReferralIfAt(deps.db, transition)
  if (updated === undefined)
    throw new ProblemError(
      'precondition-failed',
      'The referral changed while this request ran; fetch it again and retry'
    )
  return present(deps.identifiers, updated, view, view === 'operator' ? [] : updated.handoffs)
}

/**
 * A referral that ends (completed, failed) or is marked entered-in-error (the wrong mother, say):
 * changed if still at the expected version, with its history, event and access-log rows. Its open
 * handoffs are cancelled with `reasonCode` in the same transaction, so no recipient keeps a reason
 * to see her; unless `cancelOpen` is false, when they refuse the move (409 listing them).
 */
async function endWithHandoffs(
  deps: Deps,
  t: Transition,
  reasonCode: ReasonCode,
  cancelOpen: boolean
): Promise<ReaderRow | undefined> {
  return writeTransaction(deps.db, async (tx) => {
    const current = await lockReferral(tx, t.id)
    if (current === undefined || current.version !== t.expectedVersion) return undefined
    const open = cancelOpen ? [] : await openHandoffsOfReferral(tx, t.id)
    if (open.length > 0) {
      throw new ProblemError(
        'open-handoffs',
        `${open.length} handoff(s) are still open: settle them, or send closeOpenHandoffs to cancel them`,
        { openHandoffs: open.map((h) => h.id) }
      )
    }
    const updated = await updateReferral(tx, t.id, t.set as Partial<NewReferralRow>)
    await recordReferralHistory(tx, { referralId: t.id, ...t.history })
    await recordEvent(
      tx,
      {
        type: 'referral.status_changed',
        referralId: t.id,
        status: updated.status,
        reasonCode: updated.statusReasonCode,
        version: updated.version,
        outcome: updated.outcome
      },
      partiesOf(updated)
    )
    await recordAccess(tx, t.id, t.entry)
    const by = { organisationId: t.history.byOrganisationId, workerId: t.history.byWorkerId }
    await cancelOpenHandoffs(tx, updated, reasonCode, by, updated.version)
    const handoffs = await handoffsOfReferral(tx, t.id)
    return { ...updated, ...(await feedbackOf(tx, t.id)), isRecipient: false, handoffs }
  })
}

export async function correctReferral(
  deps: Deps,
  caller: Caller,
  id: string,
  ifMatch: string | undefined,
  patch: ReferralPatch
): Promise<ViewResult> {
  return writeTransaction(deps.db, async (tx) => {
    const row = await lockReferral(tx, id)
    const view = row === undefined ? null : viewOf(caller.principal, row)
    if (row === undefined || view === null) throw notFound('Referral')
    if (view !== 'referrer' || !caller.principal.scopes.includes('referrals:write')) {
      throw new ProblemError('forbidden', 'Only the referring organisation corrects what it sent')
    }
    requireVersion(ifMatch, row.version, 'referral')
    if (row.status !== 'requested' && row.status !== 'received') {
      throw new ProblemError(
        'not-correctable',
        `A referral can be corrected while requested or received; it is ${row.status}`
      )
    }
    const current = toFull(deps.identifiers, row, 'programme')
    const merged: Record<string, unknown> = { externalReference: row.externalReference }
    for (const key of [
      'mother',
      'pregnancy',
      'youngestChild',
      'household',
      'screening',
      'needs',
      'reason',
      'urgency',
      'consent',
      'referrerContact'
    ]) {
      const value = key in patch ? (patch as Record<string, unknown>)[key] : current[key]
      if (value !== null && value !== undefined) merged[key] = value
    }
    if (!Value.Check(ReferralInput, merged))
      throw validationProblem([{ pointer: '/', message: 'the corrected referral is incomplete' }])
    const input = withNormalizedNames(merged as ReferralInput)
    const errors = referralRuleErrors(input, ruleContext(deps, caller.clock.now()))
    if (errors.length > 0) throw validationProblem(errors)

    const insz = input.mother.insz === undefined ? null : normalizeInsz(input.mother.insz)
    const updated = await updateReferral(tx, id, {
      details: splitInput(input),
      inszCiphertext: insz === null ? null : deps.identifiers.encrypt(insz, id),
      inszBlindIndex: insz === null ? null : deps.identifiers.blindIndex(insz)
    })
    await recordEvent(
      tx,
      { type: 'referral.updated', referralId: id, status: row.status, version: updated.version },
      partiesOf(row)
    )
    await recordAccess(tx, id, accessEntry(caller))
    return present(
      deps.identifiers,
      { ...updated, ...(await feedbackOf(tx, id)) },
      view,
      await handoffsOfReferral(tx, id)
    )
  })
}

/** The statuses in which the programme guides her, and so assigns and reassigns her worker. */
const ASSIGNABLE: readonly ReferralStatus[] = ['accepted', 'in-progress', 'on-hold']

/**
 * Assigns the programme's worker who guides her (the referrer's contact person), under `If-Match`:
 * a history entry of kind `assignment`, and `referral.contact_changed` to both parties.
 */
export async function assignWorker(
  deps: Deps,
  caller: Caller,
  id: string,
  ifMatch: string | undefined,
  input: { workerId: string }
): Promise<ViewResult> {
  return writeTransaction(deps.db, async (tx) => {
    const row = await lockReferral(tx, id)
    const view = row === undefined ? null : viewOf(caller.principal, row)
    if (row === undefined || view === null) throw notFound('Referral')
    if (view !== 'programme' || transitionRole(caller.principal, row) !== 'programme')
      throw new ProblemError('forbidden', 'Only the programme assigns its workers')
    requireVersion(ifMatch, row.version, 'referral')
    if (!ASSIGNABLE.includes(row.status))
      throw new ProblemError(
        'not-assignable',
        `A worker is assigned while the referral is ${ASSIGNABLE.join(', ')}; it is ${row.status}`
      )
    const worker = await activeWorker(tx, row.programmeOrganisationId, input.workerId, '/workerId')
    const updated = await updateReferral(tx, id, { assignedWorkerId: worker.id })
    await recordReferralHistory(tx, {
      referralId: id,
      kind: 'assignment',
      fromStatus: row.status,
      toStatus: row.status,
      byOrganisationId: caller.principal.organisationId,
      byClientId: caller.principal.clientId,
      byWorkerId: caller.actingWorkerId,
      assignedWorkerId: worker.id,
      at: caller.clock.now().toISOString()
    })
    await recordEvent(
      tx,
      { type: 'referral.contact_changed', referralId: id, status: row.status, version: updated.version },
      partiesOf(row)
    )
    await recordAccess(tx, id, accessEntry(caller))
    return present(
      deps.identifiers,
      { ...updated, ...(await feedbackOf(tx, id)) },
      view,
      await handoffsOfReferral(tx, id)
    )
  })
}

/** A party's check before reading a referral's history or access log (logged as a read). */
async function partyView(deps: Deps, caller: Caller, id: string): Promise<ReferralView> {
  const row = await referralForReader(
    deps.db,
    id,
    { party: readingParty(caller), partyType: caller.principal.organisationType, recipients: false },
    accessEntry(caller)
  )
  const view = row === undefined ? null : viewOf(caller.principal, row)
  if (row === undefined || view === null) throw notFound('Referral')
  return view
}

/** Every transition, as the caller's view allows: the explanation in words only to a view that shows `statusReason`. */
export async function referralHistory(deps: Deps, caller: Caller, id: string) {
  const view = await partyView(deps, caller, id)
  const showsText = viewFields(view).includes('statusReason')
  const rows = await historyOf(deps.db, id)
  return rows.map((h) => ({
    kind: h.kind,
    fromStatus: h.fromStatus,
    toStatus: h.toStatus,
    byOrganisationId: h.byOrganisationId,
    byWorkerId: h.byWorkerId,
    assignedWorkerId: h.assignedWorkerId,
    reasonCode: h.reasonCode,
    reason: showsText ? h.reason : null,
    at: isoOf(h.at)
  }))
}

export async function referralAccessLog(deps: Deps, caller: Caller, id: string, afterId: number, limit: number) {
  const view = await partyView(deps, caller, id)
  if (view !== 'programme' && view !== 'operator') throw notFound('Referral')
  const rows = await accessLogOf(deps.db, id, afterId, limit + 1)
  const page = rows.slice(0, limit)
  return {
    items: page.map((r) => ({
      organisationId: r.organisationId,
      clientId: r.clientId,
      onBehalfOfWorkerId: r.onBehalfOfWorkerId,
      action: r.action,
      purpose: r.purpose,
      requestId: r.requestId,
      at: isoOf(r.at)
    })),
    next: rows.length > limit ? page.at(-1)!.id : null
  }
}
