import { parseArgs } from 'node:util'
import { loadConfig, ConfigError, type Config } from './config.ts'
import { migrateDatabase } from './db/migrate.ts'
import { standaloneDeps } from './services/deps.ts'
import { issueClient, onboardOrganisation } from './services/organisations.ts'
import { ProblemError } from './core/problems.ts'
import { ORGANISATION_TYPES, SCOPES, type OrganisationType, type Scope } from './domain/vocabulary.ts'

const USAGE = `Usage:
  npm run cli -- organisations:create --name "AZ Voorbeeld" --type hospital [--notification-email x@y.be] [--service-area 2800,2801]
  npm run cli -- clients:create --organisation <id> --scopes referrals:write,referrals:read [--name "EPD koppeling"]

Types: ${ORGANISATION_TYPES.join(', ')}
Scopes: ${SCOPES.join(', ')}`

const list = (v: string | undefined) =>
  v === undefined
    ? undefined
    : v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)

/** Runs one command; returns the exit code. Output goes to `out`, errors to `err`. */
export async function runCli(
  argv: string[],
  env: Record<string, string | undefined>,
  out: (s: string) => void,
  err: (s: string) => void
): Promise<number> {
  const [command, ...rest] = argv
  const { values } = parseArgs({
    args: rest,
    options: {
      name: { type: 'string' },
      type: { type: 'string' },
      'notification-email': { type: 'string' },
      'service-area': { type: 'string' },
      organisation: { type: 'string' },
      scopes: { type: 'string' }
    },
    strict: false
  })
  const str = (k: keyof typeof values) => (typeof values[k] === 'string' ? (values[k] as string) : undefined)
  if (command !== 'organisations:create' && command !== 'clients:create') {
    err(USAGE)
    return 2
  }
  let config: Config
  try {
    config = loadConfig(env)
  } catch (e) {
    if (e instanceof ConfigError) {
      err(e.message)
      return 1
    }
    throw e
  }
  await migrateDatabase(config.DATABASE_URL, config.MIGRATION_LOCK_TIMEOUT_MS)
  const { deps, close } = standaloneDeps(config, err)
  try {
    if (command === 'organisations:create') {
      const type = str('type')
      if (
        str('name') === undefined ||
        type === undefined ||
        !(ORGANISATION_TYPES as readonly string[]).includes(type)
      ) {
        err(`--name and --type (${ORGANISATION_TYPES.join(', ')}) are required`)
        return 2
      }
      const organisation = await onboardOrganisation(deps, {
        name: str('name') as string,
        type: type as OrganisationType,
        notificationEmail: str('notification-email'),
        serviceArea: list(str('service-area'))
      })
      out(JSON.stringify({ id: organisation.id, name: organisation.name, type: organisation.type }))
    } else {
      const scopes = list(str('scopes'))
      const unknown = (scopes ?? []).filter((s) => !(SCOPES as readonly string[]).includes(s))
      if (str('organisation') === undefined || scopes === undefined || scopes.length === 0 || unknown.length > 0) {
        err(
          `--organisation and --scopes (${SCOPES.join(', ')}) are required${unknown.length > 0 ? `; unknown: ${unknown.join(', ')}` : ''}`
        )
        return 2
      }
      const { client, key } = await issueClient(deps, str('organisation') as string, {
        name: str('name') ?? 'cli',
        scopes: scopes as Scope[]
      })
      out(JSON.stringify({ clientId: client.id, organisationId: client.organisationId, scopes: client.scopes, key }))
      err('Store this key now: it is shown once and only its hash is kept.')
    }
    return 0
  } catch (e) {
    if (e instanceof ProblemError) {
      err(e.detail ?? e.title)
      return 1
    }
    throw e
  } finally {
    await close()
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = await runCli(
    process.argv.slice(2),
    process.env,
    (s) => console.log(s),
    (s) => console.error(s)
  )
}
