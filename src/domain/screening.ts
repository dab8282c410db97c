import {
  type HOUSING_SITUATIONS,
  type INCOME_SOURCES,
  SCREENING_CRITERIA,
  type SCREENING_VALUES
} from './vocabulary.ts'

/**
 * The start situation: the referrer's screening and household at referral, which the programme
 * corrects or completes field by field. The impact report reads the programme's value where it
 * recorded one; the referrer keeps seeing what it sent.
 */
export const SCREENING_FIELDS = [
  ...SCREENING_CRITERIA,
  'incomeSource',
  'housingSituation',
  'livesAloneWithChildren',
  'numberOfChildren'
] as const
export type ScreeningField = (typeof SCREENING_FIELDS)[number]

export interface StartSituation {
  income: (typeof SCREENING_VALUES)[number]
  employment: (typeof SCREENING_VALUES)[number]
  education: (typeof SCREENING_VALUES)[number]
  housing: (typeof SCREENING_VALUES)[number]
  childDevelopment: (typeof SCREENING_VALUES)[number]
  health: (typeof SCREENING_VALUES)[number]
  incomeSource: (typeof INCOME_SOURCES)[number]
  housingSituation: (typeof HOUSING_SITUATIONS)[number]
  livesAloneWithChildren: boolean
  numberOfChildren: number
}

/** What the referrer sent, as a start situation. */
export function referrerSituation(details: {
  screening: Omit<StartSituation, 'livesAloneWithChildren' | 'numberOfChildren'>
  household: { livesAloneWithChildren: boolean; numberOfChildren: number }
}): StartSituation {
  const { screening: s, household: h } = details
  return {
    income: s.income,
    employment: s.employment,
    education: s.education,
    housing: s.housing,
    childDevelopment: s.childDevelopment,
    health: s.health,
    incomeSource: s.incomeSource,
    housingSituation: s.housingSituation,
    livesAloneWithChildren: h.livesAloneWithChildren,
    numberOfChildren: h.numberOfChildren
  }
}

/** The referrer's situation with the programme's corrections laid over it, the latest of each field winning. */
export function effectiveSituation(
  referrer: StartSituation,
  corrections: ReadonlyArray<{ field: ScreeningField; value: unknown }>
): StartSituation {
  const effective: Record<string, unknown> = { ...referrer }
  for (const { field, value } of corrections) effective[field] = value
  return effective as unknown as StartSituation
}

/** The programme's current value of each field it recorded. */
export function currentCorrections<T extends { field: ScreeningField }>(
  corrections: readonly T[]
): Partial<Record<ScreeningField, T>> {
  const current: Partial<Record<ScreeningField, T>> = {}
  for (const c of corrections) current[c.field] = c
  return current
}
