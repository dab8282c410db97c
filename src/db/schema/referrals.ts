import { sql } from 'drizzle-orm'
import { pgTable, uuid, text, integer, jsonb, index, unique, date } from 'drizzle-orm/pg-core'
import { organisations } from './organisations.ts'
import { workers } from './workers.ts'
import { instant, timestamps } from './columns.ts'
import type { ReferralDetails } from '../../schemas/referrals.ts'
import type { ReferralStatus, Track } from '../../domain/vocabulary.ts'

export const referrals = pgTable(
  'referrals',
  {
    id: uuid().primaryKey(),
    referrerOrganisationId: uuid()
      .notNull()
      .references(() => organisations.id),
    programmeOrganisationId: uuid()
      .notNull()
      .references(() => organisations.id),
    externalReference: text().notNull(),
    status: text().$type<ReferralStatus>().notNull(),
    /** The status an `on-hold` referral returns to. */
    statusBeforeHold: text().$type<ReferralStatus>(),
    statusReasonCode: text(),
    statusReason: text(),
    redirectSuggestion: text(),
    version: integer().notNull().default(1),
    /** Everything the referrer sent except the INSZ (see below). */
    details: jsonb().$type<ReferralDetails>().notNull(),
    /** `keyId.iv.ciphertext.tag`, AES-256-GCM bound to the referral id. */
    inszCiphertext: text(),
    /** HMAC-SHA256 of the INSZ: finds the same mother without the number being readable. */
    inszBlindIndex: text(),
    possibleDuplicateOf: uuid(),
    track: text().$type<Track>(),
    /** The programme's worker guiding her: the referrer's contact person. */
    assignedWorkerId: uuid().references(() => workers.id),
    firstContactOn: date({ mode: 'string' }),
    /** A code of `OUTCOMES`, set when guidance ends (completed or failed). */
    outcome: text(),
    /** The programme's own words on the outcome; never shown to the referrer. */
    outcomeNote: text(),
    acceptedAt: instant(),
    /** From this moment no handoff recipient sees her data (issue 6); the programme keeps its record. */
    consentWithdrawnAt: instant(),
    consentWithdrawnRecordedBy: text(),
    /** When her identity, contact, address and free text were erased (retention or her request). */
    pseudonymisedAt: instant(),
    erasureReasonCode: text(),
    /** Who she is to the impact report once pseudonymised (`IdentifierCipher.pseudonym`). */
    motherPseudonym: text(),
    ...timestamps
  },
  (t) => [
    unique().on(t.referrerOrganisationId, t.externalReference),
    index().on(t.referrerOrganisationId, t.updatedAt, t.id),
    index().on(t.programmeOrganisationId, t.updatedAt, t.id),
    // Partial: a referral without an INSZ, or not accepted yet, is never looked up by it, and every
    // entry costs each insert and each change of status (updated_at is indexed, so none is HOT).
    index().on(t.inszBlindIndex).where(sql`${t.inszBlindIndex} IS NOT NULL`),
    index().on(t.programmeOrganisationId, t.acceptedAt).where(sql`${t.acceptedAt} IS NOT NULL`)
  ]
)
