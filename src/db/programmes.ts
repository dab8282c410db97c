import type { Programme } from '../domain/routing.ts'
import { prepared, type Database } from './client.ts'
import { KeptWhileListening, type Listener } from './listen.ts'

/**
 * The programmes and the postal codes they serve, for routing intake without a query. Kept only
 * while this process LISTENs for changes to them (then a change is heard at its commit); read from
 * the database on every use otherwise.
 */
export class ProgrammeDirectory {
  private kept: readonly Programme[] | null = null
  private readonly changes = new KeptWhileListening(() => {
    this.kept = null
  })

  constructor(private readonly db: Database) {}

  /** Starts listening; until it does, and whenever the connection is lost, nothing is kept. */
  listen(databaseUrl: string): Listener {
    return this.changes.listen(databaseUrl, 'programmes_changed')
  }

  /** Forgets what is kept (this process changed the programmes; others hear it through NOTIFY). */
  forget(): void {
    this.changes.forget()
  }

  /** `fresh`: read them now, whatever is kept. */
  async programmes(fresh = false): Promise<readonly Programme[]> {
    if (!fresh && this.changes.trusted && this.kept !== null) return this.kept
    return this.changes.read(
      () =>
        prepared<Programme>(
          this.db,
          'programmes',
          `SELECT id, service_area AS "serviceArea" FROM organisations WHERE type = 'programme' AND deactivated_at IS NULL`,
          []
        ),
      (read) => {
        this.kept = read
      }
    )
  }
}
