import { notFound, ProblemError, validationProblem } from '../core/problems.ts'
import { requireVersion } from '../core/caller.ts'
import { type Executor, writeTransaction } from '../db/client.ts'
import { serviceAreaOverlaps } from '../domain/routing.ts'
import { createClient, listClients, revokeClient } from '../db/queries/clients.ts'
import {
  findOrganisation,
  insertOrganisation,
  listOrganisations,
  lockOrganisationWrites,
  organisationNamed,
  type OrganisationRow,
  programmeAreas,
  updateOrganisation
} from '../db/queries/organisations.ts'
import { displayPrefix, generateApiKey, hashApiKey } from '../domain/api-keys.ts'
import { forbiddenScopes } from '../domain/scopes.ts'
import type { OrganisationType, Scope } from '../domain/vocabulary.ts'
import type { ServiceDeps } from './deps.ts'

type Deps = Pick<ServiceDeps, 'db' | 'programmes'>

/** Onboards an organisation. This process's programme directory is told at once (others hear it by NOTIFY). */
export async function onboardOrganisation(
  deps: Deps,
  input: {
    name: string
    type: OrganisationType
    notificationEmail?: string | undefined
    serviceArea?: string[] | undefined
  }
): Promise<OrganisationRow> {
  if (input.serviceArea !== undefined && input.serviceArea.length > 0 && input.type !== 'programme') {
    throw validationProblem([{ pointer: '/serviceArea', message: 'only a programme has a service area' }])
  }
  const organisation = await writeTransaction(deps.db, async (tx) => {
    await lockOrganisationWrites(tx)
    await refuseClashes(tx, null, input.type, input.name, input.serviceArea ?? [])
    return insertOrganisation(tx, {
      name: input.name.trim(),
      type: input.type,
      notificationEmail: input.notificationEmail ?? null,
      serviceArea: input.serviceArea ?? []
    })
  })
  if (organisation.type === 'programme') deps.programmes.forget()
  return organisation
}

/** 409 when another organisation of the type has the name, or another programme serves one of the codes. */
async function refuseClashes(
  tx: Executor,
  self: string | null,
  type: OrganisationType,
  name: string,
  serviceArea: readonly string[]
): Promise<void> {
  const namesake = await organisationNamed(tx, type, name, self)
  if (namesake !== undefined) {
    throw new ProblemError('duplicate-organisation', `A ${type} named "${namesake.name}" exists`, {
      existingOrganisationId: namesake.id
    })
  }
  if (type !== 'programme' || serviceArea.length === 0) return
  const overlaps = serviceAreaOverlaps(await programmeAreas(tx), self, serviceArea)
  if (overlaps.length > 0) {
    const said = overlaps.map((o) => `${o.postalCodes.join(', ')} (programme ${o.programmeId})`).join('; ')
    throw new ProblemError('service-area-overlap', `Another programme already serves ${said}`, { overlaps })
  }
}

/** Changes an organisation's name, notice inbox or (programmes) service area, under `If-Match`. */
export async function changeOrganisation(
  deps: Deps,
  id: string,
  ifMatch: string | undefined,
  input: {
    name?: string | undefined
    notificationEmail?: string | null | undefined
    serviceArea?: string[] | undefined
  }
): Promise<OrganisationRow> {
  const changed = await writeTransaction(deps.db, async (tx) => {
    await lockOrganisationWrites(tx)
    const current = await findOrganisation(tx, id)
    if (current === undefined) throw notFound('Organisation')
    requireVersion(ifMatch, current.version, 'organisation')
    if (input.serviceArea !== undefined && input.serviceArea.length > 0 && current.type !== 'programme') {
      throw validationProblem([{ pointer: '/serviceArea', message: 'only a programme has a service area' }])
    }
    await refuseClashes(tx, id, current.type, input.name ?? current.name, input.serviceArea ?? [])
    const updated = await updateOrganisation(tx, id, current.version, {
      ...(input.name === undefined ? {} : { name: input.name.trim() }),
      ...(input.notificationEmail === undefined ? {} : { notificationEmail: input.notificationEmail }),
      ...(input.serviceArea === undefined ? {} : { serviceArea: input.serviceArea })
    })
    if (updated === undefined) throw notFound('Organisation')
    return updated
  })
  if (changed.type === 'programme') deps.programmes.forget()
  return changed
}

export async function getOrganisation(deps: Pick<Deps, 'db'>, id: string): Promise<OrganisationRow> {
  const organisation = await findOrganisation(deps.db, id)
  if (organisation === undefined) throw notFound('Organisation')
  return organisation
}

/** A keyset page of organisations, oldest first. */
export async function organisationPage(deps: Pick<Deps, 'db'>, after: [string, string] | null, limit: number) {
  const rows = await listOrganisations(deps.db, after, limit + 1)
  const page = rows.slice(0, limit)
  const last = page.at(-1)
  return {
    items: page,
    next: rows.length > limit && last !== undefined ? ([last.createdAt, last.id] as [string, string]) : null
  }
}

/** Issues an API key; the key is returned this once and only its hash is stored. */
export async function issueClient(
  deps: Pick<Deps, 'db'>,
  organisationId: string,
  input: { name: string; scopes: Scope[] }
) {
  const organisation = await getOrganisation(deps, organisationId)
  const refused = forbiddenScopes(organisation.type as OrganisationType, input.scopes)
  if (refused.length > 0) {
    throw validationProblem([
      { pointer: '/scopes', message: `an organisation of type ${organisation.type} may not hold ${refused.join(', ')}` }
    ])
  }
  const key = generateApiKey()
  const client = await createClient(deps.db, {
    organisationId,
    name: input.name,
    keyHash: hashApiKey(key),
    keyPrefix: displayPrefix(key),
    scopes: input.scopes
  })
  return { client, key }
}

export async function clientsOf(deps: Pick<Deps, 'db'>, organisationId: string) {
  await getOrganisation(deps, organisationId)
  return listClients(deps.db, organisationId)
}

/** Revokes a client; its key is refused from the next request on (every process is told by NOTIFY). */
export async function revokeClientOf(deps: Pick<Deps, 'db'>, organisationId: string, clientId: string): Promise<void> {
  if (!(await revokeClient(deps.db, organisationId, clientId))) throw notFound('API client')
}
