import { and, eq, isNull, or, lt, sql } from 'drizzle-orm'
import { apiClients, organisations } from '../schema/index.ts'
import type { Database, Executor } from '../client.ts'

export function prepareClientByKeyHash(db: Database) {
  return db
    .select({
      clientId: apiClients.id,
      organisationId: apiClients.organisationId,
      organisationType: organisations.type,
      scopes: apiClients.scopes,
      revokedAt: apiClients.revokedAt,
      lastUsedAt: apiClients.lastUsedAt
    })
    .from(apiClients)
    .innerJoin(organisations, eq(organisations.id, apiClients.organisationId))
    .where(eq(apiClients.keyHash, sql.placeholder('keyHash')))
    .prepare('client_by_key_hash')
}

/** At most one write a minute per client: `lastUsedAt` is for operators, not an audit trail. */
export async function touchClient(db: Database, clientId: string): Promise<void> {
  await db
    .update(apiClients)
    .set({ lastUsedAt: sql`now()` })
    .where(
      and(
        eq(apiClients.id, clientId),
        or(isNull(apiClients.lastUsedAt), lt(apiClients.lastUsedAt, sql`now() - interval '1 minute'`))
      )
    )
}

export async function createClient(
  db: Database,
  values: { organisationId: string; name: string; keyHash: string; keyPrefix: string; scopes: string[] }
) {
  const [row] = await db.insert(apiClients).values(values).returning()
  return row!
}

export async function listClients(db: Database, organisationId: string) {
  return db
    .select()
    .from(apiClients)
    .where(eq(apiClients.organisationId, organisationId))
    .orderBy(apiClients.createdAt, apiClients.id)
}

export async function revokeClient(db: Database, organisationId: string, clientId: string): Promise<boolean> {
  const rows = await db
    .update(apiClients)
    .set({ revokedAt: sql`coalesce(${apiClients.revokedAt}, now())`, updatedAt: sql`now()` })
    .where(and(eq(apiClients.id, clientId), eq(apiClients.organisationId, organisationId)))
    .returning({ id: apiClients.id })
  return rows.length > 0
}

/** Revokes every client of an organisation (deactivation): refused from the next request on, in every process. */
export async function revokeClientsOf(db: Executor, organisationId: string): Promise<void> {
  await db
    .update(apiClients)
    .set({ revokedAt: sql`coalesce(${apiClients.revokedAt}, now())`, updatedAt: sql`now()` })
    .where(eq(apiClients.organisationId, organisationId))
}
