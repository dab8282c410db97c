import t from 'tap'
import pg from 'pg'
import { testContext } from '../helpers/context.ts'
import { eventually } from '../helpers/receiver.ts'

const ctx = await testContext(t)
const { app } = ctx
const ocmw = await ctx.party('ocmw')
const outsider = await ctx.party('ocmw')

async function client() {
  const c = new pg.Client({ connectionString: ctx.config.DATABASE_URL })
  await c.connect()
  t.teardown(() => c.end())
  return c
}
const insert = (c: pg.Client, audience = ocmw.organisationId) =>
  c
    .query(
      "INSERT INTO outbox_events (type, audience, status) VALUES ('referral.updated', ARRAY[$1::uuid], 'requested') RETURNING event_id",
      [audience]
    )
    .then((r) => r.rows[0].event_id as string)
async function readAll(cursor?: string) {
  const ids: string[] = []
  let after = cursor
  for (;;) {
    const res = await app.inject({
      url: `/events?limit=500${after === undefined ? '' : `&after=${after}`}`,
      headers: ocmw.headers
    })
    const page = res.json()
    ids.push(...page.items.map((e: { id: string }) => e.id))
    after = page.nextCursor
    if (page.items.length === 0) return { ids, cursor: after }
  }
}

t.test('an event committed later by an older transaction is not skipped', async (t) => {
  const older = await client()
  const newer = await client()
  await older.query('BEGIN')
  const first = await insert(older) // its transaction id is the smaller one
  await newer.query('BEGIN')
  const second = await insert(newer)
  await newer.query('COMMIT')
  const before = await readAll()
  t.notOk(before.ids.includes(second), 'held back while an older transaction is open')
  await older.query('COMMIT')
  // Transaction ids are cluster-wide: other test files' open transactions may hold the feed a moment longer.
  const after = await eventually('both events', async () => {
    const page = await readAll(before.cursor)
    return page.ids.length >= 2 && page
  })
  t.same(after.ids, [first, second], 'both arrive, the older first, after the cursor the reader already had')
})

t.test('2,000 events by 8 writers with delayed commits: a polling reader sees each exactly once', async (t) => {
  const start = await readAll()
  const written: string[] = []
  let writing = true
  const writers = Array.from({ length: 8 }, async () => {
    const c = await client()
    for (let i = 0; i < 250; ) {
      await c.query('BEGIN')
      const n = Math.min(250 - i, 1 + Math.floor(Math.random() * 3))
      const ids = []
      for (let k = 0; k < n; k++) ids.push(await insert(c))
      // Sometimes hold the transaction open while the others commit.
      await new Promise((resolve) =>
        setTimeout(resolve, Math.random() < 0.1 ? 20 + Math.random() * 80 : Math.random() * 3)
      )
      if (Math.random() < 0.03) {
        await c.query('ROLLBACK') // never committed: must never appear
      } else {
        await c.query('COMMIT')
        written.push(...ids)
        i += n
      }
    }
  })
  const noise = (async () => {
    const c = await client()
    for (let i = 0; i < 50; i++) await insert(c, outsider.organisationId)
  })()
  const seen: string[] = []
  let cursor = start.cursor
  const reader = (async () => {
    const until = Date.now() + 60_000
    for (;;) {
      const done = !writing
      const res = await app.inject({
        url: `/events?limit=${1 + Math.floor(Math.random() * 200)}&after=${cursor}`,
        headers: ocmw.headers
      })
      const page = res.json()
      seen.push(...page.items.map((e: { id: string }) => e.id))
      cursor = page.nextCursor
      // Stop once everything committed has come and one more page is empty (a duplicate would show).
      if (done && page.items.length === 0 && (seen.length >= written.length || Date.now() > until)) return
    }
  })()
  await Promise.all([...writers, noise])
  writing = false
  await reader
  t.equal(written.length, 2000)
  t.equal(seen.length, 2000, 'nothing twice, nothing from another organisation')
  t.equal(new Set(seen).size, 2000)
  t.same([...seen].sort(), [...written].sort(), 'every committed event, and no rolled-back one')
  const again = await readAll(start.cursor)
  t.same(again.ids, seen, 'a second reader from the same cursor sees the same single order')
  const page = await app.inject({ url: '/events?after=bogus', headers: ocmw.headers })
  t.equal(page.statusCode, 400)
})

t.test('long polling returns as soon as an event arrives', async (t) => {
  const { cursor } = await readAll()
  const started = Date.now()
  const waiting = app.inject({ url: `/events?wait=5&after=${cursor}`, headers: ocmw.headers })
  setTimeout(() => {
    void client().then((c) => insert(c))
  }, 300)
  const res = (await waiting).json()
  t.equal(res.items.length, 1)
  t.ok(Date.now() - started < 3000, `answered after ${Date.now() - started} ms`)
  const empty = await app.inject({ url: `/events?wait=1&after=${res.nextCursor}`, headers: ocmw.headers })
  t.same(empty.json().items, [])
  t.equal(empty.json().nextCursor, res.nextCursor, 'an empty page keeps the cursor')
})
