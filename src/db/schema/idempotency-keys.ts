import { pgTable, text, integer, jsonb, primaryKey } from 'drizzle-orm/pg-core'
import { bytes, instant } from './columns.ts'

export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    /** The calling client (or `admin` for the bootstrap key): keys are scoped to it. */
    principal: text().notNull(),
    key: text().notNull(),
    requestHash: text().notNull(),
    /** Null while the first request still runs. */
    responseStatus: integer(),
    responseHeaders: jsonb().$type<Record<string, string>>(),
    /** Sealed (`sealAnswer`): what was answered may hold an INSZ or free text. */
    responseBody: bytes(),
    createdAt: instant().notNull().defaultNow(),
    expiresAt: instant().notNull()
  },
  (t) => [primaryKey({ columns: [t.principal, t.key] })]
)
