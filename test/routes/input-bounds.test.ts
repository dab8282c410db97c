import t from 'tap'
import { readFile } from 'node:fs/promises'
import { CONTRACT_PATH } from '../../src/contract/conformance.ts'
import { jsonDepth, MAX_JSON_DEPTH } from '../../src/plugins/input-bounds.ts'
import { testContext } from '../helpers/context.ts'
import { referralBody } from '../helpers/referrals.ts'

type Schema = Record<string, unknown> & {
  type?: string
  $ref?: string
  properties?: Record<string, Schema>
  items?: Schema
  anyOf?: Schema[]
}

/** Every array without `maxItems` and every free string without `maxLength` in a request schema. */
function unbounded(schema: Schema, resolve: (ref: string) => Schema, path: string, seen = new Set<string>()): string[] {
  if (schema.$ref !== undefined)
    return seen.has(schema.$ref) ? [] : unbounded(resolve(schema.$ref), resolve, path, new Set([...seen, schema.$ref]))
  const found: string[] = []
  if (schema.type === 'array' && schema.maxItems === undefined) found.push(`${path} (array without maxItems)`)
  if (
    schema.type === 'string' &&
    schema.maxLength === undefined &&
    schema.enum === undefined &&
    schema.const === undefined
  ) {
    found.push(`${path} (string without maxLength)`)
  }
  for (const [key, property] of Object.entries(schema.properties ?? {}))
    found.push(...unbounded(property, resolve, `${path}/${key}`, seen))
  if (schema.items !== undefined) found.push(...unbounded(schema.items, resolve, `${path}/0`, seen))
  for (const variant of schema.anyOf ?? []) found.push(...unbounded(variant, resolve, path, seen))
  return found
}

t.test('every array and every string a caller sends has a bound in the contract', async (t) => {
  const spec = JSON.parse(await readFile(CONTRACT_PATH, 'utf8'))
  const resolve = (ref: string) =>
    ref
      .split('/')
      .slice(1)
      .reduce((node, key) => node[key], spec)
  const found: string[] = []
  type Operation = {
    requestBody?: { content?: Record<string, { schema: Schema }> }
    parameters?: Array<{ in: string; name: string; schema: Schema }>
  }
  for (const [path, item] of Object.entries<Record<string, Operation>>(spec.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const body = op.requestBody?.content?.['application/json']?.schema
      if (body !== undefined) found.push(...unbounded(body, resolve, `${method} ${path} body`))
      for (const p of op.parameters ?? [])
        found.push(...unbounded(p.schema, resolve, `${method} ${path} ${p.in} ${p.name}`))
    }
  }
  t.same(found, [])
})

t.test('the nesting of a JSON text is read in one pass, strings skipped', async (t) => {
  t.equal(jsonDepth('{"a":[1,{"b":"[[[["}]}'), 3)
  t.equal(jsonDepth('"\\"[["'), 0, 'escaped quotes stay inside the string')
  t.equal(jsonDepth('['.repeat(20_000)), MAX_JSON_DEPTH + 1, 'counting stops past the limit')
})

