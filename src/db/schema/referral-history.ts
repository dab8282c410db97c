import { pgTable, uuid, text, bigserial, index } from 'drizzle-orm/pg-core'
import { referrals } from './referrals.ts'
import { organisations } from './organisations.ts'
import { instant } from './columns.ts'
import type { ReferralStatus } from '../../domain/vocabulary.ts'

/** One row per status transition or reassignment, written in the transaction of the change. */
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
    /** The person of that organisation who acted, when the request named one. */
    byWorkerId: uuid(),
    /** `status` (a transition) or `assignment` (the guiding worker changed; the status stays). */
    kind: text().$type<'status' | 'assignment'>().notNull().default('status'),
    /** The worker assigned by this change (accepting or reassigning). */
    assignedWorkerId: uuid(),
    reasonCode: text(),
    reason: text(),
    at: instant().notNull().defaultNow()
  },
  (t) => [index().on(t.referralId, t.id)]
)
