import t from 'tap'
import {
  addSpan,
  belgianHolidays,
  easter,
  guidanceEnd,
  isWorkingDay,
  parseSchedule,
  parseSpan
} from '../../src/domain/deadlines.ts'
import { nextRetryDelay, parseRetryAfter, webhookPayload } from '../../src/domain/events.ts'
import { timerDue, timerSpans, type TimerFacts } from '../../src/domain/timers.ts'
import { belgianDate } from '../../src/domain/dates.ts'

t.test('spans and schedules', async (t) => {
  t.same(parseSpan('2wd'), { workingDays: 2 })
  t.same(parseSpan('5m'), { ms: 300_000 })
  t.same(parseSpan('250ms'), { ms: 250 })
  t.equal(parseSpan('soon'), null)
  t.same(
    parseSchedule('0s,5s,5m,30m,2h,5h,10h,10h'),
    [0, 5000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000]
  )
  t.equal(parseSchedule('1s,2wd'), null, 'working days make no retry delay')
})

t.test('Belgian working days skip weekends and public holidays', async (t) => {
  t.equal(easter(2026), '2026-04-05')
  t.equal(easter(2025), '2025-04-20')
  t.ok(belgianHolidays(2026).has('2026-04-06'), 'Easter Monday')
  t.ok(belgianHolidays(2026).has('2026-05-14'), 'Ascension')
  t.ok(belgianHolidays(2026).has('2026-05-25'), 'Whit Monday')
  t.notOk(isWorkingDay('2026-11-11'), 'Armistice')
  t.notOk(isWorkingDay('2026-11-28'), 'Saturday')
  t.ok(isWorkingDay('2026-11-26'))
  const thursday = new Date('2026-11-26T09:00:00Z')
  t.equal(
    addSpan(thursday, { workingDays: 2 }, belgianDate).toISOString(),
    '2026-11-30T09:00:00.000Z',
    'Thursday + 2 working days = Monday'
  )
  const beforeArmistice = new Date('2026-11-10T09:00:00Z')
  t.equal(
    addSpan(beforeArmistice, { workingDays: 2 }, belgianDate).toISOString(),
    '2026-11-13T09:00:00.000Z',
    'Tuesday + 2 skips Wednesday 11 November'
  )
  t.equal(addSpan(thursday, { ms: 1000 }, belgianDate).getTime(), thursday.getTime() + 1000)
})

t.test('timers: due while waiting, null once the referral moved on', async (t) => {
  const spans = timerSpans({ ACK_DEADLINE: '2wd', FIRST_CONTACT_DEADLINE: '14d', GUIDANCE_ENDING_NOTICE: '30d' })
  const base: TimerFacts = {
    status: 'requested',
    track: null,
    createdAt: '2026-11-26T09:00:00Z',
    acceptedAt: null,
    firstContactOn: null,
    expectedDeliveryDate: '2027-03-01',
    childBirthDate: null
  }
  t.equal(timerDue('ack', base, spans)?.toISOString(), '2026-11-30T09:00:00.000Z')
  t.equal(timerDue('ack', { ...base, status: 'received' }, spans), null)
  const accepted = {
    ...base,
    status: 'accepted' as const,
    track: 'opkomst' as const,
    acceptedAt: '2026-12-01T10:00:00Z'
  }
  t.equal(timerDue('first-contact', accepted, spans)?.toISOString(), '2026-12-15T10:00:00.000Z')
  t.equal(timerDue('first-contact', { ...accepted, firstContactOn: '2026-12-02' }, spans), null)
  t.equal(guidanceEnd('opkomst', '2027-03-01'), '2027-09-01', 'six months after birth')
  t.equal(guidanceEnd('opkomst_plus', '2027-03-01'), '2029-09-01', 'the child at 2 years 6 months')
  t.equal(
    timerDue('guidance-ending', accepted, spans)?.toISOString(),
    '2027-08-02T08:00:00.000Z',
    '30 days before, from the due date'
  )
  t.equal(
    timerDue('guidance-ending', { ...accepted, childBirthDate: '2027-02-20' }, spans)?.toISOString(),
    '2027-07-21T08:00:00.000Z',
    'the birth date once known'
  )
  t.equal(timerDue('guidance-ending', { ...accepted, status: 'completed' }, spans), null)
})

t.test('retries and Retry-After', async (t) => {
  t.equal(nextRetryDelay([0, 5000, 300_000], 1, null), 5000)
  t.equal(nextRetryDelay([0, 5000, 300_000], 1, 60_000), 60_000, 'Retry-After longer than planned wins')
  t.equal(nextRetryDelay([0, 5000, 300_000], 1, 10), 5000)
  t.equal(nextRetryDelay([0, 5000, 300_000], 3, null), null, 'exhausted')
  t.equal(parseRetryAfter('120', 0), 120_000)
  t.equal(parseRetryAfter('Thu, 26 Nov 2026 10:00:10 GMT', Date.parse('2026-11-26T10:00:00Z')), 10_000)
  t.equal(parseRetryAfter('whenever', 0), null)
  t.equal(parseRetryAfter(null, 0), null)
})

t.test('payloads are thin', async (t) => {
  t.same(
    JSON.parse(
      webhookPayload({
        eventId: 'e',
        type: 'referral.created',
        occurredAt: '2026-01-01T00:00:00.000Z',
        referralId: 'r',
        handoffId: null,
        status: 'requested'
      })
    ),
    {
      type: 'referral.created',
      timestamp: '2026-01-01T00:00:00.000Z',
      data: { eventId: 'e', referralId: 'r', status: 'requested' }
    }
  )
})
