import { pgTable, uuid, text, index, integer, boolean } from 'drizzle-orm/pg-core'
import { organisations } from './organisations.ts'
import { timestamps } from './columns.ts'

/** The people of an organisation who act in the network: a social worker, a housing officer. Work contact only. */
export const workers = pgTable(
  'workers',
  {
    id: uuid().primaryKey().defaultRandom(),
    organisationId: uuid()
      .notNull()
      .references(() => organisations.id),
    name: text().notNull(),
    role: text().notNull(),
    workPhone: text(),
    workEmail: text(),
    /** An inactive worker keeps their history but is assigned nothing new. */
    active: boolean().notNull().default(true),
    version: integer().notNull().default(1),
    ...timestamps
  },
  (t) => [index().on(t.organisationId, t.name)]
)
