import { pgTable, uuid, text, index } from 'drizzle-orm/pg-core'
import { organisations } from './organisations.ts'
import { instant, timestamps } from './columns.ts'

export const apiClients = pgTable(
  'api_clients',
  {
    id: uuid().primaryKey().defaultRandom(),
    organisationId: uuid()
      .notNull()
      .references(() => organisations.id),
    name: text().notNull(),
    /** SHA-256 of the whole key; the key itself is never stored. */
    keyHash: text().notNull().unique(),
    /** The first characters of the key, so an operator can tell keys apart. */
    keyPrefix: text().notNull(),
    scopes: text().array().notNull(),
    lastUsedAt: instant(),
    revokedAt: instant(),
    ...timestamps
  },
  (t) => [index().on(t.organisationId)]
)
