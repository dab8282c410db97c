import t from 'tap'
import { referralRuleErrors, type ReferralFacts } from '../../src/domain/referral-rules.ts'
import { addDays, addMonths, ageInYears, belgianDate, daysBetween } from '../../src/domain/dates.ts'
import { project, projectReferral, REFERRAL_VIEWS } from '../../src/domain/views.ts'
import { canonicalJson } from '../../src/domain/canonical-json.ts'
import { decodeCursor, encodeCursor } from '../../src/domain/cursor.ts'
import { forbiddenScopes, SCOPES_BY_ORGANISATION_TYPE } from '../../src/domain/scopes.ts'

const ctx = { today: '2026-11-26', now: new Date('2026-11-26T10:00:00Z'), childMaxAgeMonths: 48 }
const base = (): ReferralFacts => ({
  mother: { birthDate: '1985-07-30', insz: '85073003328' },
  pregnancy: { expectedDeliveryDate: '2027-02-01' },
  household: { numberOfChildren: 0 },
  consent: { givenAt: '2026-11-26T09:00:00Z', sharingScope: ['programme'] }
})
const pointers = (f: ReferralFacts) => referralRuleErrors(f, ctx).map((e) => e.pointer)

t.test('a sound referral passes', async (t) => t.same(referralRuleErrors(base(), ctx), []))

t.test('age 12 to 55', async (t) => {
  t.same(pointers({ ...base(), mother: { birthDate: '2015-01-01', inszAbsentReason: 'unknown' } }), ['/mother/birthDate'])
  t.same(pointers({ ...base(), mother: { birthDate: '1960-01-01', inszAbsentReason: 'unknown' } }), ['/mother/birthDate'])
  t.same(pointers({ ...base(), mother: { birthDate: '2014-11-26', inszAbsentReason: 'unknown' } }), [], 'exactly 12 today')
})

t.test('INSZ: check digits, birth date, and the absent reason', async (t) => {
  t.same(pointers({ ...base(), mother: { birthDate: '1985-07-30', insz: '85073003329' } }), ['/mother/insz'])
  t.same(pointers({ ...base(), mother: { birthDate: '1985-07-31', insz: '85073003328' } }), ['/mother/insz'])
  t.same(pointers({ ...base(), mother: { birthDate: '1985-07-30' } }), ['/mother/inszAbsentReason'])
  t.same(pointers({ ...base(), mother: { birthDate: '1985-07-30', insz: '85073003328', inszAbsentReason: 'unknown' } }), ['/mother/inszAbsentReason'])
})

t.test('pregnancy or child, exactly one, in range', async (t) => {
  t.same(pointers({ ...base(), pregnancy: { expectedDeliveryDate: '2028-11-26' } }), ['/pregnancy/expectedDeliveryDate'], 'two years ahead')
  t.same(pointers({ ...base(), pregnancy: { expectedDeliveryDate: '2026-10-25' } }), ['/pregnancy/expectedDeliveryDate'], 'over a month ago')
  t.same(pointers({ ...base(), pregnancy: { expectedDeliveryDate: '2026-10-26' } }), [], 'a month ago exactly')
  t.same(pointers({ ...base(), pregnancy: { expectedDeliveryDate: '2027-09-26' } }), [], 'ten months ahead exactly')
  t.same(pointers({ ...base(), pregnancy: null }), ['/pregnancy'])
  t.same(pointers({ ...base(), youngestChild: { birthDate: '2026-01-01' }, household: { numberOfChildren: 1 } }), ['/youngestChild'])
  const born = { ...base(), pregnancy: null, household: { numberOfChildren: 1 } }
  t.same(pointers({ ...born, youngestChild: { birthDate: '2026-11-27' } }), ['/youngestChild/birthDate'])
  t.same(pointers({ ...born, youngestChild: { birthDate: '2022-11-26' } }), ['/youngestChild/birthDate'], '48 months old')
  t.same(pointers({ ...born, youngestChild: { birthDate: '2022-11-27' } }), [])
  t.same(pointers({ ...born, youngestChild: { birthDate: '2026-01-01' }, household: { numberOfChildren: 0 } }), ['/household/numberOfChildren'])
})

t.test('consent not in the future and not empty', async (t) => {
  t.same(pointers({ ...base(), consent: { givenAt: '2026-11-26T11:00:00Z', sharingScope: ['programme'] } }), ['/consent/givenAt'])
  t.same(pointers({ ...base(), consent: { givenAt: '2026-11-26T10:04:00Z', sharingScope: ['programme'] } }), [], 'small clock skew')
  t.same(pointers({ ...base(), consent: { givenAt: '2026-11-26T09:00:00Z', sharingScope: [] } }), ['/consent/sharingScope'])
})

t.test('dates', async (t) => {
  t.equal(addMonths('2026-01-31', 1), '2026-02-28')
  t.equal(addMonths('2026-11-26', -11), '2025-12-26')
  t.equal(addDays('2026-12-31', 1), '2027-01-01')
  t.equal(daysBetween('2026-01-01', '2026-03-01'), 59)
  t.equal(ageInYears('1985-07-30', '2026-07-29'), 40)
  t.equal(ageInYears('1985-07-30', '2026-07-30'), 41)
  t.equal(belgianDate(new Date('2026-11-26T23:30:00Z')), '2026-11-27', 'the Belgian day, not UTC')
})

t.test('views pick exactly their fields', async (t) => {
  const full = { id: 'x', status: 'requested', mother: { givenName: 'A', familyName: 'B', phone: undefined }, assignedWorker: null }
  t.same(project(full, ['id', 'mother.givenName', 'missing']), { id: 'x', mother: { givenName: 'A' }, missing: null })
  t.same(project({ a: null }, ['a.b']), { a: null })
  t.notOk('assignedWorker' in projectReferral(full, 'referrer'))
  t.same(Object.keys(projectReferral(full, 'operator')).sort(), [...REFERRAL_VIEWS.operator].sort())
  for (const f of ['assignedWorker', 'firstContactOn', 'outcome', 'possibleDuplicateOf', 'acceptedAt']) {
    t.ok((REFERRAL_VIEWS.programme as readonly string[]).includes(f))
    t.notOk((REFERRAL_VIEWS.referrer as readonly string[]).includes(f), `${f} is internal to the programme`)
  }
})

t.test('small helpers', async (t) => {
  t.equal(canonicalJson({ b: 1, a: [{ d: 2, c: undefined }, null] }), '{"a":[{"d":2},null],"b":1}')
  t.same(decodeCursor(encodeCursor(['2026-01-01', 'x']), 2), ['2026-01-01', 'x'])
  t.equal(decodeCursor('!!', 2), null)
  t.equal(decodeCursor(encodeCursor(['a']), 2), null)
  t.same(forbiddenScopes('hospital', ['referrals:write', 'referrals:manage', 'admin']), ['referrals:manage', 'admin'])
  for (const [type, scopes] of Object.entries(SCOPES_BY_ORGANISATION_TYPE)) {
    t.equal(scopes.includes('referrals:manage'), type === 'programme', `${type} referrals:manage`)
    t.equal(scopes.includes('reports:read'), type === 'programme', `${type} reports:read`)
    t.equal(scopes.includes('admin'), type === 'operator', `${type} admin`)
  }
})
