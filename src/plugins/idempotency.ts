import fp from 'fastify-plugin'
import { createHash } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { and, eq } from 'drizzle-orm'
import { idempotencyKeys } from '../db/schema/index.ts'
import { canonicalJson } from '../domain/canonical-json.ts'
import { ProblemError } from './errors.ts'
import { prepared } from '../db/client.ts'

declare module 'fastify' {
  interface FastifyRequest {
    idempotency: { principal: string, key: string } | null
  }
}

const KEY = /^[\x21-\x7E]{1,255}$/
const REPLAYED_HEADERS = ['content-type', 'location', 'etag'] as const
/** A claim whose request never answered (a crash) may be taken again after this long. */
const ABANDONED_AFTER = '60 seconds'

/**
 * `Idempotency-Key` on POST (IETF httpapi draft, Stripe's semantics): scoped to the client, kept
 * 24 h; a replay returns the first answer byte for byte, the same key with another body gets 422,
 * and the same key while the first request still runs waits for it, then gets 409.
 */
export default fp(async (app, opts: { waitMs: number }) => {
  app.decorateRequest('idempotency', null)

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
      // Not waiting for the disk: the request's own commit (or the stored answer's) comes later in
      // the log and makes this durable with it; a crash before either loses a claim for nothing.
      const claimed = await prepared(app.db, 'idempotency_claim', `
        INSERT INTO idempotency_keys (principal, key, request_hash, expires_at)
        SELECT $1, $2, $3, now() + interval '24 hours' FROM (SELECT set_config('synchronous_commit', 'off', true)) AS claim_only
        ON CONFLICT (principal, key) DO UPDATE SET request_hash = excluded.request_hash, response_status = NULL, response_headers = NULL,
          response_body = NULL, created_at = now(), expires_at = excluded.expires_at
        WHERE idempotency_keys.expires_at < now() OR (idempotency_keys.response_status IS NULL
          AND idempotency_keys.created_at < now() - interval '${ABANDONED_AFTER}' AND idempotency_keys.request_hash = excluded.request_hash)
        RETURNING key`, [principal, header, requestHash])
      if (claimed.length > 0) {
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
    await prepared(app.db, 'idempotency_store', 'UPDATE idempotency_keys SET response_status = $3, response_headers = $4::jsonb, response_body = $5 WHERE principal = $1 AND key = $2',
      [claim.principal, claim.key, reply.statusCode, JSON.stringify(headers), typeof payload === 'string' ? payload : ''])
    return payload
  })
}, { name: 'idempotency', dependencies: ['db', 'auth'] })
