/**
 * The Belgian national register number (INSZ/NISS) and BIS number, `YYMMDD SSS CC` (DESIGN §3).
 * Pure: no I/O, no clock.
 */

export type InszCheck =
  | { valid: true; normalized: string; century: 1900 | 2000; bis: boolean }
  | { valid: false; reason: 'format' | 'check_digits' | 'date' | 'birth_date_mismatch' }

/** Drops the usual separators (`85.07.30-033.28`, spaces). */
export function normalizeInsz(input: string): string {
  return input.replace(/[\s.\-/]/g, '')
}

export function checkInsz(input: string, birthDate?: string): InszCheck {
  const insz = normalizeInsz(input)
  if (!/^\d{11}$/.test(insz)) return { valid: false, reason: 'format' }
  const body = Number(insz.slice(0, 9))
  const check = Number(insz.slice(9))
  let century: 1900 | 2000
  if (97 - (body % 97) === check) century = 1900
  else if (97 - ((2_000_000_000 + body) % 97) === check) century = 2000
  else return { valid: false, reason: 'check_digits' }

  const yy = Number(insz.slice(0, 2))
  let mm = Number(insz.slice(2, 4))
  const dd = Number(insz.slice(4, 6))
  // BIS numbers carry month + 20 (sex unknown) or + 40 (sex known).
  const bis = mm >= 20
  if (mm >= 40) mm -= 40
  else if (mm >= 20) mm -= 20
  // Month or day 00 are legal: the date was unknown when the number was issued.
  if (mm > 12 || dd > 31) return { valid: false, reason: 'date' }

  if (birthDate !== undefined) {
    const [by, bm, bd] = birthDate.split('-').map(Number)
    if (by !== century + yy) return { valid: false, reason: 'birth_date_mismatch' }
    if (mm !== 0 && bm !== mm) return { valid: false, reason: 'birth_date_mismatch' }
    if (mm !== 0 && dd !== 0 && bd !== dd) return { valid: false, reason: 'birth_date_mismatch' }
  }
  return { valid: true, normalized: insz, century, bis }
}
