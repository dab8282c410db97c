/**
 * `/fhir`: the FHIR R4 interface (see `src/domain/fhir/capability.ts` for what it offers). Routes are
 * thin: the services apply the REST API's rules; here requests are read and answers shaped as FHIR.
 * Refusals are the same problems as everywhere, rewritten as OperationOutcome on the way out.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { ProblemError } from '../core/problems.ts'
import { encodeCursor } from '../domain/cursor.ts'
import { capabilityStatement, TASK_SEARCH_PARAMS } from '../domain/fhir/capability.ts'
import {
  CODE_SYSTEMS,
  type CodeSystemId,
  codeSystemResource,
  EXTENSIONS,
  FHIR_JSON,
  fhirBaseOf
} from '../domain/fhir/codes.ts'
import type { FhirIssue } from '../domain/fhir/intake.ts'
import { operationOutcome } from '../domain/fhir/outcome.ts'
import {
  consentOf,
  organizationOf,
  patientOf,
  practitionerRoleOf,
  type ReferralBody,
  serviceRequestOf
} from '../domain/fhir/resources.ts'
import { subscriptionOf } from '../domain/fhir/subscriptions.ts'
import { NETWORK_SCOPES } from '../domain/scopes.ts'
import { translateDetail } from '../i18n/details.ts'
import { languageOf } from '../i18n/index.ts'
import { boundJsonDepth } from '../plugins/input-bounds.ts'
import { fieldErrors, PROBLEM_CONTENT_TYPE } from '../plugins/errors.ts'
import { ReferralInput } from '../schemas/referrals.ts'
import { Value } from 'typebox/value'
import {
  createFromBundle,
  createSubscription,
  deleteSubscription,
  fhirRefusal,
  patchTask,
  readOrganization,
  readPractitionerRole,
  readReferralBody,
  readSubscriptionOf,
  readTask,
  searchTasks
} from '../services/fhir.ts'
import { callerOf as caller, cursorAfter, heldVersions } from './request.ts'

const FHIR_TYPE = `${FHIR_JSON}; charset=utf-8`
const ID = /^[A-Za-z0-9\-.]{1,64}$/
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
/** Not in the contract (the CapabilityStatement describes it), but every route still declares its access. */
const hidden = { hide: true } as const

const weakTag = (version: number) => `W/"${version}"`
const readConfig = { scope: ['referrals:read', 'handoffs:write', 'admin'], accessLog: 'read' } as const

function idOf(request: FastifyRequest, uuid = true): string {
  const id = (request.params as { id: string }).id
  if (!(uuid ? UUID : ID).test(id))
    throw fhirRefusal([{ code: 'value', expression: 'id', message: 'is not an id of this server' }], 'bad-request')
  return uuid ? id.toLowerCase() : id
}

function send(reply: FastifyReply, resource: unknown, version?: number, status = 200) {
  reply.code(status).type(FHIR_TYPE).header('cache-control', 'no-store')
  if (version !== undefined) reply.header('etag', weakTag(version))
  return reply.send(JSON.stringify(resource))
}

function notModified(reply: FastifyReply, version: number) {
  reply.code(304).header('etag', weakTag(version)).removeHeader('content-type')
  return reply.send(undefined)
}

/** `gt2026-01-01T00:00:00Z` → a bound on the last change. */
const COMPARATORS = { gt: '>', ge: '>=', lt: '<', le: '<=' } as const

interface SearchQuery {
  status?: string
  requester?: string
  owner?: string
  updated: Array<{ op: '>' | '>=' | '<' | '<='; at: string }>
  includeFocus: boolean
  count: number
  cursor?: string
}

