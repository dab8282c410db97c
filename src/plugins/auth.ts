import fp from 'fastify-plugin'
import { LRUCache } from 'lru-cache'
import type { FastifyRequest } from 'fastify'
import { invalidParameters, ProblemError } from '../core/problems.ts'
import { activeWorker } from '../services/workers.ts'
import { hashApiKey, sameKey } from '../domain/api-keys.ts'
import { prepareClientByKeyHash, touchClient } from '../db/queries/clients.ts'
import { KeptWhileListening } from '../db/listen.ts'
import type { OrganisationType, Scope } from '../domain/vocabulary.ts'
import { BOOTSTRAP_OPERATOR, principalOf, type Principal } from '../core/caller.ts'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The scope a caller needs; with a list, any one of them. Routes without it are public. */
    scope?: Scope | readonly Scope[]
  }
  interface FastifyRequest {
    principal: Principal
    /** The worker the request acts for (`Acting-Person`), checked; null when it names none. */
    actingWorkerId: string | null
  }
  interface FastifyInstance {
    /** An onRequest hook that authenticates and requires one of `scopes` (for routes made by plugins). */
    requireScope: (scopes: readonly Scope[]) => (request: FastifyRequest) => Promise<void>
    /** Who a request's key names (client id, `operator`), or null; for rate limits, before authentication. */
    callerKey: (request: FastifyRequest) => Promise<string | null>
    /** Forgets every cached key in this process (other processes hear it through NOTIFY). */
    forgetCredentials: () => void
  }
}

const unauthorized = (detail: string) => new ProblemError('unauthorized', detail)
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** The key of `Authorization: Bearer <key>`, or null when the header is absent or of another form. */
const bearerKey = (request: FastifyRequest): string | null =>
  /^Bearer ([A-Za-z0-9_\-.~+/]+=*)$/.exec(request.headers.authorization ?? '')?.[1] ?? null

interface KnownClient {
  principal: Principal
  touchedAt: number
}

/** An unknown key, remembered for `MISS_KEPT_MS`. */
const MISS = Symbol('unknown key')
const MISS_KEPT_MS = 10_000

