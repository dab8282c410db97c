/** What the fault tests share: a spawned API's environment, and partners made through its admin API. */
import { randomBytes } from 'node:crypto'
import { ADMIN_KEY, REDIS_URL, type Teardown } from '../helpers/context.ts'
import { freePort, startService, waitFor } from '../helpers/processes.ts'
import { referralBody } from '../helpers/referrals.ts'
import { SCOPES_BY_ORGANISATION_TYPE } from '../../src/domain/scopes.ts'
import type { OrganisationType } from '../../src/domain/vocabulary.ts'

export const KEYS = {
  IDENTIFIER_KEYS: `k1:${randomBytes(32).toString('base64')}`,
  BLIND_INDEX_KEY: randomBytes(32).toString('base64')
}

/**
 * An API process of its own on `databaseUrl` and the shared Redis under `redisPrefix`, ready to
 * answer; `extra` adds or overrides environment variables.
 */
export async function startApi(
  t: Teardown,
  databaseUrl: string,
  redisPrefix: string,
  extra: Record<string, string> = {}
) {
  const port = await freePort()
  const base = `http://127.0.0.1:${port}`
  const api = startService(t, {
    ROLE: 'api',
    DATABASE_URL: databaseUrl,
    REDIS_URL,
    REDIS_PREFIX: redisPrefix,
    PORT: String(port),
    HOST: '127.0.0.1',
    RATE_LIMITS: 'off',
    ADMIN_API_KEY: ADMIN_KEY,
    ...KEYS,
    ...extra
  })
  await waitFor('the api', async () => (await fetch(`${base}/health/ready`).catch(() => null))?.status === 200)
  return { api, base }
}

export const withoutInsz = () =>
  referralBody({ mother: { ...referralBody().mother, insz: undefined, inszAbsentReason: 'unknown' } })

/** An organisation and a client key, through the admin API of the service at `base`. */
export async function httpParty(base: string, type: OrganisationType, name: string, scopes?: string[]) {
  const admin = { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' }
  const organisation = await (
    await fetch(`${base}/admin/organisations`, {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({ name, type, ...(type === 'programme' ? { serviceArea: ['2800'] } : {}) })
    })
  ).json()
  const client = await (
    await fetch(`${base}/admin/organisations/${organisation.id}/clients`, {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({ name: 'fault test', scopes: scopes ?? SCOPES_BY_ORGANISATION_TYPE[type] })
    })
  ).json()
  if (typeof client.key !== 'string') throw new Error(`no key: ${JSON.stringify(client)}`)
  return {
    organisationId: organisation.id as string,
    headers: { authorization: `Bearer ${client.key}`, 'content-type': 'application/json' }
  }
}

export const countBy = (xs: string[]) => xs.reduce((m, x) => m.set(x, (m.get(x) ?? 0) + 1), new Map<string, number>())
