/**
 * The storage half of `Idempotency-Key` (the HTTP half is `plugins/idempotency.ts`): how long a key
 * lives, the claim and store statements, and the fragments the intake statement splices in to claim
 * its key in the statement that writes the referral.
 */
import { and, eq, gt, lt, sql } from 'drizzle-orm'
import { getTableConfig } from 'drizzle-orm/pg-core'
import type { IdentifierCipher } from '../crypto/identifier-cipher.ts'
import { Batch } from './batch.ts'
import { prepared, type Database } from './client.ts'
import { idempotencyKeys } from './schema/index.ts'

/** How long a key and its answer are kept. */
export const KEY_KEPT = '24 hours'
/** A claim whose request never answered (a crash) may be taken again after this long. */
const ABANDONED_AFTER = '60 seconds'

export interface KeyClaim {
  principal: string
  key: string
  requestHash: string
}
export interface StoredAnswer {
  principal: string
  key: string
  status: number
  headers: string
  /** Sealed: `sealAnswer`. */
  body: Buffer
}
/**
 * An answer a route's own statement stores (the body is the statement's to fill in): into the row
 * claimed for it, or, not `claimed` yet, as a new row, which fails the statement (see `keyTaken`)
 * when the key is already in use.
 */
export type AnswerToStore = Omit<StoredAnswer, 'body'> & { requestHash: string; claimed: boolean }

/** A key as one string: keys are the client's own. */
export const scopedKey = (k: { principal: string; key: string }) => `${k.principal}\n${k.key}`

const KEY_CONSTRAINT = getTableConfig(idempotencyKeys).primaryKeys[0]!.getName()

/** A statement that stored a new answer under a key already in use (another request's, or an expired one). */
export function keyTaken(err: unknown): boolean {
  const e = err as { code?: string; constraint?: string }
  return e.code === '23505' && e.constraint === KEY_CONSTRAINT
}

/** Claims of concurrent requests share a statement (see `Batch`); true for each claim won. */
export function keyClaims(db: Database): Batch<KeyClaim, boolean> {
  return new Batch<KeyClaim, boolean>(async (items) => {
    // One key twice in a statement cannot be; the second waits for the first like any repeat.
    const seen = new Set<string>()
    const first = items.map((c) => {
      const id = scopedKey(c)
      if (seen.has(id)) return false
      seen.add(id)
      return true
    })
    const claiming = items.filter((_, i) => first[i])
    // Not waiting for the disk: the request's own commit (or the stored answer's) comes later in
    // the log and makes this durable with it; a crash before either loses a claim for nothing.
    const claimed = await prepared<{ principal: string; key: string }>(
      db,
      'idempotency_claim',
      `
      INSERT INTO idempotency_keys (principal, key, request_hash, expires_at)
      SELECT u.principal, u.key, u.request_hash, now() + interval '${KEY_KEPT}'
      FROM unnest($1::text[], $2::text[], $3::text[]) AS u(principal, key, request_hash),
        (SELECT set_config('synchronous_commit', 'off', true)) AS claim_only
      ON CONFLICT (principal, key) DO UPDATE SET request_hash = excluded.request_hash, response_status = NULL,
        response_headers = NULL, response_body = NULL, created_at = now(), expires_at = excluded.expires_at
      WHERE idempotency_keys.expires_at < now() OR (idempotency_keys.response_status IS NULL
        AND idempotency_keys.created_at < now() - interval '${ABANDONED_AFTER}' AND idempotency_keys.request_hash = excluded.request_hash)
      RETURNING principal, key`,
      [claiming.map((c) => c.principal), claiming.map((c) => c.key), claiming.map((c) => c.requestHash)]
    )
    const won = new Set(claimed.map(scopedKey))
    return items.map((c, i) => first[i] === true && won.has(scopedKey(c)))
  })
}

/** Stored answers of concurrent requests share a statement. */
export function answerStore(db: Database): Batch<StoredAnswer> {
  return new Batch<StoredAnswer>(async (items) => {
    await prepared(
      db,
      'idempotency_store',
      `UPDATE idempotency_keys k
      SET response_status = u.status, response_headers = u.headers::jsonb, response_body = u.body
      FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::bytea[]) AS u(principal, key, status, headers, body)
      WHERE k.principal = u.principal AND k.key = u.key`,
      [
        items.map((a) => a.principal),
        items.map((a) => a.key),
        items.map((a) => a.status),
        items.map((a) => a.headers),
        items.map((a) => a.body)
      ]
    )
  })
}

const keyIs = (k: { principal: string; key: string }) =>
  and(eq(idempotencyKeys.principal, k.principal), eq(idempotencyKeys.key, k.key))

/**
 * A stored answer may hold what its route answered (a decrypted INSZ, free text): it is kept
 * encrypted with the identifier keys (AES-256-GCM), bound to its key row, and opened for a replay.
 */
export const sealAnswer = (cipher: IdentifierCipher, k: { principal: string; key: string }, body: string) =>
  cipher.seal(body, scopedKey(k))
export const openAnswer = (cipher: IdentifierCipher, k: { principal: string; key: string }, sealed: Buffer) =>
  cipher.open(sealed, scopedKey(k))

/** A key in use: an expired one is never replayed, even before the purge removes it. */
export async function findKey(db: Database, k: { principal: string; key: string }) {
  const [row] = await db
    .select()
    .from(idempotencyKeys)
    .where(and(keyIs(k), gt(idempotencyKeys.expiresAt, sql`now()`)))
  return row
}

/** A failure on our side must not be replayed: the caller may retry with the same key. */
export async function forgetKey(db: Database, k: { principal: string; key: string }): Promise<void> {
  await db.delete(idempotencyKeys).where(keyIs(k))
}

/** Removes expired keys and their answers; lookups ignore them meanwhile. */
export async function purgeExpiredKeys(db: Database): Promise<number> {
  const rows = await db
    .delete(idempotencyKeys)
    .where(lt(idempotencyKeys.expiresAt, sql`now()`))
    .returning({ key: idempotencyKeys.key })
  return rows.length
}

/**
 * The CTEs that store, in the statement that writes a record, the answer of each of its items that
 * came with a key: `answers` names a CTE with the columns principal, key, status, headers,
 * request_hash, claimed and body (sealed: `sealAnswer`).
 */
export function storeAnswersIn(answers: string): string {
  return `stored AS (
      UPDATE idempotency_keys k SET response_status = a.status, response_headers = a.headers::jsonb, response_body = a.body
      FROM ${answers} a WHERE a.claimed AND k.principal = a.principal AND k.key = a.key
    ), new_key AS (
      INSERT INTO idempotency_keys (principal, key, request_hash, response_status, response_headers, response_body, expires_at)
      SELECT a.principal, a.key, a.request_hash, a.status, a.headers::jsonb, a.body, now() + interval '${KEY_KEPT}'
      FROM ${answers} a WHERE NOT a.claimed
    )`
}
