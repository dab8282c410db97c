import { pgTable, uuid, text, integer, bigserial, index, date } from 'drizzle-orm/pg-core'
import { referrals } from './referrals.ts'
import { organisations } from './organisations.ts'
import { workers } from './workers.ts'
import { instant, timestamps } from './columns.ts'
import type { HandoffStatus, HandoffType, HousingDecision } from '../../domain/handoffs.ts'

/** A part of the work handed to another organisation: a small task with FHIR status codes. */
export const handoffs = pgTable(
  'handoffs',
  {
    id: uuid().primaryKey().defaultRandom(),
    referralId: uuid()
      .notNull()
      .references(() => referrals.id),
    type: text().$type<HandoffType>().notNull(),
    fromOrganisationId: uuid()
      .notNull()
      .references(() => organisations.id),
    toOrganisationId: uuid()
      .notNull()
      .references(() => organisations.id),
    reason: text().notNull(),
    dueBy: date({ mode: 'string' }),
    status: text().$type<HandoffStatus>().notNull(),
    statusReasonCode: text(),
    statusReason: text(),
    /** Local allocation priority (housing_priority only): the last decision; each is in `housing_decisions`. */
    housingDecision: text().$type<HousingDecision>(),
    housingDecidedAt: instant(),
    /** The last day (Belgian) a granted or extended priority holds. */
    housingValidThrough: date({ mode: 'string' }),
    /** The code and words of a refusal or a revocation. */
    housingReasonCode: text(),
    housingReason: text(),
    allocatedOn: date({ mode: 'string' }),
    allocatedMunicipality: text(),
    /** The recipient's contact person, named when it accepts. */
    contactWorkerId: uuid().references(() => workers.id),
    version: integer().notNull().default(1),
    ...timestamps
  },
  (t) => [
    index().on(t.referralId),
    index().on(t.toOrganisationId, t.updatedAt, t.id),
    index().on(t.fromOrganisationId, t.updatedAt, t.id)
  ]
)

export const handoffHistory = pgTable(
  'handoff_history',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    handoffId: uuid()
      .notNull()
      .references(() => handoffs.id),
    fromStatus: text().$type<HandoffStatus>(),
    toStatus: text().$type<HandoffStatus>().notNull(),
    byOrganisationId: uuid(),
    /** The person of that organisation who acted, when the request named one. */
    byWorkerId: uuid(),
    reasonCode: text(),
    reason: text(),
    at: instant().notNull().defaultNow()
  },
  (t) => [index().on(t.handoffId, t.id)]
)

/** Every decision on a housing priority, with when and by whom (the timer's `expired` by no one). */
export const housingDecisions = pgTable(
  'housing_decisions',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    handoffId: uuid()
      .notNull()
      .references(() => handoffs.id),
    decision: text().$type<HousingDecision>().notNull(),
    validThrough: date({ mode: 'string' }),
    reasonCode: text(),
    reason: text(),
    allocatedOn: date({ mode: 'string' }),
    municipality: text(),
    byOrganisationId: uuid(),
    byClientId: uuid(),
    byWorkerId: uuid(),
    at: instant().notNull().defaultNow()
  },
  (t) => [index().on(t.handoffId, t.id)]
)
