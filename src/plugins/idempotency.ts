import fp from 'fastify-plugin'
import { createHash } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { canonicalJson } from '../domain/canonical-json.ts'
import { ProblemError } from '../core/problems.ts'
import {
  answerStore,
  findKey,
  forgetKey,
  keyClaims,
  keyTaken,
  openAnswer,
  sealAnswer,
  scopedKey,
  type AnswerToStore,
  type KeyClaim
} from '../db/idempotency.ts'

declare module 'fastify' {
  interface FastifyRequest {
    /** The request's key; `claimed` once its row exists (else the route's own statement makes it). */
    idempotency: (KeyClaim & { claimed: boolean }) | null
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

const KEY = /^[\x21-\x7E]{1,255}$/
const REPLAYED_HEADERS = ['content-type', 'location', 'etag'] as const

/**
 * The answer a route stores itself, in the statement that makes its record: one commit fewer than
 * storing it when it is sent. Null without `Idempotency-Key`. Only for a success: an error is
 * answered, and stored, as usual. Call `answerStored` once that statement committed.
 */
export function answerToStore(
  request: FastifyRequest,
  status: number,
  headers: Record<string, string>
): AnswerToStore | null {
  const claim = request.idempotency
  if (claim === null) return null
  const replayed = Object.fromEntries(
    REPLAYED_HEADERS.filter((name) => headers[name] !== undefined).map((name) => [name, headers[name]])
  )
  return { ...claim, status, headers: JSON.stringify(replayed) }
}

export function answerStored(request: FastifyRequest): void {
  request.idempotency = null
}

/**
 * `Idempotency-Key` on POST (IETF httpapi draft, Stripe's semantics): scoped to the client, kept
 * 24 h; a replay returns the first answer byte for byte, the same key with another body gets 422,
 * and the same key while the first request still runs waits for it, then gets 409 (a repeat of a
 * `claimsKeyInStatement` route in another process waits in PostgreSQL for the first's statement).
 */
export default fp(
  async (app, opts: { waitMs: number }) => {
    app.decorateRequest('idempotency', null)
    const claims = keyClaims(app.db)
    const answers = answerStore(app.db)

    /** The request's key and hash, or null without `Idempotency-Key`. */
    function keyOf(request: FastifyRequest): KeyClaim | null {
      const header = request.headers['idempotency-key']
      if (header === undefined) return null
      if (typeof header !== 'string' || !KEY.test(header)) {
        throw new ProblemError('invalid-idempotency-key', 'Idempotency-Key must be 1 to 255 visible ASCII characters')
      }
      const requestHash = createHash('sha256')
        .update(`${request.method} ${request.url}\n${canonicalJson(request.body)}`)
        .digest('base64url')
      return { principal: request.principal.idempotencyScope, key: header, requestHash }
    }

    const inProgress = () =>
      new ProblemError(
        'idempotency-in-progress',
        'A request with this Idempotency-Key is still being processed; retry later'
      )

    /**
     * Claims the key for this request, or answers it as a repeat: the first answer replayed, 422 for
     * another body, or, while the first still runs past the deadline, 409. True when it answered.
     */
    async function claim(
      request: FastifyRequest,
      reply: FastifyReply,
      key: KeyClaim,
      deadline = Date.now() + opts.waitMs
    ): Promise<boolean> {
      for (;;) {
        if (await claims.submit(key)) {
          request.idempotency = { ...key, claimed: true }
          return false
        }
        const first = await findKey(app.db, key)
        if (first === undefined) continue // expired and removed meanwhile: claim again
        if (first.requestHash !== key.requestHash) {
          throw new ProblemError(
            'idempotency-key-reused',
            'This Idempotency-Key was used with another request body; use a new key'
          )
        }
        if (first.responseStatus !== null) {
          for (const [name, value] of Object.entries(first.responseHeaders ?? {})) reply.header(name, value)
          reply
            .code(first.responseStatus)
            .header('idempotent-replayed', 'true')
            .send(first.responseBody === null ? '' : openAnswer(app.identifiers, key, first.responseBody))
          return true
        }
        if (Date.now() >= deadline) throw inProgress()
        await new Promise((resolve) => setTimeout(resolve, 25))
      }
    }

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
    async function claimingInStatement(
      request: FastifyRequest,
      reply: FastifyReply,
      handler: () => Promise<unknown>
    ): Promise<unknown> {
      const key = keyOf(request)
      if (key === null) return handler()
      const deadline = Date.now() + opts.waitMs
      const id = scopedKey(key)
      const earlier = running.get(id)
      if (earlier !== undefined) {
        let timer: NodeJS.Timeout | undefined
        const waited = new Promise<false>((resolve) => {
          timer = setTimeout(resolve, deadline - Date.now(), false)
        })
        const ended = await Promise.race([earlier.then(() => true), waited])
        clearTimeout(timer)
        if (!ended) throw inProgress()
        return (await claim(request, reply, key, deadline)) ? reply : await handler()
      }
      let end!: () => void
      running.set(
        id,
        new Promise<void>((resolve) => {
          end = resolve
        })
      )
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

    async function claimFirst(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
      const key = keyOf(request)
      if (key !== null && (await claim(request, reply, key))) return reply
    }

    app.addHook('onRoute', (route) => {
      if (route.method !== 'POST' || route.config?.scope === undefined) return
      if (route.config.claimsKeyInStatement === true) {
        const handler = route.handler
        route.handler = function (request, reply) {
          return claimingInStatement(request, reply, async () => handler.call(this, request, reply))
        }
      } else {
        const existing = route.preHandler
        route.preHandler =
          existing === undefined ? [claimFirst] : [claimFirst, ...(Array.isArray(existing) ? existing : [existing])]
      }
      const headers = (route.schema?.headers ?? { type: 'object', properties: {} }) as {
        properties: Record<string, unknown>
      }
      if (route.schema !== undefined) {
        route.schema.headers = {
          ...headers,
          properties: {
            ...headers.properties,
            'idempotency-key': {
              type: 'string',
              minLength: 1,
              maxLength: 255,
              pattern: KEY.source,
              description: 'Makes the POST safe to retry: the same key returns the first answer for 24 hours.'
            }
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
      if (reply.statusCode >= 500) {
        await forgetKey(app.db, claim)
        return payload
      }
      const headers: Record<string, string> = {}
      for (const name of REPLAYED_HEADERS) {
        const value = reply.getHeader(name)
        if (value !== undefined) headers[name] = String(value)
      }
      await answers.submit({
        ...claim,
        status: reply.statusCode,
        headers: JSON.stringify(headers),
        body: sealAnswer(app.identifiers, claim, typeof payload === 'string' ? payload : '')
      })
      return payload
    })
  },
  { name: 'idempotency', dependencies: ['db', 'auth'] }
)
