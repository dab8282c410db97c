import fp from 'fastify-plugin'
import type { FastifyError, FastifyRequest, FastifySchemaValidationError } from 'fastify'
import { languageOf, message } from '../i18n/index.ts'
import { translateDetail } from '../i18n/details.ts'
import { safeError } from '../logging.ts'
import { databaseFault } from '../db/unavailable.ts'
import {
  type FieldError,
  invalidParameters,
  kindOfStatus,
  ProblemError,
  problemType,
  validationProblem
} from '../core/problems.ts'

export const PROBLEM_CONTENT_TYPE = 'application/problem+json'

declare module 'fastify' {
  interface FastifyInstance {
    /** Tells the error handler that PostgreSQL accepted a new connection (it logs the end of an outage once). */
    databaseConnected: () => void
    /** Tells it that a connection was lost (it logs the start of an outage once, not per connection). */
    databaseLost: (err: unknown) => void
  }
}

/**
 * The RFC 9457 body of a problem in the caller's language (`Accept-Language`, Dutch by default): its
 * title, its detail and each field's message; `type`, pointers and codes stay as they are.
 */
export function problemBody(problem: ProblemError, request: FastifyRequest): Record<string, unknown> {
  const language = languageOf(request.headers['accept-language'])
  const fields = problem.extra.errors as FieldError[] | undefined
  const errors = fields?.map((e) => ({ ...e, message: translateDetail(e.message, language) }))
  // A refusal of fields says them all in its detail, in the same words.
  const detail =
    errors !== undefined && (problem.kind === 'validation' || problem.kind === 'invalid-parameters')
      ? errors.map((e) => `${e.pointer} ${e.message}`).join('; ')
      : problem.detail === undefined
        ? undefined
        : translateDetail(problem.detail, language)
  return {
    type: problemType(problem.kind),
    title: message(language, `problem.${problem.kind}`),
    status: problem.status,
    ...(detail !== undefined ? { detail } : {}),
    instance: `urn:request:${request.id}`,
    ...problem.extra,
    ...(errors === undefined ? {} : { errors })
  }
}

type SchemaNode = Record<string, unknown>

