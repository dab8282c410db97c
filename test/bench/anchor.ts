/**
 * The bare stack the API is measured against: Fastify with one pg query per request, no auth,
 * no projection, no logging. Run as its own process by the bench.
 */
import Fastify from 'fastify'
import pg from 'pg'
import { randomUUID } from 'node:crypto'

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 })
const app = Fastify({ logger: false })

app.get('/anchor/referrals/:id', async (request, reply) => {
  const { rows } = await pool.query({
    name: 'anchor_get',
    text: 'SELECT * FROM referrals WHERE id = $1',
    values: [(request.params as { id: string }).id]
  })
  if (rows.length === 0) return reply.code(404).send({})
  return rows[0]
})

app.post('/anchor/referrals', async (request, reply) => {
  const client = await pool.connect()
  try {
    await client.query('BEGIN')
    const id = randomUUID()
    await client.query({
      name: 'anchor_insert',
      text: 'INSERT INTO bench_anchor (id, body) VALUES ($1, $2)',
      values: [id, request.body]
    })
    await client.query({
      name: 'anchor_outbox',
      text: "INSERT INTO outbox_events (type, referral_id, status, audience, relayed_at) VALUES ('anchor', $1, 'requested', ARRAY[$1::uuid], now())",
      values: [id]
    })
    await client.query('COMMIT')
    return reply.code(201).send({ id })
  } catch (err) {
    await client.query('ROLLBACK')
    throw err
  } finally {
    client.release()
  }
})

await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' })
process.on('SIGTERM', () => {
  void app
    .close()
    .then(() => pool.end())
    .then(() => process.exit(0))
})
