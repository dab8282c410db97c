import fp from 'fastify-plugin'
import { createHash } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { and, eq } from 'drizzle-orm'
import { idempotencyKeys } from '../db/schema/index.ts'
import { canonicalJson } from '../domain/canonical-json.ts'
import { ProblemError } from './errors.ts'
import { prepared } from '../db/client.ts'
import { Batch } from '../db/batch.ts'

declare module 'fastify' {
  interface FastifyRequest {
    idempotency: { principal: string, key: string } | null
  }
}

interface Claim { principal: string, key: string, requestHash: string }
interface Answer { principal: string, key: string, status: number, headers: string, body: string }
/** An answer a route's own statement stores (the body is the statement's to fill in). */
export type AnswerToStore = Omit<Answer, 'body'>

const KEY = /^[\x21-\x7E]{1,255}$/
const REPLAYED_HEADERS = ['content-type', 'location', 'etag'] as const
/** A claim whose request never answered (a crash) may be taken again after this long. */
const ABANDONED_AFTER = '60 seconds'

/**
 * The answer a route stores itself, in the statement that makes its record: one commit fewer than
 * storing it when it is sent. Null without `Idempotency-Key`. Only for a success: an error is
 * answered, and stored, as usual. Call `answerStored` once that statement committed.
 */
export function answerToStore (request: FastifyRequest, status: number, headers: Record<string, string>): AnswerToStore | null {
  const claim = request.idempotency
  if (claim === null) return null
  const replayed = Object.fromEntries(REPLAYED_HEADERS.filter((name) => headers[name] !== undefined).map((name) => [name, headers[name]]))
  return { ...claim, status, headers: JSON.stringify(replayed) }
}

export function answerStored (request: FastifyRequest): void {
  request.idempotency = null
}

/**
 * `Idempotency-Key` on POST (IETF httpapi draft, Stripe's semantics): scoped to the client, kept
 * 24 h; a replay returns the first answer byte for byte, the same key with another body gets 422,
 * and the same key while the first request still runs waits for it, then gets 409.
 */
