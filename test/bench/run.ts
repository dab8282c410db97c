/**
 * `npm run bench`: the hot paths next to the bare stack they run on, in one run (issue 8).
 * Creates and drops its own databases; prints a table and writes test/bench/results/latest.json.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { randomBytes, randomUUID } from 'node:crypto'
import { once } from 'node:events'
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs'
import { cpus, totalmem, tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { migrateDatabase } from '../../src/db/migrate.ts'
import { createDb } from '../../src/db/client.ts'
import { ProgrammeDirectory } from '../../src/db/programmes.ts'
import { IdentifierCipher } from '../../src/crypto/identifier-cipher.ts'
import { parseIdentifierKeys } from '../../src/crypto/keys.ts'
import { issueClient, onboardOrganisation } from '../../src/services/organisations.ts'
import { encodeCursor } from '../../src/domain/cursor.ts'
import { webhookCase } from './webhooks.ts'
import { deleteRedisKeys } from '../helpers/context.ts'

const ROOT = new URL('../../', import.meta.url).pathname
const PG = process.env.BENCH_PG_BASE ?? 'postgres://postgres@127.0.0.1:5432'
/** The flags `npm start` gives Node (`node --flag … dist/src/server.js`): what is measured is what runs. */
const startFlags = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { scripts: { start: string } }
).scripts.start
  .split(' ')
  .filter((word) => word.startsWith('--'))
