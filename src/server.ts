import closeWithGrace from 'close-with-grace'
import type { FastifyInstance } from 'fastify'
import { ConfigError, loadConfig, type Config } from './config.ts'
import { createLogger } from './logging.ts'
import { migrateDatabase } from './db/migrate.ts'
import { buildApp } from './app.ts'
import { RedisPolicyError, startWorkers, type Workers } from '../workers/index.ts'

/** The only file that listens. `ROLE` picks the HTTP API, the workers, or both (the default). */
async function main(): Promise<void> {
  let config: Config
  try {
    config = loadConfig()
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message)
      process.exit(1)
    }
    throw err
  }
  const logger = createLogger(config.LOG_LEVEL)
  let app: FastifyInstance | undefined
  let workers: Workers | undefined

  closeWithGrace({ delay: 15_000, logger }, async ({ err }) => {
    if (err !== undefined) logger.error({ err }, 'shutting down after an error')
    // The HTTP server first (stop accepting, finish in-flight), then the workers.
    await app?.close()
    await workers?.close()
  })

  try {
    await migrateDatabase(config.DATABASE_URL, config.MIGRATION_LOCK_TIMEOUT_MS)
    if (config.ROLE !== 'worker') {
      app = await buildApp(config, { logger })
      await app.listen({ port: config.PORT, host: config.HOST })
    }
    if (config.ROLE !== 'api') workers = await startWorkers(config, logger)
    logger.info({ role: config.ROLE }, 'started')
  } catch (err) {
    if (err instanceof ConfigError || err instanceof RedisPolicyError) {
      logger.fatal(err.message)
      console.error(err.message)
    } else {
      logger.fatal({ err }, 'failed to start')
    }
    await app?.close()
    await workers?.close()
    process.exit(1)
  }
}

await main()
