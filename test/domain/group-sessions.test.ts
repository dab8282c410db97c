import t from 'tap'
import { attendeeProblem, groupWork, repeatedAttendees } from '../../src/domain/group-sessions.ts'

const inGuidance = { own: true, guidanceStartedOn: '2026-03-01', guidanceEndedOn: null }

t.test('a mother may attend a session of her own programme held in her guidance', async (t) => {
  t.equal(attendeeProblem('2026-03-01', inGuidance), null, 'on the day of acceptance')
  t.equal(attendeeProblem('2026-09-30', { ...inGuidance, guidanceEndedOn: '2026-09-30' }), null, 'on the last day')
  t.equal(attendeeProblem('2026-03-01', undefined), 'is not a referral of your programme', 'no such referral')
  t.equal(attendeeProblem('2026-03-01', { ...inGuidance, own: false }), 'is not a referral of your programme')
  t.equal(
    attendeeProblem('2026-03-01', { ...inGuidance, guidanceStartedOn: null }),
    'is not in guidance (not accepted)'
  )
  t.equal(attendeeProblem('2026-02-28', inGuidance), 'started guidance on 2026-03-01, after the session (2026-02-28)')
  t.equal(
    attendeeProblem('2026-10-01', { ...inGuidance, guidanceEndedOn: '2026-09-30' }),
    'ended guidance on 2026-09-30, before the session (2026-10-01)'
  )
})

t.test('each repeat on an attendance list is found with where the mother was first listed', async (t) => {
  const a = '0f8fad5b-d9cb-469f-a165-70867728950e'
  const b = '7c9e6679-7425-40de-944b-e07fc1f90ae7'
  t.same(repeatedAttendees([a, b]), [])
  t.same(repeatedAttendees([a, b, a, a.toUpperCase()]), [
    { at: 2, first: 0 },
    { at: 3, first: 0 }
  ])
})

t.test('group work counts sessions with at least one mother, and their mean attendance', async (t) => {
  t.same(groupWork([]), { sessionsHeld: 0, attendances: 0, meanAttendance: null })
  t.same(
    groupWork([
      { track: 'opkomst', attendees: 12 },
      { track: 'opkomst', attendees: 0 },
      { track: 'opkomst_plus', attendees: 3 }
    ]),
    { sessionsHeld: 2, attendances: 15, meanAttendance: 7.5 }
  )
})
