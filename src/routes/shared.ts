import type { FastifyRequest } from 'fastify'
import { decodeCursor } from '../domain/cursor.ts'
import { ProblemError } from '../plugins/errors.ts'
import type { Caller } from '../services/referrals.ts'

/** Who acts and why, for the services and the access log. */
export const callerOf = (request: FastifyRequest, purpose: string): Caller => ({ principal: request.principal, requestId: request.id, purpose })

/** The sort key a cursor carries; none given → null; one this API never gave out → 400. */
export function cursorAfter (cursor: string | undefined, arity: number): Array<string | number> | null {
  if (cursor === undefined) return null
  const key = decodeCursor(cursor, arity)
  if (key === null) throw new ProblemError(400, 'invalid-cursor', 'Invalid cursor', 'the cursor is not one this API gave out')
  return key
}
