import { customType, timestamp } from 'drizzle-orm/pg-core'

/** Timestamps as PostgreSQL text (microseconds kept), so keyset cursors compare exactly. */
export const instant = (name?: string) =>
  name === undefined
    ? timestamp({ withTimezone: true, precision: 6, mode: 'string' })
    : timestamp(name, { withTimezone: true, precision: 6, mode: 'string' })

export const timestamps = {
  createdAt: instant().notNull().defaultNow(),
  updatedAt: instant().notNull().defaultNow()
}

/** Bytes as they are (sealed answers), returned by pg as a Buffer. */
export const bytes = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => 'bytea' })
