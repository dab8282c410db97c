import { randomUUID } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { Value } from 'typebox/value'
import type { Principal } from '../plugins/auth.ts'
import { notFound, ProblemError, validationProblem } from '../plugins/errors.ts'
import { routeReferral } from '../domain/routing.ts'
import {
  accessLogOf, historyOf, insertAccess, insertEvent, insertReferral, insertReferralIn, listReferralPage, lockMother,
  lockReferral, openReferralsOfMother, referralForReader, referralHead, updateReferral, updateReferralIfAt, type AccessEntry, type NewReferral, type HandoffBrief, type ReferralRow
} from '../db/queries/referrals.ts'
import { referralRuleErrors, type RuleContext } from '../domain/referral-rules.ts'
import { hasAssessment } from '../db/queries/impact.ts'
import { normalizeInsz } from '../domain/insz.ts'
import { checkTransition, type TransitionRole } from '../domain/status-machine.ts'
import { HANDOFF_RECIPIENT_VIEWS, project, recipientView, REFERRAL_VIEWS, type ReferralView } from '../domain/views.ts'
import { handoffsOfReferral } from '../db/queries/handoffs.ts'
import { inTransaction } from '../db/client.ts'
import { inArray } from 'drizzle-orm'
import { handoffs as handoffsTable } from '../db/schema/index.ts'
import { belgianDate, isoInstant as isoOf, isoOrNull as iso } from '../domain/dates.ts'
import type { AnswerToStore } from '../plugins/idempotency.ts'
import { ReferralInput, type ReferralDetails, type ReferralPatch, type TransitionInput } from '../schemas/referrals.ts'

/** Who acts, and for which request (the access log's "who" and "why"). */
export interface Caller {
  principal: Principal
  requestId: string
  purpose: string
  /** When it happened; defaults to now. The demo seed replays history through the same services. */
  at?: Date
}

type Deps = Pick<FastifyInstance, 'db' | 'identifiers' | 'config'>
/** Intake routes through the programmes this process keeps. */
type IntakeDeps = Deps & Pick<FastifyInstance, 'programmes'>
/** Reads append access-log rows through the group-committing writer. */
type ReadDeps = Deps & Pick<FastifyInstance, 'accessLog'>

function ruleContext (deps: Deps, now = new Date()): RuleContext {
  return { today: belgianDate(now), now, childMaxAgeMonths: deps.config.CHILD_MAX_AGE_MONTHS }
}

function accessEntry (caller: Caller, action: string): AccessEntry {
  return { organisationId: caller.principal.organisationId, clientId: caller.principal.clientId, action, purpose: caller.purpose, requestId: caller.requestId }
}

/** The view a caller has of a referral, or null when it is not a party (→ 404). */
export function viewOf (principal: Principal, row: Pick<ReferralRow, 'referrerOrganisationId' | 'programmeOrganisationId'>): ReferralView | null {
  if (principal.scopes.includes('admin')) return 'operator'
  if (principal.organisationId === row.programmeOrganisationId) return 'programme'
  if (principal.organisationId === row.referrerOrganisationId) return 'referrer'
  return null
}


/** A view: one of the parties', or a handoff recipient's by its organisation type. */
export type AnyView = ReferralView | `recipient:${string}`

export function viewFields (view: AnyView): readonly string[] {
  return view.startsWith('recipient:') ? HANDOFF_RECIPIENT_VIEWS[recipientView(view.slice(10))] : REFERRAL_VIEWS[view as ReferralView]
}

export const handoffSummary = (h: HandoffBrief) => ({
  id: h.id, type: h.type, status: h.status, toOrganisationId: h.toOrganisationId, reason: h.reason, dueBy: h.dueBy, housingDecision: h.housingDecision,
  createdAt: new Date(h.createdAt).toISOString(), updatedAt: new Date(h.updatedAt).toISOString()
})

