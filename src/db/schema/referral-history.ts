import { pgTable, uuid, text, bigserial, index } from 'drizzle-orm/pg-core'
import { referrals } from './referrals.ts'
import { organisations } from './organisations.ts'
import { instant } from './columns.ts'
import type { ReferralStatus } from '../../domain/vocabulary.ts'

/** One row per status transition, written in the transaction that changes the status. */
export const referralHistory = pgTable(
  'referral_history',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    referralId: uuid()
      .notNull()
      .references(() => referrals.id),
    fromStatus: text().$type<ReferralStatus>(),
    toStatus: text().$type<ReferralStatus>().notNull(),
    byOrganisationId: uuid().references(() => organisations.id),
    byClientId: uuid(),
    reasonCode: text(),
    reason: text(),
    at: instant().notNull().defaultNow()
  },
  (t) => [index().on(t.referralId, t.id)]
)
