import type { Database } from './client.ts'
import { prepared } from './client.ts'

export interface AccessEntry {
  organisationId: string | null
  clientId: string | null
  action: string
  purpose: string
  requestId: string
}

interface Waiting { rows: Array<AccessEntry & { referralId: string }>, done: (err?: unknown) => void }

/**
 * Access-log rows of reads, written by group commit: a read waits until its row is committed
 * before it answers (no answer without its row, and the row is durable), but the rows of reads
 * that arrive while a write is under way go together in the next one: one INSERT and one commit
 * for many reads, instead of a commit per read, which costs more than the read itself.
 * One write at a time; the first read after a quiet spell is written at once.
 */
export class AccessLogWriter {
  private waiting: Waiting[] = []
  private writing: Promise<void> | null = null

  constructor (private readonly db: Database) {}

  /** Resolves once the rows are committed; rejects when they could not be (then do not answer). */
  async append (referralIds: readonly string[], entry: AccessEntry): Promise<void> {
    if (referralIds.length === 0) return
    await new Promise<void>((resolve, reject) => {
      this.waiting.push({ rows: referralIds.map((referralId) => ({ ...entry, referralId })), done: (err) => err === undefined ? resolve() : reject(err) })
      this.writing ??= this.writeAll()
    })
  }

  /** Until nothing waits: all that waits, in one statement. */
  private async writeAll (): Promise<void> {
    while (this.waiting.length > 0) {
      const batch = this.waiting
      this.waiting = []
      const rows = batch.flatMap((w) => w.rows)
      try {
        await prepared(this.db, 'access_log_append', `INSERT INTO access_log (organisation_id, client_id, referral_id, action, purpose, request_id)
          SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[])`,
        [rows.map((r) => r.organisationId), rows.map((r) => r.clientId), rows.map((r) => r.referralId), rows.map((r) => r.action), rows.map((r) => r.purpose), rows.map((r) => r.requestId)])
        for (const w of batch) w.done()
      } catch (err) {
        for (const w of batch) w.done(err)
      }
    }
    this.writing = null
  }
}
