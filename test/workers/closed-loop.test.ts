import t from 'tap'
import { testContext } from '../helpers/context.ts'
import { startMailbox } from '../helpers/mailbox.ts'
import { referralBody, today } from '../helpers/referrals.ts'
import { eventually, startReceiver } from '../helpers/receiver.ts'
import { FAST_EVENTS, inProcessWorkers } from '../helpers/workers.ts'

/**
 * The closed loop, as the hospital lives it: it refers, and hears back (by webhook and by e-mail)
 * each step the programme takes, reads each in its view, and never sees the programme's own words.
 */
const mailbox = await startMailbox(t)
const ctx = await testContext(t, {
  ...FAST_EVENTS,
  SMTP_URL: mailbox.url,
  PORTAL_BASE_URL: 'https://portaal.opkomst.test'
})
const { app, send } = ctx
const hospital = await ctx.party('hospital')
const programme = await ctx.party('programme')
const ocmw = await ctx.party('ocmw')
for (const [who, address] of [
  [hospital, 'sociale.dienst@hospital.example.org'],
  [ocmw, 'onthaal@ocmw.example.org'],
  [programme, 'team@opkomst.example.org']
] as const) {
  await app.pool.query('UPDATE organisations SET notification_email = $2 WHERE id = $1', [who.organisationId, address])
}
await inProcessWorkers(t, ctx.config)

const PROGRAMME_WORDS = 'Mama voelt zich sterker, werkt aan haar Nederlands'
const body = referralBody({ externalReference: 'EPD-2026-7781', urgency: 'urgent' })

t.test('the hospital hears every step, reads it in its view, and is e-mailed its reference only', async (t) => {
  const rx = await startReceiver(t)
  const hook = await send(hospital, 'POST', '/webhooks', {
    url: rx.url,
    eventTypes: ['referral.status_changed', 'referral.contact_changed', 'referral.updated']
  })
  t.equal(hook.statusCode, 201, hook.body)

  const created = await send(hospital, 'POST', '/referrals', body)
  t.equal(created.statusCode, 201, created.body)
  const id = created.json().id as string
  const at = `/referrals/${id}`
  const step = async (payload: object) => {
    const version = (await send(programme, 'GET', at)).json().version
    const res = await send(programme, 'POST', `${at}/transitions`, payload, version)
    t.equal(res.statusCode, 200, res.body)
  }
  const heard = (status: string) =>
    eventually(`the ${status} event`, () =>
      rx.received.map((r) => JSON.parse(r.body)).find((e) => e.data.status === status)
    )
  const viewOfHospital = async () => (await send(hospital, 'GET', at)).json()

  await step({ status: 'received' })
  t.match((await heard('received')).data, { referralId: id, status: 'received' })

  await step({ status: 'accepted', track: 'opkomst', assignedWorkerId: programme.workerId })
  const accepted = await heard('accepted')
  t.equal(accepted.type, 'referral.status_changed')
  const view = await viewOfHospital()
  t.equal(view.version, accepted.data.version, 'the event names the version the view shows')
  t.same(view.programmeContact, {
    workerId: programme.workerId,
    name: 'Ella programme',
    role: 'maatschappelijk werker',
    workPhone: '+32 15 00 00 01',
    workEmail: 'ella@example.org'
  })

  await step({ status: 'in-progress', firstContactOn: today() })
  t.equal((await heard('in-progress')).type, 'referral.status_changed')
  t.equal((await viewOfHospital()).firstContactOn, today(), 'the date of first contact')

  for (const [phase, income] of [
    ['start', 2],
    ['end', 3]
  ] as const) {
    const res = await send(programme, 'PUT', `${at}/assessments/${phase}`, { assessedOn: today(), scores: { income } })
    t.equal(res.statusCode, 201, res.body)
  }
  await step({ status: 'completed', outcome: 'guidance_completed', outcomeNote: PROGRAMME_WORDS })
  const completed = await heard('completed')
  t.equal(completed.data.outcome, 'guidance_completed', 'the event carries the coded outcome')

  const final = await viewOfHospital()
  t.equal(final.outcome, 'guidance_completed')
  t.same(
    final.statusHistory.map((s: { status: string }) => s.status),
    ['requested', 'received', 'accepted', 'in-progress', 'completed'],
    'each status with its date'
  )
  t.ok(final.statusHistory.every((s: { at: string }) => !Number.isNaN(Date.parse(s.at))))
  t.notOk(JSON.stringify(final).includes(PROGRAMME_WORDS), "no free text of the programme's")
  t.notOk('outcomeNote' in final)
  t.notOk(
    rx.received.some((r) => r.body.includes(PROGRAMME_WORDS)),
    'nor in any event'
  )

  const mails = await eventually('four e-mails to the hospital', () => {
    const mine = mailbox.mails.filter((m) => m.to === 'sociale.dienst@hospital.example.org')
    return mine.length >= 4 && mine
  })
  t.same(mails.map((m) => m.subject).sort(), [
    'Doorverwijzing EPD-2026-7781: Aanvaard',
    'Doorverwijzing EPD-2026-7781: Begeleiding afgerond',
    'Doorverwijzing EPD-2026-7781: Eerste contact gelegd, begeleiding loopt',
    'Doorverwijzing EPD-2026-7781: Ontvangen door het programma'
  ])
  const personal = [
    body.mother.givenName,
    body.mother.familyName,
    body.mother.insz,
    body.mother.phone,
    body.mother.email,
    body.mother.address.street,
    body.reason,
    PROGRAMME_WORDS,
    id,
    'Ella'
  ]
  for (const mail of mails) {
    for (const word of personal) t.notOk(`${mail.subject}\n${mail.text}`.includes(word), `no ${word} in an e-mail`)
  }
  // The programme's notice of the new referral: Dutch, urgent, the hospital's reference, a portal link.
  const news = await eventually('the new-referral e-mail', () =>
    mailbox.mails.find((m) => m.to === 'team@opkomst.example.org' && m.subject.includes('EPD-2026-7781'))
  )
  t.equal(news.subject, 'DRINGEND: nieuwe doorverwijzing EPD-2026-7781')
  t.match(news.text, 'DRINGEND: De verwijzer vraagt dringend contact.')
  t.match(news.text, `Openen in het portaal: https://portaal.opkomst.test/referrals/${id}`)
  t.match(news.html, `<a href="https://portaal.opkomst.test/referrals/${id}">`)
  t.notOk(news.text.includes(ctx.config.PUBLIC_BASE_URL), 'never a link to the API')
  for (const word of personal.filter((w) => w !== id))
    t.notOk(`${news.subject}\n${news.text}\n${news.html}`.includes(word), `no ${word} in the new-referral e-mail`)
})

