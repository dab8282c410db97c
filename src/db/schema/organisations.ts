import { pgTable, uuid, text, index, integer } from 'drizzle-orm/pg-core'
import { instant, timestamps } from './columns.ts'
import type { OrganisationType } from '../../domain/vocabulary.ts'
import type { HandoffType } from '../../domain/handoffs.ts'
import type { Language } from '../../i18n/index.ts'

export const organisations = pgTable(
  'organisations',
  {
    id: uuid().primaryKey().defaultRandom(),
    name: text().notNull(),
    type: text().$type<OrganisationType>().notNull(),
    notificationEmail: text(),
    /** The language of the notices it is e-mailed. */
    noticeLanguage: text().$type<Language>().notNull().default('nl'),
    /** Belgian postal codes a `programme` serves; routes referrals without a programmeId. */
    serviceArea: text().array().notNull().default([]),
    /** Handoff types it takes (`HANDOFF_TYPES`); the directory shows them, handoffs of other types are refused. */
    acceptedHandoffTypes: text().array().$type<HandoffType[]>().notNull().default([]),
    /** Its public contact, as the directory shows it (never a person's private data). */
    contactPhone: text(),
    contactEmail: text(),
    /** Deactivated: its clients are revoked, nothing new is sent to it; its open work stays visible. */
    deactivatedAt: instant(),
    /** Grows with every change; the ETag. */
    version: integer().notNull().default(1),
    ...timestamps
  },
  (t) => [index().on(t.type), index().using('gin', t.serviceArea)]
)
