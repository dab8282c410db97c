import { pgTable, uuid, text, bigserial, index } from 'drizzle-orm/pg-core'
import { instant } from './columns.ts'

/** Append-only: a trigger (migration `access_log_append_only`) refuses UPDATE, DELETE and TRUNCATE. */
export const accessLog = pgTable(
  'access_log',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    organisationId: uuid(),
    clientId: uuid(),
    /** "Client X on behalf of person Y": the worker the request named (`Acting-Person`). */
    onBehalfOfWorkerId: uuid(),
    referralId: uuid().notNull(),
    action: text().notNull(),
    purpose: text().notNull(),
    requestId: text(),
    at: instant().notNull().defaultNow()
  },
  (t) => [index().on(t.referralId, t.id)]
)
