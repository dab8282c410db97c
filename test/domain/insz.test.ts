import t from 'tap'
import { checkInsz, normalizeInsz } from '../../src/domain/insz.ts'

/** Builds a valid number for a date, serial and century, to test more than the three known values. */
function make(yymmdd: string, serial: string, century: 1900 | 2000): string {
  const body = Number(yymmdd + serial)
  const check = 97 - ((century === 2000 ? 2_000_000_000 + body : body) % 97)
  return `${yymmdd}${serial}${String(check).padStart(2, '0')}`
}

t.test('known values from DESIGN §3', async (t) => {
  t.match(checkInsz('85073003328'), { valid: true, century: 1900, bis: false })
  t.match(checkInsz('17073003384'), { valid: true, century: 2000 })
  t.same(checkInsz('12345678901'), { valid: false, reason: 'check_digits' })
})

t.test('separators are allowed, other shapes are not', async (t) => {
  t.equal(normalizeInsz('85.07.30-033.28'), '85073003328')
  t.match(checkInsz('85.07.30-033.28'), { valid: true })
  t.same(checkInsz('8507300332'), { valid: false, reason: 'format' })
  t.same(checkInsz('8507300332a'), { valid: false, reason: 'format' })
})

t.test('births from 2000 on use the 2 000 000 000 offset', async (t) => {
  const n = make('050214', '123', 2000)
  t.match(checkInsz(n, '2005-02-14'), { valid: true, century: 2000 })
  t.same(checkInsz(n, '1905-02-14'), { valid: false, reason: 'birth_date_mismatch' })
})

t.test('BIS numbers: month + 20 or + 40', async (t) => {
  t.match(checkInsz(make('902315', '456', 1900), '1990-03-15'), { valid: true, bis: true })
  t.match(checkInsz(make('904315', '456', 1900), '1990-03-15'), { valid: true, bis: true })
  t.match(checkInsz(make('024315', '456', 2000), '2002-03-15'), { valid: true, century: 2000, bis: true })
})

t.test('month or day 00 are legal and compared only where known', async (t) => {
  t.match(checkInsz(make('850000', '001', 1900), '1985-07-30'), { valid: true })
  t.match(checkInsz(make('850700', '001', 1900), '1985-07-30'), { valid: true })
  t.same(checkInsz(make('850700', '001', 1900), '1985-08-30'), { valid: false, reason: 'birth_date_mismatch' })
  t.same(checkInsz(make('850000', '001', 1900), '1986-07-30'), { valid: false, reason: 'birth_date_mismatch' })
})

t.test('impossible dates and mismatches', async (t) => {
  t.same(checkInsz(make('851330', '001', 1900)), { valid: false, reason: 'date' })
  t.same(checkInsz(make('850732', '001', 1900)), { valid: false, reason: 'date' })
  t.same(checkInsz('85073003328', '1985-07-31'), { valid: false, reason: 'birth_date_mismatch' })
  t.match(checkInsz('85073003328'), { valid: true }, 'without a birth date only the number is checked')
})
