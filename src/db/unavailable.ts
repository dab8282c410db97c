/**
 * Whether an error means the caller should retry rather than that a statement is wrong, and why:
 * - `unreachable`: refused or broken connections, a pool that could not connect in time, a server
 *   that stopped answering (`query_timeout`), the server's own "admin shutdown", "crash shutdown",
 *   "cannot connect now", "too many connections" and connection-exception classes;
 * - `timed-out`: a live server ended the statement for its time (`statement_timeout`,
 *   `lock_timeout`, an idle transaction, the `opkomst_answer_by` deadline).
 * In both cases nothing of the request was committed.
 */
export function databaseFault(err: unknown): 'unreachable' | 'timed-out' | null {
  let e = err as { code?: unknown; message?: unknown; cause?: unknown } | null | undefined
  for (let depth = 0; e !== null && e !== undefined && depth < 5; depth++) {
    const code = typeof e.code === 'string' ? e.code : ''
    if (NETWORK_CODES.has(code) || SQLSTATES.has(code) || code.startsWith('08')) return 'unreachable'
    if (TIMEOUT_SQLSTATES.has(code)) return 'timed-out'
    const message = typeof e.message === 'string' ? e.message : ''
    if (CLIENT_MESSAGES.some((m) => message.includes(m))) return 'unreachable'
    e = e.cause as typeof e
  }
  return null
}

export const isDatabaseUnavailable = (err: unknown): boolean => databaseFault(err) !== null

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
const TIMEOUT_SQLSTATES = new Set(['57014', '55P03', '25P03'])
/** What node-postgres says when its connection ends or its pool cannot connect in time. */
const CLIENT_MESSAGES = [
  'Query read timeout',
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error'
]