/** The Task search parameters, strictly: one this server does not know is refused, not ignored. */
function readTaskSearch(query: Record<string, string | string[] | undefined>): SearchQuery {
  const issues: FhirIssue[] = []
  const refuse = (name: string, message: string) => issues.push({ code: 'value', expression: name, message })
  const one = (name: string) => {
    const v = query[name]
    if (Array.isArray(v)) {
      refuse(name, 'may be given once')
      return undefined
    }
    return v
  }
  const known = new Set([...Object.keys(TASK_SEARCH_PARAMS), '_include', '_count', '_cursor', '_format'])
  for (const name of Object.keys(query)) if (!known.has(name)) refuse(name, 'is not a search parameter of Task here')
  const q: SearchQuery = { updated: [], includeFocus: false, count: 50 }
  for (const value of [query._lastUpdated ?? []].flat()) {
    const m = /^(gt|ge|lt|le)(\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2}))?)$/.exec(
      value
    )
    if (m === null || Number.isNaN(Date.parse(m[2] as string)))
      refuse('_lastUpdated', 'must be gt, ge, lt or le followed by a date or an instant with its offset')
    else q.updated.push({ op: COMPARATORS[m[1] as keyof typeof COMPARATORS], at: m[2] as string })
  }
  const status = one('status')
  if (status !== undefined) q.status = status
  for (const name of ['requester', 'owner'] as const) {
    const v = one(name)
    if (v === undefined) continue
    const m = /^(?:Organization\/)?([0-9a-f-]{36})$/i.exec(v)
    if (m === null || !UUID.test(m[1] as string)) refuse(name, 'must be Organization/{id}')
    else q[name] = (m[1] as string).toLowerCase()
  }
  const include = one('_include')
  if (include !== undefined) {
    if (include !== 'Task:focus') refuse('_include', 'only Task:focus is supported')
    else q.includeFocus = true
  }
  const count = one('_count')
  if (count !== undefined) {
    if (!/^\d{1,3}$/.test(count) || Number(count) < 1 || Number(count) > 100) refuse('_count', 'must be 1 to 100')
    else q.count = Number(count)
  }
  const cursor = one('_cursor')
  if (cursor !== undefined) q.cursor = cursor
  if (issues.length > 0) throw fhirRefusal(issues, 'bad-request')
  return q
}