t.test('32,000 duplicate items and 20,000-deep arrays: 4xx fast, and the process stays responsive', async (t) => {
  // A larger body limit than the default, so that the long arrays reach the validator.
  const ctx = await testContext(t, { WEBHOOK_ALLOWED_HOSTS: '127.0.0.1', BODY_LIMIT: 2_000_000 })
  const hospital = await ctx.party('hospital')
  await ctx.party('programme', { serviceArea: ['2800'] })
  const created = (await ctx.send(hospital, 'POST', '/referrals', referralBody())).json()
  const hook = await ctx.send(hospital, 'POST', '/webhooks', {
    url: 'http://127.0.0.1:9/hook',
    eventTypes: ['referral.created']
  })
  const organisation = (
    await ctx.send({ headers: ctx.admin }, 'POST', '/admin/organisations', { name: 'Bounds', type: 'programme' })
  ).json()
  // Bodies as text: the deep array is more than JSON.stringify (or JSON.parse) nests safely.
  const BAD = '"@bad@"'
  const many = (item: unknown) => JSON.stringify(Array.from({ length: 32_000 }, () => item))
  const deep = `${'['.repeat(20_000)}${']'.repeat(20_000)}`
  const referral = referralBody()
  const cases: Array<{
    who: { headers: object }
    method: 'POST' | 'PATCH'
    url: string
    body: (bad: unknown) => object
    version?: number
    field: string
  }> = [
    {
      who: hospital,
      method: 'POST',
      url: '/referrals',
      field: '/consent/sharingScope',
      body: (bad) => ({ ...referral, consent: { ...referral.consent, sharingScope: bad } })
    },
    { who: hospital, method: 'POST', url: '/referrals', field: '/needs', body: (bad) => ({ ...referral, needs: bad }) },
    {
      who: hospital,
      method: 'PATCH',
      url: `/referrals/${created.id}`,
      field: '/needs',
      body: (bad) => ({ needs: bad }),
      version: 1
    },
    {
      who: hospital,
      method: 'POST',
      url: '/webhooks',
      field: '/eventTypes',
      body: (bad) => ({ url: 'http://127.0.0.1:9/h', eventTypes: bad })
    },
    {
      who: hospital,
      method: 'PATCH',
      url: `/webhooks/${hook.json().id}`,
      field: '/eventTypes',
      body: (bad) => ({ eventTypes: bad }),
      version: 1
    },
    {
      who: { headers: ctx.admin },
      method: 'POST',
      url: '/admin/organisations',
      field: '/serviceArea',
      body: (bad) => ({ name: 'X', type: 'programme', serviceArea: bad })
    },
    {
      who: { headers: ctx.admin },
      method: 'POST',
      url: `/admin/organisations/${organisation.id}/clients`,
      field: '/scopes',
      body: (bad) => ({ name: 'X', scopes: bad })
    }
  ]
  const items: Record<string, unknown> = {
    '/consent/sharingScope': 'ocmw',
    '/needs': 'income',
    '/eventTypes': 'referral.created',
    '/serviceArea': '2800',
    '/scopes': 'referrals:read'
  }
  for (const c of cases) {
    const text = JSON.stringify(c.body(JSON.parse(BAD)))
    const duplicates = text.replace(BAD, many(items[c.field]))
    const nested = text.replace(BAD, deep)
    const slowest = { ms: 0 }
    let running = true
    // A liveness check every 20 ms: how long past its time each one answered is how long the loop was held.
    const probe = (async () => {
      while (running) {
        const due = Date.now() + 20
        await new Promise((resolve) => setTimeout(resolve, 20))
        const live = await ctx.app.inject('/health/live')
        slowest.ms = Math.max(slowest.ms, Date.now() - due)
        if (live.statusCode !== 200) throw new Error('liveness failed')
      }
    })()
    const answers = await Promise.all(
      [duplicates, nested].map((body) =>
        ctx.app.inject({
          method: c.method,
          url: c.url,
          headers: {
            ...c.who.headers,
            'content-type': 'application/json',
            ...(c.version === undefined ? {} : { 'if-match': `"${c.version}"` })
          },
          payload: body
        })
      )
    )
    running = false
    await probe
    const [dup, deepAnswer] = answers as [
      Awaited<ReturnType<typeof ctx.app.inject>>,
      Awaited<ReturnType<typeof ctx.app.inject>>
    ]
    t.equal(dup.statusCode, 422, `${c.method} ${c.url} ${c.field}: 32,000 duplicates`)
    t.match(dup.json().errors, [{ pointer: c.field, message: /more than \d+ items/ }], 'names the field')
    t.equal(deepAnswer.statusCode, 400, `${c.method} ${c.url}: 20,000-deep array`)
    t.ok(slowest.ms < 1000, `/health/live answered within 1 s meanwhile (${slowest.ms} ms)`)
  }
})

