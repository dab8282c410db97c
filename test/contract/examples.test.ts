import t from 'tap'
import { readFile } from 'node:fs/promises'
import { Ajv2020 } from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'
import { CONTRACT_PATH } from '../../src/contract/conformance.ts'
import { testContext } from '../helpers/context.ts'
import { today } from '../helpers/referrals.ts'

/**
 * Every request body in the contract has an example, and the server accepts each (2xx), posted in
 * the order a real referral goes. Two things are changed, and only these: ids, which name records
 * this test made, and dates. The examples are dated around EXAMPLE_DAY and the rules weigh dates
 * against today (a due date ahead, a consent in the past), so every date moves by the days between
 * EXAMPLE_DAY and today, keeping its distance; the mother's birth date stays, as her INSZ encodes it.
 */
type Json = Record<string, unknown>
const EXAMPLE_DAY = '2026-06-01'
const DAY_MS = 86_400_000
const shiftDays = Math.round((Date.parse(today()) - Date.parse(EXAMPLE_DAY)) / DAY_MS)

function atToday(value: unknown, path = ''): unknown {
  if (Array.isArray(value)) return value.map((v) => atToday(v, path))
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, atToday(v, `${path}/${k}`)]))
  }
  if (typeof value !== 'string' || path === '/mother/birthDate') return value
  if (/^\d{4}-\d{2}-\d{2}$/.test(value))
    return new Date(Date.parse(value) + shiftDays * DAY_MS).toISOString().slice(0, 10)
  if (/^\d{4}-\d{2}-\d{2}T/.test(value)) return new Date(Date.parse(value) + shiftDays * DAY_MS).toISOString()
  return value
}

const spec = JSON.parse(await readFile(CONTRACT_PATH, 'utf8'))
const operations = Object.entries<Record<string, { requestBody?: { content: Record<string, { example?: unknown }> } }>>(
  spec.paths
).flatMap(([path, item]) =>
  Object.entries(item)
    .filter(([, op]) => op.requestBody !== undefined)
    .map(([method, op]) => ({
      key: `${method.toUpperCase()} ${path}`,
      example: op.requestBody?.content['application/json']?.example
    }))
)
const exampleOf = (key: string) => {
  const found = operations.find((o) => o.key === key)
  if (found?.example === undefined) throw new Error(`${key} has no example`)
  return atToday(found.example) as Record<string, unknown>
}

const ctx = await testContext(t, { WEBHOOK_ALLOWED_HOSTS: 'epd.azsm.example.be' })
const programme = await ctx.party('programme')
const ocmw = await ctx.party('ocmw')
const housing = await ctx.party('housing')
const posted = new Set<string>()
const operator = { headers: ctx.admin }

async function post(
  who: { headers: object },
  key: string,
  url: string,
  body: object,
  version?: number
): Promise<Record<string, unknown> & { id: string; version: number }> {
  const [method] = key.split(' ') as ['POST' | 'PATCH' | 'PUT']
  const res = await ctx.send(who, method, url, body, version)
  t.ok(
    res.statusCode >= 200 && res.statusCode < 300,
    `${key}: ${res.statusCode} ${res.statusCode >= 300 ? res.body : ''}`
  )
  posted.add(key)
  return res.json()
}

t.test('every request body has an example', async (t) => {
  t.ok(operations.length >= 14)
  for (const { key, example } of operations) t.ok(example !== undefined, `${key} has an example`)
})

