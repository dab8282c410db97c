import t from 'tap'
import { createServer } from 'node:http'
import { once } from 'node:events'
import { NoAnswerInTime, postOnce } from '../../workers/post-webhook.ts'
import { startReceiver } from '../helpers/receiver.ts'

// The worker's one POST per attempt, against real HTTP servers on 127.0.0.1.

t.test('answers the status and Retry-After, sends the body with its length', async (t) => {
  const rx = await startReceiver(t, () => ({ status: 429, headers: { 'retry-after': '7' } }))
  const answer = await postOnce(rx.url, { 'content-type': 'application/json' }, '{"é":1}', 2000)
  t.same(answer, { status: 429, retryAfter: '7' })
  t.equal(rx.received[0]!.body, '{"é":1}')
  t.equal(rx.received[0]!.headers['content-length'], String(Buffer.byteLength('{"é":1}')))
})

t.test('a redirect is the answer: recorded, never followed', async (t) => {
  const elsewhere = await startReceiver(t)
  const rx = await startReceiver(t, () => ({ status: 302, headers: { location: elsewhere.url } }))
  const answer = await postOnce(rx.url, {}, '{}', 2000)
  t.equal(answer.status, 302)
  await new Promise((resolve) => setTimeout(resolve, 100))
  t.equal(elsewhere.received.length, 0)
})

t.test('connects to the pinned address, the one checked, whatever the name resolves to by now', async (t) => {
  const rx = await startReceiver(t)
  const port = new URL(rx.url).port
  await t.rejects(
    postOnce(`http://receiver.invalid:${port}/hook`, {}, '{}', 2000),
    { code: 'ENOTFOUND' },
    'unpinned, the name does not resolve'
  )
  const answer = await postOnce(`http://receiver.invalid:${port}/hook`, {}, '{}', 2000, [
    { address: '127.0.0.1', family: 4 }
  ])
  t.equal(answer.status, 200)
  t.equal(rx.received[0]!.headers.host, `receiver.invalid:${port}`, 'the name still goes in Host (and in TLS, SNI)')
})

t.test('no answer in time fails with NoAnswerInTime; a refused connection fails otherwise', async (t) => {
  const rx = await startReceiver(t, () => 'hang')
  const started = Date.now()
  const late = await postOnce(rx.url, {}, '{}', 300).catch((err: unknown) => err)
  t.ok(late instanceof NoAnswerInTime, String(late))
  t.match((late as Error).message, /no answer within 300 ms/)
  t.ok(Date.now() - started < 2000)
  const closed = createServer().listen(0, '127.0.0.1')
  await once(closed, 'listening')
  const { port } = closed.address() as { port: number }
  closed.close()
  await once(closed, 'close')
  const refused = await postOnce(`http://127.0.0.1:${port}/hook`, {}, '{}', 2000).catch((err: unknown) => err)
  t.notOk(refused instanceof NoAnswerInTime)
  t.match((refused as Error).message, /ECONNREFUSED/)
})

t.test('a body that stalls after the status does not hold the answer', async (t) => {
  const server = createServer((req, res) => {
    req.resume()
    res.writeHead(200, { 'content-length': '100' })
    res.write('x')
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  t.teardown(() => {
    server.closeAllConnections()
    server.close()
  })
  const { port } = server.address() as { port: number }
  const answer = await postOnce(`http://127.0.0.1:${port}/`, {}, '{}', 300)
  t.equal(answer.status, 200)
})

t.test('with several checked addresses, one that does not connect gives way to the next', async (t) => {
  const rx = await startReceiver(t)
  const port = new URL(rx.url).port
  // Nothing listens on IPv6 loopback at this port (the receiver is on 127.0.0.1 only).
  const answer = await postOnce(`http://dual.invalid:${port}/hook`, {}, '{}', 2000, [
    { address: '::1', family: 6 },
    { address: '127.0.0.1', family: 4 }
  ])
  t.equal(answer.status, 200)
  t.equal(rx.received.length, 1)
})
