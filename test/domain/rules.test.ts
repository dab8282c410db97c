import t from 'tap'
import { referralRuleErrors, type ReferralFacts } from '../../src/domain/referral-rules.ts'
import { addDays, addMonths, ageInYears, belgianDate, daysBetween } from '../../src/domain/dates.ts'
import { HANDOFF_RECIPIENT_VIEWS, project, projectReferral, REFERRAL_VIEWS } from '../../src/domain/views.ts'
import { canonicalJson } from '../../src/domain/canonical-json.ts'
import fc from 'fast-check'
import { isDeepStrictEqual } from 'node:util'
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
  t.same(pointers({ ...base(), mother: { birthDate: '2015-01-01', inszAbsentReason: 'unknown' } }), [
    '/mother/birthDate'
  ])
  t.same(pointers({ ...base(), mother: { birthDate: '1960-01-01', inszAbsentReason: 'unknown' } }), [
    '/mother/birthDate'
  ])
  t.same(
    pointers({ ...base(), mother: { birthDate: '2014-11-26', inszAbsentReason: 'unknown' } }),
    [],
    'exactly 12 today'
  )
})

t.test('INSZ: check digits, birth date, and the absent reason', async (t) => {
  t.same(pointers({ ...base(), mother: { birthDate: '1985-07-30', insz: '85073003329' } }), ['/mother/insz'])
  t.same(pointers({ ...base(), mother: { birthDate: '1985-07-31', insz: '85073003328' } }), ['/mother/insz'])
  t.same(pointers({ ...base(), mother: { birthDate: '1985-07-30' } }), ['/mother/inszAbsentReason'])
  t.same(
    pointers({ ...base(), mother: { birthDate: '1985-07-30', insz: '85073003328', inszAbsentReason: 'unknown' } }),
    ['/mother/inszAbsentReason']
  )
})

t.test('pregnancy or child, exactly one, in range', async (t) => {
  t.same(
    pointers({ ...base(), pregnancy: { expectedDeliveryDate: '2028-11-26' } }),
    ['/pregnancy/expectedDeliveryDate'],
    'two years ahead'
  )
  t.same(
    pointers({ ...base(), pregnancy: { expectedDeliveryDate: '2026-10-25' } }),
    ['/pregnancy/expectedDeliveryDate'],
    'over a month ago'
  )
  t.same(pointers({ ...base(), pregnancy: { expectedDeliveryDate: '2026-10-26' } }), [], 'a month ago exactly')
  t.same(pointers({ ...base(), pregnancy: { expectedDeliveryDate: '2027-09-26' } }), [], 'ten months ahead exactly')
  t.same(pointers({ ...base(), pregnancy: null }), ['/pregnancy'])
  t.same(pointers({ ...base(), youngestChild: { birthDate: '2026-01-01' }, household: { numberOfChildren: 1 } }), [
    '/youngestChild'
  ])
  const born = { ...base(), pregnancy: null, household: { numberOfChildren: 1 } }
  t.same(pointers({ ...born, youngestChild: { birthDate: '2026-11-27' } }), ['/youngestChild/birthDate'])
  t.same(
    pointers({ ...born, youngestChild: { birthDate: '2022-11-26' } }),
    ['/youngestChild/birthDate'],
    '48 months old'
  )
  t.same(pointers({ ...born, youngestChild: { birthDate: '2022-11-27' } }), [])
  t.same(pointers({ ...born, youngestChild: { birthDate: '2026-01-01' }, household: { numberOfChildren: 0 } }), [
    '/household/numberOfChildren'
  ])
})

