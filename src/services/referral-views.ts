import type { HandoffBrief, ReferralRecord } from '../db/queries/referrals.ts'
import type { IdentifierCipher } from '../crypto/identifier-cipher.ts'
import { type AnyView, viewFields } from '../domain/access.ts'
import { isoInstant as isoOf, isoOrNull as iso } from '../domain/dates.ts'
import { project, viewName } from '../domain/views.ts'

export const handoffSummary = (h: HandoffBrief) => ({
  id: h.id,
  type: h.type,
  status: h.status,
  toOrganisationId: h.toOrganisationId,
  reason: h.reason,
  dueBy: h.dueBy,
  housingDecision: h.housingDecision,
  housingDecidedAt: h.housingDecidedAt === null ? null : new Date(h.housingDecidedAt).toISOString(),
  createdAt: new Date(h.createdAt).toISOString(),
  updatedAt: new Date(h.updatedAt).toISOString()
})

/** The whole referral in API shape; the INSZ is decrypted only when the view shows it. */
export function toFull(
  identifiers: IdentifierCipher,
  row: ReferralRecord,
  view: AnyView,
  handoffs: readonly HandoffBrief[] = []
): Record<string, unknown> {
  const d = row.details
  const showsMother = viewFields(view).some((f) => f === 'mother' || f === 'mother.insz')
  const insz = showsMother && row.inszCiphertext !== null ? identifiers.decrypt(row.inszCiphertext, row.id) : undefined
  return {
    view: viewName(view),
    id: row.id,
    version: row.version,
    status: row.status,
    statusReasonCode: row.statusReasonCode,
    statusReason: row.statusReason,
    redirectSuggestion: row.redirectSuggestion,
    track: row.track,
    externalReference: row.externalReference,
    referrerOrganisationId: row.referrerOrganisationId,
    programmeOrganisationId: row.programmeOrganisationId,
    mother: showsMother ? { ...d.mother, ...(insz === undefined ? {} : { insz }) } : undefined,
    pregnancy: d.pregnancy ?? null,
    youngestChild: d.youngestChild ?? null,
    household: d.household,
    screening: d.screening,
    needs: d.needs,
    reason: d.reason,
    urgency: d.urgency,
    consent: d.consent,
    referrerContact: d.referrerContact,
    assignedWorkerId: row.assignedWorkerId,
    programmeContact: row.programmeContact ?? null,
    firstContactOn: row.firstContactOn,
    outcome: row.outcome,
    outcomeNote: row.outcomeNote,
    statusHistory: (row.statusHistory ?? []).map((step) => ({ ...step, at: isoOf(step.at) })),
    possibleDuplicateOf: row.possibleDuplicateOf,
    acceptedAt: iso(row.acceptedAt),
    consentWithdrawal:
      row.consentWithdrawnAt === null
        ? null
        : { withdrawnAt: isoOf(row.consentWithdrawnAt), recordedBy: row.consentWithdrawnRecordedBy },
    handoffs: handoffs.map(handoffSummary),
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt)
  }
}

export interface ViewResult {
  view: AnyView
  body: Record<string, unknown>
  version: number
  id: string
}

/** A referral as `view` sees it: exactly the fields its row of the view tables names. */
export function present(
  identifiers: IdentifierCipher,
  row: ReferralRecord,
  view: AnyView,
  handoffs: readonly HandoffBrief[] = []
): ViewResult {
  return {
    view,
    body: project(toFull(identifiers, row, view, handoffs), viewFields(view)),
    version: row.version,
    id: row.id
  }
}
