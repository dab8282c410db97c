import { notFound, validationProblem } from '../core/problems.ts'
import { createClient, listClients, revokeClient } from '../db/queries/clients.ts'
import {
  findOrganisation,
  insertOrganisation,
  listOrganisations,
  type OrganisationRow
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
  const organisation = await insertOrganisation(deps.db, {
    name: input.name,
    type: input.type,
    notificationEmail: input.notificationEmail ?? null,
    serviceArea: input.serviceArea ?? []
  })
  if (organisation.type === 'programme') deps.programmes.forget()
  return organisation
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
