import { and, asc, eq, gt, isNull, ne, or, sql } from 'drizzle-orm'
import { organisations } from '../schema/index.ts'
import type { Executor } from '../client.ts'
import { OPEN_STATUSES } from '../../domain/vocabulary.ts'
import { OPEN_HANDOFF_STATUSES } from '../../domain/handoffs.ts'

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
    .where(and(eq(organisations.type, 'programme'), isNull(organisations.deactivatedAt)))
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

/** Every organisation but the operator's, for the directory: by type, then name. */
export async function directoryOrganisations(db: Executor): Promise<OrganisationRow[]> {
  return db
    .select()
    .from(organisations)
    .where(ne(organisations.type, 'operator'))
    .orderBy(asc(organisations.type), asc(organisations.name), asc(organisations.id))
}

const OPEN_STATUSES_SQL = `{${OPEN_STATUSES.join(',')}}`
const OPEN_HANDOFF_STATUSES_SQL = `{${OPEN_HANDOFF_STATUSES.join(',')}}`

/** What a deactivated organisation leaves open: referrals it sent, handoffs made to it, referrals it guides. */
export async function openWorkOf(tx: Executor, id: string) {
  const result = await tx.execute<{
    kind: 'referred' | 'handoff' | 'guided'
    referralId: string
    handoffId: string | null
    referrerOrganisationId: string
    programmeOrganisationId: string
    fromOrganisationId: string | null
  }>(sql`
    SELECT 'referred' AS kind, r.id AS "referralId", NULL::uuid AS "handoffId", r.referrer_organisation_id AS "referrerOrganisationId",
      r.programme_organisation_id AS "programmeOrganisationId", NULL::uuid AS "fromOrganisationId"
    FROM referrals r WHERE r.referrer_organisation_id = ${id}::uuid AND r.status = ANY(${OPEN_STATUSES_SQL}::text[])
    UNION ALL
    SELECT 'handoff', h.referral_id, h.id, r.referrer_organisation_id, r.programme_organisation_id, h.from_organisation_id
    FROM handoffs h JOIN referrals r ON r.id = h.referral_id
    WHERE h.to_organisation_id = ${id}::uuid AND h.status = ANY(${OPEN_HANDOFF_STATUSES_SQL}::text[])
    UNION ALL
    SELECT 'guided', r.id, NULL, r.referrer_organisation_id, r.programme_organisation_id, NULL
    FROM referrals r WHERE r.programme_organisation_id = ${id}::uuid AND r.status = ANY(${OPEN_STATUSES_SQL}::text[])`)
  return result.rows
}