export default fp(async (app, opts: { waitMs: number }) => {
  app.decorateRequest('idempotency', null)

  // Claims and stored answers of concurrent requests share a statement each (see `Batch`).
  const claims = new Batch<Claim, boolean>(async (items) => {
    // One key twice in a statement cannot be; the second waits for the first like any repeat.
    const seen = new Set<string>()
    const first = items.map((c) => {
      const id = `${c.principal}\n${c.key}`
      if (seen.has(id)) return false
      seen.add(id)
      return true
    })
    const claiming = items.filter((_, i) => first[i])
    // Not waiting for the disk: the request's own commit (or the stored answer's) comes later in
    // the log and makes this durable with it; a crash before either loses a claim for nothing.
    const claimed = await prepared<{ principal: string, key: string }>(app.db, 'idempotency_claim', `
      INSERT INTO idempotency_keys (principal, key, request_hash, expires_at)
      SELECT u.principal, u.key, u.request_hash, now() + interval '24 hours'
      FROM unnest($1::text[], $2::text[], $3::text[]) AS u(principal, key, request_hash), (SELECT set_config('synchronous_commit', 'off', true)) AS claim_only
      ON CONFLICT (principal, key) DO UPDATE SET request_hash = excluded.request_hash, response_status = NULL, response_headers = NULL,
        response_body = NULL, created_at = now(), expires_at = excluded.expires_at
      WHERE idempotency_keys.expires_at < now() OR (idempotency_keys.response_status IS NULL
        AND idempotency_keys.created_at < now() - interval '${ABANDONED_AFTER}' AND idempotency_keys.request_hash = excluded.request_hash)
      RETURNING principal, key`, [claiming.map((c) => c.principal), claiming.map((c) => c.key), claiming.map((c) => c.requestHash)])
    const won = new Set(claimed.map((c) => `${c.principal}\n${c.key}`))
    return items.map((c, i) => first[i] === true && won.has(`${c.principal}\n${c.key}`))
  })
  const answers = new Batch<Answer>(async (items) => {
    await prepared(app.db, 'idempotency_store', `UPDATE idempotency_keys k SET response_status = u.status, response_headers = u.headers::jsonb, response_body = u.body
      FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::text[]) AS u(principal, key, status, headers, body)
      WHERE k.principal = u.principal AND k.key = u.key`,
    [items.map((a) => a.principal), items.map((a) => a.key), items.map((a) => a.status), items.map((a) => a.headers), items.map((a) => a.body)])
  })

  async function claim (request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const header = request.headers['idempotency-key']
    if (header === undefined) return
    if (typeof header !== 'string' || !KEY.test(header)) {
      throw new ProblemError(400, 'invalid-idempotency-key', 'Invalid Idempotency-Key', 'Idempotency-Key must be 1 to 255 visible ASCII characters')
    }
    const principal = request.principal.idempotencyScope
    const requestHash = createHash('sha256').update(`${request.method} ${request.url}\n${canonicalJson(request.body)}`).digest('base64url')
    const deadline = Date.now() + opts.waitMs
    for (;;) {
      if (await claims.submit({ principal, key: header, requestHash })) {
        request.idempotency = { principal, key: header }
        return
      }
      const [first] = await app.db.select().from(idempotencyKeys).where(and(eq(idempotencyKeys.principal, principal), eq(idempotencyKeys.key, header)))
      if (first === undefined) continue // expired and removed meanwhile: claim again
      if (first.requestHash !== requestHash) {
        throw new ProblemError(422, 'idempotency-key-reused', 'Idempotency-Key reused', 'This Idempotency-Key was used with another request body; use a new key')
      }
      if (first.responseStatus !== null) {
        for (const [name, value] of Object.entries(first.responseHeaders ?? {})) reply.header(name, value)
        return reply.code(first.responseStatus).header('idempotent-replayed', 'true').send(first.responseBody)
      }
      if (Date.now() >= deadline) {
        throw new ProblemError(409, 'idempotency-in-progress', 'Request in progress', 'A request with this Idempotency-Key is still being processed; retry later')
      }
      await new Promise((resolve) => setTimeout(resolve, 25))
    }
  }

  app.addHook('onRoute', (route) => {
    if (route.method !== 'POST' || route.config?.scope === undefined) return
    const existing = route.preHandler
    route.preHandler = existing === undefined ? [claim] : [claim, ...(Array.isArray(existing) ? existing : [existing])]
    const headers = (route.schema?.headers ?? { type: 'object', properties: {} }) as { properties: Record<string, unknown> }
    if (route.schema !== undefined) {
      route.schema.headers = {
        ...headers,
        properties: {
          ...headers.properties,
          'idempotency-key': { type: 'string', description: 'Makes the POST safe to retry: the same key returns the first answer for 24 hours.' }
        }
      }
    }
  })

  app.addHook('onSend', async (request, reply, payload) => {
    // Routes registered before this plugin (the docs) have no `idempotency` on their requests.
    const claim = request.idempotency
    if (claim == null) return payload
    request.idempotency = null
    const where = and(eq(idempotencyKeys.principal, claim.principal), eq(idempotencyKeys.key, claim.key))
    if (reply.statusCode >= 500) {
      // A failure on our side must not be replayed: the caller may retry with the same key.
      await app.db.delete(idempotencyKeys).where(where)
      return payload
    }
    const headers: Record<string, string> = {}
    for (const name of REPLAYED_HEADERS) {
      const value = reply.getHeader(name)
      if (value !== undefined) headers[name] = String(value)
    }
    await answers.submit({ ...claim, status: reply.statusCode, headers: JSON.stringify(headers), body: typeof payload === 'string' ? payload : '' })
    return payload
  })
}, { name: 'idempotency', dependencies: ['db', 'auth'] })
