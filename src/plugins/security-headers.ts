import fp from 'fastify-plugin'
import helmet from '@fastify/helmet'

declare module 'fastify' {
  interface FastifyInstance {
    swaggerCSP: { script: string[]; style: string[] }
  }
}

/**
 * Hardening headers on every answer (helmet), with a Content-Security-Policy that lets `/docs` run
 * its own scripts and styles by their hashes; and `Cache-Control: no-store` on every answer of an
 * authenticated route, whose bodies carry personal data or partners' own records, unless the
 * route chose otherwise. A client keeps its ETag and revalidates with If-None-Match all the same.
 */
export default fp(
  async (app) => {
    await app.register(helmet, {
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
    app.addHook('onSend', async (request, reply, payload) => {
      if (request.routeOptions.config?.scope !== undefined && reply.getHeader('cache-control') === undefined) {
        reply.header('cache-control', 'no-store')
      }
      return payload
    })
  },
  { name: 'security-headers', dependencies: ['swagger'] }
)
