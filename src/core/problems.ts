/**
 * The problems this API answers with (RFC 9457): one catalogue of kinds, each with its status and
 * title. The `type` of a problem is `urn:opkomst:problem:<kind>`, stable across releases.
 */
export const PROBLEM_KINDS = {
  'bad-request': { status: 400, title: 'Bad request' },
  'malformed-json': { status: 400, title: 'Malformed JSON' },
  'invalid-parameters': { status: 400, title: 'Invalid request parameters' },
  'invalid-cursor': { status: 400, title: 'Invalid cursor' },
  'invalid-idempotency-key': { status: 400, title: 'Invalid Idempotency-Key' },
  unauthorized: { status: 401, title: 'Unauthorized' },
  forbidden: { status: 403, title: 'Forbidden' },
  'not-found': { status: 404, title: 'Not found' },
  'method-not-allowed': { status: 405, title: 'Method not allowed' },
  'not-acceptable': { status: 406, title: 'Not acceptable' },
  'transition-not-allowed': { status: 409, title: 'Transition not allowed' },
  'duplicate-referral': { status: 409, title: 'Already referred' },
  'duplicate-external-reference': { status: 409, title: 'Duplicate externalReference' },
  'not-correctable': { status: 409, title: 'No longer correctable' },
  'referral-closed': { status: 409, title: 'Referral closed' },
  'consent-withdrawn': { status: 409, title: 'Consent withdrawn' },
  'assessment-required': { status: 409, title: 'Assessment required' },
  'not-housing-priority': { status: 409, title: 'Not a housing priority' },
  'housing-decision-not-allowed': { status: 409, title: 'Decision not allowed' },
  'idempotency-in-progress': { status: 409, title: 'Request in progress' },
  'endpoint-disabled': { status: 409, title: 'Webhook endpoint disabled' },
  'open-handoffs': { status: 409, title: 'Open handoffs' },
  'duplicate-organisation': { status: 409, title: 'Organisation already onboarded' },
  'service-area-overlap': { status: 409, title: 'Service area overlaps another programme' },
  'open-work': { status: 409, title: 'Open work' },
  'not-assignable': { status: 409, title: 'No worker assigned in this status' },
  'precondition-failed': { status: 412, title: 'Version changed' },
  'payload-too-large': { status: 413, title: 'Payload too large' },
  'unsupported-media-type': { status: 415, title: 'Unsupported media type' },
  validation: { status: 422, title: 'Invalid request' },
  'idempotency-key-reused': { status: 422, title: 'Idempotency-Key reused' },
  'precondition-required': { status: 428, title: 'If-Match required' },
  'too-many-requests': { status: 429, title: 'Too many requests' },
  internal: { status: 500, title: 'Internal server error' },
  'contract-mismatch': { status: 500, title: 'Answer off the contract' },
  unavailable: { status: 503, title: 'Service unavailable' }
} as const satisfies Record<string, { status: number; title: string }>

export type ProblemKind = keyof typeof PROBLEM_KINDS

export const problemType = (kind: string) => `urn:opkomst:problem:${kind}`

/** The kind that stands for a bare HTTP status (errors raised by the framework itself). */
export function kindOfStatus(status: number): ProblemKind {
  const found = (Object.keys(PROBLEM_KINDS) as ProblemKind[]).find((k) => PROBLEM_KINDS[k].status === status)
  return found ?? (status >= 500 ? 'internal' : 'bad-request')
}

/** An error the caller should see: becomes an RFC 9457 problem with a stable `type`. */
export class ProblemError extends Error {
  readonly status: number
  readonly title: string

  constructor(
    readonly kind: ProblemKind,
    readonly detail?: string,
    readonly extra: Record<string, unknown> = {}
  ) {
    super(detail ?? PROBLEM_KINDS[kind].title)
    this.status = PROBLEM_KINDS[kind].status
    this.title = PROBLEM_KINDS[kind].title
  }
}

export interface FieldError {
  pointer: string
  message: string
}

export const notFound = (what: string) => new ProblemError('not-found', `${what} does not exist or is not yours to see`)

export const validationProblem = (errors: FieldError[]) =>
  new ProblemError('validation', errors.map((e) => `${e.pointer} ${e.message}`).join('; '), { errors })

export const invalidParameters = (errors: FieldError[]) =>
  new ProblemError('invalid-parameters', errors.map((e) => `${e.pointer} ${e.message}`).join('; '), { errors })

/** A cursor this API never gave out (`parameter` names where it was sent). */
export const invalidCursor = (parameter: string) =>
  new ProblemError('invalid-cursor', `${parameter} is not a cursor this API gave out`)
