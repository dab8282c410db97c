import { checkInsz } from './insz.ts'
import { addMonths, ageInYears } from './dates.ts'

/** A refused field: JSON pointer and reason. */
export interface FieldError {
  pointer: string
  message: string
}

export interface ReferralFacts {
  mother: { givenName?: string; familyName?: string; birthDate: string; insz?: string; inszAbsentReason?: string }
  pregnancy?: { expectedDeliveryDate: string } | null
  youngestChild?: { birthDate: string } | null
  household: { numberOfChildren: number }
  consent?: { givenAt: string; recordedBy?: string; sharingScope: readonly string[] }
  referrerContact?: { name: string }
}

export interface RuleContext {
  /** Today in Belgium, `YYYY-MM-DD`. */
  today: string
  now: Date
  childMaxAgeMonths: number
}

const INSZ_MESSAGES = {
  format: 'must hold 11 digits',
  check_digits:
    'check digits do not match (97 minus the first nine digits mod 97; for births from 2000, with a 2 before them)',
  date: 'month or day in the number is impossible',
  birth_date_mismatch: "the number's date differs from mother.birthDate"
} as const

// Consent is recorded on another clock; a small skew is not "in the future".
const CLOCK_SKEW_MS = 5 * 60_000

/** The rules a schema cannot say (DESIGN §3, issue 4); every refused field, not only the first. */
export function referralRuleErrors(r: ReferralFacts, ctx: RuleContext): FieldError[] {
  const errors: FieldError[] = []
  const age = ageInYears(r.mother.birthDate, ctx.today)
  if (age < 12 || age > 55)
    errors.push({ pointer: '/mother/birthDate', message: `gives an age of ${age}; must be 12 to 55` })

  if (r.mother.insz !== undefined) {
    const check = checkInsz(r.mother.insz, r.mother.birthDate)
    if (!check.valid) errors.push({ pointer: '/mother/insz', message: INSZ_MESSAGES[check.reason] })
    if (r.mother.inszAbsentReason !== undefined)
      errors.push({ pointer: '/mother/inszAbsentReason', message: 'must be absent when insz is given' })
  } else if (r.mother.inszAbsentReason === undefined) {
    errors.push({ pointer: '/mother/inszAbsentReason', message: 'is required when insz is absent' })
  }

  const pregnant = r.pregnancy != null
  const born = r.youngestChild != null
  if (pregnant === born) {
    errors.push({
      pointer: pregnant ? '/youngestChild' : '/pregnancy',
      message: 'give exactly one of pregnancy or youngestChild'
    })
  }
  if (r.pregnancy != null) {
    const edd = r.pregnancy.expectedDeliveryDate
    if (edd < addMonths(ctx.today, -1) || edd > addMonths(ctx.today, 10)) {
      errors.push({
        pointer: '/pregnancy/expectedDeliveryDate',
        message: 'must lie between one month ago and ten months ahead'
      })
    }
  }
  if (r.youngestChild != null) {
    const birth = r.youngestChild.birthDate
    if (birth > ctx.today) errors.push({ pointer: '/youngestChild/birthDate', message: 'must not be in the future' })
    else if (birth <= addMonths(ctx.today, -ctx.childMaxAgeMonths)) {
      errors.push({
        pointer: '/youngestChild/birthDate',
        message: `the child must be younger than ${ctx.childMaxAgeMonths} months`
      })
    }
    if (r.household.numberOfChildren < 1)
      errors.push({ pointer: '/household/numberOfChildren', message: 'must be at least 1 when youngestChild is given' })
  }

  if (r.consent !== undefined) {
    if (Date.parse(r.consent.givenAt) > ctx.now.getTime() + CLOCK_SKEW_MS)
      errors.push({ pointer: '/consent/givenAt', message: 'must not be in the future' })
    else if (r.consent.givenAt < CONSENT_EARLIEST)
      errors.push({ pointer: '/consent/givenAt', message: `must not be before ${CONSENT_EARLIEST.slice(0, 4)}` })
    if (r.consent.sharingScope.length === 0)
      errors.push({ pointer: '/consent/sharingScope', message: 'must name at least one organisation type' })
  }
  const names: Array<[string, string | undefined]> = [
    ['/mother/givenName', r.mother.givenName],
    ['/mother/familyName', r.mother.familyName],
    ['/consent/recordedBy', r.consent?.recordedBy],
    ['/referrerContact/name', r.referrerContact?.name]
  ]
  for (const [pointer, name] of names) {
    const problem = name === undefined ? null : nameProblem(name)
    if (problem !== null) errors.push({ pointer, message: problem })
  }
  return errors
}

/** No consent recorded before the programme's network existed is plausible. */
const CONSENT_EARLIEST = '2000-01-01'

/** Control characters, bidirectional overrides and isolates: they make a name read other than it is. */
const UNREADABLE = /[\p{Cc}\u202A-\u202E\u2066-\u2069]/u
/** What a name must have at least one of: a letter or a digit (not only spaces, marks or zero-width characters). */
const VISIBLE = /[\p{L}\p{N}]/u

/** Why a person's name is refused, or null. */
export function nameProblem(name: string): string | null {
  if (UNREADABLE.test(name)) return 'must not contain control or bidirectional-override characters'
  if (!VISIBLE.test(name)) return 'must contain a letter'
  return null
}

/** A name as it is stored: Unicode NFC, so that the same name is the same string, and trimmed. */
export const normalizeName = (name: string) => name.normalize('NFC').trim()

/**
 * Why a day cannot be one of the mother's guidance (an assessment, a group session), or null: from
 * the day the programme accepted her (in Belgium) to today.
 */
export function outsideGuidance(
  day: string,
  guidanceStartedOn: string | null,
  today: string,
  guidanceEndedOn: string | null = null
): string | null {
  if (guidanceStartedOn === null) return 'the referral is not in guidance yet (not accepted)'
  if (day < guidanceStartedOn) return `must not be before the start of guidance (${guidanceStartedOn})`
  if (day > today) return 'must not be in the future'
  if (guidanceEndedOn !== null && day > guidanceEndedOn)
    return `must not be after the end of guidance (${guidanceEndedOn})`
  return null
}

/** Why a handoff's due date is refused, or null: from today to two years ahead. */
export function dueByProblem(dueBy: string, today: string): string | null {
  if (dueBy < today) return 'must not be in the past'
  if (dueBy > addMonths(today, 24)) return 'must be within two years'
  return null
}