t.test('every special address form and any port but 443 is refused as a webhook URL with 422', async (t) => {
  const ctx = await testContext(t)
  const hospital = await ctx.party('hospital')
  const urls = [
    'https://[::7f00:1]/h',
    'https://[::a9fe:a9fe]/h',
    'https://[2002:7f00:1::]/h',
    'https://[64:ff9b:1::a9fe:a9fe]/h',
    'https://[100::1]/h',
    'https://[2001::1]/h',
    'https://8.8.8.8:22/h',
    'https://8.8.8.8:6379/h',
    'http://127.0.0.1:9/h'
  ]
  for (const url of urls) {
    const res = await ctx.send(hospital, 'POST', '/webhooks', { url, eventTypes: ['referral.created'] })
    t.equal(res.statusCode, 422, url)
    t.match(res.json().errors, [{ pointer: '/url' }])
  }
})

t.test('NUL characters, lone surrogates and impossible years are refused naming the field, never 500', async (t) => {
  const ctx = await testContext(t)
  const hospital = await ctx.party('hospital')
  await ctx.party('programme', { serviceArea: ['2800'] })
  const body = referralBody()
  for (const [field, value] of [
    ['givenName', 'Sam\u0000ira'],
    ['familyName', 'Test\uD800moeder']
  ] as const) {
    const res = await ctx.send(hospital, 'POST', '/referrals', { ...body, mother: { ...body.mother, [field]: value } })
    t.equal(res.statusCode, 422, field)
    t.match(res.json().errors, [{ pointer: `/mother/${field}` }])
  }
  const year0 = await ctx.send(hospital, 'POST', '/referrals', {
    ...body,
    consent: { ...body.consent, givenAt: '0000-01-01T00:00:00Z' }
  })
  t.match(year0.json(), { status: 422, errors: [{ pointer: '/consent/givenAt' }] })
  for (const query of [
    'updatedSince=0000-01-01T00:00:00Z',
    'updatedSince=9999-12-31T00:00:00Z',
    'cursor=WyJ4IiwieSJd'
  ]) {
    t.equal((await ctx.send(hospital, 'GET', `/referrals?${query}`)).statusCode, 400, query)
  }
})

t.test('plausible dates: no assessment before guidance, no far-off due date, names stored as NFC', async (t) => {
  const ctx = await testContext(t)
  const hospital = await ctx.party('hospital')
  const programme = await ctx.party('programme', { serviceArea: ['2800'] })
  const ocmw = await ctx.party('ocmw')
  const body = referralBody()
  const created = await ctx.send(hospital, 'POST', '/referrals', {
    ...body,
    mother: { ...body.mother, givenName: 'Zoe\u0308' }
  })
  t.equal(created.json().mother.givenName, 'Zoë', 'stored and answered as NFC')
  const id = created.json().id
  const early = await ctx.send(programme, 'PUT', `/referrals/${id}/assessments/start`, {
    assessedOn: '1900-01-01',
    scores: { income: 1 }
  })
  t.match(early.json(), { status: 422, errors: [{ pointer: '/assessedOn', message: /not in guidance/ }] })
  await ctx.send(programme, 'POST', `/referrals/${id}/transitions`, { status: 'accepted', track: 'opkomst' }, 1)
  const session = await ctx.send(programme, 'POST', '/group-sessions', {
    heldOn: '2019-06-01',
    theme: 'meeting',
    track: 'opkomst',
    place: 'Huis van het Kind',
    facilitatorWorkerId: programme.workerId
  })
  const attended = await ctx.send(
    programme,
    'PUT',
    `/group-sessions/${session.json().id}/attendance`,
    { referralIds: [id] },
    1
  )
  t.match(attended.json(), { status: 422, errors: [{ pointer: '/referralIds/0', message: /after the session/ }] })
  const far = await ctx.send(programme, 'POST', `/referrals/${id}/handoffs`, {
    type: 'income_support',
    toOrganisationId: ocmw.organisationId,
    reason: 'x',
    dueBy: '9999-12-31'
  })
  t.match(far.json(), { status: 422, errors: [{ pointer: '/dueBy' }] })
})
