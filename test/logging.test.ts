import t from 'tap'
import pino from 'pino'
import { Writable } from 'node:stream'
import { loggerOptions, redactPersonal } from '../src/logging.ts'

function capture() {
  const lines: string[] = []
  const logger = pino(
    loggerOptions('trace'),
    new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk))
        done()
      }
    })
  )
  return { logger, lines: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) }
}

t.test('personal fields are censored at any depth, in arrays, and in bindings', async (t) => {
  const { logger, lines } = capture()
  const deep = { a: { b: { c: { d: { e: { phone: '+32 499 00 00 00' } } } } } }
  logger.child({ reqId: 'r-1', referral: { mother: { givenName: 'Zohrabelle' } } }).info(
    {
      referral: { mother: { givenName: 'Zohrabelle' }, urgency: 'routine' },
      deep,
      people: [{ insz: '85073003328' }],
      authorization: 'Bearer x'
    },
    'logged'
  )
  const [line] = lines()
  t.match(line, {
    reqId: 'r-1',
    referral: { mother: '[redacted]', urgency: 'routine' },
    deep: { a: { b: { c: { d: { e: { phone: '[redacted]' } } } } } },
    people: [{ insz: '[redacted]' }],
    authorization: '[redacted]',
    msg: 'logged'
  })
  const text = JSON.stringify(line)
  for (const secret of ['Zohrabelle', '+32 499', '85073003328', 'Bearer x'])
    t.notOk(text.includes(secret), `no ${secret}`)
})

t.test('an error is serialized, then censored like the rest', async (t) => {
  const { logger, lines } = capture()
  const err = Object.assign(new Error('boom'), { body: { mother: 'x' }, code: 'E_X' })
  logger.error({ err }, 'failed')
  t.match(lines()[0], { err: { type: 'Error', message: 'boom', code: 'E_X', body: '[redacted]', stack: /boom/ } })
})

t.test('dates stay dates, cycles and depth are bounded, the original is not changed', async (t) => {
  const cyclic: Record<string, unknown> = { name: 'Zohrabelle', at: new Date(0) }
  cyclic.self = cyclic
  t.same(redactPersonal(cyclic), { name: '[redacted]', at: new Date(0), self: '[circular]' })
  t.equal(cyclic.name, 'Zohrabelle', 'the logged object itself is left as it was')
  let nested: unknown = 'bottom'
  for (let i = 0; i < 20; i++) nested = { next: nested }
  t.match(JSON.stringify(redactPersonal(nested)), /"\[too deep\]"/)
  const shared = { phone: '1' }
  t.same(
    redactPersonal({ a: shared, b: shared }),
    { a: { phone: '[redacted]' }, b: { phone: '[redacted]' } },
    'a value seen twice (not a cycle) is written twice'
  )
})
