import type { Queue } from 'bullmq'
import type { Config } from '../config.ts'
import type { WebhookJob } from '../core/queues.ts'
import { loadIdentifierKeys } from '../crypto/keys.ts'
import { IdentifierCipher } from '../crypto/identifier-cipher.ts'
import { createDb, type Database } from '../db/client.ts'
import { ProgrammeDirectory } from '../db/programmes.ts'

/** What the services work with, built once by the app, the CLI, the demo seed or a worker. */
export interface ServiceDeps {
  db: Database
  identifiers: IdentifierCipher
  config: Config
  /** The programmes and their service areas, kept while this process hears their changes. */
  programmes: ProgrammeDirectory
  /** The webhook queue, for redeliveries (absent where no Redis is used: then the reconciler sends them). */
  webhooks: Queue<WebhookJob> | null
  warn: (fields: Record<string, unknown>, message: string) => void
}

/** Services on a pool of their own, for a command-line process (no Fastify, no Redis). */
export function standaloneDeps(
  config: Config,
  warn: (message: string) => void
): { deps: ServiceDeps; close: () => Promise<void> } {
  const { pool, db } = createDb(config.DATABASE_URL, 2, () => {})
  const identifiers = new IdentifierCipher(loadIdentifierKeys(config, warn))
  const deps: ServiceDeps = {
    db,
    identifiers,
    config,
    programmes: new ProgrammeDirectory(db),
    webhooks: null,
    warn: (_fields, message) => warn(message)
  }
  return { deps, close: () => pool.end() }
}
