import t from 'tap'
import { Webhook } from 'standardwebhooks'
import { Redis } from 'ioredis'
import { testContext, REDIS_URL } from '../helpers/context.ts'
import { referralBody, today } from '../helpers/referrals.ts'
import { startReceiver, eventually } from '../helpers/receiver.ts'
import { inProcessWorkers, FAST_EVENTS } from '../helpers/workers.ts'
import { startMailbox } from '../helpers/mailbox.ts'

const { url: smtpUrl, mails } = await startMailbox(t)

const ctx = await testContext(t, { ...FAST_EVENTS, SMTP_URL: smtpUrl })
const { app } = ctx
const programme = await ctx.party('programme')
const hospital = await ctx.party('hospital')
await app.pool.query("UPDATE organisations SET notification_email = 'opkomst@example.org' WHERE id = $1", [
  programme.organisationId
])
await app.pool.query("UPDATE organisations SET notification_email = 'it@hospital.example.org' WHERE id = $1", [
  hospital.organisationId
])
await inProcessWorkers(t, ctx.config)

async function register(
  who: typeof hospital,
  url: string,
  eventTypes = ['referral.created', 'referral.status_changed']
) {
  const res = await app.inject({ method: 'POST', url: '/webhooks', headers: who.headers, payload: { url, eventTypes } })
  t.equal(res.statusCode, 201, res.body)
  return res.json() as { id: string; secret: string; version: number }
}
const withoutInsz = () =>
  referralBody({ mother: { ...referralBody().mother, insz: undefined, inszAbsentReason: 'unknown' } })
const refer = async () =>
  (await app.inject({ method: 'POST', url: '/referrals', headers: hospital.headers, payload: withoutInsz() })).json()
const deliveries = async (hookId: string) =>
  (await app.inject({ url: `/webhooks/${hookId}/deliveries`, headers: hospital.headers })).json().items

const allBodies: string[] = []
// biome-ignore lint/suspicious/noExplicitAny: referral answers of every view
const allReferrals: Array<Record<string, any>> = []

t.test('a referral posted and accepted reaches the receiver as verifiable signed deliveries', async (t) => {
  const rx = await startReceiver(t)
  const hook = await register(hospital, rx.url)
  const referral = await refer()
  allReferrals.push(referral)
  await app.inject({
    method: 'POST',
    url: `/referrals/${referral.id}/transitions`,
    headers: { ...programme.headers, 'if-match': '"1"' },
    payload: { status: 'accepted', track: 'opkomst' }
  })
  await eventually('two deliveries', () => rx.received.length >= 2)
  const verifier = new Webhook(hook.secret)
  const types = rx.received.map(
    (r) => (verifier.verify(r.body, r.headers as Record<string, string>) as { type: string }).type
  )
  t.same(types.sort(), ['referral.created', 'referral.status_changed'])
  allBodies.push(...rx.received.map((r) => r.body))
  // Deliveries are separate jobs: they may arrive in either order.
  const first = rx.received.find((r) => JSON.parse(r.body).type === 'referral.created')!
  const headers = first.headers as Record<string, string>
  t.throws(() => verifier.verify(first.body.replace('requested', 'accepted'), headers), 'a tampered body is rejected')
  const old = new Date(Date.now() - 10 * 60_000)
  const staleHeaders = {
    ...headers,
    'webhook-timestamp': String(Math.floor(old.getTime() / 1000)),
    'webhook-signature': verifier.sign(headers['webhook-id']!, old, first.body)
  }
  t.throws(() => verifier.verify(first.body, staleHeaders), /timestamp/i, 'a timestamp 10 minutes off is rejected')
  t.match(JSON.parse(first.body), { type: 'referral.created', data: { referralId: referral.id, status: 'requested' } })
  const log = await deliveries(hook.id)
  t.equal(log.length, 2)
  t.ok(
    log.every(
      (d: { state: string; attempts: number; lastStatusCode: number }) =>
        d.state === 'delivered' && d.attempts === 1 && d.lastStatusCode === 200
    )
  )
})

