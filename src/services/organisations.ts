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
  openWorkOf,
  programmeAreas,
  updateOrganisation
} from '../db/queries/organisations.ts'
import { displayPrefix, generateApiKey, hashApiKey } from '../domain/api-keys.ts'
import { forbiddenScopes } from '../domain/scopes.ts'
import type { OrganisationType, Scope } from '../domain/vocabulary.ts'
import type { Language } from '../i18n/index.ts'
import { acceptedTypesError, DEFAULT_HANDOFF_TYPES, type HandoffType } from '../domain/handoffs.ts'
import { recordEvent } from '../db/record.ts'
import { revokeClientsOf } from '../db/queries/clients.ts'
import { disableEndpointsOf } from '../db/queries/webhooks.ts'
import type { ServiceDeps } from './deps.ts'

/** What every partner may know of an organisation (the directory, FHIR Organization): nothing secret (no notice inbox, no clients). */
export const directoryEntry = (o: OrganisationRow) => ({
  id: o.id,
  name: o.name,
  type: o.type,
  serviceArea: o.serviceArea,
  acceptedHandoffTypes: o.acceptedHandoffTypes,
  active: o.deactivatedAt === null,
  contactPhone: o.contactPhone,
  contactEmail: o.contactEmail,
  updatedAt: new Date(o.updatedAt).toISOString()
})

/** A programme's area is where it takes referrals; a city's, whose programmes' figures it reads. */
const HAS_AREA: readonly OrganisationType[] = ['programme', 'city']

type Deps = Pick<ServiceDeps, 'db' | 'programmes'>

/** Onboards an organisation. This process's programme directory is told at once (others hear it by NOTIFY). */
export async function onboardOrganisation(
  deps: Deps,
  input: {
    name: string
    type: OrganisationType
    notificationEmail?: string | undefined
    noticeLanguage?: Language | undefined
    serviceArea?: string[] | undefined
    acceptedHandoffTypes?: HandoffType[] | undefined
    contactPhone?: string | undefined
    contactEmail?: string | undefined
  }
): Promise<OrganisationRow> {
  if (input.serviceArea !== undefined && input.serviceArea.length > 0 && !HAS_AREA.includes(input.type)) {
    throw validationProblem([{ pointer: '/serviceArea', message: 'only a programme or a city has a service area' }])
  }
  const accepted = input.acceptedHandoffTypes ?? [...DEFAULT_HANDOFF_TYPES[input.type]]
  refuseHandoffTypes(input.type, accepted)
  const organisation = await writeTransaction(deps.db, async (tx) => {
    await lockOrganisationWrites(tx)
    await refuseClashes(tx, null, input.type, input.name, input.serviceArea ?? [])
    return insertOrganisation(tx, {
      name: input.name.trim(),
      type: input.type,
      notificationEmail: input.notificationEmail ?? null,
      noticeLanguage: input.noticeLanguage ?? 'nl',
      serviceArea: input.serviceArea ?? [],
      acceptedHandoffTypes: accepted,
      contactPhone: input.contactPhone ?? null,
      contactEmail: input.contactEmail ?? null
    })
  })
  if (organisation.type === 'programme') deps.programmes.forget()
  return organisation
}

function refuseHandoffTypes(type: OrganisationType, accepted: readonly HandoffType[]): void {
  const problem = acceptedTypesError(type, accepted)
  if (problem !== null) throw validationProblem([{ pointer: '/acceptedHandoffTypes', message: problem }])
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
    noticeLanguage?: Language | undefined
    serviceArea?: string[] | undefined
    acceptedHandoffTypes?: HandoffType[] | undefined
    contactPhone?: string | null | undefined
    contactEmail?: string | null | undefined
  }
): Promise<OrganisationRow> {
  const changed = await writeTransaction(deps.db, async (tx) => {
    await lockOrganisationWrites(tx)
    const current = await findOrganisation(tx, id)
    if (current === undefined) throw notFound('Organisation')
    requireVersion(ifMatch, current.version, 'organisation')
    if (input.serviceArea !== undefined && input.serviceArea.length > 0 && !HAS_AREA.includes(current.type)) {
      throw validationProblem([{ pointer: '/serviceArea', message: 'only a programme or a city has a service area' }])
    }
    if (input.acceptedHandoffTypes !== undefined) refuseHandoffTypes(current.type, input.acceptedHandoffTypes)
    await refuseClashes(tx, id, current.type, input.name ?? current.name, input.serviceArea ?? [])
    const updated = await updateOrganisation(tx, id, current.version, {
      ...(input.name === undefined ? {} : { name: input.name.trim() }),
      ...(input.notificationEmail === undefined ? {} : { notificationEmail: input.notificationEmail }),
      ...(input.noticeLanguage === undefined ? {} : { noticeLanguage: input.noticeLanguage }),
      ...(input.serviceArea === undefined ? {} : { serviceArea: input.serviceArea }),
      ...(input.acceptedHandoffTypes === undefined ? {} : { acceptedHandoffTypes: input.acceptedHandoffTypes }),
      ...(input.contactPhone === undefined ? {} : { contactPhone: input.contactPhone }),
      ...(input.contactEmail === undefined ? {} : { contactEmail: input.contactEmail })
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

/**
 * Deactivates an organisation, under `If-Match`: its API clients are revoked at once and its webhook
 * endpoints disabled; nothing new is referred or handed to it. What it leaves open stays where it
 * is, visible to the programme, which hears of each piece by an `organisation.deactivated` event.
 * A programme still guiding mothers is refused (409): its referrals would have no one to read them.
 */
export async function deactivateOrganisation(
  deps: Deps,
  id: string,
  ifMatch: string | undefined
): Promise<OrganisationRow> {
  const changed = await writeTransaction(deps.db, async (tx) => {
    await lockOrganisationWrites(tx)
    const current = await findOrganisation(tx, id)
    if (current === undefined || current.type === 'operator') throw notFound('Organisation')
    requireVersion(ifMatch, current.version, 'organisation')
    if (current.deactivatedAt !== null) return current
    const open = await openWorkOf(tx, id)
    const guided = open.filter((w) => w.kind === 'guided')
    if (guided.length > 0) {
      throw new ProblemError(
        'open-work',
        `The programme still guides ${guided.length} open referral(s): move or close them before deactivating it`
      )
    }
    const updated = await updateOrganisation(tx, id, current.version, { deactivatedAt: new Date().toISOString() })
    if (updated === undefined) throw notFound('Organisation')
    await revokeClientsOf(tx, id)
    await disableEndpointsOf(tx, id, 'the organisation was deactivated')
    for (const work of open) {
      await recordEvent(
        tx,
        {
          type: 'organisation.deactivated',
          referralId: work.referralId,
          handoffId: work.handoffId,
          status: work.kind === 'handoff' ? 'recipient_deactivated' : 'referrer_deactivated'
        },
        {
          programme: work.programmeOrganisationId,
          ...(work.fromOrganisationId === null ? {} : { handoffCreator: work.fromOrganisationId })
        }
      )
    }
    return updated
  })
  if (changed.type === 'programme') deps.programmes.forget()
  return changed
}
