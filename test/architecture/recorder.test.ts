import t from 'tap'
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { ROOT } from '../helpers/processes.ts'

const RECORDER = 'src/db/record.ts'
const TABLES = [
  'access_log',
  'outbox_events',
  'referral_history',
  'handoff_history',
  'assessment_history',
  'screening_corrections',
  'consent_versions',
  'housing_decisions',
  'group_session_history'
]
const DRIZZLE_TABLES = [
  'accessLog',
  'outboxEvents',
  'referralHistory',
  'handoffHistory',
  'assessmentHistory',
  'screeningCorrections',
  'consentVersions',
  'housingDecisions',
  'groupSessionHistory'
]

/** Lines of `text` that write one of the recorded tables, in SQL or through Drizzle. */
export function recordingLines(text: string): string[] {
  const sql = new RegExp(`INSERT\\s+INTO\\s+(${TABLES.join('|')})\\b`, 'i')
  const drizzle = new RegExp(`\\.insert\\(\\s*(${DRIZZLE_TABLES.join('|')})\\s*\\)`)
  return text.split('\n').filter((line) => sql.test(line) || drizzle.test(line))
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name)
    return e.isDirectory() ? sources(path) : e.name.endsWith('.ts') ? [path] : []
  })
}

t.test('only the recorder writes history, outbox and access-log rows', async (t) => {
  const offenders = [...sources(join(ROOT, 'src')), ...sources(join(ROOT, 'workers'))]
    .map((path) => relative(ROOT, path))
    .filter((path) => path !== RECORDER)
    .flatMap((path) => recordingLines(readFileSync(join(ROOT, path), 'utf8')).map((line) => `${path}: ${line.trim()}`))
  t.same(offenders, [])
  t.ok(recordingLines(readFileSync(join(ROOT, RECORDER), 'utf8')).length >= 4, 'the recorder writes them')
})

t.test('the search finds a write added anywhere else', async (t) => {
  t.equal(recordingLines('await db.execute(sql`INSERT INTO access_log (referral_id) VALUES ($1)`)').length, 1)
  t.equal(recordingLines('  insert into outbox_events (type) values ($1)').length, 1)
  t.equal(recordingLines('await tx.insert(referralHistory).values(row)').length, 1)
  t.equal(recordingLines('await tx.insert(groupSessionHistory).values(row)').length, 1)
  t.equal(recordingLines('await tx.insert(handoffs).values(row)').length, 0)
})
