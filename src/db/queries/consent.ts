import { and, asc, eq, inArray } from 'drizzle-orm'
import { consentVersions, handoffs, organisations } from '../schema/index.ts'
import type { Executor } from '../client.ts'
import { OPEN_HANDOFF_STATUSES } from '../../domain/handoffs.ts'

export type ConsentVersionRow = typeof consentVersions.$inferSelect
export type NewConsentVersion = typeof consentVersions.$inferInsert

export async function consentVersionsOf(db: Executor, referralId: string): Promise<ConsentVersionRow[]> {
  return db
    .select()
    .from(consentVersions)
    .where(eq(consentVersions.referralId, referralId))
    .orderBy(asc(consentVersions.version))
}

/** The open handoffs of a referral with their recipient's organisation type. */
export async function openHandoffRecipients(db: Executor, referralId: string) {
  return db
    .select({ id: handoffs.id, recipientType: organisations.type })
    .from(handoffs)
    .innerJoin(organisations, eq(organisations.id, handoffs.toOrganisationId))
    .where(and(eq(handoffs.referralId, referralId), inArray(handoffs.status, [...OPEN_HANDOFF_STATUSES])))
}
