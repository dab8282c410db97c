/**
 * The FHIR interface over the same services as the REST API: every read goes through the referral
 * and handoff services (their access rules, views and access-log rows), every write through intake
 * and the status machine. Only the shape differs.
 */
import { accessEntry, type Caller, type Principal } from '../core/caller.ts'
import { notFound, ProblemError, type FieldError, validationProblem } from '../core/problems.ts'
import type { ClaimedDelivery } from '../db/queries/events.ts'
import { findOrganisation } from '../db/queries/organisations.ts'
import { listReferralPage, referralForReader, type ReferralFilter } from '../db/queries/referrals.ts'
import { workerKnownTo } from '../db/queries/workers.ts'
import { viewOf } from '../domain/access.ts'
import { expressionOf, type FhirIssue, readTransaction } from '../domain/fhir/intake.ts'
import {
  handoffTaskOf,
  type HandoffBody,
  type ReferralBody,
  serviceRequestOf,
  taskOf
} from '../domain/fhir/resources.ts'
import {
  type FhirPayload,
  notificationBundle,
  readSubscription,
  TOPIC_EVENT_TYPES
} from '../domain/fhir/subscriptions.ts'
import { isoInstant } from '../domain/dates.ts'
import type { ServiceDeps } from './deps.ts'
import { readHandoff } from './handoffs.ts'
import { present } from './referral-views.ts'
import { createReferral, listReferrals, readReferral, transitionReferral } from './referrals.ts'
import { createEndpoint, getEndpoint, removeEndpoint } from './webhooks.ts'
import { directoryEntry } from './organisations.ts'

type Deps = ServiceDeps

/** A refusal naming the elements refused (FHIRPath), answered as an OperationOutcome. */
export const fhirRefusal = (issues: FhirIssue[], kind: 'validation' | 'bad-request' = 'validation') =>
  new ProblemError(kind, issues.map((i) => `${i.expression} ${i.message}`).join('; '), { issues })

/** The referral in the caller's view, or 304 when it holds that version. */
export async function readReferralBody(deps: Deps, caller: Caller, id: string, held: readonly number[]) {
  const result = await readReferral(deps, caller, id, held)
  if ('notModified' in result) return result
  return { body: result.body as ReferralBody, version: result.version }
}

/** Whether a view is a handoff recipient's: its way in is its own sub-Task, not the referral's Task or Consent. */
export const isRecipientView = (body: ReferralBody) => String(body.view).startsWith('recipient:')

/** A Task: the referral's own, or a handoff's sub-Task (its recipient's way in). */
export async function readTask(deps: Deps, caller: Caller, id: string, held: readonly number[]) {
  try {
    const read = await readReferralBody(deps, caller, id, held)
    if ('notModified' in read) return read
    if (!isRecipientView(read.body)) return { resource: taskOf(read.body), version: read.version }
  } catch (err) {
    if (!(err instanceof ProblemError) || err.kind !== 'not-found') throw err
  }
  const handoff = await readHandoff(deps, caller, id).catch((err: unknown) => {
    throw err instanceof ProblemError && err.kind === 'not-found' ? notFound('Task') : err
  })
  if (held.includes(handoff.version)) return { notModified: true as const, version: handoff.version }
  return { resource: handoffTaskOf(handoff as HandoffBody), version: handoff.version }
}

export interface TaskSearch {
  status?: string | undefined
  requester?: string | undefined
  owner?: string | undefined
  updated: NonNullable<ReferralFilter['updated']>
  includeFocus: boolean
  after: [string, string] | null
  count: number
}

/** A page of the caller's referral Tasks (oldest change first) and, with `_include=Task:focus`, their ServiceRequests. */
export async function searchTasks(deps: Deps, caller: Caller, q: TaskSearch) {
  const page = await listReferrals(deps, caller, {
    status: q.status,
    referrerId: q.requester,
    programmeId: q.owner,
    updated: q.updated,
    after: q.after,
    limit: q.count
  })
  const bodies = page.items as ReferralBody[]
  return {
    tasks: bodies.map(taskOf),
    included: q.includeFocus ? bodies.map(serviceRequestOf) : [],
    next: page.next
  }
}

export interface CreatedFromBundle {
  id: string
  version: number
  created: boolean
  at: string
  entries: Array<{ resourceType: string }>
}