/** The whole referral in API shape; the INSZ is decrypted only when the view shows it. */
export function toFull (deps: Deps, row: ReferralRow, view: AnyView, handoffs: readonly HandoffBrief[] = []): Record<string, unknown> {
  const d = row.details
  const showsMother = viewFields(view).some((f) => f === 'mother' || f === 'mother.insz')
  const insz = showsMother && row.inszCiphertext !== null ? deps.identifiers.decrypt(row.inszCiphertext, row.id) : undefined
  return {
    id: row.id,
    version: row.version,
    status: row.status,
    statusReasonCode: row.statusReasonCode,
    statusReason: row.statusReason,
    redirectSuggestion: row.redirectSuggestion,
    track: row.track,
    externalReference: row.externalReference,
    referrerOrganisationId: row.referrerOrganisationId,
    programmeOrganisationId: row.programmeOrganisationId,
    mother: showsMother ? { ...d.mother, ...(insz === undefined ? {} : { insz }) } : undefined,
    pregnancy: d.pregnancy ?? null,
    youngestChild: d.youngestChild ?? null,
    household: d.household,
    screening: d.screening,
    needs: d.needs,
    reason: d.reason,
    urgency: d.urgency,
    consent: d.consent,
    referrerContact: d.referrerContact,
    assignedWorker: row.assignedWorker,
    firstContactOn: row.firstContactOn,
    outcome: row.outcome,
    possibleDuplicateOf: row.possibleDuplicateOf,
    acceptedAt: iso(row.acceptedAt),
    consentWithdrawal: row.consentWithdrawnAt === null ? null : { withdrawnAt: isoOf(row.consentWithdrawnAt), recordedBy: row.consentWithdrawnRecordedBy },
    handoffs: handoffs.map(handoffSummary),
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt)
  }
}

export interface ViewResult { view: AnyView, body: Record<string, unknown>, version: number, id: string }

function present (deps: Deps, row: ReferralRow, view: AnyView, handoffs: readonly HandoffBrief[] = []): ViewResult {
  return { view, body: project(toFull(deps, row, view, handoffs), viewFields(view)), version: row.version, id: row.id }
}

async function routeToProgramme (deps: IntakeDeps, input: ReferralInput): Promise<string> {
  const route = async (fresh: boolean) => routeReferral(await deps.programmes.programmes(fresh), input.programmeId, input.mother.address?.postalCode)
  let routing = await route(false)
  // A programme onboarded a moment ago, in another process, may not be heard of yet: look again.
  if ('problem' in routing) routing = await route(true)
  if ('problem' in routing) throw validationProblem([routing.problem])
  return routing.programmeId
}

function splitInput (input: ReferralInput): ReferralDetails {
  const { externalReference: _e, programmeId: _p, mother, ...rest } = input
  const { insz: _i, ...motherWithoutInsz } = mother
  return { ...rest, mother: motherWithoutInsz }
}

/** Stands for the new referral's time in its answer until the intake statement fills it in. */
const AT = `@${randomUUID()}@`
const NEW_VERSION = 1

type IntakeRow = Pick<ReferralRow, 'id' | 'referrerOrganisationId' | 'programmeOrganisationId' | 'externalReference' | 'details' | 'inszCiphertext' | 'inszBlindIndex' | 'possibleDuplicateOf'>

/** The referrer's view of a referral as intake writes it, with `AT` for the time the database gives it. */
function intakeAnswer (deps: Deps, created: IntakeRow): string {
  const row: ReferralRow = {
    ...created, status: 'requested', version: NEW_VERSION, statusBeforeHold: null, statusReasonCode: null, statusReason: null, redirectSuggestion: null,
    track: null, assignedWorker: null, firstContactOn: null, outcome: null, acceptedAt: null, consentWithdrawnAt: null, consentWithdrawnRecordedBy: null,
    createdAt: new Date(0).toISOString(), updatedAt: new Date(0).toISOString()
  }
  return JSON.stringify({ ...present(deps, row, 'referrer').body, createdAt: AT, updatedAt: AT })
}

/**
 * Refers a mother. Answers with the referrer's view as sent (JSON), which the intake statement also
 * stores as the request's idempotent answer when `answerToStore` gives one (from the new id and version).
 */
