import { and, eq, gt, or, sql } from 'drizzle-orm'
import { organisations } from '../schema/index.ts'
import type { Executor } from '../client.ts'

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
export async function findProgrammes (db: Executor, postalCode: string | null): Promise<OrganisationRow[]> {
  return db.select().from(organisations).where(and(
    eq(organisations.type, 'programme'),
    postalCode === null ? undefined : sql`${organisations.serviceArea} @> ARRAY[${postalCode}]::text[]`
  )).limit(2)
}