/** Field errors of intake (JSON pointers into the referral) as issues on the elements they came from. */
function asIssues(err: ProblemError, origins: ReadonlyMap<string, string>): ProblemError {
  const errors = err.extra.errors as FieldError[] | undefined
  if (errors === undefined) return err
  return fhirRefusal(
    errors.map((e) => ({
      code: err.status === 400 ? 'structure' : 'value',
      expression: expressionOf(origins, e.pointer),
      message: e.message
    }))
  )
}

/** The caller's referral with this externalReference, if it sent one. */
async function sentWith(deps: Deps, caller: Caller, externalReference: string) {
  const [found] = await listReferralPage(deps.db, {
    side: 'referrer',
    organisationId: caller.principal.organisationId,
    externalReference,
    limit: 1
  })
  return found
}

/**
 * A hospital's transaction Bundle: the same intake as `POST /referrals`. With `ifNoneExist` on its
 * Task, a referral it already sent under that identifier is answered instead (200), nothing new made.
 */
export async function createFromBundle(
  deps: Deps,
  caller: Caller,
  bundle: unknown,
  schemaErrors: (input: unknown) => FieldError[]
): Promise<CreatedFromBundle> {
  const read = readTransaction(bundle)
  if (!read.ok) throw fhirRefusal(read.issues)
  // What the Bundle said, held to the schema POST /referrals holds its body to (types, lengths, patterns).
  const errors = schemaErrors(read.read.input)
  if (errors.length > 0) throw asIssues(validationProblem(errors), read.read.origins)
  const { input, origins, ifNoneExist, entries, requester } = read.read
  if (requester !== null && requester.id !== caller.principal.organisationId)
    throw fhirRefusal([{ code: 'invalid', expression: requester.expression, message: 'must be your own organisation' }])
  const existing = async () => {
    const found = ifNoneExist === null ? undefined : await sentWith(deps, caller, ifNoneExist)
    return found === undefined
      ? undefined
      : { id: found.id, version: found.version, created: false, at: isoInstant(found.updatedAt), entries }
  }
  const before = await existing()
  if (before !== undefined) return before
  try {
    const made = await createReferral(deps, caller, input)
    return { id: made.id, version: made.version, created: true, at: caller.clock.now().toISOString(), entries }
  } catch (err) {
    // The same Bundle sent twice at once: the second finds the first.
    if (err instanceof ProblemError && err.kind === 'duplicate-external-reference') {
      const raced = await existing()
      if (raced !== undefined) return raced
    }
    throw err instanceof ProblemError ? asIssues(err, origins) : err
  }
}

/**
 * A JSON Patch of a Task: only its status and statusReason, as a transition under the status
 * machine's rules (the hospital cancels; the programme may move it as in REST).
 */
