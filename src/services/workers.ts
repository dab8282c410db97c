import { requireVersion, type Caller } from '../core/caller.ts'
import { notFound, ProblemError, validationProblem } from '../core/problems.ts'
import { findOrganisation } from '../db/queries/organisations.ts'
import { insertWorker, updateWorker, workerOf, workersOf, type WorkerRow } from '../db/queries/workers.ts'
import type { Executor } from '../db/client.ts'
import type { WorkContactRow } from '../db/queries/referrals.ts'
import { nameProblem, normalizeName } from '../domain/referral-rules.ts'
import type { ServiceDeps } from './deps.ts'

type Deps = Pick<ServiceDeps, 'db'>

/** A worker as a partner sees them: their work contact. */
export const workContact = (w: WorkerRow): WorkContactRow => ({
  workerId: w.id,
  name: w.name,
  role: w.role,
  workPhone: w.workPhone,
  workEmail: w.workEmail
})

/** An organisation keeps its own people; the operator those of any. Anyone else: 404. */
async function ownOrganisation(deps: Deps, caller: Caller, organisationId: string): Promise<void> {
  const own = caller.principal.kind === 'operator' || caller.principal.organisationId === organisationId
  if (!own || (await findOrganisation(deps.db, organisationId)) === undefined) throw notFound('Organisation')
}

function checkName(name: string | undefined): void {
  const problem = name === undefined ? null : nameProblem(name)
  if (problem !== null) throw validationProblem([{ pointer: '/name', message: problem }])
}

export async function listWorkers(deps: Deps, caller: Caller, organisationId: string): Promise<WorkerRow[]> {
  await ownOrganisation(deps, caller, organisationId)
  return workersOf(deps.db, organisationId)
}

export async function getWorker(deps: Deps, caller: Caller, organisationId: string, id: string): Promise<WorkerRow> {
  await ownOrganisation(deps, caller, organisationId)
  const worker = await workerOf(deps.db, organisationId, id)
  if (worker === undefined) throw notFound('Worker')
  return worker
}

export async function addWorker(
  deps: Deps,
  caller: Caller,
  organisationId: string,
  input: { name: string; role: string; workPhone?: string | undefined; workEmail?: string | undefined }
): Promise<WorkerRow> {
  await ownOrganisation(deps, caller, organisationId)
  checkName(input.name)
  return insertWorker(deps.db, {
    organisationId,
    name: normalizeName(input.name),
    role: input.role.trim(),
    workPhone: input.workPhone ?? null,
    workEmail: input.workEmail ?? null
  })
}

export async function changeWorker(
  deps: Deps,
  caller: Caller,
  organisationId: string,
  id: string,
  ifMatch: string | undefined,
  patch: {
    name?: string | undefined
    role?: string | undefined
    workPhone?: string | null | undefined
    workEmail?: string | null | undefined
    active?: boolean | undefined
  }
): Promise<WorkerRow> {
  const worker = await getWorker(deps, caller, organisationId, id)
  requireVersion(ifMatch, worker.version, 'worker')
  checkName(patch.name)
  const changed = await updateWorker(deps.db, id, worker.version, {
    ...(patch.name === undefined ? {} : { name: normalizeName(patch.name) }),
    ...(patch.role === undefined ? {} : { role: patch.role.trim() }),
    ...(patch.workPhone === undefined ? {} : { workPhone: patch.workPhone }),
    ...(patch.workEmail === undefined ? {} : { workEmail: patch.workEmail }),
    ...(patch.active === undefined ? {} : { active: patch.active })
  })
  if (changed === undefined)
    throw new ProblemError('precondition-failed', 'The worker changed while this request ran; fetch it again and retry')
  return changed
}

/**
 * An active worker of `organisationId` for a write to name (an assignment, a contact person, the
 * acting person); a refusal names `pointer`.
 */
export async function activeWorker(
  db: Executor,
  organisationId: string | null,
  id: string,
  pointer: string
): Promise<WorkerRow> {
  const worker = organisationId === null ? undefined : await workerOf(db, organisationId, id)
  if (worker === undefined)
    throw validationProblem([
      { pointer, message: 'is not a worker of your organisation (GET /organisations/{id}/workers)' }
    ])
  if (!worker.active) throw validationProblem([{ pointer, message: 'is a worker who is no longer active' }])
  return worker
}
