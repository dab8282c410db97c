import { readFile } from 'node:fs/promises'
import fp from 'fastify-plugin'
import { CONTRACT_PATH, contractChecker } from '../contract/conformance.ts'
import { ProblemError } from '../core/problems.ts'
import { PROBLEM_CONTENT_TYPE, problemBody } from './errors.ts'

/**
 * With `CONTRACT_CHECK=on` (the test suite, a staging deployment) every answer is checked against
 * the committed contract before it leaves; one that is off it becomes a 500 saying what differs,
 * so the test that caused it fails and says why.
 */
export default fp(
  async (app, opts: { contract?: Record<string, unknown> }) => {
    if (app.config.CONTRACT_CHECK === 'off') return
    const check = contractChecker(opts.contract ?? JSON.parse(await readFile(CONTRACT_PATH, 'utf8')))
    app.addHook('onSend', async (request, reply, payload) => {
      const body = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : null
      const route = request.routeOptions.url
      if (route === undefined) return payload
      const mismatches = check({
        method: request.method,
        route,
        status: reply.statusCode,
        headers: reply.getHeaders(),
        body: payload == null ? '' : body
      })
      if (mismatches.length === 0) return payload
      request.log.error({ mismatches }, 'answer off the contract')
      // Rewritten here rather than thrown: a throw while sending a problem would bypass the error handler.
      reply.code(500).type(PROBLEM_CONTENT_TYPE)
      for (const name of Object.keys(reply.getHeaders())) {
        if (name !== 'content-type' && name !== 'x-request-id') reply.removeHeader(name)
      }
      return JSON.stringify(problemBody(new ProblemError('contract-mismatch', mismatches.join('; ')), request))
    })
  },
  { name: 'contract-check', dependencies: ['errors'] }
)
