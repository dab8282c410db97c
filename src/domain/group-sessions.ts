/**
 * Group work: a session the programme held and the mothers (their referrals) who attended. Who may
 * be listed is decided here, without I/O; the service fetches the facts.
 */

/** What the rules need to know of a listed referral. */
export interface AttendeeFacts {
  /** The referral is the calling programme's own. */
  own: boolean
  guidanceStartedOn: string | null
  guidanceEndedOn: string | null
}

/** Why a referral cannot be on the attendance of a session held on `heldOn`, or null. */
export function attendeeProblem(heldOn: string, facts: AttendeeFacts | undefined): string | null {
  if (facts === undefined || !facts.own) return 'is not a referral of your programme'
  if (facts.guidanceStartedOn === null) return 'is not in guidance (not accepted)'
  if (heldOn < facts.guidanceStartedOn)
    return `started guidance on ${facts.guidanceStartedOn}, after the session (${heldOn})`
  if (facts.guidanceEndedOn !== null && heldOn > facts.guidanceEndedOn)
    return `ended guidance on ${facts.guidanceEndedOn}, before the session (${heldOn})`
  return null
}

/** Each position in `ids` that repeats an earlier one, with the earlier position: a mother attends once. */
export function repeatedAttendees(ids: readonly string[]): Array<{ at: number; first: number }> {
  const seen = new Map<string, number>()
  const repeats: Array<{ at: number; first: number }> = []
  ids.forEach((id, at) => {
    const first = seen.get(id.toLowerCase())
    if (first === undefined) seen.set(id.toLowerCase(), at)
    else repeats.push({ at, first })
  })
  return repeats
}

/** A session held, as the report counts it. */
export interface HeldSession {
  track: string
  attendees: number
}

export interface GroupWork {
  sessionsHeld: number
  attendances: number
  meanAttendance: number | null
}

/** Sessions held (at least one mother came), the attendances over them and their mean. */
export function groupWork(sessions: readonly HeldSession[]): GroupWork {
  const held = sessions.filter((s) => s.attendees > 0)
  const attendances = held.reduce((sum, s) => sum + s.attendees, 0)
  return {
    sessionsHeld: held.length,
    attendances,
    meanAttendance: held.length === 0 ? null : attendances / held.length
  }
}
