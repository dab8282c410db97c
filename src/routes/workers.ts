import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { WorkerRow } from '../db/queries/workers.ts'
import { NETWORK_SCOPES } from '../domain/scopes.ts'
import {
  answer,
  IdParams,
  IfMatchHeaders,
  IfNoneMatchHeaders,
  List,
  problemResponses,
  Uuid,
  versionedRead
} from '../schemas/common.ts'
import { Worker, WorkerInput, WorkerPatch } from '../schemas/workers.ts'
import { addWorker, changeWorker, getWorker, listWorkers } from '../services/workers.ts'
import { answeredNotModified, callerOf, etagOf, publicUrl } from './request.ts'

export const toWorker = (w: WorkerRow) => ({
  id: w.id,
  organisationId: w.organisationId,
  name: w.name,
  role: w.role,
  workPhone: w.workPhone,
  workEmail: w.workEmail,
  active: w.active,
  version: w.version,
  createdAt: new Date(w.createdAt).toISOString(),
  updatedAt: new Date(w.updatedAt).toISOString()
})

const OrganisationParams = IdParams('organisationId', 'organisation')
const WorkerParams = Type.Object({
  organisationId: Uuid('Id of the organisation.'),
  workerId: Uuid('Id of the worker.')
})
const OWN = 'An organisation keeps its own workers; the operator those of any organisation.'

/** The people of an organisation, by their work contact: assigned to referrals, named on handoffs and writes. */
const workers: FastifyPluginAsyncTypebox = async (app) => {
  // Reading needs any scope; changing, one that writes work.
  const read = { scope: NETWORK_SCOPES, accessLog: false } as const
  const write = { scope: ['referrals:write', 'referrals:manage', 'handoffs:write', 'admin'], accessLog: false } as const

  app.get(
    '/organisations/:organisationId/workers',
    {
      config: read,
      schema: {
        tags: ['workers'],
        operationId: 'listWorkers',
        summary: "List an organisation's workers",
        description: OWN,
        params: OrganisationParams,
        response: { 200: answer('Its workers, by name.', List(Worker, 'Workers.')), ...problemResponses([404]) }
      }
    },
    async (request) => ({
      items: (await listWorkers(app.deps, callerOf(request, 'workers'), request.params.organisationId)).map(toWorker)
    })
  )

  app.post(
    '/organisations/:organisationId/workers',
    {
      config: write,
      schema: {
        tags: ['workers'],
        operationId: 'addWorker',
        summary: 'Add a worker',
        description: `${OWN} Work contact only: never a private phone or address.`,
        params: OrganisationParams,
        body: WorkerInput,
        response: { 201: answer('Added.', Worker, ['location', 'etag']), ...problemResponses([404]) }
      }
    },
    async (request, reply) => {
      const worker = await addWorker(
        app.deps,
        callerOf(request, 'workers'),
        request.params.organisationId,
        request.body
      )
      return reply
        .code(201)
        .header('location', publicUrl(request, `/organisations/${worker.organisationId}/workers/${worker.id}`))
        .header('etag', etagOf(worker.version))
        .send(toWorker(worker))
    }
  )

  app.get(
    '/organisations/:organisationId/workers/:workerId',
    {
      config: read,
      schema: {
        tags: ['workers'],
        operationId: 'getWorker',
        summary: 'Get a worker',
        description: OWN,
        params: WorkerParams,
        headers: IfNoneMatchHeaders,
        response: versionedRead('The worker.', Worker)
      }
    },
    async (request, reply) => {
      const { organisationId, workerId } = request.params
      const worker = await getWorker(app.deps, callerOf(request, 'workers'), organisationId, workerId)
      if (answeredNotModified(request, reply, worker.version)) return reply
      return reply.header('etag', etagOf(worker.version)).send(toWorker(worker))
    }
  )

  app.patch(
    '/organisations/:organisationId/workers/:workerId',
    {
      config: write,
      schema: {
        tags: ['workers'],
        operationId: 'updateWorker',
        summary: 'Change a worker',
        description: `${OWN} \`active: false\` when they leave: their history stays, nothing new is assigned to them. Needs \`If-Match\`.`,
        params: WorkerParams,
        headers: IfMatchHeaders,
        body: WorkerPatch,
        response: { 200: answer('Changed.', Worker, ['etag']), ...problemResponses([404]) }
      }
    },
    async (request, reply) => {
      const { organisationId, workerId } = request.params
      const worker = await changeWorker(
        app.deps,
        callerOf(request, 'workers'),
        organisationId,
        workerId,
        request.headers['if-match'],
        request.body
      )
      return reply.header('etag', etagOf(worker.version)).send(toWorker(worker))
    }
  )
}

export default workers