t.test('consent not in the future and not empty', async (t) => {
  t.same(pointers({ ...base(), consent: { givenAt: '2026-11-26T11:00:00Z', sharingScope: ['programme'] } }), [
    '/consent/givenAt'
  ])
  t.same(
    pointers({ ...base(), consent: { givenAt: '2026-11-26T10:04:00Z', sharingScope: ['programme'] } }),
    [],
    'small clock skew'
  )
  t.same(pointers({ ...base(), consent: { givenAt: '2026-11-26T09:00:00Z', sharingScope: [] } }), [
    '/consent/sharingScope'
  ])
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
  const full = {
    id: 'x',
    status: 'requested',
    mother: { givenName: 'A', familyName: 'B', phone: undefined },
    assignedWorkerId: null
  }
  t.same(project(full, ['id', 'mother.givenName', 'missing']), { id: 'x', mother: { givenName: 'A' }, missing: null })
  t.same(project({ a: null }, ['a.b']), { a: null })
  t.notOk('assignedWorkerId' in projectReferral(full, 'referrer'))
  t.same(Object.keys(projectReferral(full, 'operator')).sort(), [...REFERRAL_VIEWS.operator].sort())
  t.same(
    project({ mother: { insz: '1', phone: '2' } }, ['mother', 'mother.insz']),
    { mother: { insz: '1', phone: '2' } },
    'a field taken whole stays whole'
  )
  t.same(project({ mother: { insz: '1', phone: '2' } }, ['mother.insz', 'mother']), {
    mother: { insz: '1', phone: '2' }
  })
  t.same(
    project({ a: { b: { c: null, d: 1 }, e: 'x' } }, ['a.b.c', 'a.b.d', 'a.f']),
    { a: { b: { d: 1 } } },
    'nested nulls and absent fields left out'
  )
  t.same(project({ h: [{ type: 't', status: null, x: 1 }, { type: 'u' }] }, ['h.type', 'h.status']), {
    h: [
      { type: 't', status: null },
      { type: 'u', status: null }
    ]
  })
  t.same(project({ h: [] }, ['h.type']), { h: [] })
  // Every view, on records of any shape: what the first, path-by-path projection gave.
  const byPath = (record: Record<string, unknown>, paths: readonly string[]): Record<string, unknown> => {
    const out: Record<string, unknown> = {}
    for (const path of paths) {
      const [head, ...rest] = path.split('.') as [string, ...string[]]
      const value = record[head]
      if (rest.length === 0) out[head] = value === undefined ? null : value
      else if (Array.isArray(value)) {
        const existing = (out[head] ?? []) as Array<Record<string, unknown>>
        out[head] = value.map((item: Record<string, unknown>, i) => ({
          ...existing[i],
          ...byPath(item, [rest.join('.')])
        }))
      } else if (value !== null && typeof value === 'object') {
        const picked = byPath(value as Record<string, unknown>, [rest.join('.')])
        out[head] = {
          ...((out[head] ?? {}) as object),
          ...Object.fromEntries(Object.entries(picked).filter(([, v]) => v !== null))
        }
      } else out[head] = out[head] ?? null
    }
    return out
  }
  const views = [...Object.values(REFERRAL_VIEWS), ...Object.values(HANDOFF_RECIPIENT_VIEWS)]
  const leaf = fc.oneof(fc.constant(null), fc.constant(undefined), fc.string(), fc.integer())
  const keys = [
    'id',
    'mother',
    'givenName',
    'insz',
    'address',
    'household',
    'numberOfChildren',
    'screening',
    'incomeSource',
    'handoffs',
    'type',
    'status',
    'pregnancy'
  ]
  const record = fc.letrec((tie) => ({
    node: fc.oneof(
      { depthSize: 'small' },
      leaf,
      fc.dictionary(fc.constantFrom(...keys), tie('node')),
      fc.array(fc.dictionary(fc.constantFrom(...keys), tie('node')), { maxLength: 3 })
    )
  })).node
  fc.assert(
    fc.property(fc.dictionary(fc.constantFrom(...keys), record), fc.constantFrom(...views), (r, paths) =>
      isDeepStrictEqual(project(r, paths), byPath(r, paths))
    )
  )
  for (const f of ['assignedWorkerId', 'outcomeNote', 'statusReason', 'redirectSuggestion', 'possibleDuplicateOf']) {
    t.ok((REFERRAL_VIEWS.programme as readonly string[]).includes(f))
    t.notOk((REFERRAL_VIEWS.referrer as readonly string[]).includes(f), `${f} is internal to the programme`)
  }
  // The closed loop: what the referrer hears back.
  for (const f of [
    'programmeContact',
    'firstContactOn',
    'outcome',
    'statusHistory',
    'statusReasonCode',
    'acceptedAt'
  ]) {
    t.ok((REFERRAL_VIEWS.referrer as readonly string[]).includes(f), `${f} goes back to the referrer`)
  }
})

t.test('small helpers', async (t) => {
  t.equal(canonicalJson({ b: 1, a: [{ d: 2, c: undefined }, null] }), '{"a":[{"d":2},null],"b":1}')
  t.equal(canonicalJson([]), '[]')
  t.equal(canonicalJson({}), '{}')
  // Any JSON body: the same value back, whatever the order of its keys.
  const reversed = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(reversed)
      : v !== null && typeof v === 'object'
        ? Object.fromEntries(
            Object.entries(v)
              .reverse()
              .map(([k, x]) => [k, reversed(x)])
          )
        : v
  fc.assert(
    fc.property(fc.jsonValue(), (v) => isDeepStrictEqual(JSON.parse(canonicalJson(v)), JSON.parse(JSON.stringify(v))))
  )
  fc.assert(fc.property(fc.jsonValue(), (v) => canonicalJson(v) === canonicalJson(reversed(v))))
  const id = '3f2b8c1e-6a9d-4e57-9c1b-0f3a2d4e5b6c'
  t.same(decodeCursor(encodeCursor(['2026-01-01 10:00:00.123456+00', id]), ['instant', 'uuid']), [
    '2026-01-01 10:00:00.123456+00',
    id
  ])
  t.equal(decodeCursor('!!', ['instant', 'uuid']), null)
  t.equal(decodeCursor(encodeCursor(['a']), ['instant', 'uuid']), null)
  // Forged cursors: each part must be what this API gives out, or the query would fail on it.
  for (const forged of [
    ['0000-01-01 00:00:00+00', id],
    ['2026-01-01 10:00:00+00', 'not-a-uuid'],
    ['x', id],
    [1, id],
    ['2026-13-45', id]
  ])
    t.equal(decodeCursor(encodeCursor(forged), ['instant', 'uuid']), null, JSON.stringify(forged))
  for (const forged of [[-1], [1.5], [1e300], ['1']])
    t.equal(decodeCursor(encodeCursor(forged), ['integer']), null, String(forged))
  t.same(decodeCursor(encodeCursor(['742', 3]), ['transaction', 'integer']), ['742', 3])
  t.equal(decodeCursor(encodeCursor(['99999999999999999999', 3]), ['transaction', 'integer']), null)
  t.same(forbiddenScopes('hospital', ['referrals:write', 'referrals:manage', 'admin']), ['referrals:manage', 'admin'])
  for (const [type, scopes] of Object.entries(SCOPES_BY_ORGANISATION_TYPE)) {
    t.equal(scopes.includes('referrals:manage'), type === 'programme', `${type} referrals:manage`)
    t.equal(scopes.includes('reports:read'), type === 'programme' || type === 'city', `${type} reports:read`)
    if (type === 'city') t.same(scopes, ['reports:read'], 'the city reads figures, nothing else')
    t.equal(scopes.includes('admin'), type === 'operator', `${type} admin`)
  }
})
