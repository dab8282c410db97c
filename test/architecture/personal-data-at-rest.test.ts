import t from 'tap'
import { randomUUID } from 'node:crypto'
import { Writable } from 'node:stream'
import { Redis } from 'ioredis'
import { testContext } from '../helpers/context.ts'
import { eventually, startReceiver } from '../helpers/receiver.ts'
import { inszFor, referralBody, today } from '../helpers/referrals.ts'
import { FAST_EVENTS, inProcessWorkers } from '../helpers/workers.ts'

/**
 * After a whole scenario with an Idempotency-Key on every write, the mother's data is found only
 * where it belongs: the INSZ nowhere in clear (its column holds ciphertext), her names, contact,
 * address and the referral's free text only in the referral's own record; never in stored answers,
 * history, events, the access log, jobs in Redis or log lines.
 */
const lines: string[] = []
const logStream = new Writable({
  write(chunk, _enc, done) {
    lines.push(String(chunk))
    done()
  }
})
const ctx = await testContext(t, { ...FAST_EVENTS, LOG_LEVEL: 'debug' }, { logStream })
const { app } = ctx
const hospital = await ctx.party('hospital')
const programme = await ctx.party('programme')
const ocmw = await ctx.party('ocmw')
await inProcessWorkers(t, ctx.config)
const receiver = await startReceiver(t)

const insz = inszFor('1988-02-17', 417)
const PERSONAL = {
  insz,
  inszFormatted: `${insz.slice(0, 2)}.${insz.slice(2, 4)}.${insz.slice(4, 6)}-${insz.slice(6, 9)}.${insz.slice(9)}`,
  givenName: 'Zyxwarina',
  familyName: 'Quomplestraete',
  phone: '+32 470 98 76 54',
  email: 'zyxwarina@example.org',
  street: 'Vrijdagmarktgeheimstraat',
  reason: 'Onveilige woonsituatie, markeertekst 7731',
  contact: 'Brunhilde Verwijzersma'
}

t.test('the mother is found only in her referral', async (t) => {
  const send = (
    who: { headers: object },
    method: 'POST' | 'GET' | 'PUT',
    url: string,
    payload?: object,
    version?: number
  ) =>
    app.inject({
      method,
      url,
      headers: {
        ...who.headers,
        ...(method === 'GET' ? {} : { 'idempotency-key': randomUUID() }),
        ...(version === undefined ? {} : { 'if-match': `"${version}"` })
      },
      ...(payload === undefined ? {} : { payload })
    })
  await send(hospital, 'POST', '/webhooks', {
    url: receiver.url,
    eventTypes: ['referral.created', 'referral.status_changed', 'referral.updated']
  })
  const body = referralBody()
  const created = await send(hospital, 'POST', '/referrals', {
    ...body,
    mother: {
      ...body.mother,
      givenName: PERSONAL.givenName,
      familyName: PERSONAL.familyName,
      birthDate: '1988-02-17',
      insz: PERSONAL.inszFormatted,
      phone: PERSONAL.phone,
      email: PERSONAL.email,
      address: { ...body.mother.address, street: PERSONAL.street }
    },
    reason: PERSONAL.reason,
    referrerContact: { name: PERSONAL.contact }
  })
  t.equal(created.statusCode, 201, 'referred')
  const id = created.json().id
  t.equal(
    (await send(programme, 'POST', `/referrals/${id}/transitions`, { status: 'accepted', track: 'opkomst' }, 1))
      .statusCode,
    200
  )
  const handoff = await send(programme, 'POST', `/referrals/${id}/handoffs`, {
    type: 'income_support',
    toOrganisationId: ocmw.organisationId,
    reason: 'Leefloon'
  })
  t.equal(handoff.statusCode, 201)
  t.match((await send(ocmw, 'GET', `/handoffs/${handoff.json().id}`)).json().referral.mother, {
    familyName: PERSONAL.familyName
  })
  t.equal(
    (await send(ocmw, 'POST', `/handoffs/${handoff.json().id}/transitions`, { status: 'received' }, 1)).statusCode,
    200
  )
  t.equal(
    (await send(programme, 'PUT', `/referrals/${id}/assessments/start`, { assessedOn: today(), scores: { income: 2 } }))
      .statusCode,
    201
  )
  const session = await send(programme, 'POST', '/group-sessions', {
    heldOn: today(),
    theme: 'meeting',
    track: 'opkomst',
    place: 'Huis van het Kind',
    facilitatorWorkerId: programme.workerId
  })
  t.equal(
    (await send(programme, 'PUT', `/group-sessions/${session.json().id}/attendance`, { referralIds: [id] }, 1))
      .statusCode,
    200
  )
  t.equal((await send(hospital, 'GET', `/referrals/${id}`)).statusCode, 200)
  await eventually('the webhook deliveries', () => receiver.received.length >= 3 || undefined)

  // Every text, JSON and bytes column of every table.
  const { rows: columns } = await app.pool.query<{ table_name: string; column_name: string; data_type: string }>(
    `SELECT table_name, column_name, data_type FROM information_schema.columns
     WHERE table_schema = 'public' AND data_type IN ('text', 'character varying', 'jsonb', 'json', 'ARRAY', 'bytea')`
  )
  t.ok(
    columns.some((c) => c.data_type === 'bytea'),
    'stored answers (bytes) are searched too'
  )
  const found: string[] = []
  for (const { table_name: table, column_name: column, data_type: type } of columns) {
    const asText = type === 'bytea' ? `encode("${column}", 'escape')` : `"${column}"::text`
    for (const [what, value] of Object.entries(PERSONAL)) {
      const { rows } = await app.pool.query(`SELECT count(*)::int AS n FROM "${table}" WHERE ${asText} LIKE $1`, [
        `%${value}%`
      ])
      if (rows[0].n > 0) found.push(`${what} in ${table}.${column}`)
    }
  }
  t.same(
    found.sort(),
    ['contact', 'email', 'familyName', 'givenName', 'phone', 'reason', 'street'].map(
      (w) => `${w} in referrals.details`
    ),
    'only the referral record holds her; the INSZ nowhere in clear'
  )

  const redis = new Redis(ctx.config.REDIS_URL)
  t.teardown(() => redis.disconnect())
  let stored = ''
  let cursor = '0'
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${ctx.config.REDIS_PREFIX}:*`, 'COUNT', 500)
    cursor = next
    for (const key of keys) {
      const type = await redis.type(key)
      if (type === 'string') stored += await redis.get(key)
      else if (type === 'hash') stored += JSON.stringify(await redis.hgetall(key))
      else if (type === 'list') stored += JSON.stringify(await redis.lrange(key, 0, -1))
      else if (type === 'zset') stored += JSON.stringify(await redis.zrange(key, 0, -1))
    }
  } while (cursor !== '0')
  t.ok(stored.length > 0, 'there are jobs in Redis')
  const logged = lines.join('')
  for (const [what, value] of Object.entries(PERSONAL)) {
    t.notOk(stored.includes(value), `${what} not in Redis`)
    t.notOk(logged.includes(value), `${what} not in the logs`)
    t.notOk(
      receiver.received.some((r) => r.body.includes(value)),
      `${what} not in a webhook`
    )
  }
})
