import t from 'tap'
import { randomUUID } from 'node:crypto'
import { createDb } from '../../src/db/client.ts'
import { claimDelivery, recordDelivered } from '../../src/db/queries/events.ts'
import { testDatabase } from '../helpers/context.ts'

// Jobs for one delivery may run at once (a reconciled job next to the first): one claim wins.
const url = await testDatabase(t)
const { pool, db } = createDb(url, 4, () => {})
t.teardown(() => pool.end())
const {
  rows: [organisation]
} = await pool.query("INSERT INTO organisations (name, type) VALUES ('Hospital', 'hospital') RETURNING id")
const endpointId = randomUUID()
await pool.query(
  "INSERT INTO webhook_endpoints (id, organisation_id, url, event_types, secret_ciphertext) VALUES ($1, $2, 'https://example.org/hook', '{referral.updated}', 'x')",
  [endpointId, organisation.id]
)
const delivery = async () => {
  const {
    rows: [event]
  } = await pool.query(
    "INSERT INTO outbox_events (type, status, audience) VALUES ('referral.updated', 'requested', ARRAY[$1::uuid]) RETURNING id",
    [organisation.id]
  )
  const {
    rows: [row]
  } = await pool.query('INSERT INTO webhook_deliveries (outbox_event_id, endpoint_id) VALUES ($1, $2) RETURNING id', [
    event.id,
    endpointId
  ])
  return row.id as string
}

t.test('claims made at once: each delivery to one claimant, with its own event', async (t) => {
  const ids = [await delivery(), await delivery(), await delivery()]
  const claims = await Promise.all(
    ids.flatMap((id) => Array.from({ length: 5 }, async () => ({ id, claimed: await claimDelivery(db, id, 60_000) })))
  )
  for (const id of ids) {
    const won = claims.filter((c) => c.id === id && c.claimed !== undefined)
    t.equal(won.length, 1, `delivery ${ids.indexOf(id)}: claimed once`)
    t.equal(won[0]?.claimed?.endpointId, endpointId)
  }
  const { rows: events } = await pool.query(
    'SELECT d.id, e.event_id FROM webhook_deliveries d JOIN outbox_events e ON e.id = d.outbox_event_id WHERE d.id = ANY($1::uuid[])',
    [ids]
  )
  for (const c of claims.filter((c) => c.claimed !== undefined))
    t.equal(c.claimed!.eventId, events.find((e) => e.id === c.id).event_id, 'its own event')
})

t.test('an outcome is recorded on its own delivery', async (t) => {
  const ids = [await delivery(), await delivery(), await delivery()]
  await Promise.all(ids.map((id) => claimDelivery(db, id, 60_000)))
  await Promise.all(ids.map((id, i) => recordDelivered(db, id, 200 + i)))
  const { rows } = await pool.query(
    'SELECT id, state, last_status_code, attempts, lease_until FROM webhook_deliveries WHERE id = ANY($1::uuid[])',
    [ids]
  )
  for (const [i, id] of ids.entries())
    t.match(
      rows.find((r) => r.id === id),
      { state: 'delivered', last_status_code: 200 + i, attempts: 1, lease_until: null }
    )
})
