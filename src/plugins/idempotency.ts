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
    /** The request's key; `claimed` once its row exists (else the route's own statement makes it). */
    idempotency: (Claim & { claimed: boolean }) | null
  }
  interface FastifyContextConfig {
    /**
     * The route claims the key in the statement that makes its record, with the answer: one
     * statement fewer per request than claiming first. Its handler stores every success through
     * `answerToStore`; on an error, or when the key turns out taken, the key is claimed as usual.
     */
    claimsKeyInStatement?: boolean
  }
}

interface Claim { principal: string, key: string, requestHash: string }
interface Answer { principal: string, key: string, status: number, headers: string, body: string }
/**
 * An answer a route's own statement stores (the body is the statement's to fill in): into the row
 * claimed for it, or, not `claimed` yet, as a new row, which fails the statement (see `keyTaken`)
 * when the key is already in use.
 */
export type AnswerToStore = Omit<Answer, 'body'> & { requestHash: string, claimed: boolean }

const KEY = /^[\x21-\x7E]{1,255}$/
/** A key as one string: keys are the client's own. */
const scoped = (k: { principal: string, key: string }) => `${k.principal}\n${k.key}`
const REPLAYED_HEADERS = ['content-type', 'location', 'etag'] as const
/** How long a key and its answer are kept. */
export const KEY_KEPT = '24 hours'
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

/** A statement that stored a new answer under a key already in use (another request's, or an expired one). */
function keyTaken (err: unknown): boolean {
  const e = err as { code?: string, constraint?: string }
  return e.code === '23505' && e.constraint === 'idempotency_keys_principal_key_pk'
}

export function answerStored (request: FastifyRequest): void {
  request.idempotency = null
}

/**
 * `Idempotency-Key` on POST (IETF httpapi draft, Stripe's semantics): scoped to the client, kept
 * 24 h; a replay returns the first answer byte for byte, the same key with another body gets 422,
 * and the same key while the first request still runs waits for it, then gets 409 (a repeat of a
 * `claimsKeyInStatement` route in another process waits in PostgreSQL for the first's statement).
 */
