import type { FastifyRequest } from 'fastify'
import { systemClock, type Caller } from '../core/caller.ts'
import { invalidCursor } from '../core/problems.ts'
import { type CursorPart, decodeCursor } from '../domain/cursor.ts'

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * What the route leaves in the access log: the action of the row it writes for each referral
     * whose personal data it returns or changes, or `false` when it touches none. Every route says
     * which (test/routes/access-declarations.test.ts holds each to it).
     */
    accessLog?: string | false
  }
}

/** Who acts and why, for the services and the access log; the action is what the route declares. */
export function callerOf(request: FastifyRequest, purpose: string): Caller {
  const declared = request.routeOptions.config.accessLog
  return {
    principal: request.principal,
    requestId: request.id,
    purpose,
    action: declared === undefined || declared === false ? 'none' : declared,
    clock: systemClock
  }
}

/** The sort key a cursor carries; none given → null; one this API never gave out → 400. */
export function cursorAfter(cursor: string | undefined, shape: readonly CursorPart[]): Array<string | number> | null {
  if (cursor === undefined) return null
  const key = decodeCursor(cursor, shape)
  if (key === null) throw invalidCursor('cursor')
  return key
}
