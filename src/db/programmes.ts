import type { Programme } from '../domain/routing.ts'
import { prepared, type Database } from './client.ts'
import { listen, type Listener } from './listen.ts'

/**
 * The programmes and the postal codes they serve, for routing intake without a query. Kept only
 * while this process LISTENs for changes to them (then a change is heard at its commit); read from
 * the database on every use otherwise.
 */
export class ProgrammeDirectory {
  private kept: readonly Programme[] | null = null
  private trusted = false
  private generation = 0

  constructor (private readonly db: Database) {}

  /** Starts listening; until it does, and whenever the connection is lost, nothing is kept. */
  listen (databaseUrl: string): Listener {
    return listen(databaseUrl, 'programmes_changed', 1000, {
      notify: () => this.forget(),
      up: () => { this.forget(); this.trusted = true },
      down: () => { this.trusted = false; this.forget() }
    })
  }

  /** Forgets what is kept (this process changed the programmes; others hear it through NOTIFY). */
  forget (): void {
    this.generation++
    this.kept = null
  }

  /** `fresh`: read them now, whatever is kept. */
  async programmes (fresh = false): Promise<readonly Programme[]> {
    if (!fresh && this.trusted && this.kept !== null) return this.kept
    const before = this.generation
    const read = await prepared<Programme>(this.db, 'programmes', `SELECT id, service_area AS "serviceArea" FROM organisations WHERE type = 'programme'`, [])
    // A change heard while this read ran may postdate it: then it is not kept.
    if (this.trusted && before === this.generation) this.kept = read
    return read
  }
}
