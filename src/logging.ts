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
  // Written off the event loop, and lines that come together in one write: a write per line on the
  // loop cost 5% of a request's CPU. Pino flushes what is left when the process exits.
  return pino(loggerOptions(level), pino.destination({ dest: 1, sync: false }))
}

/**
 * The logger of the one line per answered request: the same destination and level, without the
 * redaction pass. That line holds only the method, the route's pattern (never the URL as sent), the
 * status and the time, and the pass over it cost a tenth of a read's CPU.
 */
export function requestLineLogger (logger: Logger): Logger {
  const destination = (logger as unknown as Record<symbol, DestinationStream>)[pino.symbols.streamSym]
  return pino({ level: logger.level, base: { service: 'opkomst' } }, destination)
}

/**
 * An error as it may be logged. A failed query's message lists its parameters, and PostgreSQL's
 * own messages may quote a value: both may be personal data. For database errors only the kind,
 * the SQLSTATE code and the stack frames are kept.
 */
export function safeError (err: unknown): Record<string, unknown> {
  const e = err as Error & { severity?: string, code?: string, constraint?: string, cause?: { code?: string, constraint?: string, severity?: string } }
  const database = e?.name === 'DrizzleQueryError' || e?.severity !== undefined || e?.cause?.severity !== undefined
  if (!database) return { type: e?.name, message: e?.message, stack: e?.stack }
  return {
    type: e.name,
    message: 'database error (parameters and values withheld)',
    code: e.cause?.code ?? e.code,
    constraint: e.cause?.constraint ?? e.constraint,
    stack: e.stack?.split('\n').filter((line) => line.trimStart().startsWith('at ')).join('\n')
  }
}
