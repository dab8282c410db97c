/**
 * One autocannon run, in its own process so the load generator never shares a core's event loop
 * with the server: warm-up, then the measured run; prints a JSON summary on stdout.
 */
import autocannon from 'autocannon'
import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'

interface Spec {
  url: string
  connections: number
  seconds: number
  warmupSeconds: number
  method: 'GET' | 'POST'
  /** Paths to cycle through (ids or cursors already filled in). */
  paths?: string[]
  pathsFile?: string
  headers: Record<string, string>
  /** `referral`: a fresh valid referral body per request; `transition`: the next id from pathsFile. */
  body?: 'referral' | 'transition' | 'anchor'
  ifMatch?: string
}

const spec = JSON.parse(process.argv[2] as string) as Spec
const paths = spec.paths ?? (JSON.parse(readFileSync(spec.pathsFile as string, 'utf8')) as string[])
let next = 0

function referral(): string {
  const today = new Date()
  const due = new Date(today.getTime() + 90 * 86_400_000).toISOString().slice(0, 10)
  return JSON.stringify({
    externalReference: `BENCH-${randomUUID()}`,
    mother: {
      givenName: 'Bench',
      familyName: 'Moeder',
      birthDate: '1990-02-02',
      inszAbsentReason: 'unknown',
      phone: '+32 470 00 00 00',
      address: { street: 'Benchstraat', houseNumber: '1', postalCode: '2800', municipality: 'Mechelen' },
      preferredLanguage: 'nl',
      interpreterNeeded: false
    },
    pregnancy: { expectedDeliveryDate: due },
    household: { livesAloneWithChildren: false, numberOfChildren: 1 },
    screening: {
      income: 'vulnerable',
      employment: 'unknown',
      education: 'unknown',
      housing: 'vulnerable',
      childDevelopment: 'unknown',
      health: 'unknown',
      incomeSource: 'none',
      housingSituation: 'overcrowded'
    },
    needs: ['income'],
    reason: 'Benchmark',
    urgency: 'routine',
    consent: {
      givenAt: new Date(today.getTime() - 3600_000).toISOString(),
      recordedBy: 'Bench',
      method: 'verbal',
      sharingScope: ['programme']
    },
    referrerContact: { name: 'Bench' }
  })
}

function run(seconds: number): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: spec.url,
        connections: spec.connections,
        duration: seconds,
        requests: [
          {
            method: spec.method,
            setupRequest: (req) => {
              const path = paths[next++ % paths.length] as string
              const headers: Record<string, string> = { ...spec.headers }
              let body: string | undefined
              if (spec.body === 'referral' || spec.body === 'anchor') {
                body = referral()
                headers['content-type'] = 'application/json'
                headers['idempotency-key'] = randomUUID()
              }
              if (spec.body === 'transition') {
                body = '{"status":"received"}'
                headers['content-type'] = 'application/json'
                headers['if-match'] = '"1"'
              }
              if (spec.ifMatch !== undefined) headers['if-none-match'] = spec.ifMatch
              return { ...req, path, headers, ...(body === undefined ? {} : { body }) }
            }
          }
        ]
      },
      (err, result) => (err ? reject(err) : resolve(result))
    )
  })
}

if (spec.warmupSeconds > 0) await run(spec.warmupSeconds)
const result = await run(spec.seconds)
console.log(
  JSON.stringify({
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    total: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    statusCodes: result.statusCodeStats
  })
)
