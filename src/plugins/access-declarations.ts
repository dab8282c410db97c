import fp from 'fastify-plugin'

export interface AccessDeclaration {
  method: string
  url: string
  accessLog: string | false
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every API route with what it leaves in the access log (`config.accessLog`). */
    accessDeclarations: readonly AccessDeclaration[]
  }
}

/**
 * Holds every API route to saying what it writes to the access log: a route that is authenticated or
 * in the contract and declares nothing stops the app from starting, so no endpoint can forget.
 */
export default fp(
  async (app) => {
    const declarations: AccessDeclaration[] = []
    app.decorate('accessDeclarations', declarations)
    app.addHook('onRoute', (route) => {
      const inContract = route.schema !== undefined && (route.schema as { hide?: boolean }).hide !== true
      if (route.config?.scope === undefined && !inContract) return
      const accessLog = route.config?.accessLog
      if (accessLog === undefined) {
        throw new Error(
          `${String(route.method)} ${route.url} must declare config.accessLog: the action it logs, or false for no personal data`
        )
      }
      for (const method of [route.method].flat()) declarations.push({ method, url: route.url, accessLog })
    })
  },
  { name: 'access-declarations' }
)