export default fp(async (app, opts: { waitMs: number }) => {
  app.decorateRequest('idempotency', null)

  // Claims and stored answers of concurrent requests share a statement each (see `Batch`).
  const claims = new Batch<Claim, boolean>(async (items) => {
    // One key twice in a statement cannot be; the second waits for the first like any repeat.
    const seen = new Set<string>()
    const first = items.map((c) => {
      const id = scoped(c)
      if (seen.has(id)) return false
      seen.add(id)
      return true
    })
    const claiming = items.filter((_, i) => first[i])
    // Not waiting for the disk: the request's own commit (or the stored answer's) comes later in
    // the log and makes this durable with it; a crash before either loses a claim for nothing.
    const claimed = await prepared<{ principal: string, key: string }>(app.db, 'idempotency_claim', `
      INSERT INTO idempotency_keys (principal, key, request_hash, expires_at)
      SELECT u.principal, u.key, u.request_hash, now() + interval '${KEY_KEPT}'
      FROM unnest($1::text[], $2::text[], $3::text[]) AS u(principal, key, request_hash), (SELECT set_config('synchronous_commit', 'off', true)) AS claim_only
      ON CONFLICT (principal, key) DO UPDATE SET request_hash = excluded.request_hash, response_status = NULL, response_headers = NULL,
        response_body = NULL, created_at = now(), expires_at = excluded.expires_at
      WHERE idempotency_keys.expires_at < now() OR (idempotency_keys.response_status IS NULL
        AND idempotency_keys.created_at < now() - interval '${ABANDONED_AFTER}' AND idempotency_keys.request_hash = excluded.request_hash)
      RETURNING principal, key`, [claiming.map((c) => c.principal), claiming.map((c) => c.key), claiming.map((c) => c.requestHash)])
    const won = new Set(claimed.map(scoped))
    return items.map((c, i) => first[i] === true && won.has(scoped(c)))
  })
  const answers = new Batch<Answer>(async (items) => {
    await prepared(app.db, 'idempotency_store', `UPDATE idempotency_keys k SET response_status = u.status, response_headers = u.headers::jsonb, response_body = u.body
      FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::text[]) AS u(principal, key, status, headers, body)
      WHERE k.principal = u.principal AND k.key = u.key`,
    [items.map((a) => a.principal), items.map((a) => a.key), items.map((a) => a.status), items.map((a) => a.headers), items.map((a) => a.body)])
  })

  /** The request's key and hash, or null without `Idempotency-Key`. */
  function keyOf (request: FastifyRequest): Claim | null {
    const header = request.headers['idempotency-key']
    if (header === undefined) return null
    if (typeof header !== 'string' || !KEY.test(header)) {
      throw new ProblemError(400, 'invalid-idempotency-key', 'Invalid Idempotency-Key', 'Idempotency-Key must be 1 to 255 visible ASCII characters')
    }
    const requestHash = createHash('sha256').update(`${request.method} ${request.url}\n${canonicalJson(request.body)}`).digest('base64url')
    return { principal: request.principal.idempotencyScope, key: header, requestHash }
  }

  /**
   * Claims the key for this request, or answers it as a repeat: the first answer replayed, 422 for
   * another body, or, while the first still runs past the deadline, 409. True when it answered.
   */
  async function claim (request: FastifyRequest, reply: FastifyReply, key: Claim, deadline = Date.now() + opts.waitMs): Promise<boolean> {
    for (;;) {
      if (await claims.submit(key)) {
        request.idempotency = { ...key, claimed: true }
        return false
      }
      const [first] = await app.db.select().from(idempotencyKeys).where(and(eq(idempotencyKeys.principal, key.principal), eq(idempotencyKeys.key, key.key)))
      if (first === undefined) continue // expired and removed meanwhile: claim again
      if (first.requestHash !== key.requestHash) {
        throw new ProblemError(422, 'idempotency-key-reused', 'Idempotency-Key reused', 'This Idempotency-Key was used with another request body; use a new key')
      }
      if (first.responseStatus !== null) {
        for (const [name, value] of Object.entries(first.responseHeaders ?? {})) reply.header(name, value)
        reply.code(first.responseStatus).header('idempotent-replayed', 'true').send(first.responseBody)
        return true
      }
      if (Date.now() >= deadline) throw inProgress()
      await new Promise((resolve) => setTimeout(resolve, 25))
    }
  }

  const inProgress = () => new ProblemError(409, 'idempotency-in-progress', 'Request in progress', 'A request with this Idempotency-Key is still being processed; retry later')

  /** Keys whose first request runs in this process, unclaimed (`claimsKeyInStatement`): its end. */
  const running = new Map<string, Promise<void>>()

  /**
   * A `claimsKeyInStatement` route's handler, run with its key unclaimed: the statement that makes
   * the record claims it. A repeat meanwhile in this process waits for the first, as with any
   * route; one in another process waits on the first's row in PostgreSQL, for as long as its
   * statement runs. If the handler fails, or the key was taken, the key is claimed as usual: a
   * repeat gets the first answer, a new key the error it earned (stored); an expired key taken
   * over runs the handler again, claimed.
   */
  async function claimingInStatement (request: FastifyRequest, reply: FastifyReply, handler: () => Promise<unknown>): Promise<unknown> {
    const key = keyOf(request)
    if (key === null) return handler()
    const deadline = Date.now() + opts.waitMs
    const id = scoped(key)
    const earlier = running.get(id)
    if (earlier !== undefined) {
      let timer: NodeJS.Timeout | undefined
      const ended = await Promise.race([earlier.then(() => true), new Promise<false>((resolve) => { timer = setTimeout(resolve, deadline - Date.now(), false) })])
      clearTimeout(timer)
      if (!ended) throw inProgress()
      return await claim(request, reply, key, deadline) ? reply : await handler()
    }
    let end!: () => void
    running.set(id, new Promise<void>((resolve) => { end = resolve }))
    request.idempotency = { ...key, claimed: false }
    try {
      return await handler()
    } catch (err) {
      // Only what a repeat's answer could replace: a key in use, or a problem of the caller's (4xx).
      const settles = keyTaken(err) || (err instanceof ProblemError && err.status < 500)
      if (request.idempotency?.claimed !== false || !settles) throw err
      if (await claim(request, reply, key, deadline)) return reply
      if (keyTaken(err)) return await handler()
      throw err
    } finally {
      running.delete(id)
      end()
    }
  }

  async function claimFirst (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
    const key = keyOf(request)
    if (key !== null && await claim(request, reply, key)) return reply
  }

  app.addHook('onRoute', (route) => {
    if (route.method !== 'POST' || route.config?.scope === undefined) return
    if (route.config.claimsKeyInStatement === true) {
      const handler = route.handler
      route.handler = function (request, reply) { return claimingInStatement(request, reply, async () => handler.call(this, request, reply)) }
    } else {
      const existing = route.preHandler
      route.preHandler = existing === undefined ? [claimFirst] : [claimFirst, ...(Array.isArray(existing) ? existing : [existing])]
    }
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
    // Unclaimed, its statement stored it, or it never answered (and there is nothing to store under).
    if (claim == null || !claim.claimed) return payload
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