export async function createReferral (deps: IntakeDeps, caller: Caller, input: ReferralInput,
  answerToStore: (created: { id: string, version: number }) => AnswerToStore | null = () => null): Promise<{ id: string, version: number, answer: string }> {
  const errors = referralRuleErrors(input, ruleContext(deps, caller.at))
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
    at: caller.at?.toISOString() ?? null
  }
  const entry = accessEntry(caller, 'create')
  const store = answerToStore({ id, version: NEW_VERSION })
  const referral = (possibleDuplicateOf: string | null): NewReferral => {
    const created = { ...row, possibleDuplicateOf }
    return { row: created, entry, answer: { body: intakeAnswer(deps, created), at: AT, store } }
  }
  // Without an INSZ there is no one to compare: grouped with concurrent intakes. With one, intake
  // of the same mother is serialised and checked first.
  const result = blindIndex === null
    ? await insertReferral(deps.db, referral(null))
    : await inTransaction(deps.db, async (client) => {
      await lockMother(client, blindIndex)
      const open = await openReferralsOfMother(client, blindIndex)
      const own = open.find((r) => r.referrerOrganisationId === referrerId)
      if (own !== undefined) {
        throw new ProblemError(409, 'duplicate-referral', 'Already referred', 'Your organisation has an open referral for this mother', { existingReferralId: own.id })
      }
      // Another organisation referred her too: accepted, and flagged to the programme only.
      return insertReferralIn(client, referral(open[0]?.id ?? null))
    })
  if ('duplicateExternalReference' in result) {
    throw new ProblemError(409, 'duplicate-external-reference', 'Duplicate externalReference', 'Your organisation already sent a referral with this externalReference')
  }
  return { id, version: NEW_VERSION, answer: result.answer }
}

/**
 * Whose referrals a caller reads: any (null) for the operator, else its organisation's. The read
 * logs what it finds, so what it finds must be exactly what `viewOf` lets the caller see.
 */
function readingParty (caller: Caller): string | null {
  if (caller.principal.scopes.includes('admin')) return null
  if (caller.principal.organisationId === null) throw notFound('Referral')
  return caller.principal.organisationId
}

export async function readReferral (deps: ReadDeps, caller: Caller, id: string, heldVersions: readonly number[] = []): Promise<ViewResult | { notModified: true, version: number }> {
  const row = await referralForReader(deps.db, id, { party: readingParty(caller), recipients: true, heldVersions }, accessEntry(caller, 'read'))
  const view: AnyView | null = row === undefined ? null : viewOf(caller.principal, row) ?? (row.isRecipient ? `recipient:${caller.principal.organisationType}` : null)
  if (row === undefined || view === null) throw notFound('Referral')
  if (heldVersions.includes(row.version)) return { notModified: true, version: row.version }
  // Parties see the handoffs (the referrer only their type, status and dates); recipients never.
  return present(deps, row, view, view === 'programme' || view === 'referrer' ? row.handoffs : [])
}

export async function listReferrals (deps: ReadDeps, caller: Caller, q: { status?: string | undefined, track?: string | undefined, updatedSince?: string | undefined, after: [string, string] | null, limit: number }) {
  const side = caller.principal.organisationType === 'programme' ? 'programme' as const : 'referrer' as const
  const rows = await listReferralPage(deps.db, { side, organisationId: caller.principal.organisationId as string, ...q, limit: q.limit + 1 })
  const page = rows.slice(0, q.limit)
  await deps.accessLog.append(page.map((r) => r.id), accessEntry(caller, 'list'))
  const last = page.at(-1)
  const handoffs = page.length === 0 ? [] : await deps.db.select().from(handoffsTable).where(inArray(handoffsTable.referralId, page.map((r) => r.id))).orderBy(handoffsTable.createdAt, handoffsTable.id)
  return {
    items: page.map((row) => present(deps, row, side, handoffs.filter((h) => h.referralId === row.id)).body),
    next: rows.length > q.limit && last !== undefined ? [last.updatedAt, last.id] as [string, string] : null
  }
}

