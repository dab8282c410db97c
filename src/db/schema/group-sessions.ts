import { pgTable, uuid, text, integer, date, primaryKey, bigserial, index } from 'drizzle-orm/pg-core'
import { organisations } from './organisations.ts'
import { referrals } from './referrals.ts'
import { workers } from './workers.ts'
import { instant, timestamps } from './columns.ts'
import type { GroupSessionTheme, Track } from '../../domain/vocabulary.ts'

/** A group session the programme held (its group work): one record, however many mothers came. */
export const groupSessions = pgTable(
  'group_sessions',
  {
    id: uuid().primaryKey().defaultRandom(),
    programmeOrganisationId: uuid()
      .notNull()
      .references(() => organisations.id),
    heldOn: date({ mode: 'string' }).notNull(),
    theme: text().$type<GroupSessionTheme>().notNull(),
    track: text().$type<Track>().notNull(),
    /** Null only for sessions carried over from the one-call-per-mother records, which had none. */
    place: text(),
    title: text(),
    facilitatorWorkerId: uuid().references(() => workers.id),
    version: integer().notNull().default(1),
    /** A deleted session keeps its row and history, and leaves the report. */
    deletedAt: instant(),
    ...timestamps
  },
  (t) => [index().on(t.programmeOrganisationId, t.heldOn, t.id)]
)

/** Who attended: a mother (her referral) attends a session once. */
export const groupSessionAttendance = pgTable(
  'group_session_attendance',
  {
    sessionId: uuid()
      .notNull()
      .references(() => groupSessions.id),
    referralId: uuid()
      .notNull()
      .references(() => referrals.id)
  },
  (t) => [primaryKey({ columns: [t.sessionId, t.referralId] }), index().on(t.referralId)]
)

/** Each version of a session as saved, its attendance included, with who saved it: corrections stay visible. */
export const groupSessionHistory = pgTable(
  'group_session_history',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    sessionId: uuid()
      .notNull()
      .references(() => groupSessions.id),
    version: integer().notNull(),
    change: text().$type<'recorded' | 'corrected' | 'attendance' | 'deleted'>().notNull(),
    heldOn: date({ mode: 'string' }).notNull(),
    theme: text().$type<GroupSessionTheme>().notNull(),
    track: text().$type<Track>().notNull(),
    place: text(),
    title: text(),
    facilitatorWorkerId: uuid(),
    referralIds: uuid().array().notNull(),
    byOrganisationId: uuid(),
    byClientId: uuid(),
    byWorkerId: uuid(),
    at: instant().notNull().defaultNow()
  },
  (t) => [index().on(t.sessionId, t.id)]
)
