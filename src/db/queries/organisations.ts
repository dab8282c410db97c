import { and, eq, gt, ne, or, sql } from 'drizzle-orm'
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

/** Organisation writes are rare: they take turns, so the checks below see every committed one. */
export async function lockOrganisationWrites(tx: Executor): Promise<void> {
  await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext('opkomst:organisation-writes'))`)
}

/** Another organisation of `type` with this name (case and outer spaces aside), if there is one. */
export async function organisationNamed(
  db: Executor,
  type: string,
  name: string,
  except: string | null
): Promise<OrganisationRow | undefined> {
  const [row] = await db
    .select()
    .from(organisations)
    .where(
      and(
        eq(organisations.type, type as OrganisationRow['type']),
        sql`lower(btrim(${organisations.name})) = lower(btrim(${name}))`,
        except === null ? undefined : ne(organisations.id, except)
      )
    )
  return row
}

/** Every programme and its service area. */
export async function programmeAreas(db: Executor): Promise<{ id: string; serviceArea: string[] }[]> {
  return db
    .select({ id: organisations.id, serviceArea: organisations.serviceArea })
    .from(organisations)
    .where(eq(organisations.type, 'programme'))
}

/** Changes an organisation when it is still at `version`; undefined when it is not. */
export async function updateOrganisation(
  tx: Executor,
  id: string,
  version: number,
  set: Partial<typeof organisations.$inferInsert>
): Promise<OrganisationRow | undefined> {
  const [row] = await tx
    .update(organisations)
    .set({ ...set, version: sql`${organisations.version} + 1`, updatedAt: sql`clock_timestamp()` })
    .where(and(eq(organisations.id, id), eq(organisations.version, version)))
    .returning()
  return row
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
