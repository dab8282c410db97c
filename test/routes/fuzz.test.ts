import t from 'tap'
import fc from 'fast-check'
import { readFile } from 'node:fs/promises'
import { encodeCursor } from '../../src/domain/cursor.ts'
import { CONTRACT_PATH } from '../../src/contract/conformance.ts'
import { testContext } from '../helpers/context.ts'
import { referralBody, today } from '../helpers/referrals.ts'

/**
 * No input gets a 5xx: every operation of the contract is driven with the classes of input a security
 * review broke the service with (control characters, lone surrogates, huge numbers, years 0 and 9999,
 * forged cursors, deep nesting), in its path, its query and its body.
 */
const ctx = await testContext(t, { WEBHOOK_ALLOWED_HOSTS: '127.0.0.1' })
const { app, send } = ctx
const programme = await ctx.party('programme', { serviceArea: ['2800'] })
const hospital = await ctx.party('hospital')
const housing = await ctx.party('housing')
const operator = { headers: ctx.admin }
const referral = (await send(hospital, 'POST', '/referrals', referralBody())).json()
await send(programme, 'POST', `/referrals/${referral.id}/transitions`, { status: 'accepted', track: 'opkomst' }, 1)
const handoff = (
  await send(programme, 'POST', `/referrals/${referral.id}/handoffs`, {
    type: 'housing_priority',
    toOrganisationId: housing.organisationId,
    reason: 'x'
  })
).json()
const session = (
  await send(programme, 'POST', '/group-sessions', {
    heldOn: today(),
    theme: 'meeting',
    track: 'opkomst',
    place: 'x',
    facilitatorWorkerId: programme.workerId
  })
).json()
const webhook = (
  await send(hospital, 'POST', '/webhooks', { url: 'http://127.0.0.1:9/h', eventTypes: ['referral.created'] })
).json()
const ids: Record<string, string> = {
  referralId: referral.id,
  handoffId: handoff.id,
  sessionId: session.id,
  webhookId: webhook.id,
  organisationId: hospital.organisationId,
  clientId: hospital.clientId,
  deliveryId: '3f2b8c1e-6a9d-4e57-9c1b-0f3a2d4e5b6c',
  phase: 'start'
}

const NASTY: unknown[] = [
  '\u0000',
  'a\u0000b',
  '\uD800',
  'x\uDC00y',
  '\u202Eevil',
  '\u200B',
  '',
  ' ',
  'a'.repeat(5000),
  '0000-01-01T00:00:00Z',
  '9999-12-31T23:59:59Z',
  '0000-01-01',
  '9999-12-31',
  '2026-02-30',
  '2026-13-01T00:00:00Z',
  encodeCursor(['0000-01-01 00:00:00+00', referral.id]),
  encodeCursor([1e308, -1]),
  encodeCursor(['x', 'y']),
  encodeCursor(['99999999999999999999999', 1]),
  encodeCursor([-1]),
  encodeCursor([1.5]),
  'not-base64!',
  '%00',
  1e308,
  -1,
  0,
  1.5,
  Number.MAX_SAFE_INTEGER + 2,
  true,
  null,
  [],
  {},
  [[[[[[[[[[1]]]]]]]]]],
  { __proto__: { x: 1 } },
  '3f2b8c1e-6a9d-4e57-9c1b-0f3a2d4e5b6c',
  "'; DROP TABLE referrals; --"
]

