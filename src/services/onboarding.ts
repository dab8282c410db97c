import type { Database } from '../db/client.ts'
import type { ProgrammeDirectory } from '../db/programmes.ts'
import { insertOrganisation, findOrganisation, type OrganisationRow } from '../db/queries/organisations.ts'
import { createClient } from '../db/queries/clients.ts'
import { forbiddenScopes } from '../domain/scopes.ts'
import { displayPrefix, generateApiKey, hashApiKey } from '../domain/api-keys.ts'
import type { OrganisationType, Scope } from '../domain/vocabulary.ts'
import { notFound, validationProblem } from '../plugins/errors.ts'

/** `programmes`: this process's directory, told at once (other processes hear of it by NOTIFY). */
export async function onboardOrganisation (db: Database, input: { name: string, type: OrganisationType, notificationEmail?: string | undefined, serviceArea?: string[] | undefined },
  programmes?: Pick<ProgrammeDirectory, 'forget'>): Promise<OrganisationRow> {
  if (input.serviceArea !== undefined && input.serviceArea.length > 0 && input.type !== 'programme') {
    throw validationProblem([{ pointer: '/serviceArea', message: 'only a programme has a service area' }])
  }
  const organisation = await insertOrganisation(db, {
    name: input.name,
    type: input.type,
    notificationEmail: input.notificationEmail ?? null,
    serviceArea: input.serviceArea ?? []
  })
  if (organisation.type === 'programme') programmes?.forget()
  return organisation
}

/** Issues an API key; the key is returned this once and only its hash is stored. */
export async function issueClient (db: Database, organisationId: string, input: { name: string, scopes: Scope[] }) {
  const organisation = await findOrganisation(db, organisationId)
  if (organisation === undefined) throw notFound('Organisation')
  const refused = forbiddenScopes(organisation.type as OrganisationType, input.scopes)
  if (refused.length > 0) {
    throw validationProblem([{ pointer: '/scopes', message: `an organisation of type ${organisation.type} may not hold ${refused.join(', ')}` }])
  }
  const key = generateApiKey()
  const client = await createClient(db, { organisationId, name: input.name, keyHash: hashApiKey(key), keyPrefix: displayPrefix(key), scopes: input.scopes })
  return { client, key }
}
