import type { Database } from './client.ts'
import { prepared } from './client.ts'
import { Batch } from './batch.ts'

export interface AccessEntry {
  organisationId: string | null
  clientId: string | null
  action: string
  purpose: string
  requestId: string
}

/**
 * Access-log rows of list pages, group-committed (see `Batch`): a page answers only once its rows are
 * committed, but the rows of concurrent pages share one INSERT and one commit. (A read of one
 * referral writes its row in the statement that reads it.)
 */
export class AccessLogWriter {
  private readonly batch: Batch<Array<AccessEntry & { referralId: string }>>

  constructor (db: Database) {
    this.batch = new Batch(async (items) => {
      const rows = items.flat()
      await prepared(db, 'access_log_append', `INSERT INTO access_log (organisation_id, client_id, referral_id, action, purpose, request_id)
        SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[])`,
      [rows.map((r) => r.organisationId), rows.map((r) => r.clientId), rows.map((r) => r.referralId), rows.map((r) => r.action), rows.map((r) => r.purpose), rows.map((r) => r.requestId)])
    })
  }

  /** Resolves once the rows are committed; rejects when they could not be (then do not answer). */
  async append (referralIds: readonly string[], entry: AccessEntry): Promise<void> {
    if (referralIds.length === 0) return
    await this.batch.submit(referralIds.map((referralId) => ({ ...entry, referralId })))
  }
}
