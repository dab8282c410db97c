import { pgTable, uuid, text, integer, jsonb, bigserial, unique } from 'drizzle-orm/pg-core'
import { referrals } from './referrals.ts'
import { instant } from './columns.ts'
import type { ConsentKind } from '../../domain/consent.ts'
import type { CONSENT_METHODS, SHARING_TYPES } from '../../domain/vocabulary.ts'

/**
 * Each version of the mother's consent, never changed. The first version is the consent sent with
 * the referral; it is written here when the consent first changes (intake writes none, so the
 * hot path pays nothing), until then it is the referral's own.
 */
export const consentVersions = pgTable(
  'consent_versions',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    referralId: uuid()
      .notNull()
      .references(() => referrals.id),
    version: integer().notNull(),
    kind: text().$type<ConsentKind>().notNull(),
    /** When she gave it, or for a withdrawal when she withdrew it. */
    givenAt: instant().notNull(),
    recordedBy: text().notNull(),
    method: text().$type<(typeof CONSENT_METHODS)[number]>(),
    sharingScope: jsonb().$type<Array<(typeof SHARING_TYPES)[number]>>().notNull(),
    documentReference: text(),
    byOrganisationId: uuid(),
    byClientId: uuid(),
    byWorkerId: uuid(),
    at: instant().notNull().defaultNow()
  },
  (t) => [unique().on(t.referralId, t.version)]
)
