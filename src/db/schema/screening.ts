import { pgTable, uuid, text, integer, jsonb, bigserial, index, unique } from 'drizzle-orm/pg-core'
import { referrals } from './referrals.ts'
import { instant } from './columns.ts'
import type { ScreeningField } from '../../domain/screening.ts'

/**
 * The programme's own start situation, beside the referrer's screening: one row per field per
 * save, never changed; a field's latest row is its current value. All rows of one save share its
 * `version`, the version of the programme's screening.
 */
export const screeningCorrections = pgTable(
  'screening_corrections',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    referralId: uuid()
      .notNull()
      .references(() => referrals.id),
    version: integer().notNull(),
    field: text().$type<ScreeningField>().notNull(),
    value: jsonb().$type<string | number | boolean>().notNull(),
    byOrganisationId: uuid(),
    byClientId: uuid(),
    byWorkerId: uuid(),
    at: instant().notNull().defaultNow()
  },
  (t) => [index().on(t.referralId, t.id), unique().on(t.referralId, t.version, t.field)]
)