export default fp(
  async (app, opts: { adminApiKey?: string | undefined; databaseUrl: string; cacheMs: number }) => {
    const byKeyHash = prepareClientByKeyHash(app.db)
    // Who a key belongs to, for a while: the lookup was a large share of a read's round trips. Trusted only
    // while this process LISTENs for changes (a revocation clears it at commit, in every process).
    const known = new LRUCache<string, KnownClient | typeof MISS>({ max: 10_000, ttl: Math.max(1, opts.cacheMs) })
    const changes = new KeptWhileListening(() => known.clear())
    if (opts.cacheMs > 0) {
      const listener = changes.listen(opts.databaseUrl, 'credentials_changed')
      app.addHook('onClose', async () => {
        await listener.close()
      })
    }
    app.decorate('forgetCredentials', () => changes.forget())

    /** A key's client, or null for an unknown or revoked key: a miss is remembered briefly too, so a flood of bad keys costs no queries. */
    async function lookUp(keyHash: string): Promise<KnownClient | null> {
      const cached = changes.trusted ? known.get(keyHash) : undefined
      if (cached !== undefined) return cached === MISS ? null : cached
      return changes.read(
        () => clientByKeyHash(keyHash),
        (found) => (found === null ? known.set(keyHash, MISS, { ttl: MISS_KEPT_MS }) : known.set(keyHash, found))
      )
    }

    async function clientByKeyHash(keyHash: string): Promise<KnownClient | null> {
      const [client] = await byKeyHash.execute({ keyHash })
      if (client === undefined || client.revokedAt !== null) return null
      return {
        principal: principalOf({
          clientId: client.clientId,
          organisationId: client.organisationId,
          organisationType: client.organisationType as OrganisationType,
          scopes: client.scopes as Scope[]
        }),
        touchedAt: client.lastUsedAt === null ? 0 : Date.parse(client.lastUsedAt)
      }
    }

    async function authenticate(request: FastifyRequest): Promise<Principal> {
      const key = bearerKey(request)
      if (key === null) throw unauthorized('Send `Authorization: Bearer <api key>`')
      if (opts.adminApiKey !== undefined && sameKey(key, opts.adminApiKey)) return BOOTSTRAP_OPERATOR
      const client = await lookUp(hashApiKey(key))
      if (client === null) throw unauthorized('Unknown or revoked API key')
      if (Date.now() - client.touchedAt > 60_000) {
        client.touchedAt = Date.now()
        await touchClient(app.db, client.principal.clientId as string)
      }
      return client.principal
    }

    /** Who a request's key names, for rate limits: a client id, `operator`, or null (no key, or an unknown one). */
    app.decorate('callerKey', async (request: FastifyRequest): Promise<string | null> => {
      const key = bearerKey(request)
      if (key === null) return null
      if (opts.adminApiKey !== undefined && sameKey(key, opts.adminApiKey)) return 'operator'
      return (await lookUp(hashApiKey(key)))?.principal.clientId ?? null
    })

    /**
     * "Client X on behalf of person Y": a request may name, in `Acting-Person`, the worker of the
     * caller's organisation who acts; history and the access log record them. Checked to be one of
     * its active workers.
     */
    async function actingWorker(request: FastifyRequest, principal: Principal): Promise<string | null> {
      const header = request.headers['acting-person']
      if (header === undefined) return null
      const pointer = '/acting-person'
      if (typeof header !== 'string' || !UUID.test(header)) {
        throw invalidParameters([{ pointer, message: 'must be the id of a worker of your organisation (a UUID)' }])
      }
      await activeWorker(app.db, principal.organisationId, header.toLowerCase(), pointer)
      return header.toLowerCase()
    }

    app.decorateRequest('principal', null as never)
    app.decorateRequest('actingWorkerId', null)
    const requireScope = (needed: readonly Scope[]) => async (request: FastifyRequest) => {
      const principal = await authenticate(request)
      request.principal = principal
      if (!needed.some((s) => principal.scopes.includes(s))) {
        throw new ProblemError('forbidden', `This API client lacks the scope ${needed.join(' or ')}`)
      }
      request.actingWorkerId = await actingWorker(request, principal)
    }
    app.decorate('requireScope', requireScope)

    app.addHook('onRoute', (route) => {
      const scope = route.config?.scope
      if (scope === undefined) {
        if (route.schema !== undefined) route.schema.security = [] // public, and said so in the contract
        return
      }
      const needed: readonly Scope[] = typeof scope === 'string' ? [scope] : scope
      const check = requireScope(needed)
      const existing = route.onRequest
      // After what other plugins put there first: the rate limit counts a request before its key is checked.
      route.onRequest = existing === undefined ? [check] : [...(Array.isArray(existing) ? existing : [existing]), check]
      route.schema = route.schema ?? {}
      // The operator's key is a credential of its own, and the contract says so (OWASP API2).
      const schemes = new Set(needed.map((s) => (s === 'admin' ? 'adminAuth' : 'bearerAuth')))
      route.schema.security = [...schemes].map((scheme) => ({ [scheme]: [] }))
      // Any write may name the person it acts for: one header, declared on every authenticated write.
      const methods = Array.isArray(route.method) ? route.method : [route.method]
      if (methods.some((m) => m !== 'GET' && m !== 'HEAD')) {
        const headers = (route.schema.headers ?? { type: 'object', properties: {} }) as {
          properties: Record<string, unknown>
        }
        route.schema.headers = {
          ...headers,
          properties: {
            ...headers.properties,
            'acting-person': {
              type: 'string',
              format: 'uuid',
              maxLength: 36,
              description:
                'The worker of your organisation this request acts for (`GET /organisations/{id}/workers`): history and the access log record "this client on behalf of this person".'
            }
          }
        }
      }
      // GET and its HEAD twin share one schema object: say it once.
      const requires = `Requires scope ${needed.map((s) => `\`${s}\``).join(' or ')}.`
      if (route.schema.description?.includes(requires) !== true)
        route.schema.description = `${route.schema.description ?? ''}\n\n${requires}`.trim()
    })
  },
  { name: 'auth', dependencies: ['db'] }
)
