import t from 'tap'
import { readFile } from 'node:fs/promises'
import { randomUUID } from 'node:crypto'
import { Ajv2020 } from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'
import { EVENT_TYPES, webhookPayload } from '../../src/domain/events.ts'
import { Type } from 'typebox'
import { checkContract, generateContract } from '../../src/openapi.ts'
import { CONTRACT_PATH } from '../../src/contract/conformance.ts'
import { testContext } from '../helpers/context.ts'

t.test('the served spec equals the committed contract', async (t) => {
  const { app } = await testContext(t)
  const served = await app.inject('/openapi.json')
  t.equal(served.statusCode, 200)
  const committed = await readFile(CONTRACT_PATH, 'utf8')
  t.same(served.json(), JSON.parse(committed))
  t.equal((await app.inject('/docs')).statusCode, 200, '/docs serves the interactive reference')
})

t.test('a route schema changed without regenerating fails the check', async (t) => {
  t.equal(await checkContract(await generateContract()), true, 'unchanged code matches')
  const drifted = await generateContract((app) => {
    app.get(
      '/health/extra',
      {
        config: { accessLog: false },
        schema: { tags: ['health'], operationId: 'extra', summary: 'x', response: { 200: Type.Object({}) } }
      },
      async () => ({})
    )
  })
  t.equal(await checkContract(drifted), false)
})

t.test('every operation has tags, an operationId, a summary and described fields', async (t) => {
  const spec = JSON.parse(await readFile(CONTRACT_PATH, 'utf8'))
  for (const [path, item] of Object.entries<Record<string, Record<string, unknown>>>(spec.paths)) {
    for (const [method, op] of Object.entries(item)) {
      t.ok(Array.isArray(op.tags) && (op.tags as string[]).length > 0, `${method} ${path} tags`)
      t.type(op.operationId, 'string', `${method} ${path} operationId`)
      t.type(op.summary, 'string', `${method} ${path} summary`)
      t.ok(op.security, `${method} ${path} says its security`)
      const description = typeof op.description === 'string' ? op.description : ''
      t.ok(description.split('Requires scope').length <= 2, `${method} ${path} names its scope once`)
      t.notMatch(description, /DESIGN/, `${method} ${path} cites no internal document`)
    }
  }
})

t.test('the webhooks section has each event type, and the payloads the code builds fit it', async (t) => {
  const spec = JSON.parse(await readFile(CONTRACT_PATH, 'utf8'))
  const ajv = new Ajv2020({ strict: false })
  addFormats.default(ajv)
  ajv.addSchema(spec, 'contract.json')
  t.same(Object.keys(spec.webhooks).sort(), [...EVENT_TYPES].sort())
  for (const type of EVENT_TYPES) {
    const operation = spec.webhooks[type].post
    t.same(
      operation.parameters.map((p: { name: string }) => p.name),
      ['webhook-id', 'webhook-timestamp', 'webhook-signature'],
      `${type}: the Standard Webhooks headers`
    )
    const ref = operation.requestBody.content['application/json'].schema.$ref as string
    const validate = ajv.getSchema(`contract.json${ref}`)
    if (validate === undefined) throw new Error(`no schema at ${ref}`)
    const payload = JSON.parse(
      webhookPayload({
        eventId: randomUUID(),
        type,
        occurredAt: new Date().toISOString(),
        referralId: randomUUID(),
        handoffId: type.startsWith('referral') ? null : randomUUID(),
        status: 'accepted',
        reasonCode: 'not_eligible'
      })
    )
    t.ok(validate(payload), `${type}: ${ajv.errorsText(validate.errors)}`)
    t.notOk(validate({ ...payload, type: 'other.type' }), `${type}: the schema fixes the type`)
  }
})
