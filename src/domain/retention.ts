import { addMonths, ageInYears } from './dates.ts'
import type { ReasonCode } from './reason-codes.ts'
import type { ReferralStatus } from './vocabulary.ts'

/** A referral in these statuses is closed: its retention period runs from its last change. */
export const CLOSED_STATUSES: readonly ReferralStatus[] = [
  'completed',
  'failed',
  'rejected',
  'cancelled',
  'entered-in-error'
]

/** Why a referral was pseudonymised: by the daily job, or at once on a request the operator received. */
export const ERASURE_REASON_CODES = [
  'retention_expired',
  'data_subject_request',
  'unlawful_processing'
] as const satisfies readonly ReasonCode[]
export type ErasureReasonCode = (typeof ERASURE_REASON_CODES)[number]

/** Written where a name or free text was; never a value anyone could mistake for hers. */
export const ERASED = '(gewist)'

interface Details {
  mother: { birthDate: string; preferredLanguage: string; interpreterNeeded: boolean } & Record<string, unknown>
  consent: Record<string, unknown>
  referrerContact: Record<string, unknown>
  [field: string]: unknown
}

/**
 * A referral's details with the mother's identity, contact, address and every free text erased.
 * What the impact report reads stays: the dates of the pregnancy or birth, household, screening,
 * needs and urgency codes, and her age at the start of guidance, kept by a birth date made from it (the start
 * day, that many years earlier): the report's ages come out the same, her birthday is gone.
 */
export function pseudonymisedDetails<T extends Details>(details: T, startDay: string): T {
  const age = ageInYears(details.mother.birthDate, startDay)
  return {
    ...details,
    mother: {
      givenName: ERASED,
      familyName: ERASED,
      birthDate: addMonths(startDay, -12 * age),
      inszAbsentReason: 'unknown',
      preferredLanguage: details.mother.preferredLanguage,
      interpreterNeeded: details.mother.interpreterNeeded
    },
    reason: ERASED,
    consent: { ...details.consent, recordedBy: ERASED, documentReference: undefined },
    referrerContact: { name: ERASED }
  } as unknown as T
}

/** Whether a closed referral's retention ran out by `now`. */
export function retentionExpired(r: { status: ReferralStatus; updatedAt: string }, retentionMs: number, now: Date) {
  return CLOSED_STATUSES.includes(r.status) && Date.parse(r.updatedAt) + retentionMs <= now.getTime()
}