t.test('500, 500, then 200: delivered on the third attempt', async (t) => {
  const rx = await startReceiver(t, (n) => (n <= 2 ? 500 : 200))
  const hook = await register(hospital, rx.url, ['referral.created'])
  allReferrals.push(await refer())
  await eventually('three attempts', () => rx.received.length >= 3)
  const [delivery] = await eventually('delivered', async () => {
    const d = await deliveries(hook.id)
    return d[0]?.state === 'delivered' && d
  })
  t.match(delivery, { attempts: 3, lastStatusCode: 200 })
  t.equal(new Set(rx.received.map((r) => r.headers['webhook-id'])).size, 1, 'every attempt carries the same webhook-id')
})

t.test('429 with Retry-After is honoured', async (t) => {
  const rx = await startReceiver(t, (n) => (n === 1 ? { status: 429, headers: { 'retry-after': '1' } } : 200))
  await register(hospital, rx.url, ['referral.created'])
  await refer()
  await eventually('two attempts', () => rx.received.length >= 2)
  t.ok(rx.received[1]!.at - rx.received[0]!.at >= 950, `waited ${rx.received[1]!.at - rx.received[0]!.at} ms`)
})

t.test('410 disables the endpoint; what it missed is kept as skipped and redelivered once enabled', async (t) => {
  let gone = true
  const rx = await startReceiver(t, () => (gone ? 410 : 200))
  const hook = await register(hospital, rx.url, ['referral.created'])
  await refer()
  const disabled = await eventually('disabled', async () => {
    const h = (await app.inject({ url: `/webhooks/${hook.id}`, headers: hospital.headers })).json()
    return h.disabledAt !== null && h
  })
  t.match(disabled.disabledReason, /410/)
  t.equal(rx.received.length, 1, 'no retries after 410')
  const [delivery] = await deliveries(hook.id)
  t.equal(delivery.state, 'failed')
  const missed = [(await refer()).id, (await refer()).id]
  const skipped = await eventually('the missed events recorded', async () => {
    const rows = (await deliveries(hook.id)).filter((d: { state: string }) => d.state === 'skipped')
    return rows.length === 2 && rows
  })
  t.equal(rx.received.length, 1, 'a disabled endpoint gets nothing more')
  const redeliver = (states?: string[]) =>
    app.inject({
      method: 'POST',
      url: `/webhooks/${hook.id}/deliveries/redeliver`,
      headers: hospital.headers,
      payload: states === undefined ? {} : { states }
    })
  const early = await redeliver()
  t.equal(early.statusCode, 409, 'not while it is disabled')
  t.match(early.json(), { type: 'urn:opkomst:problem:endpoint-disabled' })

  const enabled = await app.inject({
    method: 'PATCH',
    url: `/webhooks/${hook.id}`,
    headers: { ...hospital.headers, 'if-match': `"${disabled.version}"` },
    payload: { enabled: true }
  })
  t.equal(enabled.json().disabledAt, null, 'it can be enabled again')
  gone = false
  const again = await redeliver()
  t.equal(again.statusCode, 202)
  t.same(again.json(), { redelivered: 2, more: false })
  await eventually('the skipped events arrive', () => rx.received.length >= 3 || undefined)
  const ids = rx.received.slice(1).map((r) => String(r.headers['webhook-id']))
  t.same(ids.sort(), skipped.map((d: { eventId: string }) => d.eventId).sort(), 'with their original webhook-ids')
  t.same(
    rx.received
      .slice(1)
      .map((r) => JSON.parse(r.body).data.referralId)
      .sort(),
    [...missed].sort(),
    'the referrals it missed'
  )
  t.same((await redeliver()).json(), { redelivered: 0, more: false }, 'nothing skipped any more')
  t.same((await redeliver(['failed'])).json(), { redelivered: 1, more: false }, 'and the 410 itself, on request')
  await eventually('the 410 delivery arrives again', () => rx.received.length >= 4 || undefined)
  t.equal(rx.received[3]!.headers['webhook-id'], rx.received[0]!.headers['webhook-id'])
})

