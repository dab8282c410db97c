import { addDays, addMonths } from './dates.ts'
import type { Track } from './vocabulary.ts'

/** A configured span: milliseconds, or Belgian working days (`2wd`). */
export type Span = { ms: number } | { workingDays: number }

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }

/** `250ms`, `5s`, `5m`, `2h`, `14d` or `2wd` (working days); null when it is none of those. */
export function parseSpan(text: string): Span | null {
  const match = /^(\d+)(ms|s|m|h|d|wd)$/.exec(text.trim())
  if (match === null) return null
  const n = Number(match[1])
  return match[2] === 'wd' ? { workingDays: n } : { ms: n * (UNITS[match[2] as string] as number) }
}

export function parseSchedule(text: string): number[] | null {
  const spans = text.split(',').map(parseSpan)
  if (spans.length === 0 || spans.some((s) => s === null || !('ms' in s))) return null
  return spans.map((s) => (s as { ms: number }).ms)
}

/** Easter Sunday (Gregorian, anonymous algorithm). */
export function easter(year: number): string {
  const a = year % 19
  const b = Math.floor(year / 100)
  const c = year % 100
  const d = Math.floor(b / 4)
  const e = b % 4
  const f = Math.floor((b + 8) / 25)
  const g = Math.floor((b - f + 1) / 3)
  const h = (19 * a + b - d - g + 15) % 30
  const i = Math.floor(c / 4)
  const k = c % 4
  const l = (32 + 2 * e + 2 * i - h - k) % 7
  const m = Math.floor((a + 11 * h + 22 * l) / 451)
  const month = Math.floor((h + l - 7 * m + 114) / 31)
  const day = ((h + l - 7 * m + 114) % 31) + 1
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`
}

/** The ten Belgian public holidays of a year. */
export function belgianHolidays(year: number): Set<string> {
  const e = easter(year)
  return new Set([
    `${year}-01-01`,
    addDays(e, 1),
    `${year}-05-01`,
    addDays(e, 39),
    addDays(e, 50),
    `${year}-07-21`,
    `${year}-08-15`,
    `${year}-11-01`,
    `${year}-11-11`,
    `${year}-12-25`
  ])
}

export function isWorkingDay(date: string): boolean {
  const weekday = new Date(`${date}T12:00:00Z`).getUTCDay()
  return weekday !== 0 && weekday !== 6 && !belgianHolidays(Number(date.slice(0, 4))).has(date)
}

/** `at` plus a span; working days keep the time of day and skip weekends and holidays. */
export function addSpan(at: Date, span: Span, belgianDay: (d: Date) => string): Date {
  if ('ms' in span) return new Date(at.getTime() + span.ms)
  let day = belgianDay(at)
  let result = at.getTime()
  for (let left = span.workingDays; left > 0; ) {
    day = addDays(day, 1)
    result += 86_400_000
    if (isWorkingDay(day)) left--
  }
  return new Date(result)
}

/**
 * When guidance ends: 6 months after birth for Opkomst, the child's age of 2 years 6 months for
 * Opkomst+ (DESIGN §4, issue 5). Birth is the due date until a birth date is known.
 */
export function guidanceEnd(track: Track, birthOrDue: string): string {
  return addMonths(birthOrDue, track === 'opkomst' ? 6 : 30)
}