/** Parses `If-Match`; 428 without one, 412 when it names another version. */
export function requireVersion (ifMatch: string | undefined, current: number): void {
  if (ifMatch === undefined) {
    throw new ProblemError(428, 'precondition-required', 'If-Match required', 'Send If-Match with the ETag of the version you are changing')
  }
  const tags = ifMatch.split(',').map((t) => t.trim().replace(/^W\//, ''))
  if (!tags.includes('*') && !tags.includes(`"${current}"`)) {
    throw new ProblemError(412, 'precondition-failed', 'Version changed', `The referral is at version ${current}; fetch it again and retry`)
  }
}

function transitionRole (principal: Principal, row: Pick<ReferralRow, 'referrerOrganisationId' | 'programmeOrganisationId'>): TransitionRole | null {
  if (principal.scopes.includes('admin')) return 'admin'
  if (principal.organisationId === row.programmeOrganisationId) return principal.scopes.includes('referrals:manage') ? 'programme' : null
  if (principal.organisationId === row.referrerOrganisationId) return principal.scopes.includes('referrals:write') ? 'referrer' : null
  return null
}

/**
 * Optimistic: the referral is read without a lock, checked, and changed only if it is still at the
 * version read, in one statement with its history, event and access-log rows. A change that came in
 * between makes that statement change nothing: 412, as `If-Match` would have answered.
 */
export async function transitionReferral (deps: Deps, caller: Caller, id: string, ifMatch: string | undefined, input: TransitionInput): Promise<ViewResult> {
  const row = await referralHead(deps.db, id)
  const view = row === undefined ? null : viewOf(caller.principal, row)
  if (row === undefined || view === null) throw notFound('Referral')
  const role = transitionRole(caller.principal, row)
  if (role === null) throw new ProblemError(403, 'forbidden', 'Forbidden', 'This API client may not change the status of this referral')
  requireVersion(ifMatch, row.version)

  const from = row.status
  const check = checkTransition(from, input.status, role, input, row.statusBeforeHold)
  if (!check.ok && check.reason === 'not_allowed') {
    throw new ProblemError(409, 'transition-not-allowed', 'Transition not allowed', `A ${role} cannot move a referral from ${from} to ${input.status}`, { allowedTransitions: check.allowed })
  }
  if (!check.ok) throw validationProblem(check.missing.map((f) => ({ pointer: `/${f}`, message: `is required to move to ${input.status}` })))
  const at = caller.at ?? new Date()
  if (input.firstContactOn !== undefined && input.firstContactOn > belgianDate(at)) {
    throw validationProblem([{ pointer: '/firstContactOn', message: 'must not be in the future' }])
  }
  if (input.status === 'completed' && !await hasAssessment(deps.db, id, 'end')) {
    throw new ProblemError(409, 'assessment-required', 'End assessment required', 'Record the end assessment (PUT /referrals/{referralId}/assessments/end) before completing')
  }

  const to = input.status
  const updated = await updateReferralIfAt(deps.db, {
    id,
    expectedVersion: row.version,
    set: {
      status: to,
      statusBeforeHold: to === 'on-hold' ? from : null,
      statusReasonCode: input.reasonCode ?? null,
      statusReason: input.reason ?? null,
      ...(to === 'rejected' ? { redirectSuggestion: input.redirectSuggestion ?? null } : {}),
      ...(to === 'accepted' ? { track: input.track ?? null, assignedWorker: input.assignedWorker ?? null, acceptedAt: at.toISOString() } : {}),
      ...(to === 'in-progress' && input.firstContactOn !== undefined ? { firstContactOn: input.firstContactOn } : {}),
      ...(to === 'completed' ? { outcome: input.outcome ?? null } : {})
    },
    history: {
      fromStatus: from, toStatus: to, byOrganisationId: caller.principal.organisationId, byClientId: caller.principal.clientId,
      reasonCode: input.reasonCode ?? null, reason: input.reason ?? null, at: at.toISOString()
    },
    entry: accessEntry(caller, 'transition')
  })
  if (updated === undefined) throw new ProblemError(412, 'precondition-failed', 'Version changed', 'The referral changed while this request ran; fetch it again and retry')
  return present(deps, updated, view, view === 'operator' ? [] : updated.handoffs)
}

export async function correctReferral (deps: Deps, caller: Caller, id: string, ifMatch: string | undefined, patch: ReferralPatch): Promise<ViewResult> {
  return deps.db.transaction(async (tx) => {
    const row = await lockReferral(tx, id)
    const view = row === undefined ? null : viewOf(caller.principal, row)
    if (row === undefined || view === null) throw notFound('Referral')
    if (view !== 'referrer' || !caller.principal.scopes.includes('referrals:write')) {
      throw new ProblemError(403, 'forbidden', 'Forbidden', 'Only the referring organisation corrects what it sent')
    }
    requireVersion(ifMatch, row.version)
    if (row.status !== 'requested' && row.status !== 'received') {
      throw new ProblemError(409, 'not-correctable', 'No longer correctable', `A referral can be corrected while requested or received; it is ${row.status}`)
    }
    const current = toFull(deps, row, 'programme')
    const merged: Record<string, unknown> = { externalReference: row.externalReference }
    for (const key of ['mother', 'pregnancy', 'youngestChild', 'household', 'screening', 'needs', 'reason', 'urgency', 'consent', 'referrerContact']) {
      const value = key in patch ? (patch as Record<string, unknown>)[key] : current[key]
      if (value !== null && value !== undefined) merged[key] = value
    }
    if (!Value.Check(ReferralInput, merged)) throw validationProblem([{ pointer: '/', message: 'the corrected referral is incomplete' }])
    const input = merged as ReferralInput
    const errors = referralRuleErrors(input, ruleContext(deps))
    if (errors.length > 0) throw validationProblem(errors)

    const insz = input.mother.insz === undefined ? null : normalizeInsz(input.mother.insz)
    const updated = await updateReferral(tx, id, {
      details: splitInput(input),
      inszCiphertext: insz === null ? null : deps.identifiers.encrypt(insz, id),
      inszBlindIndex: insz === null ? null : deps.identifiers.blindIndex(insz)
    })
    await insertEvent(tx, { type: 'referral.updated', referralId: id, status: row.status, audience: [row.referrerOrganisationId, row.programmeOrganisationId] })
    await insertAccess(tx, id, accessEntry(caller, 'update'))
    return present(deps, updated, view, await handoffsOfReferral(tx, id))
  })
}

/** A party's check before reading a referral's history or access log (logged as a read). */
async function partyView (deps: ReadDeps, caller: Caller, id: string, action: string): Promise<ReferralView> {
  const row = await referralForReader(deps.db, id, { party: readingParty(caller), recipients: false }, accessEntry(caller, action))
  const view = row === undefined ? null : viewOf(caller.principal, row)
  if (row === undefined || view === null) throw notFound('Referral')
  return view
}

export async function referralHistory (deps: ReadDeps, caller: Caller, id: string) {
  await partyView(deps, caller, id, 'history')
  const rows = await historyOf(deps.db, id)
  return rows.map((h) => ({ fromStatus: h.fromStatus, toStatus: h.toStatus, byOrganisationId: h.byOrganisationId, reasonCode: h.reasonCode, reason: h.reason, at: isoOf(h.at) }))
}

export async function referralAccessLog (deps: ReadDeps, caller: Caller, id: string, afterId: number, limit: number) {
  const view = await partyView(deps, caller, id, 'access-log')
  if (view !== 'programme' && view !== 'operator') throw notFound('Referral')
  const rows = await accessLogOf(deps.db, id, afterId, limit + 1)
  const page = rows.slice(0, limit)
  return {
    items: page.map((r) => ({ organisationId: r.organisationId, clientId: r.clientId, action: r.action, purpose: r.purpose, requestId: r.requestId, at: isoOf(r.at) })),
    next: rows.length > limit ? page.at(-1)!.id : null
  }
}