t.test('a receiver that never answers ends failed, is e-mailed, and a redelivery succeeds once fixed', async (t) => {
  const rx = await startReceiver(t, () => 'hang')
  const hook = await register(hospital, rx.url, ['referral.created'])
  await refer()
  const [failed] = await eventually(
    'failed',
    async () => {
      const d = await deliveries(hook.id)
      return d[0]?.state === 'failed' && d
    },
    30_000
  )
  t.equal(failed.attempts, 3, 'after the configured attempts')
  t.match(failed.lastError, /no answer/)
  const notice = await eventually('exhausted notice', () => mails.find((m) => m.text.includes(failed.id)))
  t.equal(notice.to, 'it@hospital.example.org')
  t.match(notice.subject, 'Webhook-levering mislukt')
  t.match(notice.text, `webhook ${hook.id}`)
  rx.setAnswer(() => 200)
  const redelivered = await app.inject({
    method: 'POST',
    url: `/webhooks/${hook.id}/deliveries/${failed.id}/redeliver`,
    headers: hospital.headers
  })
  t.equal(redelivered.statusCode, 202)
  const [ok] = await eventually('redelivered', async () => {
    const d = await deliveries(hook.id)
    return d[0]?.state === 'delivered' && d
  })
  t.equal(ok.attempts, 1)
  t.equal(new Set(rx.received.map((r) => r.headers['webhook-id'])).size, 1, 'the same webhook-id')
})

t.test('rotation: both secrets sign for a while; ping reaches one endpoint only', async (t) => {
  const rx = await startReceiver(t)
  const hook = await register(hospital, rx.url, ['referral.created'])
  const rotated = await app.inject({
    method: 'POST',
    url: `/webhooks/${hook.id}/rotate-secret`,
    headers: hospital.headers
  })
  t.equal(rotated.statusCode, 200)
  const newSecret = rotated.json().secret
  t.match(newSecret, /^whsec_/)
  t.not(newSecret, hook.secret)
  const ping = await app.inject({ method: 'POST', url: `/webhooks/${hook.id}/test`, headers: hospital.headers })
  t.equal(ping.statusCode, 202)
  const got = await eventually('ping', () => rx.received.find((r) => r.body.includes('"ping"')))
  t.equal(String(got.headers['webhook-signature']).split(' ').length, 2, 'two signatures')
  t.match(new Webhook(newSecret).verify(got.body, got.headers as Record<string, string>), { type: 'ping' })
  t.match(new Webhook(hook.secret).verify(got.body, got.headers as Record<string, string>), { type: 'ping' })
  const feed = await app.inject({ url: '/events', headers: hospital.headers })
  t.notOk(feed.body.includes('"ping"'), 'pings stay out of the change feed')
})

t.test('webhook management: listing, reading, other organisations, deletion', async (t) => {
  const rx = await startReceiver(t)
  const hook = await register(hospital, rx.url)
  const list = await app.inject({ url: '/webhooks', headers: hospital.headers })
  t.ok(list.json().items.some((h: { id: string }) => h.id === hook.id))
  t.notOk(list.body.includes('whsec_'), 'secrets are shown once')
  t.equal(
    (await app.inject({ url: `/webhooks/${hook.id}`, headers: programme.headers })).statusCode,
    404,
    "another organisation's endpoint is not found"
  )
  t.equal(
    (
      await app.inject({
        method: 'PATCH',
        url: `/webhooks/${hook.id}`,
        headers: hospital.headers,
        payload: { description: 'x' }
      })
    ).statusCode,
    428
  )
  const changed = await app.inject({
    method: 'PATCH',
    url: `/webhooks/${hook.id}`,
    headers: { ...hospital.headers, 'if-match': '"1"' },
    payload: { description: 'EPD', eventTypes: ['referral.status_changed'] }
  })
  t.match(changed.json(), { description: 'EPD', eventTypes: ['referral.status_changed'], version: 2 })
  t.equal(
    (await app.inject({ method: 'DELETE', url: `/webhooks/${hook.id}`, headers: hospital.headers })).statusCode,
    204
  )
  t.equal((await app.inject({ url: `/webhooks/${hook.id}`, headers: hospital.headers })).statusCode, 404)
})

