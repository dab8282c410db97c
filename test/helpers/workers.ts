import pino from 'pino'
import type { Config } from '../../src/config.ts'
import { startWorkers } from '../../workers/index.ts'
import type { Teardown } from './context.ts'

/** The workers in this test process, on the test's own database and Redis prefix. */
export async function inProcessWorkers(t: Teardown, config: Config) {
  const workers = await startWorkers(config, pino({ level: 'silent' }))
  let closed = false
  const close = async () => {
    if (!closed) {
      closed = true
      await workers.close()
    }
  }
  t.teardown(close)
  return { close }
}

/** Settings that make retries and timers run in test time. */
export const FAST_EVENTS: Partial<Config> = {
  WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
  WEBHOOK_RETRY_SCHEDULE: '0s,100ms,100ms',
  WEBHOOK_TIMEOUT_MS: 1000,
  WEBHOOK_LEASE_MS: 1500,
  WORKER_LOCK_MS: 1000,
  RELAY_INTERVAL_MS: 100,
  RECONCILE_INTERVAL_MS: 1000
}
