import type { LifeDomain } from './vocabulary.ts'

export type Scores = Partial<Record<LifeDomain, number>>
export type Notes = Partial<Record<LifeDomain, string>>

export interface AssessmentDocument {
  assessedOn: string
  scores: Scores
  notes: Notes
}

/** A change to an assessment: the fields sent replace theirs, `null` clears a score or a note. */
export interface AssessmentPatch {
  assessedOn?: string | undefined
  scores?: Partial<Record<LifeDomain, number | null>> | undefined
  notes?: Partial<Record<LifeDomain, string | null>> | undefined
}

function merge<T>(current: Partial<Record<LifeDomain, T>>, patch: Partial<Record<LifeDomain, T | null>> = {}) {
  const merged: Partial<Record<LifeDomain, T>> = { ...current }
  for (const [domain, value] of Object.entries(patch) as Array<[LifeDomain, T | null]>) {
    if (value === null) delete merged[domain]
    else merged[domain] = value
  }
  return merged
}

/**
 * An assessment with a patch applied (JSON merge patch, RFC 7396, per map): what is not sent stays.
 * Null when no score would be left: an assessment scores at least one domain.
 */
export function mergeAssessment(current: AssessmentDocument, patch: AssessmentPatch): AssessmentDocument | null {
  const scores = merge(current.scores, patch.scores)
  if (Object.keys(scores).length === 0) return null
  return { assessedOn: patch.assessedOn ?? current.assessedOn, scores, notes: merge(current.notes, patch.notes) }
}
