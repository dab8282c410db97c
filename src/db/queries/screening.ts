import { asc, eq } from 'drizzle-orm'
import { screeningCorrections } from '../schema/index.ts'
import type { Executor } from '../client.ts'

export type ScreeningCorrection = typeof screeningCorrections.$inferSelect

/** The programme's screening values of a referral, oldest first. */
export async function screeningCorrectionsOf(db: Executor, referralId: string): Promise<ScreeningCorrection[]> {
  return db
    .select()
    .from(screeningCorrections)
    .where(eq(screeningCorrections.referralId, referralId))
    .orderBy(asc(screeningCorrections.id))
}