t.test('a handoff past its dueBy raises handoff.overdue once, and its recipient is e-mailed', async (t) => {
  const other = referralBody()
  const referral = (
    await send(hospital, 'POST', '/referrals', {
      ...other,
      mother: { ...other.mother, insz: undefined, inszAbsentReason: 'unknown' }
    })
  ).json()
  const accepted = await send(
    programme,
    'POST',
    `/referrals/${referral.id}/transitions`,
    { status: 'accepted', track: 'opkomst' },
    1
  )
  t.equal(accepted.statusCode, 200)
  const handoff = await send(programme, 'POST', `/referrals/${referral.id}/handoffs`, {
    type: 'income_support',
    toOrganisationId: ocmw.organisationId,
    reason: 'Leefloon aanvragen',
    dueBy: today()
  })
  t.equal(handoff.statusCode, 201, handoff.body)
  const handoffId = handoff.json().id as string
  // Time passes: the due date is now two days behind (the API refuses a past dueBy).
  await app.pool.query('UPDATE handoffs SET due_by = current_date - 2 WHERE id = $1', [handoffId])

  const raised = async () =>
    (
      await app.pool.query<{ type: string; audience: string[] }>(
        "SELECT type, audience FROM outbox_events WHERE handoff_id = $1 AND type IN ('handoff.due_soon', 'handoff.overdue') ORDER BY id",
        [handoffId]
      )
    ).rows
  await eventually('overdue', async () => (await raised()).some((e) => e.type === 'handoff.overdue') || undefined)
  // The reconcile runs every second and schedules the deadline again: it must not raise it again.
  await new Promise((resolve) => setTimeout(resolve, 3000))
  const events = await raised()
  t.same(events.map((e) => e.type).sort(), ['handoff.due_soon', 'handoff.overdue'], 'each raised once')
  const overdue = events.find((e) => e.type === 'handoff.overdue')!
  t.same(
    [...overdue.audience].sort(),
    [ocmw.organisationId, programme.organisationId].sort(),
    'to the recipient and the programme (which made it)'
  )
  t.notOk(overdue.audience.includes(hospital.organisationId), 'the referrer is not told')

  const mail = await eventually('the overdue e-mail', () =>
    mailbox.mails.find((m) => m.to === 'onthaal@ocmw.example.org' && m.subject.startsWith('Overdracht over tijd'))
  )
  t.match(mail.text, 'Inkomensondersteuning')
  t.match(mail.text, `https://portaal.opkomst.test/handoffs/${handoffId}`)
  t.match(mail.html, `<a href="https://portaal.opkomst.test/handoffs/${handoffId}">Openen in het portaal</a>`)
  t.notOk(mail.text.includes(referralBody().mother.familyName), 'no name of the mother')

  const polled = (await send(ocmw, 'GET', '/events')).json().items as Array<{ type: string; handoffId: string }>
  t.ok(
    polled.some((e) => e.type === 'handoff.overdue' && e.handoffId === handoffId),
    'in the recipient’s feed'
  )
})

t.test('a withdrawn consent is e-mailed to the programme', async (t) => {
  const other = referralBody()
  const referral = (
    await send(hospital, 'POST', '/referrals', {
      ...other,
      mother: { ...other.mother, insz: undefined, inszAbsentReason: 'unknown' }
    })
  ).json()
  const withdrawn = await send(hospital, 'POST', `/referrals/${referral.id}/consent/withdrawal`, {
    withdrawnAt: new Date().toISOString(),
    recordedBy: 'Sociale dienst'
  })
  t.equal(withdrawn.statusCode, 200)
  const mail = await eventually('the withdrawal e-mail', () =>
    mailbox.mails.find(
      (m) => m.to === 'team@opkomst.example.org' && m.text.includes(referral.id) && m.subject.startsWith('Toestemming')
    )
  )
  t.equal(mail.subject, `Toestemming ingetrokken (${other.externalReference})`)
  t.match(mail.html, '<html lang="nl">')
  t.notOk(mail.text.includes(other.mother.familyName), 'no name')
})