/** Known-good bodies, one leaf of which each run spoils; other operations get arbitrary JSON. */
const GOOD: Record<string, object> = {
  'post /referrals': referralBody(),
  'patch /referrals/{referralId}': { urgency: 'urgent', needs: ['income'] },
  'post /referrals/{referralId}/transitions': { status: 'in-progress', firstContactOn: today() },
  'put /referrals/{referralId}/assessments/{phase}': { assessedOn: today(), scores: { income: 2 } },
  'post /group-sessions': {
    heldOn: today(),
    theme: 'meeting',
    track: 'opkomst',
    place: 'x',
    facilitatorWorkerId: programme.workerId
  },
  'patch /group-sessions/{sessionId}': { heldOn: today(), title: 'x' },
  'put /group-sessions/{sessionId}/attendance': { referralIds: [referral.id] },
  'post /referrals/{referralId}/handoffs': {
    type: 'income_support',
    toOrganisationId: housing.organisationId,
    reason: 'x',
    dueBy: today()
  },
  'post /handoffs/{handoffId}/transitions': { status: 'received' },
  'post /handoffs/{handoffId}/housing-decision': { decision: 'granted', validUntil: '2027-01-01T00:00:00Z' },
  'post /referrals/{referralId}/consent/withdrawal': { withdrawnAt: new Date().toISOString(), recordedBy: 'x' },
  'post /webhooks': { url: 'http://127.0.0.1:9/h', eventTypes: ['referral.created'] },
  'patch /webhooks/{webhookId}': { description: 'x' },
  'post /admin/organisations': { name: 'Fuzz', type: 'hospital' },
  'post /admin/organisations/{organisationId}/clients': { name: 'x', scopes: ['referrals:read'] }
}

function leaves(value: unknown, path: string[] = []): string[][] {
  if (value === null || typeof value !== 'object') return [path]
  return Object.entries(value).flatMap(([k, v]) => leaves(v, [...path, k]))
}
function spoil(body: object, path: string[], bad: unknown): object {
  const copy = structuredClone(body) as Record<string, unknown>
  let node = copy
  for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>
  node[path.at(-1) as string] = bad
  return copy
}

interface Operation {
  method: string
  path: string
  query: string[]
}
const spec = JSON.parse(await readFile(CONTRACT_PATH, 'utf8'))
const operations: Operation[] = Object.entries<Record<string, { parameters?: Array<{ in: string; name: string }> }>>(
  spec.paths
).flatMap(([path, item]) =>
  Object.entries(item).map(([method, op]) => ({
    method,
    path,
    query: (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name)
  }))
)
const nasty = fc.constantFrom(...NASTY)
const asText = (v: unknown) => (typeof v === 'string' ? v : (JSON.stringify(v) ?? ''))
/** Percent-encoded; a lone surrogate, which UTF-8 cannot carry, as the bytes of one (invalid UTF-8). */
const enc = (s: string) => {
  try {
    return encodeURIComponent(s)
  } catch {
    return '%ED%A0%80'
  }
}

t.test('no operation answers 5xx to hostile input', async (t) => {
  let runs = 0
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom(...operations),
      fc.constantFrom(hospital, programme, housing, operator),
      fc.boolean(),
      nasty,
      fc.array(fc.tuple(fc.nat(), nasty), { maxLength: 3 }),
      fc.nat(),
      fc.oneof(nasty, fc.jsonValue({ maxDepth: 4 })),
      async (op, who, spoilPath, pathValue, queryValues, leafIndex, bad) => {
        runs++
        const url =
          op.path.replace(/\{(\w+)\}/g, (_m, name: string) =>
            spoilPath && name === 'referralId' ? enc(asText(pathValue)) : (ids[name] ?? 'x')
          ) +
          (queryValues.length === 0 || op.query.length === 0
            ? ''
            : `?${queryValues.map(([i, v]) => `${op.query[i % op.query.length]}=${enc(asText(v))}`).join('&')}`)
        const good = GOOD[`${op.method} ${op.path}`]
        const targets = good === undefined ? [] : leaves(good)
        const body =
          op.method === 'get' || op.method === 'delete'
            ? undefined
            : good === undefined
              ? bad
              : spoil(good, targets[leafIndex % targets.length] as string[], bad)
        const res = await app.inject({
          method: op.method.toUpperCase() as 'GET',
          url,
          headers: { ...who.headers, 'content-type': 'application/json', 'if-match': '"1"' },
          ...(body === undefined ? {} : { payload: JSON.stringify(body) ?? 'null' })
        })
        if (res.statusCode >= 500)
          throw new Error(
            `${op.method} ${url} → ${res.statusCode} ${res.body.slice(0, 300)} body ${JSON.stringify(body)?.slice(0, 300)}`
          )
      }
    ),
    { numRuns: 600, seed: Number(process.env.FUZZ_SEED ?? 20261201) }
  )
  t.ok(runs >= 600, `${runs} hostile requests, none answered 5xx`)
})