/** A problem answer as an OperationOutcome, in the caller's language (`Accept-Language`). */
function outcomeOfProblem(request: FastifyRequest, body: Record<string, unknown>) {
  const language = languageOf(request.headers['accept-language'])
  const kind = String(body.type ?? '').replace(/^urn:opkomst:problem:/, '')
  const fieldIssues = (body.errors as Array<{ pointer: string; message: string }> | undefined)?.map(
    (e): FhirIssue => ({
      code: 'value',
      expression: e.pointer.replace(/^\//, '').replaceAll('/', '.') || 'request',
      message: e.message
    })
  )
  const issues = ((body.issues as FhirIssue[] | undefined) ?? fieldIssues)?.map((i) => ({
    ...i,
    message: translateDetail(i.message, language)
  }))
  return operationOutcome({
    kind,
    status: Number(body.status),
    title: String(body.title ?? ''),
    detail: typeof body.detail === 'string' ? body.detail : undefined,
    ...(issues === undefined ? {} : { issues })
  })
}

const fhir: FastifyPluginAsync = async (app) => {
  boundJsonDepth(app, FHIR_JSON)
  boundJsonDepth(app, 'application/json-patch+json')
  const base = fhirBaseOf(app.config.PUBLIC_BASE_URL)

  // Every refusal, whoever raised it (auth, rate limits, services), leaves as an OperationOutcome.
  app.addHook('onSend', async (request, reply, payload) => {
    const type = String(reply.getHeader('content-type') ?? '')
    if (!type.startsWith(PROBLEM_CONTENT_TYPE) || typeof payload !== 'string') return payload
    reply.type(FHIR_TYPE)
    return JSON.stringify(outcomeOfProblem(request, JSON.parse(payload) as Record<string, unknown>))
  })
  app.setNotFoundHandler((request, reply) => {
    const problem = new ProblemError('not-found', `No route ${request.method} ${request.url.split('?')[0]}`)
    const body = {
      type: `urn:opkomst:problem:${problem.kind}`,
      status: 404,
      title: problem.title,
      detail: problem.detail
    }
    return reply
      .code(404)
      .type(FHIR_TYPE)
      .send(JSON.stringify(outcomeOfProblem(request, body)))
  })

  app.get('/metadata', { schema: hidden }, async (_request, reply) => send(reply, capabilityStatement(base)))

  app.get('/CodeSystem/:id', { schema: hidden }, async (request, reply) => {
    const id = idOf(request, false)
    if (!(id in CODE_SYSTEMS)) throw new ProblemError('not-found', 'CodeSystem does not exist')
    return send(reply, codeSystemResource(id as CodeSystemId))
  })

  app.post(
    '/',
    { schema: hidden, config: { scope: 'referrals:write', accessLog: 'create' } },
    async (request, reply) => {
      const made = await createFromBundle(app.deps, caller(request, 'intake'), request.body, (input) =>
        fieldErrors([...Value.Errors(ReferralInput, input)] as never, ReferralInput, input)
      )
      return send(reply, {
        resourceType: 'Bundle',
        type: 'transaction-response',
        entry: made.entries.map((e) => ({
          response: {
            status: made.created ? '201 Created' : '200 OK',
            location: `${e.resourceType}/${made.id}/_history/${made.version}`,
            etag: weakTag(made.version),
            lastModified: made.at
          }
        }))
      })
    }
  )

  app.get(
    '/Task',
    { schema: hidden, config: { scope: ['referrals:read', 'admin'], accessLog: 'list' } },
    async (request, reply) => {
      const query = request.query as Record<string, string | string[] | undefined>
      const q = readTaskSearch(query)
      const after = cursorAfter(q.cursor, ['instant', 'uuid']) as [string, string] | null
      const page = await searchTasks(app.deps, caller(request, 'list'), { ...q, after })
      const params = new URLSearchParams()
      for (const [name, value] of Object.entries(query))
        if (name !== '_cursor') for (const v of [value ?? []].flat()) params.append(name, v)
      const self = `${base}/Task${params.size > 0 ? `?${params}` : ''}`
      const link = [{ relation: 'self', url: self }]
      if (page.next !== null) {
        params.set('_cursor', encodeCursor(page.next))
        link.push({ relation: 'next', url: `${base}/Task?${params}` })
      }
      return send(reply, {
        resourceType: 'Bundle',
        type: 'searchset',
        link,
        entry: [
          ...page.tasks.map((resource) => ({
            fullUrl: `${base}/Task/${resource.id}`,
            resource,
            search: { mode: 'match' }
          })),
          ...page.included.map((resource) => ({
            fullUrl: `${base}/ServiceRequest/${resource.id}`,
            resource,
            search: { mode: 'include' }
          }))
        ]
      })
    }
  )

  app.get('/Task/:id', { schema: hidden, config: readConfig }, async (request, reply) => {
    const read = await readTask(app.deps, caller(request, 'view'), idOf(request), heldVersions(request))
    return 'notModified' in read ? notModified(reply, read.version) : send(reply, read.resource, read.version)
  })

  app.patch(
    '/Task/:id',
    { schema: hidden, config: { scope: ['referrals:write', 'referrals:manage', 'admin'], accessLog: 'transition' } },
    async (request, reply) => {
      const ifMatch = request.headers['if-match']
      const moved = await patchTask(app.deps, caller(request, 'status change'), idOf(request), ifMatch, request.body)
      return send(reply, moved.resource, moved.version)
    }
  )

  // The referral's other faces: each read is the same read of the referral in the caller's view.
  for (const [type, shape] of [
    ['ServiceRequest', serviceRequestOf],
    ['Patient', patientOf],
    ['Consent', consentOf]
  ] as const) {
    app.get(`/${type}/:id`, { schema: hidden, config: readConfig }, async (request, reply) => {
      const read = await readReferralBody(
        app.deps,
        caller(request, 'view'),
        idOf(request),
        heldVersions(request)
      ).catch((err: unknown) => {
        throw err instanceof ProblemError && err.kind === 'not-found'
          ? new ProblemError('not-found', `${type} does not exist or is not yours to see`)
          : err
      })
      if ('notModified' in read) return notModified(reply, read.version)
      return send(reply, shape(read.body as ReferralBody), read.version)
    })
  }

  app.get(
    '/Organization/:id',
    { schema: hidden, config: { scope: NETWORK_SCOPES, accessLog: false } },
    async (request, reply) => {
      return send(reply, organizationOf(await readOrganization(app.deps, idOf(request))))
    }
  )

  app.get(
    '/PractitionerRole/:id',
    { schema: hidden, config: { scope: NETWORK_SCOPES, accessLog: false } },
    async (request, reply) => {
      const w = await readPractitionerRole(app.deps, caller(request, 'view'), idOf(request))
      return send(reply, practitionerRoleOf({ ...w, updatedAt: new Date(w.updatedAt).toISOString() }), w.version)
    }
  )

  const subscriptions = { scope: 'webhooks:manage', accessLog: false } as const
  app.post('/Subscription', { schema: hidden, config: subscriptions }, async (request, reply) => {
    const created = await createSubscription(app.deps, caller(request, 'subscription'), request.body)
    reply.header('location', `${base}/Subscription/${created.id}/_history/${created.version}`)
    // The signing secret is shown once, here, as our webhooks' is on creation.
    const secret = { url: EXTENSIONS.signingSecret, valueString: created.secret }
    return send(reply, subscriptionOf({ ...created, updatedAt: created.createdAt }, [secret]), created.version, 201)
  })

  app.get('/Subscription/:id', { schema: hidden, config: subscriptions }, async (request, reply) => {
    const row = await readSubscriptionOf(app.deps, caller(request, 'subscription'), idOf(request))
    return send(reply, subscriptionOf({ ...row, updatedAt: new Date(row.updatedAt).toISOString() }), row.version)
  })

  app.delete('/Subscription/:id', { schema: hidden, config: subscriptions }, async (request, reply) => {
    await deleteSubscription(app.deps, caller(request, 'subscription'), idOf(request))
    return reply.code(204).send()
  })
}

export default fhir
