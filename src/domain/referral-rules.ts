import { checkInsz } from './insz.ts'
import { addMonths, ageInYears } from './dates.ts'

/** A refused field: JSON pointer and reason. */
export interface FieldError {
  pointer: string
  message: string
}

export interface ReferralFacts {
  mother: { birthDate: string; insz?: string; inszAbsentReason?: string }
  pregnancy?: { expectedDeliveryDate: string } | null
  youngestChild?: { birthDate: string } | null
  household: { numberOfChildren: number }
  consent?: { givenAt: string; sharingScope: readonly string[] }
}

export interface RuleContext {
  /** Today in Belgium, `YYYY-MM-DD`. */
  today: string
  now: Date
  childMaxAgeMonths: number
}

const INSZ_MESSAGES = {
  format: 'must hold 11 digits',
  check_digits: 'check digits do not match (DESIGN §3: 97 − number mod 97)',
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
    if (r.consent.sharingScope.length === 0)
      errors.push({ pointer: '/consent/sharingScope', message: 'must name at least one organisation type' })
  }
  return errors
}
