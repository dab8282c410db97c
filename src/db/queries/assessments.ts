import { and, asc, eq, sql } from 'drizzle-orm'
import { assessmentHistory, assessments } from '../schema/index.ts'
import type { Executor } from '../client.ts'
import type { AssessmentDocument } from '../../domain/assessments.ts'

export type AssessmentRow = typeof assessments.$inferSelect

export async function hasAssessment(db: Executor, referralId: string, phase: 'start' | 'end'): Promise<boolean> {
  const rows = await db
    .select({ phase: assessments.phase })
    .from(assessments)
    .where(and(eq(assessments.referralId, referralId), eq(assessments.phase, phase)))
  return rows.length > 0
}

export async function assessmentsOf(db: Executor, referralId: string): Promise<AssessmentRow[]> {
  return db.select().from(assessments).where(eq(assessments.referralId, referralId))
}

export async function lockAssessment(
  db: Executor,
  referralId: string,
  phase: 'start' | 'end'
): Promise<AssessmentRow | undefined> {
  const [row] = await db
    .select()
    .from(assessments)
    .where(and(eq(assessments.referralId, referralId), eq(assessments.phase, phase)))
    .for('update')
  return row
}

export async function saveAssessment(
  db: Executor,
  row: { referralId: string; phase: 'start' | 'end' } & AssessmentDocument,
  replace: boolean
): Promise<AssessmentRow> {
  const [saved] = replace
    ? await db
        .update(assessments)
        .set({
          assessedOn: row.assessedOn,
          scores: row.scores,
          notes: row.notes,
          version: sql`${assessments.version} + 1`,
          updatedAt: sql`now()`
        })
        .where(and(eq(assessments.referralId, row.referralId), eq(assessments.phase, row.phase)))
        .returning()
    : await db.insert(assessments).values(row).returning()
  return saved!
}

export async function assessmentHistoryOf(db: Executor, referralId: string, phase: 'start' | 'end') {
  return db
    .select()
    .from(assessmentHistory)
    .where(and(eq(assessmentHistory.referralId, referralId), eq(assessmentHistory.phase, phase)))
    .orderBy(asc(assessmentHistory.id))
}
