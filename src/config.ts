import { Type, type TSchema } from 'typebox'
import { Value } from 'typebox/value'

/**
 * Every environment variable the service reads, with its schema, default and meaning.
 * The README's configuration table is generated from this list (`npm run docs:config`).
 */
const spec = {
  NODE_ENV: {
    schema: Type.Enum(['development', 'production', 'test']),
    default: 'development',
    doc: '`production` refuses to boot without encryption keys.'
  },
  ROLE: {
    schema: Type.Enum(['all', 'api', 'worker']),
    default: 'all',
    doc: 'What this process runs: the HTTP API, the BullMQ workers, or both.'
  },
  DATABASE_URL: {
    schema: Type.String({ pattern: '^postgres(ql)?://' }),
    default: 'postgres://postgres@127.0.0.1:5432/opkomst',
    doc: 'PostgreSQL; the database is created when missing.'
  },
  DATABASE_POOL_SIZE: {
    schema: Type.Integer({ minimum: 1, maximum: 200 }),
    default: 10,
    doc: 'Connections per process.'
  },
  DATABASE_CONNECT_TIMEOUT_MS: {
    schema: Type.Integer({ minimum: 100, maximum: 60000 }),
    default: 5000,
    doc: 'How long a request or job waits for a PostgreSQL connection before it is answered 503 (or retried).'
  },
  API_STATEMENT_TIMEOUT_MS: {
    schema: Type.Integer({ minimum: 100, maximum: 600000 }),
    default: 10000,
    doc: "The API's longest statement; a request whose statement runs longer, or whose PostgreSQL does not answer a second after it, gets 503 and nothing of it is committed."
  },
  API_LOCK_TIMEOUT_MS: {
    schema: Type.Integer({ minimum: 100, maximum: 600000 }),
    default: 3000,
    doc: 'How long an API statement waits for a row another one holds.'
  },
  WORKER_STATEMENT_TIMEOUT_MS: {
    schema: Type.Integer({ minimum: 100, maximum: 3600000 }),
    default: 60000,
    doc: "The workers' longest statement (the relay, purges, reconciling)."
  },
  WORKER_LOCK_TIMEOUT_MS: {
    schema: Type.Integer({ minimum: 100, maximum: 3600000 }),
    default: 10000,
    doc: 'How long a worker statement waits for a lock.'
  },
  MIGRATION_LOCK_TIMEOUT_MS: {
    schema: Type.Integer({ minimum: 100, maximum: 3600000 }),
    default: 10000,
    doc: "How long a migration waits for a table's lock (it has no statement limit): a migration stuck behind a long transaction fails and is retried at the next start, rather than queueing every request behind it."
  },
  REDIS_URL: {
    schema: Type.String({ pattern: '^rediss?://' }),
    default: 'redis://127.0.0.1:6379',
    doc: 'Redis for BullMQ (must run with `maxmemory-policy noeviction`).'
  },
  REDIS_PREFIX: {
    schema: Type.String({ pattern: '^[A-Za-z0-9:_-]+$' }),
    default: 'opkomst',
    doc: 'Prefix of every Redis key this deployment writes.'
  },
  PORT: { schema: Type.Integer({ minimum: 0, maximum: 65535 }), default: 3000, doc: 'HTTP port.' },
  HOST: { schema: Type.String({ minLength: 1 }), default: '0.0.0.0', doc: 'HTTP bind address.' },
  LOG_LEVEL: {
    schema: Type.Enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    default: 'info',
    doc: 'pino log level.'
  },
  REQUEST_TIMEOUT_MS: {
    schema: Type.Integer({ minimum: 1000, maximum: 600000 }),
    default: 30000,
    doc: 'How long a client may take to send a whole request (Fastify `requestTimeout`).'
  },
  CONNECTION_TIMEOUT_MS: {
    schema: Type.Integer({ minimum: 1000, maximum: 600000 }),
    default: 60000,
    doc: 'How long a connection may stay silent (Fastify `connectionTimeout`); above the longest `/events?wait=` (30 s).'
  },
  BODY_LIMIT: {
    schema: Type.Integer({ minimum: 1024 }),
    default: 262144,
    doc: 'Largest request body in bytes (larger → 413).'
  },
  PUBLIC_BASE_URL: {
    schema: Type.String({ pattern: '^https?://' }),
    default: 'http://localhost:3000',
    doc: 'Base of absolute links the API gives (`Location`).'
  },
  PORTAL_BASE_URL: {
    schema: Type.String({ pattern: '^https?://' }),
    default: undefined,
    doc: "The partners' portal, where e-mails link to (`<portal>/referrals/<id>`, `/handoffs/<id>`, `/webhooks/<id>`); unset: e-mails carry no link. Never the API, which a browser cannot open."
  },
  ADMIN_API_KEY: {
    schema: Type.String({ minLength: 32 }),
    default: undefined,
    doc: 'Bootstrap key that authenticates as the operator with scope `admin`.'
  },
  IDENTIFIER_KEYS: {
    schema: Type.String({
      pattern: '^[A-Za-z0-9_-]{1,64}:[A-Za-z0-9+/=_-]{43,44}(,[A-Za-z0-9_-]{1,64}:[A-Za-z0-9+/=_-]{43,44})*$'
    }),
    default: undefined,
    doc: 'AES-256-GCM keys for the INSZ, `id:base64key[,id:base64key…]`; the first encrypts, all decrypt.'
  },
  BLIND_INDEX_KEY: {
    schema: Type.String({ pattern: '^[A-Za-z0-9+/=_-]{43,44}$' }),
    default: undefined,
    doc: 'HMAC-SHA256 key (base64, 32 bytes) of the INSZ blind index.'
  },
  DEV_KEYS_FILE: {
    schema: Type.String({ minLength: 1 }),
    default: '.keys.local.json',
    doc: 'Outside production: where development keys are generated once when the two above are unset.'
  },
  IDEMPOTENCY_WAIT_MS: {
    schema: Type.Integer({ minimum: 0, maximum: 30000 }),
    default: 5000,
    doc: 'How long a repeated `Idempotency-Key` waits for the first request before answering 409 (for intake: a repeat in the same process).'
  },
  SMTP_URL: {
    schema: Type.String({ pattern: '^smtps?://' }),
    default: undefined,
    doc: 'SMTP server for notices (`smtp://user:pass@host:587`); unset: no e-mail, logged once at boot.'
  },
  SMTP_FROM: {
    schema: Type.String({ minLength: 3 }),
    default: 'Opkomst netwerk <no-reply@opkomst.invalid>',
    doc: 'Sender of notices.'
  },
  WEBHOOK_ALLOWED_HOSTS: {
    schema: Type.String({ pattern: '^[A-Za-z0-9.:,_-]*$' }),
    default: '',
    doc: 'Hosts a webhook may reach although local or private (comma-separated); these may also use plain http.'
  },
  WEBHOOK_RETRY_SCHEDULE: {
    schema: Type.String({ pattern: '^\\d+(ms|s|m|h|d)(,\\d+(ms|s|m|h|d))*$' }),
    default: '0s,5s,5m,30m,2h,5h,10h,10h',
    doc: 'Delay before each delivery attempt; after the last the delivery is `failed`.'
  },
  WEBHOOK_TIMEOUT_MS: {
    schema: Type.Integer({ minimum: 100, maximum: 60000 }),
    default: 15000,
    doc: 'Time a webhook receiver gets to answer.'
  },
  WEBHOOK_CONCURRENCY: {
    schema: Type.Integer({ minimum: 1, maximum: 500 }),
    default: 20,
    doc: 'Deliveries a worker process sends at once. Keep WEBHOOK_LEASE_MS well above the time one takes, waits for a database connection included.'
  },
  WEBHOOK_LEASE_MS: {
    schema: Type.Integer({ minimum: 200 }),
    default: 60000,
    doc: "How long a worker holds a delivery it is sending; a killed worker's delivery is retried after it."
  },
  FHIR_HEARTBEAT_MIN_SECONDS: {
    schema: Type.Integer({ minimum: 1, maximum: 86400 }),
    default: 60,
    doc: 'The shortest heartbeat period a FHIR Subscription may ask for; a heartbeat goes out when it heard nothing for that long.'
  },
  WORKER_LOCK_MS: {
    schema: Type.Integer({ minimum: 200 }),
    default: 30000,
    doc: "BullMQ job lock: a killed worker's jobs are picked up again after it."
  },
  AUTH_CACHE_MS: {
    schema: Type.Integer({ minimum: 0, maximum: 300000 }),
    default: 30000,
    doc: "How long an API process remembers whom a key belongs to (0: look it up on every request). A revocation clears every process's memory at once (NOTIFY); this bounds it should that message be lost."
  },
  RELAY_INTERVAL_MS: {
    schema: Type.Integer({ minimum: 10 }),
    default: 1000,
    doc: 'Outbox relay poll interval (it is also woken by NOTIFY).'
  },
  RELAY_LEASE_MS: {
    schema: Type.Integer({ minimum: 200 }),
    default: 5000,
    doc: 'How long a worker holds a batch of events it relays; a worker that hangs delays only that batch, and only this long.'
  },
  FEED_LAG_DEGRADED_S: {
    schema: Type.Integer({ minimum: 1, maximum: 86400 }),
    default: 30,
    doc: 'Readiness says `degraded` when the change feed lags more than this many seconds (a long transaction anywhere on the PostgreSQL cluster holds it back).'
  },
  RECONCILE_INTERVAL_MS: {
    schema: Type.Integer({ minimum: 100 }),
    default: 60000,
    doc: 'How often workers re-create lost delivery jobs and timers from PostgreSQL.'
  },
  ACK_DEADLINE: {
    schema: Type.String({ pattern: '^\\d+(ms|s|m|h|d|wd)$' }),
    default: '2wd',
    doc: 'A referral still `requested` this long after it was sent raises `referral.overdue` (`wd`: Belgian working days).'
  },
  FIRST_CONTACT_DEADLINE: {
    schema: Type.String({ pattern: '^\\d+(ms|s|m|h|d)$' }),
    default: '14d',
    doc: 'An accepted referral without first contact this long after acceptance raises `referral.first_contact_overdue`.'
  },
  GUIDANCE_ENDING_NOTICE: {
    schema: Type.String({ pattern: '^\\d+(ms|s|m|h|d)$' }),
    default: '30d',
    doc: 'How long before the end of guidance `referral.guidance_ending` is raised.'
  },
  RETENTION_AFTER_CLOSURE: {
    schema: Type.String({ pattern: '^\\d+(ms|s|m|h|d)$' }),
    default: '1826d',
    doc: 'How long a closed referral keeps the mother\'s identity before the daily job pseudonymises it (README, "Personal data").'
  },
  REPORT_MIN_CELL: {
    schema: Type.Integer({ minimum: 1, maximum: 100 }),
    default: 5,
    doc: 'Impact figures computed over fewer referrals are suppressed (null).'
  },
  CHILD_MAX_AGE_MONTHS: {
    schema: Type.Integer({ minimum: 1, maximum: 120 }),
    default: 48,
    doc: 'Oldest youngest child (in months) a referral may be made for.'
  },
  METRICS_TOKEN: {
    schema: Type.String({ minLength: 32 }),
    default: undefined,
    doc: 'Bearer token Prometheus sends to scrape `/metrics`; unset: `/metrics` is not served (404).'
  },
  CONTRACT_CHECK: {
    schema: Type.Enum(['on', 'off']),
    default: 'off',
    doc: 'Check every answer against `openapi/openapi.json`; one off the contract becomes a 500 saying why (`on` in the test suite; for staging).'
  },
  RATE_LIMITS: {
    schema: Type.Enum(['on', 'off']),
    default: 'on',
    doc: 'Rate limits, counted in Redis across API processes (`off` only for load tests: `npm run bench` sets it).'
  },
  RATE_LIMIT_PER_CLIENT: {
    schema: Type.Integer({ minimum: 1 }),
    default: 1200,
    doc: 'Requests a minute per API client (per key); more get 429 with `Retry-After`.'
  },
  RATE_LIMIT_UNAUTHENTICATED: {
    schema: Type.Integer({ minimum: 1 }),
    default: 60,
    doc: 'Requests a minute per IP address without a key, or with an unknown or revoked one.'
  },
  RATE_LIMIT_SENSITIVE: {
    schema: Type.Integer({ minimum: 1 }),
    default: 10,
    doc: 'Requests a minute per client to `/admin`, `POST /webhooks/{id}/test` and `/rotate-secret`.'
  }
} satisfies Record<string, { schema: TSchema; default: unknown; doc: string }>

