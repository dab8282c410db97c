/**
 * The last step of making the contract: @fastify/swagger turns each route's schema into an
 * operation, and this pure function turns those operations into a document a client generator
 * reads well. It names every titled schema in `components/schemas`, answers every problem status
 * the server can give through one shared `components/responses` entry as `application/problem+json`,
 * declares the headers the server sends, and adds the `webhooks` section. What an operation can
 * answer is read from the operation itself (body, parameters, security, path), so a new route
 * needs nothing here.
 */

import { isRateLimited } from '../core/rate-limited.ts'

type Json = Record<string, unknown>
type Operation = {
  operationId?: string
  parameters?: { in: string; name: string; required?: boolean }[]
  requestBody?: unknown
  security?: Record<string, unknown>[]
  responses: Record<string, Json>
}

export const PROBLEM_MEDIA_TYPE = 'application/problem+json'

/** A response header the server sends, under its canonical name; `required` when every such answer has it. */
export interface HeaderSpec {
  name: string
  description: string
  schema: Json
}

export const HEADERS: Record<string, HeaderSpec> = {
  etag: {
    name: 'ETag',
    description: 'The version of the resource, a strong entity tag (`"3"`): send it as `If-Match` or `If-None-Match`.',
    schema: { type: 'string', maxLength: 24, pattern: '^"[0-9]+"$' }
  },
  'content-tag': {
    name: 'ETag',
    description:
      'A strong entity tag of the whole list (a hash of it): send it as `If-None-Match`; it changes whenever anything listed changes.',
    schema: { type: 'string', maxLength: 40, pattern: '^"[A-Za-z0-9_-]+"$' }
  },
  location: {
    name: 'Location',
    description: 'Absolute URL of the created resource, under the deployment’s `PUBLIC_BASE_URL`.',
    schema: { type: 'string', format: 'uri', maxLength: 2048 }
  },
  'idempotent-replayed': {
    name: 'Idempotent-Replayed',
    description: '`true` when this is the stored answer to an earlier request with the same `Idempotency-Key`.',
    schema: { type: 'string', enum: ['true'] }
  },
  'content-language': {
    name: 'Content-Language',
    description:
      'The language of every label and sentence in the answer: `nl`, or `en` when `Accept-Language` asks for it.',
    schema: { type: 'string', enum: ['nl', 'en'] }
  },
  'content-disposition': {
    name: 'Content-Disposition',
    description:
      'A download: `attachment; filename="opkomst-impact_<first day>_<last day>_<track or all>_<generated, UTC>.csv"`.',
    schema: { type: 'string', maxLength: 200 }
  },
  'retry-after': {
    name: 'Retry-After',
    description: 'Seconds to wait before trying again.',
    schema: { type: 'string', maxLength: 10, pattern: '^[0-9]+$' }
  },
  'www-authenticate': {
    name: 'WWW-Authenticate',
    description:
      'How to authenticate (RFC 6750): `Bearer realm="opkomst"`, with `error="invalid_token"` when a key was sent.',
    schema: { type: 'string', maxLength: 100 }
  },
  'ratelimit-limit': {
    name: 'RateLimit-Limit',
    description: 'Requests allowed in the current window (IETF RateLimit header draft); sent when rate limits are on.',
    schema: { type: 'integer', format: 'int32', minimum: 0, maximum: 1000000 }
  },
  'ratelimit-remaining': {
    name: 'RateLimit-Remaining',
    description: 'Requests left in the current window.',
    schema: { type: 'integer', format: 'int32', minimum: 0, maximum: 1000000 }
  },
  'ratelimit-reset': {
    name: 'RateLimit-Reset',
    description: 'Seconds until the window starts again.',
    schema: { type: 'integer', format: 'int32', minimum: 0, maximum: 86400 }
  },
  'ratelimit-policy': {
    name: 'RateLimit-Policy',
    description: 'The limit and its window in seconds (`600;w=60`).',
    schema: { type: 'string', maxLength: 40 }
  }
}

const RATE_LIMIT_HEADERS = ['ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset', 'ratelimit-policy']

interface ProblemResponse {
  name: string
  description: string
  /** Headers every answer with this status carries. */
  required?: string[]
  optional?: string[]
}

