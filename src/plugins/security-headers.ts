import fp from 'fastify-plugin'
import type { FastifyReply } from 'fastify'
import helmet, { type HelmetOptions } from 'helmet'

declare module 'fastify' {
  interface FastifyInstance {
    swaggerCSP: { script: string[]; style: string[] }
  }
}

/**
 * The headers helmet sets, worked out once: with no per-request nonce they are the same on every
 * answer, and running helmet's middleware on each request cost a third of a read's throughput
 * (test/bench/results/HISTORY.md).
 */
function helmetHeaders(options: HelmetOptions): Record<string, string> {
  const headers: Record<string, string> = {}
  const res = {
    setHeader: (name: string, value: string | number | string[]) => {
      headers[name.toLowerCase()] = String(value)
    },
    removeHeader: (name: string) => {
      delete headers[name.toLowerCase()]
    },
    getHeader: (name: string) => headers[name.toLowerCase()]
  }
  helmet(options)({ headers: {} } as never, res as never, () => {})
  return headers
}

/**
 * Hardening headers on every answer (helmet's), with a Content-Security-Policy that lets `/docs`
 * run its own scripts and styles by their hashes; and `Cache-Control: no-store` on every answer of
 * an authenticated route, whose bodies carry personal data or partners' own records, unless the
 * route chose otherwise. A client keeps its ETag and revalidates with If-None-Match all the same.
 */
export default fp(
  async (app) => {
    const hardening = helmetHeaders({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          scriptSrc: ["'self'", ...app.swaggerCSP.script],
          styleSrc: ["'self'", ...app.swaggerCSP.style]
        }
      },
      // An API answered to other systems: no cross-origin embedding, no referrer leaking ids.
      crossOriginResourcePolicy: { policy: 'same-origin' },
      referrerPolicy: { policy: 'no-referrer' }
    })
    app.addHook('onSend', async (_request, reply, payload) => {
      reply.headers(hardening)
      return payload
    })
    // Decided per route when it is registered, not per request.
    const noStore = async (_request: unknown, reply: FastifyReply, payload: unknown) => {
      if (reply.getHeader('cache-control') === undefined) reply.header('cache-control', 'no-store')
      return payload
    }
    app.addHook('onRoute', (route) => {
      if (route.config?.scope === undefined) return
      const existing = route.onSend
      route.onSend =
        existing === undefined ? [noStore] : [...(Array.isArray(existing) ? existing : [existing]), noStore]
    })
  },
  { name: 'security-headers', dependencies: ['swagger'] }
)