const BIG = Number(process.env.BENCH_REFERRALS ?? 1_000_000)
const SMALL = 10_000
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10)
const WARMUP = 2
const CONNECTIONS = 50
// BENCH_CASES=get,list,post,webhooks runs only those groups (for working on one path); default all.
const CASES = new Set((process.env.BENCH_CASES ?? 'get,list,post,webhooks').split(','))
const keys = {
  IDENTIFIER_KEYS: `b1:${randomBytes(32).toString('base64')}`,
  BLIND_INDEX_KEY: randomBytes(32).toString('base64')
}
const cipher = new IdentifierCipher(parseIdentifierKeys(keys.IDENTIFIER_KEYS, keys.BLIND_INDEX_KEY))
const stamp = randomBytes(4).toString('hex')
const children: ChildProcess[] = []
const log = (msg: string) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}`)

function inszFor(birthDate: string, serial: number): string {
  const body = Number(
    birthDate.slice(2, 4) + birthDate.slice(5, 7) + birthDate.slice(8, 10) + String(serial).padStart(3, '0')
  )
  return `${String(body).padStart(9, '0')}${String(97 - (body % 97)).padStart(2, '0')}`
}

/** One statement on the server's maintenance database. */
async function onServer(statement: string) {
  const c = new pg.Client({ connectionString: `${PG}/postgres` })
  await c.connect()
  await c.query(statement)
  await c.end()
}

const dropDatabase = (name: string) => onServer(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)
const checkpoint = () => onServer('CHECKPOINT')

/** Bulk rows shaped exactly like the API's: encrypted INSZ, blind index, history and outbox rows. */
async function load(url: string, n: number, referrerId: string, programmeId: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  await client.query('SET synchronous_commit = off')
  const ids: string[] = []
  const batch = 10_000
  for (let done = 0; done < n; done += batch) {
    const size = Math.min(batch, n - done)
    const rows = {
      id: [] as string[],
      ct: [] as string[],
      blind: [] as string[],
      birth: [] as string[],
      ts: [] as string[]
    }
    for (let i = 0; i < size; i++) {
      const id = randomUUID()
      const birth = `19${70 + ((done + i) % 30)}-0${1 + ((done + i) % 9)}-1${(done + i) % 9}`
      const insz = inszFor(birth, ((done + i) % 997) + 1)
      rows.id.push(id)
      rows.ct.push(cipher.encrypt(insz, id))
      rows.blind.push(cipher.blindIndex(insz))
      rows.birth.push(birth)
      rows.ts.push(new Date(Date.now() - Math.random() * 365 * 86_400_000).toISOString())
      ids.push(id)
    }
    await client.query('BEGIN')
    await client.query(
      `
      INSERT INTO referrals (id, referrer_organisation_id, programme_organisation_id, external_reference, status, version, details, insz_ciphertext, insz_blind_index, created_at, updated_at)
      SELECT u.id, $1, $2, 'LOAD-' || u.id, 'requested', 1, jsonb_build_object(
        'mother', jsonb_build_object('givenName', 'Naam', 'familyName', 'Familie', 'birthDate', u.birth, 'phone', '+32 470 00 00 00',
          'address', jsonb_build_object('street', 'Laadstraat', 'houseNumber', '1', 'postalCode', '2800', 'municipality', 'Mechelen'), 'preferredLanguage', 'nl', 'interpreterNeeded', false),
        'pregnancy', jsonb_build_object('expectedDeliveryDate', (now() + interval '90 days')::date::text),
        'household', jsonb_build_object('livesAloneWithChildren', false, 'numberOfChildren', 1),
        'screening', jsonb_build_object('income', 'vulnerable', 'employment', 'unknown', 'education', 'unknown', 'housing', 'vulnerable', 'childDevelopment', 'unknown', 'health', 'unknown', 'incomeSource', 'none', 'housingSituation', 'overcrowded'),
        'needs', jsonb_build_array('income', 'housing'), 'reason', 'Geladen doorverwijzing', 'urgency', 'routine',
        'consent', jsonb_build_object('givenAt', u.ts, 'recordedBy', 'Loader', 'method', 'verbal', 'sharingScope', jsonb_build_array('programme', 'ocmw')),
        'referrerContact', jsonb_build_object('name', 'Loader')),
        u.ct, u.blind, u.ts, u.ts
      FROM unnest($3::uuid[], $4::text[], $5::text[], $6::text[], $7::timestamptz[]) AS u(id, ct, blind, birth, ts)`,
      [referrerId, programmeId, rows.id, rows.ct, rows.blind, rows.birth, rows.ts]
    )
    await client.query(
      `INSERT INTO referral_history (referral_id, from_status, to_status, by_organisation_id, at)
      SELECT u.id, NULL, 'requested', $1, u.ts FROM unnest($2::uuid[], $3::timestamptz[]) AS u(id, ts)`,
      [referrerId, rows.id, rows.ts]
    )
    await client.query(
      `INSERT INTO outbox_events (type, referral_id, status, audience, occurred_at, relayed_at)
      SELECT 'referral.created', u.id, 'requested', ARRAY[$1::uuid, $2::uuid], u.ts, u.ts FROM unnest($3::uuid[], $4::timestamptz[]) AS u(id, ts)`,
      [referrerId, programmeId, rows.id, rows.ts]
    )
    await client.query('COMMIT')
    if ((done / batch) % 10 === 0) log(`loaded ${done + size} / ${n}`)
  }
  // As autovacuum would have by then: a history without statistics looked 1,000 times bigger to the
  // planner, which then compiled the list's statement with JIT on every call (HISTORY.md).
  await client.query('VACUUM ANALYZE referrals')
  await client.query('VACUUM ANALYZE referral_history')
  await client.query('VACUUM ANALYZE outbox_events')
  await client.end()
  return ids
}

/** The API's heap bound, as docker-compose.yml gives it (README, "Roles"). */
const API_HEAP_BOUND = '--max-old-space-size=512'

/** `.js` runs as is (the built service, as `npm start` runs it); `.ts` through tsx. */
function start(script: string, env: Record<string, string>, nodeArgs: string[] = []): ChildProcess {
  const child = spawn(process.execPath, [...nodeArgs, ...(script.endsWith('.ts') ? ['--import', 'tsx'] : []), script], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', process.env.BENCH_LOGS === undefined ? 'ignore' : 'inherit', 'inherit']
  })
  children.push(child)
  return child
}

async function waitUp(url: string) {
  for (let i = 0; i < 300; i++) {
    if ((await fetch(url).catch(() => null))?.ok === true) return
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`${url} did not come up`)
}

interface Measured {
  rps: number
  p50: number
  p99: number
  total: number
  non2xx: number
  errors: number
}

async function measure(name: string, spec: Record<string, unknown>): Promise<Measured> {
  log(`measuring ${name}`)
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'test/bench/load.ts',
      JSON.stringify({ connections: CONNECTIONS, seconds: SECONDS, warmupSeconds: WARMUP, headers: {}, ...spec })
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] }
  )
  let out = ''
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString()
  })
  await once(child, 'exit')
  const measured = JSON.parse(out) as Measured
  if (apiPid !== undefined) log(`API RSS after ${name}: ${rssMb(apiPid).toFixed(0)} MB`)
  return measured
}

let apiPid: number | undefined
const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) / 1024

async function main() {
  const bigDb = `opk_bench_${stamp}`
  const smallDb = `opk_bench_small_${stamp}`
  const bigUrl = `${PG}/${bigDb}`
  const smallUrl = `${PG}/${smallDb}`
  const results: Record<string, unknown> = {}
  try {
    await migrateDatabase(bigUrl)
    await migrateDatabase(smallUrl)
    const setup = async (url: string) => {
      const { pool, db } = createDb(url, 2, () => {})
      const deps = { db, programmes: new ProgrammeDirectory(db) }
      const programme = await onboardOrganisation(deps, {
        name: 'Bench programme',
        type: 'programme',
        serviceArea: ['2800']
      })
      const hospital = await onboardOrganisation(deps, { name: 'Bench hospital', type: 'hospital' })
      const { key } = await issueClient(deps, hospital.id, {
        name: 'bench',
        scopes: ['referrals:write', 'referrals:read']
      })
      const manage = await issueClient(deps, programme.id, {
        name: 'bench',
        scopes: ['referrals:read', 'referrals:manage']
      })
      await pool.end()
      return { programmeId: programme.id, hospitalId: hospital.id, hospitalKey: key, programmeKey: manage.key }
    }
    const big = await setup(bigUrl)
    const small = await setup(smallUrl)
    const loadStart = Date.now()
    const ids = await load(bigUrl, BIG, big.hospitalId, big.programmeId)
    const bigLoadSeconds = (Date.now() - loadStart) / 1000
    const smallStart = Date.now()
    await load(smallUrl, SMALL, small.hospitalId, small.programmeId)
    results.load = {
      referrals: BIG,
      seconds: bigLoadSeconds,
      smallReferrals: SMALL,
      smallSeconds: (Date.now() - smallStart) / 1000
    }
    log(`loaded ${BIG} in ${bigLoadSeconds.toFixed(0)} s`)
    // The load's writes flushed now, not in a checkpoint that lands in whichever case runs first.
    await checkpoint()
    const anchorTable = new pg.Client({ connectionString: bigUrl })
    // A run that fails drops the database under it: that ends this connection, which is no error.
    anchorTable.on('error', () => {})
    await anchorTable.connect()
    await anchorTable.query('CREATE TABLE bench_anchor (id uuid PRIMARY KEY, body jsonb NOT NULL)')

    // Cursors deep into each set, for keyset pages at any depth.
    const cursorsOf = async (url: string, hospitalId: string) => {
      const c = new pg.Client({ connectionString: url })
      await c.connect()
      const { rows } = await c.query(
        'SELECT updated_at::text AS u, id FROM referrals TABLESAMPLE SYSTEM (5) WHERE referrer_organisation_id = $1 LIMIT 500',
        [hospitalId]
      )
      await c.end()
      const since = new Date(Date.now() - 400 * 86_400_000).toISOString()
      return rows.map(
        (r: { u: string; id: string }) =>
          `/referrals?updatedSince=${encodeURIComponent(since)}&limit=50&cursor=${encodeCursor([r.u, r.id])}`
      )
    }
    const bigCursors = await cursorsOf(bigUrl, big.hospitalId)
    const smallCursors = await cursorsOf(smallUrl, small.hospitalId)

    const dir = mkdtempSync(join(tmpdir(), 'opk-bench-'))
    const shuffled = [...ids].sort(() => Math.random() - 0.5)
    const readIds = shuffled.slice(0, Math.min(50_000, Math.floor(shuffled.length / 4)))
    const transitionIds = shuffled.slice(readIds.length)
    writeFileSync(join(dir, 'get.json'), JSON.stringify(readIds.map((id) => `/referrals/${id}`)))
    writeFileSync(join(dir, 'anchor-get.json'), JSON.stringify(readIds.map((id) => `/anchor/referrals/${id}`)))
    writeFileSync(
      join(dir, 'transitions.json'),
      JSON.stringify(transitionIds.map((id) => `/referrals/${id}/transitions`))
    )

    // The service as it ships: its default pool, its default log level, and for the API the heap
    // bound docker-compose.yml gives it (the worker runs without one).
    const env = {
      NODE_ENV: 'production',
      ROLE: 'api',
      NODE_OPTIONS: API_HEAP_BOUND,
      HOST: '127.0.0.1',
      REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      REDIS_PREFIX: `opk-bench-${stamp}`,
      LOG_LEVEL: 'info',
      // The load comes from one key at thousands of requests a second: limits would measure themselves.
      RATE_LIMITS: 'off',
      ...keys
    }
    const [apiPort, smallPort, anchorPort] = [
      3301 + Math.floor(Math.random() * 500),
      3901 + Math.floor(Math.random() * 500),
      4501 + Math.floor(Math.random() * 500)
    ]
    // BENCH_NODE_ARGS adds to the flags of `npm start`; BENCH_PROFILE=dir writes CPU profiles of the
    // API and worker processes there.
    const profile = [
      ...startFlags,
      ...(process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
      ...(process.env.BENCH_PROFILE === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`])
    ]
    log('building the service (npm run build), as npm start does')
    execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' })
    const api = start(
      process.env.BENCH_API_SCRIPT ?? 'dist/src/server.js',
      { ...env, DATABASE_URL: bigUrl, PORT: String(apiPort) },
      profile
    )
    apiPid = api.pid
    start('dist/src/server.js', { ...env, DATABASE_URL: smallUrl, PORT: String(smallPort) }, startFlags)
    start('test/bench/anchor.ts', { DATABASE_URL: bigUrl, PORT: String(anchorPort) })
    await waitUp(`http://127.0.0.1:${apiPort}/health/live`)
    await waitUp(`http://127.0.0.1:${smallPort}/health/live`)
    const base = `http://127.0.0.1:${apiPort}`
    const anchorBase = `http://127.0.0.1:${anchorPort}`
    await waitUp(`${anchorBase}/anchor/referrals/${ids[0]}`)
    const asHospital = { authorization: `Bearer ${big.hospitalKey}` }

    const m: Partial<
      Record<
        'anchorGet' | 'get' | 'notModified' | 'list1M' | 'list10k' | 'anchorPost' | 'post' | 'transitions',
        Measured
      >
    > = {}
    if (CASES.has('get')) {
      m.anchorGet = await measure('anchor GET', {
        url: anchorBase,
        method: 'GET',
        pathsFile: join(dir, 'anchor-get.json')
      })
      m.get = await measure('GET /referrals/{id}', {
        url: base,
        method: 'GET',
        pathsFile: join(dir, 'get.json'),
        headers: asHospital
      })
      m.notModified = await measure('304', {
        url: base,
        method: 'GET',
        pathsFile: join(dir, 'get.json'),
        headers: asHospital,
        ifMatch: '"1"'
      })
    }
    if (CASES.has('list')) {
      m.list1M = await measure('list at 1M', { url: base, method: 'GET', paths: bigCursors, headers: asHospital })
      m.list10k = await measure('list at 10k', {
        url: `http://127.0.0.1:${smallPort}`,
        method: 'GET',
        paths: smallCursors,
        headers: { authorization: `Bearer ${small.hospitalKey}` }
      })
    }
    if (CASES.has('post')) {
      m.anchorPost = await measure('anchor POST', {
        url: anchorBase,
        method: 'POST',
        paths: ['/anchor/referrals'],
        body: 'anchor'
      })
      m.post = await measure('POST /referrals', {
        url: base,
        method: 'POST',
        paths: ['/referrals'],
        headers: asHospital,
        body: 'referral'
      })
      m.transitions = await measure('transitions', {
        url: base,
        method: 'POST',
        pathsFile: join(dir, 'transitions.json'),
        headers: { authorization: `Bearer ${big.programmeKey}` },
        body: 'transition'
      })
    }
    const rssKb = rssMb(api.pid as number) * 1024
    await anchorTable.end()

    // The webhook case stands alone on the 10k database: the services and the 1M database of the
    // cases before are let go and every write flushed, so that the checkpoint and the autovacuum they
    // would leave behind do not land in it (the bare loop it is measured against never touches PostgreSQL).
    if (CASES.has('webhooks')) {
      const running = children.filter((c) => c.exitCode === null)
      for (const c of running) c.kill('SIGTERM')
      await Promise.all(running.map((c) => (c.exitCode === null ? once(c, 'exit') : undefined)))
      apiPid = undefined
      await dropDatabase(bigDb)
      // The list case left some 200,000 new access-log rows in the 10k database: vacuumed now, not
      // by autovacuum during the case (two full runs measured it at 3.4 and 6.8 × the bare loop's
      // p99, both with 27 ms; alone it measures 1.1 and 1.3 ×).
      const vacuum = new pg.Client({ connectionString: smallUrl })
      await vacuum.connect()
      await vacuum.query('VACUUM (ANALYZE)')
      await vacuum.end()
      await checkpoint()
      // And the files of the dropped database written off by the kernel now, not during the case.
      execFileSync('sync')
    }

    // On the 10k database: at start the worker schedules a timer per open referral (see the README).
    log('measuring event → webhook')
    const pipeline = !CASES.has('webhooks')
      ? undefined
      : await webhookCase({
          url: smallUrl,
          hospitalId: small.hospitalId,
          cipher,
          redisUrl: env.REDIS_URL,
          prefix: `opk-bench-wh-${stamp}`,
          rate: 200,
          seconds: SECONDS,
          log,
          startWorker: () =>
            start(
              'dist/src/server.js',
              {
                ...env,
                ROLE: 'worker',
                NODE_OPTIONS: '',
                DATABASE_URL: smallUrl,
                REDIS_PREFIX: `opk-bench-wh-${stamp}`,
                WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
                ACK_DEADLINE: '3650d',
                LOG_LEVEL: process.env.BENCH_LOGS ?? 'warn'
              },
              profile
            )
        })

    const ratio = (a: number, b: number) => a / b
    const none = { rps: 0, p50: 0, p99: 0, total: 0, non2xx: 0, errors: 0 }
    const { get, anchorGet, notModified, list1M, list10k, post, anchorPost, transitions } = m
    const rows = [
      ...(get === undefined || anchorGet === undefined || notModified === undefined
        ? []
        : [
            {
              case: 'GET /referrals/{id} (referrer)',
              m: get,
              anchor: 'anchor GET',
              ratio: ratio(get.rps, anchorGet.rps),
              target: 'rps ≥ 40%, p99 ≤ 2×',
              pass: get.rps >= 0.4 * anchorGet.rps && get.p99 <= 2 * anchorGet.p99
            },
            {
              case: 'conditional GET → 304',
              m: notModified,
              anchor: 'anchor GET',
              ratio: ratio(notModified.rps, anchorGet.rps),
              target: 'rps ≥ 60%',
              pass: notModified.rps >= 0.6 * anchorGet.rps
            }
          ]),
      ...(list1M === undefined || list10k === undefined
        ? []
        : [
            {
              case: 'list page of 50 at 1M',
              m: list1M,
              anchor: 'list at 10k',
              ratio: ratio(list1M.p50, list10k.p50),
              target: 'p50 ≤ 1.25× (10k)',
              pass: list1M.p50 <= 1.25 * list10k.p50
            }
          ]),
      ...(post === undefined || anchorPost === undefined || transitions === undefined
        ? []
        : [
            {
              case: 'POST /referrals',
              m: post,
              anchor: 'anchor POST',
              ratio: ratio(post.rps, anchorPost.rps),
              target: 'rps ≥ 60%, p99 ≤ 1.5×',
              pass: post.rps >= 0.6 * anchorPost.rps && post.p99 <= 1.5 * anchorPost.p99
            },
            {
              case: 'POST /referrals/{id}/transitions',
              m: transitions,
              anchor: 'anchor POST',
              ratio: ratio(transitions.rps, anchorPost.rps),
              target: 'rps ≥ 60%',
              pass: transitions.rps >= 0.6 * anchorPost.rps
            }
          ]),
      ...(pipeline === undefined
        ? []
        : [
            {
              case: 'event → webhook at 200/s (p99)',
              m: { ...none, rps: 200, p50: pipeline.real.p50, p99: pipeline.real.p99 },
              anchor: 'bare BullMQ',
              ratio: pipeline.real.p99 / Math.max(1, pipeline.bare.p99),
              target: 'p99 ≤ 2× bare',
              pass: pipeline.real.p99 <= 2 * Math.max(1, pipeline.bare.p99)
            },
            {
              case: 'deliveries/s at saturation',
              m: { ...none, rps: pipeline.real.perSecondAtSaturation },
              anchor: 'bare BullMQ',
              ratio: pipeline.real.perSecondAtSaturation / pipeline.bare.perSecondAtSaturation,
              target: '≥ 50% of bare',
              pass: pipeline.real.perSecondAtSaturation >= 0.5 * pipeline.bare.perSecondAtSaturation
            },
            {
              case: 'cold-start backlog of 1,000 (s)',
              m: none,
              anchor: '—',
              ratio: pipeline.real.coldStartSeconds ?? 0,
              target: '≤ 5 s',
              pass: (pipeline.real.coldStartSeconds ?? 99) <= 5
            }
          ]),
      {
        case: 'API RSS after the run',
        m: none,
        anchor: '—',
        ratio: rssKb / 1024,
        target: '≤ 250 MB',
        pass: rssKb / 1024 <= 250
      }
    ]
    const fmt = (n: number, d = 0) => n.toFixed(d).padStart(8)
    const lines = [
      `| case | req/s | p50 ms | p99 ms | non-2xx | anchor | anchor req/s | anchor p99 | ratio | target | result |`,
      '|---|---:|---:|---:|---:|---|---:|---:|---:|---|---|',
      ...rows.map((r) => {
        const a =
          r.anchor === 'anchor GET'
            ? m.anchorGet
            : r.anchor === 'anchor POST'
              ? m.anchorPost
              : r.anchor === 'list at 10k'
                ? m.list10k
                : r.anchor === 'bare BullMQ' && pipeline !== undefined
                  ? { rps: pipeline.bare.perSecondAtSaturation, p99: pipeline.bare.p99 }
                  : undefined
        return `| ${r.case} | ${fmt(r.m.rps)} | ${fmt(r.m.p50, 1)} | ${fmt(r.m.p99, 1)} | ${r.m.non2xx} | ${r.anchor} | ${a === undefined ? '—' : fmt(a.rps)} | ${a === undefined ? '—' : fmt(a.p99, 1)} | ${r.case.startsWith('API RSS') ? `${r.ratio.toFixed(0)} MB` : r.ratio.toFixed(2)} | ${r.target} | ${r.pass ? 'pass' : 'FAIL'} |`
      })
    ]
    Object.assign(results, {
      date: new Date().toISOString(),
      machine: {
        cpus: cpus().length,
        cpu: cpus()[0]?.model,
        memoryGb: Math.round(totalmem() / 2 ** 30),
        node: process.version
      },
      seconds: SECONDS,
      connections: CONNECTIONS,
      measured: m,
      pipeline,
      rssMb: rssKb / 1024,
      table: lines
    })
    console.log(lines.join('\n'))
    // A partial run (BENCH_CASES) never replaces the full table.
    if (CASES.size === 4)
      writeFileSync(join(ROOT, 'test/bench/results/latest.json'), `${JSON.stringify(results, null, 2)}\n`)
  } finally {
    for (const c of children) c.kill('SIGTERM')
    await new Promise((resolve) => setTimeout(resolve, 1000))
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL')
    await dropDatabase(bigDb).catch(() => {})
    await dropDatabase(smallDb).catch(() => {})
    // Its own prefixes only (Redis is shared).
    for (const prefix of [`opk-bench-${stamp}`, `opk-bench-wh-${stamp}`, `opk-bench-wh-${stamp}-bare`])
      await deleteRedisKeys(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', prefix).catch(() => {})
  }
}

await main()