/** Every problem status, with the shared response that describes it. */
export const PROBLEM_RESPONSES: Record<string, ProblemResponse> = {
  400: { name: 'BadRequest', description: 'Malformed JSON, or a parameter, header or cursor that is not valid.' },
  401: {
    name: 'Unauthorized',
    description: 'No API key, or one that is not valid (revoked, expired, unknown).',
    required: ['www-authenticate']
  },
  403: { name: 'Forbidden', description: 'Your API client lacks the scope this operation requires.' },
  404: { name: 'NotFound', description: 'It does not exist, or it is not yours to see.' },
  406: { name: 'NotAcceptable', description: 'None of the media types in `Accept` can be produced.' },
  409: { name: 'Conflict', description: 'The record is not in a state that allows this (the `type` says why).' },
  412: { name: 'PreconditionFailed', description: '`If-Match` names a version that is no longer current.' },
  413: { name: 'ContentTooLarge', description: 'The request body is larger than this deployment accepts.' },
  415: { name: 'UnsupportedMediaType', description: 'The request body is not `application/json`.' },
  422: {
    name: 'UnprocessableContent',
    description: 'The body breaks a rule: `errors` names each failing field by JSON pointer.'
  },
  428: { name: 'PreconditionRequired', description: '`If-Match` is missing: send the `ETag` you hold.' },
  429: {
    name: 'TooManyRequests',
    description: 'Rate limit reached: wait as `Retry-After` says.',
    required: ['retry-after'],
    optional: RATE_LIMIT_HEADERS
  },
  500: { name: 'InternalServerError', description: 'Something went wrong on our side; quote `instance`.' },
  503: {
    name: 'ServiceUnavailable',
    description: 'The database is away or slow just now: retry after a moment.',
    optional: ['retry-after']
  }
}

/** The problem statuses an operation can give because of what it takes (body, parameters, key, path). */
export function problemStatusesOf(path: string, op: Operation): string[] {
  const statuses = ['500']
  const parameters = op.parameters ?? []
  if (op.security !== undefined && op.security.length > 0) statuses.push('401', '403')
  if (parameters.length > 0 || op.requestBody !== undefined) statuses.push('400')
  if (op.requestBody !== undefined) statuses.push('413', '415', '422')
  if (parameters.some((p) => p.in === 'header' && p.name === 'if-match')) statuses.push('412', '428')
  if (isRateLimited(path)) statuses.push('429', '503')
  return statuses
}

const isProblemResponse = (response: Json) => {
  const content = response.content as Record<string, { schema?: Json }> | undefined
  return (
    content !== undefined &&
    Object.values(content).every((media) => media.schema?.$ref === '#/components/schemas/Problem')
  )
}

const specOf = (key: string) => {
  const spec = HEADERS[key]
  if (spec === undefined) throw new Error(`The response header ${key} is not in HEADERS`)
  return spec
}
const headerName = (key: string) => specOf(key).name
/** A `$ref` cannot carry `required` beside it: headers every answer has are written out in full. */
const requiredHeader = (key: string) => {
  const { description, schema } = specOf(key)
  return { description, required: true, schema }
}

/** Each titled schema, once, in `components/schemas`; two different schemas with one title are a mistake. */
function nameSchemas(node: unknown, named: Map<string, { schema: Json; text: string }>): unknown {
  if (Array.isArray(node)) return node.map((item) => nameSchemas(item, named))
  if (node === null || typeof node !== 'object') return node
  const out: Json = {}
  for (const [key, value] of Object.entries(node)) {
    // `properties` maps names to schemas; a property called `title` is not a title.
    out[key] = key === 'examples' || key === 'example' ? value : nameSchemas(value, named)
  }
  const title = out.title
  if (typeof title !== 'string' || !('type' in out || 'anyOf' in out || 'oneOf' in out)) return out
  // A schema answered at the top of a response had its examples moved to the media type; where it
  // is nested they stay. The same schema either way: compare without them and keep them.
  const { examples, ...rest } = out
  const text = JSON.stringify(rest)
  const known = named.get(title)
  if (known !== undefined && known.text !== text) throw new Error(`Two different schemas are titled ${title}`)
  if (known === undefined || examples !== undefined) named.set(title, { schema: out, text })
  return { $ref: `#/components/schemas/${title}` }
}

