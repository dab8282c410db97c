import { invalidCursor } from '../core/problems.ts'
import { feedPage, type FeedRow } from '../db/queries/events.ts'
import { decodeCursor, encodeCursor } from '../domain/cursor.ts'
import type { ServiceDeps } from './deps.ts'

type Deps = Pick<ServiceDeps, 'db'>

const POLL_MS = 250

/** A feed position: (transaction id, event id) of the last event read. */
export function feedCursor(after: string | undefined): [string, number] {
  if (after === undefined) return ['0', 0]
  const decoded = decodeCursor(after, ['transaction', 'integer'])
  if (decoded === null) throw invalidCursor('after')
  return decoded as [string, number]
}

/**
 * The change feed of an organisation after `cursor`; with `waitMs`, waits until something arrives,
 * the time is up, or `stop()` says the caller went away.
 */
export async function eventPage(
  deps: Deps,
  organisationId: string,
  cursor: [string, number],
  q: { limit: number; waitMs: number; stop: () => boolean }
) {
  const deadline = Date.now() + q.waitMs
  let rows: FeedRow[] = await feedPage(deps.db, organisationId, cursor, q.limit)
  while (rows.length === 0 && Date.now() < deadline && !q.stop()) {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS))
    rows = await feedPage(deps.db, organisationId, cursor, q.limit)
  }
  const last = rows.at(-1)
  return {
    items: rows.map((r) => ({
      id: r.eventId,
      type: r.type,
      occurredAt: new Date(r.occurredAt).toISOString(),
      referralId: r.referralId,
      handoffId: r.handoffId,
      status: r.status,
      reasonCode: r.reasonCode,
      version: r.version,
      outcome: r.outcome
    })),
    nextCursor: encodeCursor(last === undefined ? cursor : [last.transactionId, Number(last.id)])
  }
}
