import { and, eq, gt, or } from 'drizzle-orm'
import { organisations } from '../schema/index.ts'
import type { Executor } from '../client.ts'

export type OrganisationRow = typeof organisations.$inferSelect

export async function insertOrganisation(
  db: Executor,
  values: typeof organisations.$inferInsert
): Promise<OrganisationRow> {
  const [row] = await db.insert(organisations).values(values).returning()
  return row!
}

export async function findOrganisation(db: Executor, id: string): Promise<OrganisationRow | undefined> {
  const [row] = await db.select().from(organisations).where(eq(organisations.id, id))
  return row
}

export async function listOrganisations(
  db: Executor,
  after: [string, string] | null,
  limit: number
): Promise<OrganisationRow[]> {
  return db
    .select()
    .from(organisations)
    .where(
      after === null
        ? undefined
        : or(
            gt(organisations.createdAt, after[0]),
            and(eq(organisations.createdAt, after[0]), gt(organisations.id, after[1]))
          )
    )
    .orderBy(organisations.createdAt, organisations.id)
    .limit(limit)
}