/** The node a JSON pointer or schema path (`#/allOf/0`) names, if there is one. */
function nodeAt(root: unknown, path: string): unknown {
  let node = root
  for (const part of path.replace(/^#/, '').split('/')) {
    if (part === '') continue
    if (node === null || typeof node !== 'object') return undefined
    node = (node as Record<string, unknown>)[part.replaceAll('~1', '/').replaceAll('~0', '~')]
  }
  return node
}

/** What an `if` asked for, in words: `status is completed`, or the fields it required. */
function conditionOf(condition: SchemaNode): string {
  const consts = Object.entries((condition.properties ?? {}) as Record<string, SchemaNode>).filter(
    ([, p]) => 'const' in p
  )
  if (consts.length > 0) return consts.map(([name, p]) => `${name} is ${String(p.const)}`).join(' and ')
  return ((condition.required ?? []) as string[]).join(' and ')
}

/**
 * The fields a failed `then` or `else` refuses. The validator reports only "must match then", so the rule is
 * read back from the schema and checked against the value; only the shapes our schemas write are
 * read (`required`, a property set to `false`, an `enum`), see `exactlyOneOf` and `TransitionInput`.
 */
/** `is required`, and under which condition when a `then` or an `else` requires it. */
function requiredMessage(branch: 'then' | 'else' | null, condition: string): string {
  if (branch === null) return 'is required'
  return branch === 'then' ? `is required when ${condition}` : `is required without ${condition}`
}

function branchErrors(node: SchemaNode, branch: 'then' | 'else', value: unknown, at: string): FieldError[] {
  const then = (node[branch] ?? {}) as SchemaNode
  const condition = conditionOf((node.if ?? {}) as SchemaNode)
  const given = (value ?? {}) as Record<string, unknown>
  const errors: FieldError[] = []
  for (const field of (then.required ?? []) as string[]) {
    if (given[field] === undefined)
      errors.push({ pointer: `${at}/${field}`, message: requiredMessage(branch, condition) })
  }
  for (const [field, rule] of Object.entries((then.properties ?? {}) as Record<string, unknown>)) {
    if (given[field] === undefined) continue
    if (rule === false) errors.push({ pointer: `${at}/${field}`, message: `is not allowed together with ${condition}` })
    const allowed = (rule as SchemaNode).enum as unknown[] | undefined
    if (allowed !== undefined && !allowed.includes(given[field])) {
      const values = allowed.join(', ')
      const message =
        branch === 'then'
          ? `must be one of ${values} when ${condition}`
          : `must be one of ${values} without ${condition}`
      errors.push({ pointer: `${at}/${field}`, message })
    }
  }
  return errors
}

/**
 * Turns schema errors into one entry per failing field, each with its JSON pointer. Rules written
 * with `if`/`then`/`else` are said by naming the fields involved, not the keyword; for that the
 * route's `schema` and the `value` refused are read.
 */
export function fieldErrors(
  validation: FastifySchemaValidationError[],
  schema?: unknown,
  value?: unknown
): FieldError[] {
  const byPointer = new Map<string, string>()
  const set = (pointer: string, message: string) => {
    if (!byPointer.has(pointer)) byPointer.set(pointer, message)
  }
  for (const e of validation) {
    const params = e.params as Record<string, unknown>
    if (e.keyword === 'boolean' && e.schemaPath.endsWith('/additionalProperties')) continue
    if (e.keyword === 'if') {
      const node = nodeAt(schema, e.schemaPath) as SchemaNode | undefined
      const branch = params.failingKeyword === 'else' ? 'else' : 'then'
      const found = node === undefined ? [] : branchErrors(node, branch, nodeAt(value, e.instancePath), e.instancePath)
      for (const f of found) set(f.pointer, f.message)
      if (found.length === 0) set(e.instancePath, e.message ?? 'is invalid')
    } else if (e.keyword === 'required') {
      // Inside a `then` or `else` the validator may report the field itself: say under which condition.
      const branch = /^(.*)\/(then|else)$/.exec(e.schemaPath)
      const condition =
        branch === null ? undefined : (nodeAt(schema, branch[1] as string) as SchemaNode | undefined)?.if
      const message =
        condition === undefined
          ? requiredMessage(null, '')
          : requiredMessage(branch?.[2] === 'then' ? 'then' : 'else', conditionOf(condition as SchemaNode))
      for (const p of (params.requiredProperties as string[] | undefined) ?? [String(params.missingProperty)]) {
        byPointer.set(`${e.instancePath}/${p}`, message)
      }
    } else if (e.keyword === 'format' && FORMAT_WORDS[String(params.format)] !== undefined) {
      // Says more than a length or pattern error on the same field: an instant is too long for a date.
      byPointer.set(e.instancePath, FORMAT_WORDS[String(params.format)] as string)
    } else if (e.keyword === 'additionalProperties') {
      for (const p of params.additionalProperties as string[]) {
        byPointer.set(`${e.instancePath}/${p}`, 'is not an allowed field')
      }
    } else {
      set(e.instancePath, e.message ?? 'is invalid')
    }
  }
  return [...byPointer].map(([pointer, message]) => ({ pointer: pointer === '' ? '/' : pointer, message }))
}

/** What a value of each format looks like, said with an example: `must match format "date"` told no one how. */
const FORMAT_WORDS: Record<string, string> = {
  date: 'must be a calendar date, YYYY-MM-DD (2026-06-30)',
  'date-time': 'must be an instant with its offset, RFC 3339 (2026-06-30T14:00:00+02:00)',
  email: 'must be an e-mail address',
  uuid: 'must be a UUID',
  uri: 'must be an absolute URL'
}

/** A framework error (schema, parser, limits) as the problem the caller gets. */
function problemOf(request: FastifyRequest, err: FastifyError): ProblemError | null {
  if (err.validation !== undefined) {
    const context = err.validationContext ?? 'body'
    const schema = (request.routeOptions.schema as Record<string, unknown> | undefined)?.[context]
    const value = context === 'body' ? request.body : context === 'headers' ? request.headers : request.query
    const errors = fieldErrors(err.validation, schema, value)
    return context === 'body' ? validationProblem(errors) : invalidParameters(errors)
  }
  if (err.statusCode === undefined || err.statusCode < 400 || err.statusCode >= 500) return null
  // Parser messages quote the body, which may hold personal data: say what, not the text.
  if (err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || err instanceof SyntaxError) {
    return new ProblemError('malformed-json', 'The body is not valid JSON')
  }
  const kind = kindOfStatus(err.statusCode)
  return new ProblemError(kind, err.code?.startsWith('FST_') === true ? err.message : undefined)
}

/** Seconds a caller is asked to wait when PostgreSQL is away. */
const RETRY_AFTER_S = 5

/**
 * The one error handler: every refusal is a problem; 5xx details are never shown. PostgreSQL being
 * away is 503 with Retry-After, logged once when it goes and once when it comes back, not per request.
 */
export default fp(
  async (app) => {
    let databaseDown = false
    // The db plugin calls this when its pool connects anew, as it does once PostgreSQL is back.
    app.decorate('databaseConnected', () => {
      if (!databaseDown) return
      databaseDown = false
      app.log.info('PostgreSQL answers again')
    })
    const wentDown = (err: unknown) => {
      if (!databaseDown) app.log.warn({ err: safeError(err) }, 'PostgreSQL unavailable: answering 503')
      databaseDown = true
    }
    app.decorate('databaseLost', wentDown)
    app.setErrorHandler((err: FastifyError | ProblemError, request, reply) => {
      let problem = err instanceof ProblemError ? err : problemOf(request, err)
      const fault = problem === null ? databaseFault(err) : null
      if (fault !== null) {
        if (fault === 'timed-out')
          request.log.warn({ err: safeError(err) }, 'PostgreSQL statement timed out: answering 503')
        else wentDown(err)
        reply.header('retry-after', String(RETRY_AFTER_S))
        problem = new ProblemError(
          'unavailable',
          'The service cannot reach its database just now; retry after a moment'
        )
      }
      if (problem === null) {
        request.log.error({ err: safeError(err) }, 'request failed')
        problem = new ProblemError(
          'internal',
          'Something went wrong on our side; quote the instance id when asking for help'
        )
      }
      if (problem.status < 500) request.log.info({ problem: problem.kind, status: problem.status }, 'request refused')
      // RFC 6750: a refused bearer says how to authenticate, and whether the token sent was at fault.
      if (problem.status === 401) {
        const sent = request.headers.authorization !== undefined
        reply.header('www-authenticate', `Bearer realm="opkomst"${sent ? ', error="invalid_token"' : ''}`)
      }
      return reply
        .code(problem.status)
        .type(PROBLEM_CONTENT_TYPE)
        .header('content-language', languageOf(request.headers['accept-language']))
        .send(problemBody(problem, request))
    })

    app.setNotFoundHandler((request, reply) => {
      const problem = new ProblemError('not-found', `No route ${request.method} ${request.url.split('?')[0]}`)
      return reply
        .code(404)
        .type(PROBLEM_CONTENT_TYPE)
        .header('content-language', languageOf(request.headers['accept-language']))
        .send(problemBody(problem, request))
    })
  },
  { name: 'errors' }
)
