import fp from 'fastify-plugin'
import type { FastifyError, FastifySchemaValidationError } from 'fastify'
import { safeError } from '../logging.ts'
import { databaseFault } from '../db/unavailable.ts'
import { type FieldError, kindOfStatus, ProblemError, problemType, validationProblem } from '../core/problems.ts'

export const PROBLEM_CONTENT_TYPE = 'application/problem+json'

declare module 'fastify' {
  interface FastifyInstance {
    /** Tells the error handler that PostgreSQL accepted a new connection (it logs the end of an outage once). */
    databaseConnected: () => void
    /** Tells it that a connection was lost (it logs the start of an outage once, not per connection). */
    databaseLost: (err: unknown) => void
  }
}

/** The RFC 9457 body of a problem. */
export function problemBody(problem: ProblemError, requestId: string): Record<string, unknown> {
  return {
    type: problemType(problem.kind),
    title: problem.title,
    status: problem.status,
    ...(problem.detail !== undefined ? { detail: problem.detail } : {}),
    instance: `urn:request:${requestId}`,
    ...problem.extra
  }
}

/** Turns schema errors into one entry per failing field, each with its JSON pointer. */
export function fieldErrors(validation: FastifySchemaValidationError[]): FieldError[] {
  const byPointer = new Map<string, string>()
  for (const e of validation) {
    const params = e.params as Record<string, unknown>
    if (e.keyword === 'boolean' && e.schemaPath.endsWith('/additionalProperties')) continue
    if (e.keyword === 'required') {
      for (const p of params.requiredProperties as string[]) byPointer.set(`${e.instancePath}/${p}`, 'is required')
    } else if (e.keyword === 'additionalProperties') {
      for (const p of params.additionalProperties as string[]) {
        byPointer.set(`${e.instancePath}/${p}`, 'is not an allowed field')
      }
    } else if (!byPointer.has(e.instancePath)) {
      byPointer.set(e.instancePath, e.message ?? 'is invalid')
    }
  }
  return [...byPointer].map(([pointer, message]) => ({ pointer: pointer === '' ? '/' : pointer, message }))
}

/** A framework error (schema, parser, limits) as the problem the caller gets. */
function problemOf(err: FastifyError): ProblemError | null {
  if (err.validation !== undefined) {
    const context = err.validationContext ?? 'body'
    const errors = fieldErrors(err.validation)
    if (context === 'body') return validationProblem(errors)
    const listed = errors.map((e) => `${e.pointer} ${e.message}`).join('; ')
    return new ProblemError('invalid-parameters', `Invalid ${context}: ${listed}`, { errors })
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
      let problem = err instanceof ProblemError ? err : problemOf(err)
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
      return reply.code(problem.status).type(PROBLEM_CONTENT_TYPE).send(problemBody(problem, request.id))
    })

    app.setNotFoundHandler((request, reply) => {
      const problem = new ProblemError('not-found', `No route ${request.method} ${request.url.split('?')[0]}`)
      return reply.code(404).type(PROBLEM_CONTENT_TYPE).send(problemBody(problem, request.id))
    })
  },
  { name: 'errors' }
)
