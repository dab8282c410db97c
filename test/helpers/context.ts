import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { Redis } from 'ioredis'
import type { FastifyInstance } from 'fastify'
import { type AppOptions, buildApp } from '../../src/app.ts'
import { loadConfig, type Config } from '../../src/config.ts'
import { migrateDatabase } from '../../src/db/migrate.ts'
import { issueClient, onboardOrganisation } from '../../src/services/organisations.ts'
import type { OrganisationType, Scope } from '../../src/domain/vocabulary.ts'
import { SCOPES_BY_ORGANISATION_TYPE } from '../../src/domain/scopes.ts'
import { workers } from '../../src/db/schema/index.ts'

export const PG_BASE = process.env.TEST_PG_BASE ?? 'postgres://postgres@127.0.0.1:5432'
export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'
export const ADMIN_KEY = `adm_${'k'.repeat(40)}`

export interface Teardown {
  teardown: (fn: () => unknown) => void
}

/** A fresh database of its own, migrated; dropped when the test file ends. */
export async function testDatabase(t: Teardown): Promise<string> {
  const name = `opk_test_${randomBytes(5).toString('hex')}`
  const url = `${PG_BASE}/${name}`
  await migrateDatabase(url)
  t.teardown(async () => {
    const client = new pg.Client({ connectionString: `${PG_BASE}/postgres` })
    await client.connect()
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)
    await client.end()
  })
  return url
}

/** Deletes only the keys under `prefix` (never FLUSHALL: Redis is shared). */
export async function deleteRedisKeys(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 })
  try {
    let cursor = '0'
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500)
      cursor = next
      if (keys.length > 0) await redis.del(...keys)
    } while (cursor !== '0')
  } finally {
    redis.disconnect()
  }
}

export function testConfig(databaseUrl: string, overrides: Partial<Config> = {}): Config {
  return loadConfig(
    {},
    {
      NODE_ENV: 'test',
      DATABASE_URL: databaseUrl,
      DATABASE_POOL_SIZE: 5,
      REDIS_URL,
      REDIS_PREFIX: `opk-test-${randomBytes(5).toString('hex')}`,
      LOG_LEVEL: (process.env.TEST_LOG_LEVEL ?? 'silent') as Config['LOG_LEVEL'],
      PUBLIC_BASE_URL: 'https://opkomst.test',
      ADMIN_API_KEY: ADMIN_KEY,
      IDENTIFIER_KEYS: `t1:${randomBytes(32).toString('base64')}`,
      BLIND_INDEX_KEY: randomBytes(32).toString('base64'),
      // Tests send bursts from one key; the rate-limit tests turn limits on.
      RATE_LIMITS: 'off',
      // Every answer a test sees is checked against the committed contract.
      CONTRACT_CHECK: 'on',
      ...overrides
    }
  )
}

export interface Party {
  organisationId: string
  clientId: string
  key: string
  headers: { authorization: string }
  /** One worker of the organisation, to assign or name as contact person. */
  workerId: string
}

export interface TestContext {
  app: FastifyInstance
  config: Config
  admin: { authorization: string; 'accept-language': string }
  /** Onboards an organisation with one client (all the scopes its type may hold, unless given). */
  party: (
    type: OrganisationType,
    options?: { scopes?: Scope[]; serviceArea?: string[]; name?: string }
  ) => Promise<Party>
  /** A request as `who`, with `If-Match` when a version is given. */
  send: (
    who: { headers: object },
    method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
    url: string,
    payload?: object,
    version?: number
  ) => Promise<Awaited<ReturnType<FastifyInstance['inject']>>>
}

export async function testContext(
  t: Teardown,
  overrides: Partial<Config> = {},
  options: AppOptions = {}
): Promise<TestContext> {
  const url = await testDatabase(t)
  const config = testConfig(url, overrides)
  const app = await buildApp(config, options)
  await app.ready()
  t.teardown(async () => {
    await app.close()
    await deleteRedisKeys(REDIS_URL, config.REDIS_PREFIX)
  })
  let n = 0
  return {
    send: (who, method, url, payload, version) =>
      app.inject({
        method,
        url,
        headers: { ...who.headers, ...(version === undefined ? {} : { 'if-match': `"${version}"` }) },
        ...(payload === undefined ? {} : { payload })
      }),
    app,
    config,
    // The tests read the problems in English; test/routes/languages.test.ts reads them in Dutch.
    admin: { authorization: `Bearer ${ADMIN_KEY}`, 'accept-language': 'en' },
    party: async (type, options = {}) => {
      const organisation = await onboardOrganisation(app.deps, {
        name: options.name ?? `${type} ${++n}`,
        type,
        serviceArea: options.serviceArea
      })
      const { client, key } = await issueClient(app.deps, organisation.id, {
        name: 'test',
        scopes: options.scopes ?? [...SCOPES_BY_ORGANISATION_TYPE[type]]
      })
      const [worker] = await app.deps.db
        .insert(workers)
        .values({
          organisationId: organisation.id,
          name: `Ella ${type}`,
          role: 'maatschappelijk werker',
          workPhone: '+32 15 00 00 01',
          workEmail: 'ella@example.org'
        })
        .returning()
      return {
        organisationId: organisation.id,
        clientId: client.id,
        key,
        headers: { authorization: `Bearer ${key}`, 'accept-language': 'en' },
        workerId: worker!.id
      }
    }
  }
}
