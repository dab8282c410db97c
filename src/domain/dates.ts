/** Calendar-date arithmetic on `YYYY-MM-DD` strings, without time zones or I/O. */

export function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number]
  const total = y * 12 + (m - 1) + months
  const year = Math.floor(total / 12)
  const month = total - year * 12 + 1
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate()
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(Math.min(d, lastDay)).padStart(2, '0')}`
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10)
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000)
}

/** Age in completed years on `on`. */
export function ageInYears(birthDate: string, on: string): number {
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number]
  const [y, m, d] = on.split('-').map(Number) as [number, number, number]
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0)
}

// Made once: building a formatter costs more than formatting (it showed in the bench's profile).
const BELGIAN_DAY = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Brussels',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit'
})

/** The calendar date in Belgium at `instant` (the programme's day, not UTC's). */
export function belgianDate(instant: Date): string {
  return BELGIAN_DAY.format(instant)
}

/** The instant a Belgian calendar day begins (00:00 in Brussels, CET or CEST). */
export function belgianMidnight(date: string): Date {
  // Brussels is one or two hours ahead of UTC, and its clocks change at 02:00 or 03:00, never at midnight.
  for (const hours of [1, 2]) {
    const at = new Date(Date.parse(`${date}T00:00:00Z`) - hours * 3600_000)
    if (belgianDate(at) === date && belgianDate(new Date(at.getTime() - 1)) !== date) return at
  }
  throw new Error(`no Belgian midnight on ${date}`)
}

/** A PostgreSQL timestamp as ISO 8601 (null stays null). */
export const isoInstant = (t: string) => new Date(t).toISOString()
export const isoOrNull = (t: string | null) => (t === null ? null : isoInstant(t))
