import fp from 'fastify-plugin'
import type { FastifyError, FastifySchemaValidationError } from 'fastify'
import { safeError } from '../logging.ts'

export const PROBLEM_CONTENT_TYPE = 'application/problem+json'
export const problemType = (kind: string) => `urn:opkomst:problem:${kind}`

/** An error the caller should see: becomes an RFC 9457 problem with a stable `type`. */
export class ProblemError extends Error {
  constructor (
    readonly status: number,
    readonly kind: string,
    readonly title: string,
    readonly detail?: string,
    readonly extra: Record<string, unknown> = {}
  ) {
    super(detail ?? title)
  }
}

export const notFound = (what: string) => new ProblemError(404, 'not-found', 'Not found', `${what} does not exist or is not yours to see`)
export const validationProblem = (errors: Array<{ pointer: string, message: string }>) =>
  new ProblemError(422, 'validation', 'Invalid request', errors.map((e) => `${e.pointer} ${e.message}`).join('; '), { errors })

/** The RFC 9457 body of a problem. */
export function problemBody (problem: ProblemError, requestId: string): Record<string, unknown> {
  return {
    type: problemType(problem.kind),
    title: problem.title,
    status: problem.status,
    ...(problem.detail !== undefined ? { detail: problem.detail } : {}),
    instance: `urn:request:${requestId}`,
    ...problem.extra
  }
}

const TITLES: Record<number, [string, string]> = {
  400: ['bad-request', 'Bad request'],
  401: ['unauthorized', 'Unauthorized'],
  403: ['forbidden', 'Forbidden'],
  404: ['not-found', 'Not found'],
  405: ['method-not-allowed', 'Method not allowed'],
  406: ['not-acceptable', 'Not acceptable'],
  413: ['payload-too-large', 'Payload too large'],
  415: ['unsupported-media-type', 'Unsupported media type'],
  429: ['too-many-requests', 'Too many requests']
}

/** Turns schema errors into one entry per failing field, each with its JSON pointer. */
export function fieldErrors (validation: FastifySchemaValidationError[]): Array<{ pointer: string, message: string }> {
  const byPointer = new Map<string, string>()
  for (const e of validation) {
    const params = e.params as Record<string, unknown>
    if (e.keyword === 'boolean' && e.schemaPath.endsWith('/additionalProperties')) continue
    if (e.keyword === 'required') {
      for (const p of params.requiredProperties as string[]) byPointer.set(`${e.instancePath}/${p}`, 'is required')
    } else if (e.keyword === 'additionalProperties') {
      for (const p of params.additionalProperties as string[]) byPointer.set(`${e.instancePath}/${p}`, 'is not an allowed field')
    } else if (!byPointer.has(e.instancePath)) {
      byPointer.set(e.instancePath, e.message ?? 'is invalid')
    }
  }
  return [...byPointer].map(([pointer, message]) => ({ pointer: pointer === '' ? '/' : pointer, message }))
}

export default fp(async (app) => {
  app.setErrorHandler((err: FastifyError | ProblemError, request, reply) => {
    let problem: ProblemError
    if (err instanceof ProblemError) {
      problem = err
    } else if (err.validation !== undefined) {
      const context = err.validationContext ?? 'body'
      const errors = fieldErrors(err.validation)
      problem = context === 'body'
        ? validationProblem(errors)
        : new ProblemError(400, 'invalid-parameters', 'Invalid request parameters', `Invalid ${context}: ${errors.map((e) => `${e.pointer} ${e.message}`).join('; ')}`, { errors })
    } else if (err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500) {
      const [kind, title] = TITLES[err.statusCode] ?? ['bad-request', 'Bad request']
      // Parser messages quote the body, which may hold personal data: say what, not the text.
      const malformed = err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || err instanceof SyntaxError
      const detail = malformed ? 'The body is not valid JSON' : err.code?.startsWith('FST_') === true ? err.message : title
      problem = new ProblemError(err.statusCode, malformed ? 'malformed-json' : kind, title, detail)
    } else {
      request.log.error({ err: safeError(err) }, 'request failed')
      problem = new ProblemError(500, 'internal', 'Internal server error', 'Something went wrong on our side; quote the instance id when asking for help')
    }
    if (problem.status < 500) request.log.info({ problem: problem.kind, status: problem.status }, 'request refused')
    return reply.code(problem.status).type(PROBLEM_CONTENT_TYPE).send(problemBody(problem, request.id))
  })

  app.setNotFoundHandler((request, reply) => {
    return reply.code(404).type(PROBLEM_CONTENT_TYPE).send({
      type: problemType('not-found'),
      title: 'Not found',
      status: 404,
      detail: `No route ${request.method} ${request.url.split('?')[0]}`,
      instance: `urn:request:${request.id}`
    })
  })
}, { name: 'errors' })