export async function patchTask(deps: Deps, caller: Caller, id: string, ifMatch: string | undefined, ops: unknown) {
  const issues: FhirIssue[] = []
  let status: string | undefined
  let reasonCode: string | undefined
  let reason: string | undefined
  if (!Array.isArray(ops) || ops.length === 0)
    throw fhirRefusal([{ code: 'structure', expression: 'Task', message: 'send a JSON Patch: an array of operations' }])
  ops.forEach((op, i) => {
    const o = (op ?? {}) as { op?: unknown; path?: unknown; value?: unknown }
    const where = `Task.${String(o.path ?? '')
      .replace(/^\//, '')
      .replaceAll('/', '.')}`
    if (o.op !== 'replace' && o.op !== 'add') {
      issues.push({ code: 'not-supported', expression: where, message: `operation ${i} must be replace or add` })
      return
    }
    if (o.path === '/status' && typeof o.value === 'string') status = o.value
    else if (o.path === '/statusReason' && typeof o.value === 'object' && o.value !== null) {
      const v = o.value as { coding?: Array<{ code?: unknown }>; text?: unknown }
      reasonCode = typeof v.coding?.[0]?.code === 'string' ? v.coding[0].code : undefined
      reason = typeof v.text === 'string' ? v.text : undefined
    } else
      issues.push({ code: 'not-supported', expression: where, message: 'only status and statusReason can be changed' })
  })
  if (status === undefined && issues.length === 0)
    issues.push({ code: 'required', expression: 'Task.status', message: 'is required: the status to move to' })
  if (issues.length > 0) throw fhirRefusal(issues)
  const origins = new Map([
    ['/status', 'Task.status'],
    ['/reasonCode', 'Task.statusReason.coding[0].code'],
    ['/reason', 'Task.statusReason.text']
  ])
  const strongTag = ifMatch?.replace(/W\//g, '')
  try {
    const moved = await transitionReferral(deps, caller, id, strongTag, {
      status,
      ...(reasonCode === undefined ? {} : { reasonCode }),
      ...(reason === undefined ? {} : { reason })
    } as never)
    return { resource: taskOf(moved.body as ReferralBody), version: moved.version }
  } catch (err) {
    throw err instanceof ProblemError ? asIssues(err, origins) : err
  }
}

/** A FHIR Subscription (R4 Backport) as one of the organisation's webhook endpoints. */
export async function createSubscription(deps: Deps, caller: Caller, body: unknown) {
  const read = readSubscription(body, deps.config.FHIR_HEARTBEAT_MIN_SECONDS)
  if (!read.ok) throw fhirRefusal(read.issues)
  try {
    const created = await createEndpoint(deps, caller.principal.organisationId as string, {
      url: read.request.url,
      eventTypes: [...TOPIC_EVENT_TYPES],
      description: read.request.reason,
      payload: read.request.payload,
      heartbeatSeconds: read.request.heartbeatSeconds
    })
    return { ...created, payload: read.request.payload, heartbeatSeconds: read.request.heartbeatSeconds }
  } catch (err) {
    throw err instanceof ProblemError ? asIssues(err, new Map([['/url', 'Subscription.channel.endpoint']])) : err
  }
}

/** The organisation's own Subscription: one of its endpoints with a FHIR payload. */
export async function readSubscriptionOf(deps: Deps, caller: Caller, id: string) {
  const row = await getEndpoint(deps, caller.principal.organisationId as string, id).catch(() => undefined)
  if (row === undefined || row.payload === 'standard') throw notFound('Subscription')
  return row
}

export async function deleteSubscription(deps: Deps, caller: Caller, id: string) {
  await readSubscriptionOf(deps, caller, id)
  await removeEndpoint(deps, caller.principal.organisationId as string, id)
}

export async function readOrganization(deps: Pick<Deps, 'db'>, id: string) {
  const row = await findOrganisation(deps.db, id)
  if (row === undefined || row.type === 'operator') throw notFound('Organization')
  return directoryEntry(row)
}

export async function readPractitionerRole(deps: Pick<Deps, 'db'>, caller: Caller, id: string) {
  const row =
    caller.principal.organisationId === null
      ? undefined
      : await workerKnownTo(deps.db, caller.principal.organisationId, id)
  if (row === undefined) throw notFound('PractitionerRole')
  return row
}

/**
 * A subscription's notification of one delivery. With `full-resource` the Task is read as the
 * subscribing organisation's view shows it now, and the read is in the access log.
 */
export async function notificationOf(
  deps: Pick<Deps, 'db' | 'identifiers'>,
  base: string,
  delivery: ClaimedDelivery,
  deliveryId: string
): Promise<string> {
  const payload = delivery.payload as FhirPayload
  let resource: Record<string, unknown> | undefined
  if (payload === 'full-resource' && delivery.referralId !== null) {
    const organisation = await findOrganisation(deps.db, delivery.organisationId)
    // The subscription acts as its organisation, not as one of its API clients.
    const principal = {
      kind: 'organisation',
      clientId: null,
      organisationId: delivery.organisationId,
      organisationType: organisation?.type ?? 'other',
      scopes: [],
      idempotencyScope: ''
    } as unknown as Principal
    const entry = accessEntry({
      principal,
      requestId: deliveryId,
      purpose: 'subscription notification',
      action: 'notify',
      clock: { now: () => new Date(), replay: false },
      actingWorkerId: null
    })
    const row = await referralForReader(
      deps.db,
      delivery.referralId,
      { party: delivery.organisationId, partyType: principal.organisationType, recipients: false },
      entry
    )
    const view = row === undefined ? null : viewOf(principal, row)
    if (row !== undefined && view !== null)
      resource = taskOf(present(deps.identifiers, row, view, []).body as ReferralBody)
  }
  return JSON.stringify(
    notificationBundle({
      base,
      subscriptionId: delivery.endpointId,
      eventNumber: delivery.eventNumber,
      timestamp: isoInstant(delivery.occurredAt),
      focus: { type: 'Task', id: delivery.referralId ?? delivery.handoffId ?? '', version: delivery.version ?? null },
      payload,
      ...(resource === undefined ? {} : { resource })
    })
  )
}