export interface FinishOptions {
  /** OpenAPI 3.1 `webhooks`: one entry per event type. */
  webhooks?: Json
}

export function finishContract(document: Json, options: FinishOptions = {}): Json {
  const doc = structuredClone(document) as Json & { paths: Record<string, Record<string, Operation>> }
  const components = (doc.components ?? {}) as Json & { schemas?: Json }
  const usedStatuses = new Set<string>()
  const usedHeaders = new Set<string>()

  for (const [path, item] of Object.entries(doc.paths)) {
    for (const op of Object.values(item)) {
      for (const parameter of op.parameters ?? []) {
        // The server answers 428 without it: in the contract it is simply required.
        if (parameter.in === 'header' && parameter.name === 'if-match') parameter.required = true
      }
      const responses: Record<string, Json> = {}
      const takesIdempotencyKey = (op.parameters ?? []).some((p) => p.in === 'header' && p.name === 'idempotency-key')
      for (const status of problemStatusesOf(path, op)) op.responses[status] ??= { content: {} }
      const statuses = Object.keys(op.responses).sort()
      for (const status of statuses) {
        const response = op.responses[status] as Json
        if (PROBLEM_RESPONSES[status] !== undefined && isProblemResponse(response)) {
          usedStatuses.add(status)
          responses[status] = { $ref: `#/components/responses/${PROBLEM_RESPONSES[status].name}` }
          continue
        }
        // What the route declares is sent with every such answer; the rest only at times.
        const headers: Json = {}
        const optional: string[] = []
        for (const [key, declared] of Object.entries((response.headers ?? {}) as Record<string, Json>)) {
          // @fastify/swagger has wrapped what the route wrote as the header's schema.
          const schema = (declared.schema ?? declared) as Json
          if (schema.optional === true) optional.push(key)
          else headers[headerName(key)] = requiredHeader(key)
        }
        if (isRateLimited(path) && /^[24]/.test(status)) optional.push(...RATE_LIMIT_HEADERS)
        if (status.startsWith('2') && takesIdempotencyKey) optional.push('idempotent-replayed')
        for (const key of optional) {
          usedHeaders.add(key)
          headers[headerName(key)] = { $ref: `#/components/headers/${headerName(key)}` }
        }
        responses[status] = Object.keys(headers).length === 0 ? response : { ...response, headers }
      }
      op.responses = responses
    }
  }

  const responseComponents: Json = {}
  for (const status of [...usedStatuses].sort()) {
    const spec = PROBLEM_RESPONSES[status] as ProblemResponse
    const headers: Json = {}
    for (const key of spec.required ?? []) headers[headerName(key)] = requiredHeader(key)
    // Rate limits count every request but the probes', refused ones too.
    const optional = [
      ...(spec.optional ?? []),
      ...(status.startsWith('4') && status !== '429' ? RATE_LIMIT_HEADERS : [])
    ]
    for (const key of optional) {
      usedHeaders.add(key)
      headers[headerName(key)] = { $ref: `#/components/headers/${headerName(key)}` }
    }
    responseComponents[spec.name] = {
      description: spec.description,
      ...(Object.keys(headers).length === 0 ? {} : { headers }),
      content: { [PROBLEM_MEDIA_TYPE]: { schema: { $ref: '#/components/schemas/Problem' } } }
    }
  }

  const headerComponents: Json = {}
  for (const key of [...usedHeaders].sort()) {
    const { name, description, schema } = HEADERS[key] as HeaderSpec
    headerComponents[name] = { description, schema }
  }

  const named = new Map<string, { schema: Json; text: string }>()
  const paths = nameSchemas(doc.paths, named)
  const webhooks = options.webhooks === undefined ? undefined : nameSchemas(options.webhooks, named)
  const schemas: Json = { ...(components.schemas ?? {}) }
  for (const [title, { schema }] of [...named].sort(([a], [b]) => a.localeCompare(b))) schemas[title] = schema

  return {
    ...doc,
    paths,
    ...(webhooks === undefined ? {} : { webhooks }),
    components: {
      ...components,
      schemas,
      responses: responseComponents,
      headers: headerComponents
    }
  }
}
