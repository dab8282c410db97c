import type { FastifyReply, FastifyRequest } from 'fastify'
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
    clock: systemClock,
    actingWorkerId: request.actingWorkerId ?? null
  }
}

/** The sort key a cursor carries; none given → null; one this API never gave out → 400. */
export function cursorAfter(cursor: string | undefined, shape: readonly CursorPart[]): Array<string | number> | null {
  if (cursor === undefined) return null
  const key = decodeCursor(cursor, shape)
  if (key === null) throw invalidCursor('cursor')
  return key
}

/** A strong entity tag of a version: `"3"`. */
export const etagOf = (version: number) => `"${version}"`

/**
 * `If-None-Match` (weak comparison, RFC 9110 §13.1.2): the versions the caller holds. Our tags are
 * `"<version>"`; anything else held cannot match.
 */
export function heldVersions(request: FastifyRequest): number[] {
  const header = request.headers['if-none-match']
  if (typeof header !== 'string') return []
  return header
    .split(',')
    .map((t) => /^\s*(?:W\/)?"(\d{1,9})"\s*$/.exec(t)?.[1])
    .filter((v) => v !== undefined)
    .map(Number)
}

/** Answers 304 when the caller holds `version`; true when it did. */
export function answeredNotModified(request: FastifyRequest, reply: FastifyReply, version: number): boolean {
  if (!heldVersions(request).includes(version)) return false
  // No payload at all: `null` would be counted in Content-Length although a 304 has no body.
  reply.code(304).header('etag', etagOf(version)).removeHeader('content-type')
  reply.send(undefined as never)
  return true
}

/** An absolute link under the deployment's public base URL, as `Location` should be. */
export const publicUrl = (request: FastifyRequest, path: string) =>
  `${request.server.config.PUBLIC_BASE_URL.replace(/\/+$/, '')}${path}`
