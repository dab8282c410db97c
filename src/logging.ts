import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino'
import { createRequire } from 'node:module'

/** Field names that carry personal data (or a credential) anywhere in a logged object. */
const PERSONAL_FIELDS = new Set([
  'mother',
  'givenName',
  'familyName',
  'name',
  'insz',
  'birthDate',
  'phone',
  'email',
  'address',
  'street',
  'reason',
  'referrerContact',
  'recordedBy',
  'assignedWorker',
  'outcome',
  'statusReason',
  'body',
  'payload',
  'authorization'
])
const CENSOR = '[redacted]'
const MAX_DEPTH = 8

/**
 * A copy of a logged value with every personal field censored, at any depth. Values that say how
 * they are written (`toJSON`: dates, buffers) stay as they are; anything else is copied as
 * JSON.stringify would write it (own enumerable fields).
 */
export function redactPersonal(value: unknown, seen: WeakSet<object> = new WeakSet(), depth = 0): unknown {
  if (typeof value !== 'object' || value === null || typeof (value as { toJSON?: unknown }).toJSON === 'function')
    return value
  if (seen.has(value)) return '[circular]'
  if (depth >= MAX_DEPTH) return '[too deep]'
  seen.add(value)
  const copy: unknown = Array.isArray(value)
    ? value.map((item) => redactPersonal(item, seen, depth + 1))
    : Object.fromEntries(
        Object.entries(value).map(([key, field]) => [
          key,
          PERSONAL_FIELDS.has(key) ? CENSOR : redactPersonal(field, seen, depth + 1)
        ])
      )
  seen.delete(value)
  return copy
}

/**
 * Redaction by field name, done here rather than by pino's `redact` paths: those made every child
 * logger (one per request, for its id) run each wildcard path over its bindings, whether or not
 * anything was logged; the cost is in test/bench/results/HISTORY.md.
 */
export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    base: { service: 'opkomst' },
    formatters: {
      bindings: (bindings) => redactPersonal(bindings) as Record<string, unknown>,
      // An error under `err` is left for its serializer, whose output is redacted in turn.
      log: ({ err, ...fields }) => ({
        ...(redactPersonal(fields) as Record<string, unknown>),
        ...(err === undefined ? {} : { err })
      })
    },
    serializers: { err: (err: Error) => redactPersonal(pino.stdSerializers.err(err)) }
  }
}

/** JSON lines; pretty only when a person watches a terminal and pino-pretty is installed. */
export function createLogger(level: string, stream?: DestinationStream): Logger {
  if (stream !== undefined) return pino(loggerOptions(level), stream)
  if (process.stdout.isTTY) {
    try {
      createRequire(import.meta.url).resolve('pino-pretty')
      return pino({ ...loggerOptions(level), transport: { target: 'pino-pretty' } })
    } catch {}
  }
  // Written off the event loop, lines gathered into writes of 4 kB or what a second brought: a write
  // per line showed in every request's CPU (HISTORY.md). Pino flushes what is left at exit.
  return pino(loggerOptions(level), pino.destination({ dest: 1, sync: false, minLength: 4096, periodicFlush: 1000 }))
}

/**
 * The logger of the one line per answered request: the same destination and level, without the
 * redaction pass. That line holds only the method, the route's pattern (never the URL as sent), the
 * status and the time: nothing to redact, and the pass showed in a read's CPU (HISTORY.md).
 */
export function requestLineLogger(logger: Logger): Logger {
  const destination = (logger as unknown as Record<symbol, DestinationStream>)[pino.symbols.streamSym]
  return pino({ level: logger.level, base: { service: 'opkomst' } }, destination)
}

/**
 * An error as it may be logged. A failed query's message lists its parameters, and PostgreSQL's
 * own messages may quote a value: both may be personal data. For database errors only the kind,
 * the SQLSTATE code and the stack frames are kept.
 */
export function safeError(err: unknown): Record<string, unknown> {
  const e = err as Error & {
    severity?: string
    code?: string
    constraint?: string
    cause?: { code?: string; constraint?: string; severity?: string }
  }
  // Drizzle's query errors carry the statement and its parameters (and keep the name `Error`).
  const database =
    (e !== null && typeof e === 'object' && 'params' in e && 'query' in e) ||
    e?.severity !== undefined ||
    e?.cause?.severity !== undefined
  if (!database) return { type: e?.name, message: e?.message, stack: e?.stack }
  return {
    type: e.name,
    message: 'database error (parameters and values withheld)',
    code: e.cause?.code ?? e.code,
    constraint: e.cause?.constraint ?? e.constraint,
    stack: e.stack
      ?.split('\n')
      .filter((line) => line.trimStart().startsWith('at '))
      .join('\n')
  }
}
