/**
 * Whether an error means PostgreSQL cannot be reached or is going away (the caller should retry),
 * rather than that a statement is wrong: refused or broken connections, a pool that could not
 * connect in time, and the server's own "admin shutdown", "crash shutdown", "cannot connect now",
 * "too many connections" and connection-exception classes.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  let e = err as { code?: unknown; message?: unknown; cause?: unknown } | null | undefined
  for (let depth = 0; e !== null && e !== undefined && depth < 5; depth++) {
    const code = typeof e.code === 'string' ? e.code : ''
    if (NETWORK_CODES.has(code) || SQLSTATES.has(code) || code.startsWith('08')) return true
    const message = typeof e.message === 'string' ? e.message : ''
    if (CLIENT_MESSAGES.some((m) => message.includes(m))) return true
    e = e.cause as typeof e
  }
  return false
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN'
])
const SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300'])
/** What node-postgres says when its connection ends or its pool cannot connect in time. */
const CLIENT_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error'
]
