/**
 * A refusal as a FHIR OperationOutcome: the same problem the REST API answers with (its kind, its
 * words in the caller's language), with one issue per element refused, named by FHIRPath.
 */
import type { FhirIssue } from './intake.ts'

/** The issue type (http://hl7.org/fhir/issue-type) a problem of each HTTP status is. */
const ISSUE_BY_STATUS: Record<number, string> = {
  400: 'invalid',
  401: 'login',
  403: 'forbidden',
  404: 'not-found',
  405: 'not-supported',
  406: 'not-supported',
  409: 'conflict',
  412: 'conflict',
  413: 'too-costly',
  415: 'not-supported',
  422: 'processing',
  428: 'required',
  429: 'throttled',
  503: 'transient'
}

/** Kinds with a more exact issue type than their status gives. */
const ISSUE_BY_KIND: Record<string, string> = {
  'duplicate-referral': 'duplicate',
  'duplicate-external-reference': 'duplicate',
  'transition-not-allowed': 'business-rule',
  'assessment-required': 'business-rule',
  'open-handoffs': 'business-rule',
  'malformed-json': 'structure'
}

export interface Refusal {
  kind: string
  status: number
  /** The problem's title and detail, in the caller's language. */
  title: string
  detail?: string | undefined
  /** Elements refused, when the refusal names them. */
  issues?: readonly FhirIssue[]
}

export function operationOutcome(r: Refusal) {
  const code = ISSUE_BY_KIND[r.kind] ?? ISSUE_BY_STATUS[r.status] ?? 'exception'
  const severity = r.status >= 500 ? 'fatal' : 'error'
  const issues =
    r.issues !== undefined && r.issues.length > 0
      ? r.issues.map((i) => ({
          severity,
          code: i.code,
          details: { text: i.message },
          diagnostics: `${i.expression} ${i.message}`,
          expression: [i.expression]
        }))
      : [
          {
            severity,
            code,
            details: { coding: [{ system: 'urn:opkomst:problem', code: r.kind }], text: r.title },
            ...(r.detail === undefined ? {} : { diagnostics: r.detail })
          }
        ]
  return { resourceType: 'OperationOutcome', issue: issues }
}