t.test('private, loopback, link-local and metadata URLs are refused unless allowed', async (t) => {
  for (const url of [
    'http://10.0.0.1/',
    'https://169.254.169.254/',
    'https://localhost/',
    'https://192.168.1.10/hook',
    'https://[::1]/x',
    'ftp://example.org/',
    'https://user:pw@example.org/',
    'http://example.org/'
  ]) {
    const res = await app.inject({
      method: 'POST',
      url: '/webhooks',
      headers: hospital.headers,
      payload: { url, eventTypes: ['referral.created'] }
    })
    t.equal(res.statusCode, 422, url)
    t.match(res.json().errors, [{ pointer: '/url' }])
  }
  const allowed = await app.inject({
    method: 'POST',
    url: '/webhooks',
    headers: hospital.headers,
    payload: { url: 'http://127.0.0.1:9/hook', eventTypes: ['referral.created'] }
  })
  t.equal(allowed.statusCode, 201, '127.0.0.1 is listed in WEBHOOK_ALLOWED_HOSTS for the tests')
  await app.inject({ method: 'DELETE', url: `/webhooks/${allowed.json().id}`, headers: hospital.headers })
})

t.test('new-referral notices carry the reference, never personal data; no link without a portal', async (t) => {
  const referral = await refer()
  const mail = await eventually('notice', () =>
    mails.find((m) => m.subject.includes(referral.externalReference) && m.to === 'opkomst@example.org')
  )
  t.equal(mail.subject, `Nieuwe doorverwijzing ${referral.externalReference}`)
  t.notMatch(mail.text, /https?:/, 'PORTAL_BASE_URL is not set here: no link, and never one to the API')
  for (const personal of [
    referral.mother.givenName,
    referral.mother.familyName,
    referral.mother.phone,
    referral.reason.slice(0, 20)
  ])
    t.notOk(mail.text.includes(personal), personal)
})

t.test('no Redis key and no delivered body holds a name, INSZ, phone or free text', async (t) => {
  const redis = new Redis(REDIS_URL)
  t.teardown(() => redis.disconnect())
  let cursor = '0'
  let dump = ''
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${ctx.config.REDIS_PREFIX}:*`, 'COUNT', 500)
    cursor = next
    for (const key of keys) {
      const type = await redis.type(key)
      dump += key
      if (type === 'string') dump += await redis.get(key)
      if (type === 'hash') dump += JSON.stringify(await redis.hgetall(key))
      if (type === 'list') dump += JSON.stringify(await redis.lrange(key, 0, -1))
      if (type === 'zset') dump += JSON.stringify(await redis.zrange(key, 0, -1))
      if (type === 'set') dump += JSON.stringify(await redis.smembers(key))
      if (type === 'stream') dump += JSON.stringify(await redis.xrange(key, '-', '+'))
    }
  } while (cursor !== '0')
  t.ok(dump.length > 1000, 'the queues were used')
  const body = referralBody()
  for (const value of [
    body.mother.givenName,
    body.mother.familyName,
    body.mother.phone,
    '85073003328',
    body.reason.slice(0, 20),
    body.mother.address.street,
    `${today()}x`
  ]) {
    t.notOk(dump.includes(value), `no "${value}" in Redis`)
    t.notOk(
      allBodies.some((b) => b.includes(value)),
      `no "${value}" in a delivered body`
    )
  }
})
