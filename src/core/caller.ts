import type { OrganisationType, Scope } from '../domain/vocabulary.ts'
import { ProblemError } from './problems.ts'

/** Who is calling: the platform operator (bootstrap key or an operator client), or an organisation's API client. */
export type Principal =
  | {
      kind: 'operator'
      clientId: string | null
      organisationId: string | null
      organisationType: 'operator'
      scopes: readonly Scope[]
      /** Scopes idempotency keys: the client id, or `operator` for the bootstrap key. */
      idempotencyScope: string
    }
  | {
      kind: 'organisation'
      clientId: string
      organisationId: string
      organisationType: Exclude<OrganisationType, 'operator'>
      scopes: readonly Scope[]
      idempotencyScope: string
    }

/** An organisation's API client as a principal (an operator organisation's clients act as the operator). */
export function principalOf(c: {
  clientId: string
  organisationId: string
  organisationType: OrganisationType
  scopes: readonly Scope[]
}): Principal {
  return c.organisationType === 'operator'
    ? { kind: 'operator', ...c, organisationType: 'operator', idempotencyScope: c.clientId }
    : { kind: 'organisation', ...c, organisationType: c.organisationType, idempotencyScope: c.clientId }
}

/** The operator as the bootstrap key (`ADMIN_API_KEY`) authenticates it. */
export const BOOTSTRAP_OPERATOR: Principal = {
  kind: 'operator',
  clientId: null,
  organisationId: null,
  organisationType: 'operator',
  scopes: ['admin'],
  idempotencyScope: 'operator'
}

/**
 * What time it is for a caller. The system clock lets PostgreSQL stamp what is written; a replay
 * (the demo seed rebuilding history) writes its own times.
 */
export interface Clock {
  now: () => Date
  replay: boolean
}
export const systemClock: Clock = { now: () => new Date(), replay: false }
export const fixedClock = (at: Date): Clock => ({ now: () => at, replay: true })

/** Who acts, for which request and why: the access log's "who", "what" and "why". */
export interface Caller {
  principal: Principal
  requestId: string
  /** Why: the operation that touched the data. */
  purpose: string
  /** What the access log records this request as (the route declares it). */
  action: string
  clock: Clock
  /** The person of the caller's organisation the request names (`Acting-Person`), checked to be one of its active workers. */
  actingWorkerId: string | null
}

/** One row of the access log, before it names its referral. */
export interface AccessEntry {
  organisationId: string | null
  clientId: string | null
  onBehalfOfWorkerId: string | null
  action: string
  purpose: string
  requestId: string
}

export function accessEntry(caller: Caller, action = caller.action): AccessEntry {
  return {
    organisationId: caller.principal.organisationId,
    clientId: caller.principal.clientId,
    onBehalfOfWorkerId: caller.actingWorkerId,
    action,
    purpose: caller.purpose,
    requestId: caller.requestId
  }
}

/** Parses `If-Match` (strong comparison only); 428 without one, 412 when it names another version of `subject`. */
export function requireVersion(ifMatch: string | undefined, current: number, subject: string): void {
  if (ifMatch === undefined) {
    throw new ProblemError('precondition-required', 'Send If-Match with the ETag of the version you are changing')
  }
  const tags = ifMatch.split(',').map((t) => t.trim())
  if (!tags.includes('*') && !tags.includes(`"${current}"`)) {
    throw new ProblemError('precondition-failed', `The ${subject} is at version ${current}; fetch it again and retry`)
  }
}
