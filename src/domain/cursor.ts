/** Opaque keyset cursors: the sort key of the last item, base64url JSON. */
export function encodeCursor(key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url')
}

/** What each part of a cursor's key is; a forged part is refused before it reaches a query. */
export type CursorPart = 'instant' | 'date' | 'uuid' | 'integer' | 'transaction'

const PARTS: Record<CursorPart, (v: unknown) => boolean> = {
  // As PostgreSQL writes a timestamptz, which is what lists give out; years the service can hold.
  instant: (v) =>
    typeof v === 'string' &&
    /^(19|2\d)\d{2}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d{1,6})?([+-]\d{2}(:?\d{2})?|Z)$/.test(v) &&
    !Number.isNaN(Date.parse(v.replace(' ', 'T').replace(/([+-]\d{2})$/, '$1:00'))),
  date: (v) => typeof v === 'string' && /^(19|2\d)\d{2}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/.test(v),
  uuid: (v) => typeof v === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v),
  integer: (v) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0,
  transaction: (v) => typeof v === 'string' && /^\d{1,19}$/.test(v)
}

/** The key a cursor carries, each part of the kind `shape` names; null for anything this API never gave out. */
export function decodeCursor(cursor: string, shape: readonly CursorPart[]): (string | number)[] | null {
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
    if (Array.isArray(key) && key.length === shape.length && shape.every((part, i) => PARTS[part](key[i]))) return key
  } catch {}
  return null
}
