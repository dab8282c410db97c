import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino'
import { createRequire } from 'node:module'

/** Field names that carry personal data anywhere in a logged object. */
const PERSONAL_FIELDS = [
  'mother', 'givenName', 'familyName', 'name', 'insz', 'birthDate', 'phone', 'email', 'address', 'street',
  'reason', 'referrerContact', 'recordedBy', 'assignedWorker', 'outcome', 'statusReason', 'body', 'payload'
]

export const REDACT_PATHS = [
  'req.headers.authorization',
  ...PERSONAL_FIELDS.flatMap((f) => [f, `*.${f}`, `*.*.${f}`, `*.*.*.${f}`])
]

export function loggerOptions (level: string): LoggerOptions {
  return {
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    base: { service: 'opkomst' }
  }
}

/** JSON lines; pretty only when a person watches a terminal and pino-pretty is installed. */
export function createLogger (level: string, stream?: DestinationStream): Logger {
  if (stream !== undefined) return pino(loggerOptions(level), stream)
  if (process.stdout.isTTY) {
    try {
      createRequire(import.meta.url).resolve('pino-pretty')
      return pino({ ...loggerOptions(level), transport: { target: 'pino-pretty' } })
    } catch {}
  }
  return pino(loggerOptions(level))
}
