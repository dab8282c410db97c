import fp from 'fastify-plugin'
import type { FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { ProblemError } from './errors.ts'
import { hashApiKey, sameKey } from '../domain/api-keys.ts'
import { prepareClientByKeyHash, touchClient } from '../db/queries/clients.ts'
import type { OrganisationType, Scope } from '../domain/vocabulary.ts'

/** Who is calling: an organisation's API client, or the operator's bootstrap key. */
export interface Principal {
  clientId: string | null
  organisationId: string | null
  organisationType: OrganisationType
  scopes: readonly Scope[]
  /** Scopes idempotency keys: the client id, or `operator` for the bootstrap key. */
  idempotencyScope: string
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The scope a caller needs; with a list, any one of them. Routes without it are public. */
    scope?: Scope | readonly Scope[]
  }
  interface FastifyRequest {
    principal: Principal
  }
  interface FastifyInstance {
    /** An onRequest hook that authenticates and requires one of `scopes` (for routes made by plugins). */
    requireScope: (scopes: readonly Scope[]) => (request: FastifyRequest) => Promise<void>
  }
}

const unauthorized = (detail: string) => new ProblemError(401, 'unauthorized', 'Unauthorized', detail)

export function hasScope (principal: Principal, scope: Scope): boolean {
  return principal.scopes.includes(scope)
}

export default fp(async (app, opts: { adminApiKey?: string | undefined }) => {
  const byKeyHash = prepareClientByKeyHash(app.db)

  async function authenticate (request: FastifyRequest): Promise<Principal> {
    const header = request.headers.authorization
    const match = header === undefined ? null : /^Bearer ([A-Za-z0-9_\-.~+/]+=*)$/.exec(header)
    if (match === null) throw unauthorized('Send `Authorization: Bearer <api key>`')
    const key = match[1] as string
    if (opts.adminApiKey !== undefined && sameKey(key, opts.adminApiKey)) {
      return { clientId: null, organisationId: null, organisationType: 'operator', scopes: ['admin'], idempotencyScope: 'operator' }
    }
    const [client] = await byKeyHash.execute({ keyHash: hashApiKey(key) })
    if (client === undefined || client.revokedAt !== null) throw unauthorized('Unknown or revoked API key')
    if (client.lastUsedAt === null || Date.now() - Date.parse(client.lastUsedAt) > 60_000) await touchClient(app.db, client.clientId)
    return {
      clientId: client.clientId,
      organisationId: client.organisationId,
      organisationType: client.organisationType as OrganisationType,
      scopes: client.scopes as Scope[],
      idempotencyScope: client.clientId
    }
  }

  app.decorateRequest('principal', null as unknown as Principal)
  const requireScope = (needed: readonly Scope[]) => async (request: FastifyRequest) => {
    const principal = await authenticate(request)
    request.principal = principal
    if (!needed.some((s) => principal.scopes.includes(s))) {
      throw new ProblemError(403, 'forbidden', 'Forbidden', `This API client lacks the scope ${needed.join(' or ')}`)
    }
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
    route.onRequest = existing === undefined ? [check] : [check, ...(Array.isArray(existing) ? existing : [existing])]
    route.schema = route.schema ?? {}
    route.schema.security = [{ bearerAuth: [] }]
    route.schema.description = `${route.schema.description ?? ''}\n\nRequires scope ${needed.map((s) => `\`${s}\``).join(' or ')}.`.trim()
    const response = (route.schema.response ?? {}) as Record<string, unknown>
    response[401] = response[401] ?? Type.Ref('Problem')
    response[403] = response[403] ?? Type.Ref('Problem')
    route.schema.response = response
  })
}, { name: 'auth', dependencies: ['db'] })
