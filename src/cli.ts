import { parseArgs } from 'node:util'
import { loadConfig, ConfigError, type Config } from './config.ts'
import { migrateDatabase } from './db/migrate.ts'
import { standaloneDeps } from './services/deps.ts'
import {
  changeOrganisation,
  deactivateOrganisation,
  issueClient,
  onboardOrganisation
} from './services/organisations.ts'
import type { OrganisationRow } from './db/queries/organisations.ts'
import { HANDOFF_TYPES, type HandoffType } from './domain/handoffs.ts'
import { ProblemError } from './core/problems.ts'
import { ORGANISATION_TYPES, SCOPES, type OrganisationType, type Scope } from './domain/vocabulary.ts'

const USAGE = `Usage:
  npm run cli -- organisations:create --name "AZ Voorbeeld" --type hospital [--notification-email x@y.be] [--service-area 2800,2801]
  npm run cli -- organisations:edit --organisation <id> [--name "…"] [--notification-email x@y.be] [--service-area 2800,2801]
      [--handoff-types income_support,other] [--contact-phone "+32 15 00 00 00"] [--contact-email info@y.be]
  npm run cli -- organisations:deactivate --organisation <id>
  npm run cli -- clients:create --organisation <id> --scopes referrals:write,referrals:read [--name "EPD koppeling"]

Types: ${ORGANISATION_TYPES.join(', ')}
Scopes: ${SCOPES.join(', ')}
Handoff types: ${HANDOFF_TYPES.join(', ')}`

const COMMANDS = ['organisations:create', 'organisations:edit', 'organisations:deactivate', 'clients:create']

const list = (v: string | undefined) =>
  v === undefined
    ? undefined
    : v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)

const summary = (o: OrganisationRow) => ({
  id: o.id,
  name: o.name,
  type: o.type,
  serviceArea: o.serviceArea,
  acceptedHandoffTypes: o.acceptedHandoffTypes,
  active: o.deactivatedAt === null,
  version: o.version
})

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
      scopes: { type: 'string' },
      'handoff-types': { type: 'string' },
      'contact-phone': { type: 'string' },
      'contact-email': { type: 'string' }
    },
    strict: false
  })
  const str = (k: keyof typeof values) => (typeof values[k] === 'string' ? (values[k] as string) : undefined)
  if (command === undefined || !COMMANDS.includes(command)) {
    err(USAGE)
    return 2
  }
  const handoffTypes = list(str('handoff-types'))
  const unknownTypes = (handoffTypes ?? []).filter((t) => !(HANDOFF_TYPES as readonly string[]).includes(t))
  if (unknownTypes.length > 0) {
    err(`--handoff-types takes ${HANDOFF_TYPES.join(', ')}; unknown: ${unknownTypes.join(', ')}`)
    return 2
  }
  if (command !== 'organisations:create' && command !== 'clients:create' && str('organisation') === undefined) {
    err('--organisation is required')
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
        serviceArea: list(str('service-area')),
        acceptedHandoffTypes: handoffTypes as HandoffType[] | undefined,
        contactPhone: str('contact-phone'),
        contactEmail: str('contact-email')
      })
      out(JSON.stringify({ id: organisation.id, name: organisation.name, type: organisation.type }))
    } else if (command === 'organisations:edit') {
      // The operator at the console changes what is there now: no version to hold (`If-Match: *`).
      const organisation = await changeOrganisation(deps, str('organisation') as string, '*', {
        name: str('name'),
        notificationEmail: str('notification-email'),
        serviceArea: list(str('service-area')),
        acceptedHandoffTypes: handoffTypes as HandoffType[] | undefined,
        contactPhone: str('contact-phone'),
        contactEmail: str('contact-email')
      })
      out(JSON.stringify(summary(organisation)))
    } else if (command === 'organisations:deactivate') {
      const organisation = await deactivateOrganisation(deps, str('organisation') as string, '*')
      out(JSON.stringify(summary(organisation)))
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
