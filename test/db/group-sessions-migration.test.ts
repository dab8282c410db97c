import t from 'tap'
import pg from 'pg'
import { randomBytes } from 'node:crypto'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { PG_BASE } from '../helpers/context.ts'
import { ROOT } from '../helpers/processes.ts'

/**
 * Migration 0018 turns the one-row-per-mother group sessions into sessions with attendance: rows of
 * one programme, day, track and topic become one session, a repeated mother attends it once, and
 * each session has its first version in the history.
 */
const name = `opk_test_${randomBytes(5).toString('hex')}`
const admin = new pg.Client({ connectionString: `${PG_BASE}/postgres` })
await admin.connect()
await admin.query(`CREATE DATABASE "${name}"`)
const db = new pg.Client({ connectionString: `${PG_BASE}/${name}` })
await db.connect()
t.teardown(async () => {
  await db.end()
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)
  await admin.end()
})

const dir = join(ROOT, 'migrations')
const files = (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort()
const apply = async (file: string) => {
  for (const statement of (await readFile(join(dir, file), 'utf8')).split('--> statement-breakpoint'))
    if (statement.trim() !== '') await db.query(statement)
}

t.test('the old attendance records become sessions with their mothers', async (t) => {
  const at = files.findIndex((f) => f.startsWith('0018_'))
  t.ok(at > 0, 'migration 0018 is there')
  for (const file of files.slice(0, at)) await apply(file)
  const programme = '00000000-0000-4000-8000-000000000001'
  const id = (n: number) => `00000000-0000-4000-8000-0000000001${String(n).padStart(2, '0')}`
  await db.query(
    `INSERT INTO organisations (id, name, type) VALUES ($1, 'P', 'programme'), ('00000000-0000-4000-8000-000000000002', 'H', 'hospital')`,
    [programme]
  )
  for (let n = 1; n <= 4; n++)
    await db.query(
      `INSERT INTO referrals (id, referrer_organisation_id, programme_organisation_id, external_reference, status, details, track)
       VALUES ($1, '00000000-0000-4000-8000-000000000002', $2, $3, 'in-progress', '{}', $4)`,
      [id(n), programme, `r${n}`, n <= 3 ? 'opkomst' : 'opkomst_plus']
    )
  await db.query(
    `INSERT INTO group_sessions (referral_id, attended_on, topic) VALUES
      ($1, '2026-06-04', 'Voeding'), ($2, '2026-06-04', 'Voeding'), ($2, '2026-06-04', 'Voeding'),
      ($3, '2026-06-04', NULL), ($4, '2026-06-04', 'Voeding')`,
    [id(1), id(2), id(3), id(4)]
  )
  for (const file of files.slice(at)) await apply(file)

  const { rows } = await db.query<{
    track: string
    title: string | null
    theme: string
    ids: string[]
    first: string[]
  }>(
    `SELECT s.track, s.title, s.theme,
       array(SELECT a.referral_id::text FROM group_session_attendance a WHERE a.session_id = s.id ORDER BY 1) AS ids,
       (SELECT h.referral_ids::text[] FROM group_session_history h WHERE h.session_id = s.id AND h.version = 1) AS first
     FROM group_sessions s ORDER BY s.track, s.title NULLS FIRST`
  )
  t.same(rows, [
    { track: 'opkomst', title: null, theme: 'other', ids: [id(3)], first: [id(3)] },
    { track: 'opkomst', title: 'Voeding', theme: 'other', ids: [id(1), id(2)], first: [id(1), id(2)] },
    { track: 'opkomst_plus', title: 'Voeding', theme: 'other', ids: [id(4)], first: [id(4)] }
  ])
  const { rows: left } = await db.query("SELECT to_regclass('legacy_group_sessions') AS t")
  t.equal(left[0].t, null, 'the old table is gone')
})
