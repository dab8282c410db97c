import t from 'tap'
import { belgianMidnight } from '../../src/domain/dates.ts'
import { noticeFor, referrerIsEmailed, type NoticeFacts } from '../../src/domain/notices.ts'
import { handoffTimerDue } from '../../src/domain/timers.ts'
import { REFERRAL_STATUSES } from '../../src/domain/vocabulary.ts'

t.test('the referrer is e-mailed what the programme did, not what it did itself', async (t) => {
  const emailed = REFERRAL_STATUSES.filter((s) => referrerIsEmailed('referral.status_changed', s))
  t.same(emailed.sort(), ['accepted', 'completed', 'failed', 'in-progress', 'on-hold', 'received', 'rejected'])
  t.ok(referrerIsEmailed('referral.contact_changed', 'accepted'))
  t.notOk(referrerIsEmailed('referral.updated', 'accepted'), 'an edit is no news by e-mail')
  t.notOk(referrerIsEmailed('referral.created', 'requested'))
})

const PORTAL = { language: 'nl', portalUrl: 'https://portaal.opkomst.test/' } as const

t.test('a referral update names the reference and the new status in Dutch', async (t) => {
  const facts: NoticeFacts = {
    kind: 'referral_update',
    type: 'referral.status_changed',
    referralId: 'r-1',
    externalReference: 'EPD-2026-0042',
    status: 'accepted'
  }
  const { subject, text, html } = noticeFor(facts, PORTAL)
  t.equal(subject, 'Doorverwijzing EPD-2026-0042: Aanvaard')
  t.match(text, 'Uw doorverwijzing EPD-2026-0042 heeft een nieuwe status: Aanvaard.')
  t.notMatch(text, /https?:|r-1/, 'no id, no link: the referrer reads it in its own system')
  t.match(html, '<p>Uw doorverwijzing EPD-2026-7781'.replace('7781', '0042'))
  const english = noticeFor(facts, { ...PORTAL, language: 'en' })
  t.equal(english.subject, 'Referral EPD-2026-0042: Accepted')
  const contact = noticeFor({ ...facts, type: 'referral.contact_changed' }, PORTAL)
  t.match(contact.subject, 'nieuwe contactpersoon')
})

t.test('a new referral says so in its subject, with the urgency and the sender’s reference', async (t) => {
  const facts = { kind: 'new_referral', referralId: 'r-2', externalReference: 'EPD-7', urgent: true } as const
  const urgent = noticeFor(facts, PORTAL)
  t.equal(urgent.subject, 'DRINGEND: nieuwe doorverwijzing EPD-7')
  t.match(urgent.text, 'De verwijzer vraagt dringend contact.')
  t.equal(noticeFor({ ...facts, urgent: false }, PORTAL).subject, 'Nieuwe doorverwijzing EPD-7')
  t.match(urgent.html, '<html lang="nl">')
  t.match(urgent.text, 'Openen in het portaal: https://portaal.opkomst.test/referrals/r-2')
  t.match(urgent.html, '<a href="https://portaal.opkomst.test/referrals/r-2">Openen in het portaal</a>')
  t.notMatch(noticeFor(facts, { language: 'nl', portalUrl: undefined }).text, /https?:/, 'no portal: no link')
})

t.test('a handoff deadline names the type and the date, with a link to the handoff', async (t) => {
  const base = { kind: 'handoff_due', handoffId: 'h-1', handoffType: 'income_support', dueBy: '2026-12-10' } as const
  const soon = noticeFor({ ...base, type: 'handoff.due_soon' }, PORTAL)
  t.match(soon.subject, 'bijna over tijd')
  t.match(soon.text, 'Inkomensondersteuning')
  t.match(soon.text, 'https://portaal.opkomst.test/handoffs/h-1')
  t.match(noticeFor({ ...base, type: 'handoff.overdue' }, PORTAL).text, 'moest afgehandeld zijn op 2026-12-10')
})

t.test('Belgian midnight, in winter and in summer time', async (t) => {
  t.equal(belgianMidnight('2026-12-10').toISOString(), '2026-12-09T23:00:00.000Z')
  t.equal(belgianMidnight('2026-07-01').toISOString(), '2026-06-30T22:00:00.000Z')
  t.equal(belgianMidnight('2027-03-28').toISOString(), '2027-03-27T23:00:00.000Z', 'the day clocks go forward')
  t.equal(belgianMidnight('2026-10-25').toISOString(), '2026-10-24T22:00:00.000Z', 'the day clocks go back')
})

t.test('a handoff is due soon the working day before dueBy, and overdue the day after', async (t) => {
  const open = { status: 'accepted', dueBy: '2026-12-10' } as const
  t.equal(handoffTimerDue('handoff-due-soon', open)?.toISOString(), '2026-12-08T23:00:00.000Z')
  t.equal(handoffTimerDue('handoff-overdue', open)?.toISOString(), '2026-12-10T23:00:00.000Z')
  const monday = { status: 'requested', dueBy: '2026-12-14' } as const
  t.equal(
    handoffTimerDue('handoff-due-soon', monday)?.toISOString(),
    '2026-12-10T23:00:00.000Z',
    'a Monday deadline is announced on Friday'
  )
  t.equal(handoffTimerDue('handoff-overdue', { ...open, status: 'completed' }), null, 'a closed handoff raises nothing')
  t.equal(handoffTimerDue('handoff-due-soon', { ...open, dueBy: null }), null)
})
