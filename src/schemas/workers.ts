import { Type } from 'typebox'
import { DateTime, Nullable, Uuid } from './common.ts'
import { workerExample } from './examples.ts'

const Name = Type.String({ minLength: 1, maxLength: 200, description: "The worker's name." })
const Role = Type.String({ minLength: 1, maxLength: 200, description: 'Role, e.g. `maatschappelijk werker`.' })
const WorkPhone = Type.String({
  maxLength: 25,
  pattern: '^\\+?[0-9][0-9 ()./-]{5,24}$',
  description: 'Work phone (never a private number).'
})
const WorkEmail = Type.String({
  format: 'email',
  maxLength: 254,
  description: 'Work e-mail (never a private address).'
})

export const WorkerInput = Type.Object(
  {
    name: Name,
    role: Role,
    workPhone: Type.Optional(WorkPhone),
    workEmail: Type.Optional(WorkEmail)
  },
  {
    additionalProperties: false,
    title: 'WorkerInput',
    examples: [
      {
        name: workerExample.name,
        role: workerExample.role,
        workPhone: workerExample.workPhone,
        workEmail: workerExample.workEmail
      }
    ]
  }
)

export const WorkerPatch = Type.Object(
  {
    name: Type.Optional(Name),
    role: Type.Optional(Role),
    workPhone: Type.Optional(Nullable(WorkPhone)),
    workEmail: Type.Optional(Nullable(WorkEmail)),
    active: Type.Optional(
      Type.Boolean({ description: 'false: assigned nothing new; what they did and were assigned stays.' })
    )
  },
  { additionalProperties: false, minProperties: 1, title: 'WorkerPatch', examples: [{ role: 'teamverantwoordelijke' }] }
)

export const Worker = Type.Object(
  {
    id: Uuid('Id of the worker.'),
    organisationId: Uuid('Their organisation.'),
    name: Type.String({ maxLength: 200, description: 'Name.' }),
    role: Type.String({ maxLength: 200, description: 'Role.' }),
    workPhone: Nullable(Type.String({ maxLength: 25, description: 'Work phone.' })),
    workEmail: Nullable(Type.String({ maxLength: 254, description: 'Work e-mail.' })),
    active: Type.Boolean({ description: 'Whether they can be assigned work and act.' }),
    version: Type.Integer({
      format: 'int32',
      minimum: 1,
      maximum: 2147483647,
      description: 'Grows with every change; the `ETag` is this number.'
    }),
    createdAt: DateTime('When they were added.'),
    updatedAt: DateTime('Last change.')
  },
  { additionalProperties: false, title: 'Worker', examples: [workerExample] }
)
