/**
 * Event committed → signed webhook received, next to a bare BullMQ worker POSTing each job with
 * fetch to the same receiver, at the same rate (issue 8).
 */
import { createServer } from 'node:http'
import { once } from 'node:events'
import { randomBytes, randomUUID } from 'node:crypto'
import type { ChildProcess } from 'node:child_process'
import pg from 'pg'
import { Queue, Worker } from 'bullmq'
import { Redis } from 'ioredis'
import type { IdentifierCipher } from '../../src/crypto/identifier-cipher.ts'

export interface PipelineFigures {
  p50: number
  p90: number
  p99: number
  max: number
  perSecondAtSaturation: number
  coldStartSeconds?: number
}

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? 0
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

export async function webhookCase(opts: {
  url: string
  hospitalId: string
  cipher: IdentifierCipher
  redisUrl: string
  prefix: string
  rate: number
  seconds: number
  startWorker: () => ChildProcess
  log: (m: string) => void
}): Promise<{ real: PipelineFigures; bare: PipelineFigures }> {
  const arrivals = { real: [] as number[], bare: [] as number[] }
  const counts = { real: 0, bare: 0 }
  const receiver = createServer((req, res) => {
    let body = ''
    req.on('data', (c: Buffer) => {
      body += c.toString()
    })
    req.on('end', () => {
      const now = Date.now()
      const parsed = JSON.parse(body)
      if (req.url === '/bare') {
        arrivals.bare.push(now - parsed.t)
        counts.bare++
      } else {
        arrivals.real.push(now - Date.parse(parsed.timestamp))
        counts.real++
      }
      res.writeHead(204).end()
    })
  }).listen(0, '127.0.0.1')
  await once(receiver, 'listening')
  const port = (receiver.address() as { port: number }).port

  const db = new pg.Pool({ connectionString: opts.url, max: 4 })
  const endpointId = randomUUID()
  await db.query(
    'INSERT INTO webhook_endpoints (id, organisation_id, url, event_types, secret_ciphertext) VALUES ($1, $2, $3, $4, $5)',
    [
      endpointId,
      opts.hospitalId,
      `http://127.0.0.1:${port}/real`,
      ['referral.updated'],
      opts.cipher.encrypt(`whsec_${randomBytes(32).toString('base64')}`, endpointId)
    ]
  )
  const insertEvents = (n: number) =>
    db.query(
      "INSERT INTO outbox_events (type, status, audience) SELECT 'referral.updated', 'requested', ARRAY[$1::uuid] FROM generate_series(1, $2)",
      [opts.hospitalId, n]
    )
  const waitFor = async (kind: 'real' | 'bare', n: number, timeoutMs = 60_000) => {
    const until = Date.now() + timeoutMs
    while (counts[kind] < n && Date.now() < until) await sleep(5)
    return counts[kind] >= n
  }

  // The real path: a worker process with its relay, started cold on a backlog first.
  const backlog = 1000
  await insertEvents(backlog)
  const started = Date.now()
  let worker = opts.startWorker()
  await waitFor('real', backlog)
  const coldStartSeconds = (Date.now() - started) / 1000
  opts.log(
    `cold start: ${backlog} events delivered ${coldStartSeconds.toFixed(1)} s after the worker process was started`
  )
  const paced = async (send: () => Promise<unknown>, kind: 'real' | 'bare') => {
    const before = counts[kind]
    arrivals[kind] = []
    const total = opts.rate * opts.seconds
    const t0 = Date.now()
    for (let i = 0; i < total; i++) {
      const due = t0 + (i * 1000) / opts.rate
      if (due > Date.now()) await sleep(due - Date.now())
      void send()
    }
    await waitFor(kind, before + total)
    return [...arrivals[kind]]
  }
  await paced(() => insertEvents(1), 'real') // warm-up
  const realLatencies = await paced(() => insertEvents(1), 'real')
  opts.log(
    `event → webhook latencies (ms): p50 ${percentile(realLatencies, 0.5)}, p90 ${percentile(realLatencies, 0.9)}, p99 ${percentile(realLatencies, 0.99)}, max ${percentile(realLatencies, 1)}`
  )
  const saturation = 3000
  let before = counts.real
  let t = Date.now()
  await insertEvents(saturation)
  await waitFor('real', before + saturation)
  const realPerSecond = saturation / ((Date.now() - t) / 1000)
  worker.kill('SIGTERM')
  await once(worker, 'exit')

  // The bare loop: BullMQ and fetch, nothing else.
  const connection = new Redis(opts.redisUrl, { maxRetriesPerRequest: null })
  const prefix = `${opts.prefix}-bare`
  const queue = new Queue('bare', { connection, prefix, defaultJobOptions: { removeOnComplete: true } })
  const bare = new Worker(
    'bare',
    async (job) => {
      await fetch(`http://127.0.0.1:${port}/bare`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(job.data)
      })
    },
    { connection, prefix, concurrency: 20 }
  )
  await paced(() => queue.add('j', { id: randomUUID(), t: Date.now() }), 'bare') // warm-up
  const bareLatencies = await paced(() => queue.add('j', { id: randomUUID(), t: Date.now() }), 'bare')
  before = counts.bare
  t = Date.now()
  await queue.addBulk(
    Array.from({ length: saturation }, () => ({ name: 'j', data: { id: randomUUID(), t: Date.now() } }))
  )
  await waitFor('bare', before + saturation)
  const barePerSecond = saturation / ((Date.now() - t) / 1000)
  await bare.close()
  await queue.obliterate({ force: true })
  await queue.close()
  connection.disconnect()
  await db.end()
  receiver.close()
  worker = undefined as never
  return {
    real: {
      p50: percentile(realLatencies, 0.5),
      p90: percentile(realLatencies, 0.9),
      p99: percentile(realLatencies, 0.99),
      max: percentile(realLatencies, 1),
      perSecondAtSaturation: realPerSecond,
      coldStartSeconds
    },
    bare: {
      p50: percentile(bareLatencies, 0.5),
      p90: percentile(bareLatencies, 0.9),
      p99: percentile(bareLatencies, 0.99),
      max: percentile(bareLatencies, 1),
      perSecondAtSaturation: barePerSecond
    }
  }
}
