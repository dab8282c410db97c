import { pgTable, uuid, text, integer, jsonb, date, primaryKey, bigserial, index } from 'drizzle-orm/pg-core'
import { referrals } from './referrals.ts'
import { timestamps, instant } from './columns.ts'
import type { LifeDomain } from '../../domain/vocabulary.ts'

/** Self-sufficiency scores at the start and the end of guidance (DESIGN §6). */
export const assessments = pgTable(
  'assessments',
  {
    referralId: uuid()
      .notNull()
      .references(() => referrals.id),
    phase: text().$type<'start' | 'end'>().notNull(),
    assessedOn: date({ mode: 'string' }).notNull(),
    scores: jsonb().$type<Partial<Record<LifeDomain, number>>>().notNull(),
    /** The programme's note per life domain. */
    notes: jsonb().$type<Partial<Record<LifeDomain, string>>>().notNull().default({}),
    version: integer().notNull().default(1),
    ...timestamps
  },
  (t) => [primaryKey({ columns: [t.referralId, t.phase] })]
)

/** Each version of an assessment as saved, with who saved it: corrections stay visible. */
export const assessmentHistory = pgTable(
  'assessment_history',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    referralId: uuid()
      .notNull()
      .references(() => referrals.id),
    phase: text().$type<'start' | 'end'>().notNull(),
    version: integer().notNull(),
    assessedOn: date({ mode: 'string' }).notNull(),
    scores: jsonb().$type<Partial<Record<LifeDomain, number>>>().notNull(),
    notes: jsonb().$type<Partial<Record<LifeDomain, string>>>().notNull(),
    /** The referral's status when saved: a correction after completion shows as such. */
    referralStatus: text().notNull(),
    byOrganisationId: uuid(),
    byClientId: uuid(),
    byWorkerId: uuid(),
    at: instant().notNull().defaultNow()
  },
  (t) => [index().on(t.referralId, t.phase, t.id)]
)
