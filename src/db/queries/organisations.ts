import { and, eq, gt, or } from 'drizzle-orm'
import { organisations } from '../schema/index.ts'
import { prepared, type Database, type Executor } from '../client.ts'

export type OrganisationRow = typeof organisations.$inferSelect

export async function insertOrganisation (db: Executor, values: typeof organisations.$inferInsert): Promise<OrganisationRow> {
  const [row] = await db.insert(organisations).values(values).returning()
  return row!
}

export async function findOrganisation (db: Executor, id: string): Promise<OrganisationRow | undefined> {
  const [row] = await db.select().from(organisations).where(eq(organisations.id, id))
  return row
}

export async function listOrganisations (db: Executor, after: [string, string] | null, limit: number): Promise<OrganisationRow[]> {
  return db.select().from(organisations)
    .where(after === null ? undefined : or(gt(organisations.createdAt, after[0]), and(eq(organisations.createdAt, after[0]), gt(organisations.id, after[1]))))
    .orderBy(organisations.createdAt, organisations.id)
    .limit(limit)
}

/** Programmes whose service area holds `postalCode`, or every programme when it is null. */
/** Up to two programmes (enough to tell one from several): all, or those serving a postal code. */
export async function findProgrammes (db: Database, postalCode: string | null): Promise<Array<{ id: string }>> {
  return prepared(db, 'find_programmes', `SELECT id FROM organisations
    WHERE type = 'programme' AND ($1::text IS NULL OR service_area @> ARRAY[$1::text]) LIMIT 2`, [postalCode])
}