t.test('the server accepts every example, in the order of a referral', async (t) => {
  const organisation = await post(
    operator,
    'POST /admin/organisations',
    '/admin/organisations',
    exampleOf('POST /admin/organisations')
  )
  const client = await post(
    operator,
    'POST /admin/organisations/{organisationId}/clients',
    `/admin/organisations/${organisation.id}/clients`,
    exampleOf('POST /admin/organisations/{organisationId}/clients')
  )
  const hospital = { headers: { authorization: `Bearer ${String(client.key)}` } }
  await post(
    operator,
    'PATCH /admin/organisations/{organisationId}',
    `/admin/organisations/${programme.organisationId}`,
    exampleOf('PATCH /admin/organisations/{organisationId}'),
    1
  )

  let referral = await post(hospital, 'POST /referrals', '/referrals', exampleOf('POST /referrals'))
  const at = `/referrals/${referral.id}`
  referral = await post(
    hospital,
    'PATCH /referrals/{referralId}',
    at,
    exampleOf('PATCH /referrals/{referralId}'),
    referral.version
  )
  const workersAt = `/organisations/${programme.organisationId}/workers`
  const worker = await post(
    programme,
    'POST /organisations/{organisationId}/workers',
    workersAt,
    exampleOf('POST /organisations/{organisationId}/workers')
  )
  await post(
    programme,
    'PATCH /organisations/{organisationId}/workers/{workerId}',
    `${workersAt}/${worker.id}`,
    exampleOf('PATCH /organisations/{organisationId}/workers/{workerId}'),
    worker.version
  )
  referral = await post(
    programme,
    'POST /referrals/{referralId}/transitions',
    `${at}/transitions`,
    { ...exampleOf('POST /referrals/{referralId}/transitions'), assignedWorkerId: worker.id },
    referral.version
  )
  referral = await post(
    programme,
    'PUT /referrals/{referralId}/assignment',
    `${at}/assignment`,
    { ...exampleOf('PUT /referrals/{referralId}/assignment'), workerId: programme.workerId },
    referral.version
  )
  await post(
    programme,
    'PUT /referrals/{referralId}/assessments/{phase}',
    `${at}/assessments/start`,
    exampleOf('PUT /referrals/{referralId}/assessments/{phase}')
  )
  await post(
    programme,
    'PATCH /referrals/{referralId}/assessments/{phase}',
    `${at}/assessments/start`,
    exampleOf('PATCH /referrals/{referralId}/assessments/{phase}'),
    1
  )
  await post(
    programme,
    'PATCH /referrals/{referralId}/screening',
    `${at}/screening`,
    exampleOf('PATCH /referrals/{referralId}/screening'),
    0
  )
  const session = await post(programme, 'POST /group-sessions', '/group-sessions', {
    ...exampleOf('POST /group-sessions'),
    facilitatorWorkerId: programme.workerId
  })
  await post(
    programme,
    'PUT /group-sessions/{sessionId}/attendance',
    `/group-sessions/${session.id}/attendance`,
    { ...exampleOf('PUT /group-sessions/{sessionId}/attendance'), referralIds: [referral.id] },
    session.version
  )
  await post(
    programme,
    'PATCH /group-sessions/{sessionId}',
    `/group-sessions/${session.id}`,
    exampleOf('PATCH /group-sessions/{sessionId}'),
    session.version + 1
  )

  const handoffKey = 'POST /referrals/{referralId}/handoffs'
  const income = await post(programme, handoffKey, `${at}/handoffs`, {
    ...exampleOf(handoffKey),
    toOrganisationId: ocmw.organisationId
  })
  await post(
    ocmw,
    'POST /handoffs/{handoffId}/transitions',
    `/handoffs/${income.id}/transitions`,
    exampleOf('POST /handoffs/{handoffId}/transitions'),
    income.version
  )

  // Housing priority is decided once the housing company took the handoff on (not examples: setup).
  let priority = (
    await ctx.send(programme, 'POST', `${at}/handoffs`, {
      type: 'housing_priority',
      toOrganisationId: housing.organisationId,
      reason: 'Dakloos na de bevalling'
    })
  ).json()
  for (const status of ['received', 'accepted']) {
    priority = (
      await ctx.send(housing, 'POST', `/handoffs/${priority.id}/transitions`, { status }, priority.version)
    ).json()
  }
  await post(
    housing,
    'POST /handoffs/{handoffId}/housing-decision',
    `/handoffs/${priority.id}/housing-decision`,
    exampleOf('POST /handoffs/{handoffId}/housing-decision')
  )

  const webhook = await post(hospital, 'POST /webhooks', '/webhooks', exampleOf('POST /webhooks'))
  await post(
    hospital,
    'PATCH /webhooks/{webhookId}',
    `/webhooks/${webhook.id}`,
    exampleOf('PATCH /webhooks/{webhookId}'),
    webhook.version
  )
  await post(
    hospital,
    'POST /webhooks/{webhookId}/deliveries/redeliver',
    `/webhooks/${webhook.id}/deliveries/redeliver`,
    exampleOf('POST /webhooks/{webhookId}/deliveries/redeliver')
  )

  const current = (await ctx.send(programme, 'GET', at)).json()
  await post(
    programme,
    'PUT /referrals/{referralId}/consent',
    `${at}/consent`,
    exampleOf('PUT /referrals/{referralId}/consent'),
    current.version
  )
  await post(
    programme,
    'POST /referrals/{referralId}/consent/withdrawal',
    `${at}/consent/withdrawal`,
    exampleOf('POST /referrals/{referralId}/consent/withdrawal')
  )
  // Erasure is of a closed referral: a second one (another reference, no INSZ), rejected.
  const second = exampleOf('POST /referrals') as { mother: Record<string, unknown> }
  const closed = (
    await ctx.send(hospital, 'POST', '/referrals', {
      ...second,
      externalReference: 'EPD-erasure',
      mother: { ...second.mother, insz: undefined, inszAbsentReason: 'unknown' }
    })
  ).json()
  const rejected = await ctx.send(
    programme,
    'POST',
    `/referrals/${closed.id}/transitions`,
    { status: 'rejected', reasonCode: 'not_eligible' },
    closed.version
  )
  t.equal(rejected.statusCode, 200, rejected.body)
  await post(
    operator,
    'POST /admin/referrals/{referralId}/erasure',
    `/admin/referrals/${closed.id}/erasure`,
    exampleOf('POST /admin/referrals/{referralId}/erasure')
  )
  t.same([...posted].sort(), operations.map((o) => o.key).sort(), 'every example was posted')
})

t.test('every answer with a body has an example, and each validates against its schema', async (t) => {
  const ajv = new Ajv2020({ strict: false, allErrors: true })
  addFormats.default(ajv)
  ajv.addSchema(spec, 'contract.json')
  let checked = 0
  for (const [path, item] of Object.entries<Record<string, { responses: Record<string, Json> }>>(spec.paths)) {
    for (const [method, op] of Object.entries(item)) {
      for (const [status, response] of Object.entries(op.responses)) {
        const media = (response.content ?? {}) as Record<string, { schema: Json; example?: unknown }>
        if (!status.startsWith('2')) continue
        for (const [type, { schema, example }] of Object.entries(media)) {
          const what = `${method.toUpperCase()} ${path} ${status} ${type}`
          t.ok(example !== undefined, `${what} has an example`)
          if (!type.includes('json')) continue
          const validate = ajv.compile(JSON.parse(JSON.stringify(schema).replaceAll('"#/', '"contract.json#/')))
          t.ok(validate(example), `${what}: ${ajv.errorsText(validate.errors)}`)
          checked++
        }
      }
    }
  }
  t.ok(checked >= 35, `${checked} JSON examples checked`)
})