type Spec = typeof spec
export type Config = {
  [K in keyof Spec]: Spec[K]['default'] extends undefined ? string | undefined : Type.Static<Spec[K]['schema']>
}

export class ConfigError extends Error {
  override name = 'ConfigError'
}

/** Reads and validates the configuration; the first bad variable throws one line naming it. */
export function loadConfig(
  env: Record<string, string | undefined> = process.env,
  overrides: Partial<Config> = {}
): Config {
  const config: Record<string, unknown> = {}
  for (const [name, entry] of Object.entries(spec)) {
    if (name in overrides) {
      config[name] = overrides[name as keyof Config]
      continue
    }
    const raw = env[name]
    if (raw === undefined || raw === '') {
      config[name] = entry.default
      continue
    }
    const value = Value.Convert(entry.schema, raw)
    if (!Value.Check(entry.schema, value)) {
      const [first] = Value.Errors(entry.schema, value)
      throw new ConfigError(`Invalid environment variable ${name}: ${first?.message ?? 'invalid value'}`)
    }
    config[name] = value
  }
  return config as Config
}

/** The configuration table of the README, in Markdown. */
export function configTable(): string {
  const rows = Object.entries(spec).map(
    ([name, entry]) =>
      `| \`${name}\` | ${entry.default === undefined ? '—' : `\`${String(entry.default)}\``} | ${entry.doc} |`
  )
  return ['| variable | default | meaning |', '|---|---|---|', ...rows].join('\n')
}
