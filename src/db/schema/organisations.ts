import { pgTable, uuid, text, index, integer } from 'drizzle-orm/pg-core'
import { timestamps } from './columns.ts'
import type { OrganisationType } from '../../domain/vocabulary.ts'

export const organisations = pgTable(
  'organisations',
  {
    id: uuid().primaryKey().defaultRandom(),
    name: text().notNull(),
    type: text().$type<OrganisationType>().notNull(),
    notificationEmail: text(),
    /** Belgian postal codes a `programme` serves; routes referrals without a programmeId. */
    serviceArea: text().array().notNull().default([]),
    /** Grows with every change; the ETag. */
    version: integer().notNull().default(1),
    ...timestamps
  },
  (t) => [index().on(t.type), index().using('gin', t.serviceArea)]
)
