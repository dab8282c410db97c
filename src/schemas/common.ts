import { Type, type TSchema } from 'typebox'

export const Uuid = (description: string) => Type.String({ format: 'uuid', maxLength: 36, description })
export const DateOnly = (description: string) =>
  Type.String({ format: 'date', maxLength: 10, description, examples: ['2026-03-14'] })
/** Long enough for any RFC 3339 instant with microseconds and an offset. */
export const DateTime = (description: string) => Type.String({ format: 'date-time', maxLength: 35, description })
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()])

/**
 * Schema keywords for "exactly one of `a` and `b`": with `a`, `b` is not allowed; without it, `b` is
 * required. Written as `if`/`then`/`else`, which generators of client types leave alone (an `anyOf`
 * of bare `required` lists makes openapi-typescript give up on the type); the errors plugin turns a
 * failure into a message that names both fields.
 */
export const exactlyOneOf = (a: string, b: string) => ({
  // `{}` accepts anything: the field is defined where it is required (Redocly checks that).
  if: { properties: { [a]: {} }, required: [a] },
  // biome-ignore lint/suspicious/noThenProperty: JSON Schema's `then`, never awaited
  then: { properties: { [b]: false } },
  else: { properties: { [b]: {} }, required: [b] }
})

export const Problem = Type.Object(
  {
    type: Type.String({
      maxLength: 200,
      description: 'Stable URI naming the kind of error, e.g. `urn:opkomst:problem:validation`.'
    }),
    title: Type.String({ maxLength: 200, description: 'Short summary of the kind of error.' }),
    status: Type.Integer({ format: 'int32', minimum: 400, maximum: 599, description: 'The HTTP status code.' }),
    detail: Type.Optional(Type.String({ maxLength: 50000, description: 'What went wrong with this request.' })),
    instance: Type.Optional(
      Type.String({ maxLength: 200, description: 'The request id, to quote when asking for help.' })
    ),
    errors: Type.Optional(
      Type.Array(
        Type.Object({
          pointer: Type.String({
            maxLength: 1000,
            description: 'JSON pointer to the failing field, e.g. `/mother/insz`.'
          }),
          message: Type.String({ maxLength: 4000, description: 'Why the field was refused.' })
        }),
        { maxItems: 1000, description: 'Each failing field (validation errors only).' }
      )
    ),
    allowedTransitions: Type.Optional(
      Type.Array(Type.String({ maxLength: 40 }), {
        maxItems: 20,
        description: 'The statuses this caller may move the record to now (409 on a transition).'
      })
    ),
    openHandoffs: Type.Optional(
      Type.Array(Type.String({ maxLength: 36 }), {
        maxItems: 1000,
        description: 'Handoffs still open (409 on completing or failing a referral).'
      })
    ),
    existingOrganisationId: Type.Optional(
      Type.String({ maxLength: 36, description: 'The organisation of that type and name (409 on onboarding).' })
    ),
    overlaps: Type.Optional(
      Type.Array(
        Type.Object({
          programmeId: Type.String({ maxLength: 36, description: 'The programme serving them now.' }),
          postalCodes: Type.Array(Type.String({ maxLength: 4 }), { maxItems: 1000, description: 'The codes shared.' })
        }),
        { maxItems: 100, description: 'Postal codes another programme serves (409 on a service area).' }
      )
    ),
    existingReferralId: Type.Optional(
      Type.String({ maxLength: 36, description: 'The open referral this one duplicates (409 on intake).' })
    )
  },
  { $id: 'Problem', title: 'Problem', description: 'RFC 9457 problem details.', additionalProperties: true }
)

export const problemResponses = (statuses: number[]) =>
  Object.fromEntries(statuses.map((s) => [s, Type.Ref('Problem')]))

export const IdParams = <K extends string>(key: K, what: string) =>
  Type.Object({ [key]: Uuid(`Id of the ${what}.`) } as Record<K, ReturnType<typeof Uuid>>)

export const PageQuery = {
  limit: Type.Optional(
    Type.Integer({
      format: 'int32',
      minimum: 1,
      maximum: 100,
      default: 50,
      description: 'Items per page (at most 100).'
    })
  ),
  cursor: Type.Optional(Type.String({ maxLength: 200, description: 'The `nextCursor` of the previous page.' }))
}

export const IfMatchHeaders = Type.Object({
  'if-match': Type.Optional(
    Type.String({ maxLength: 200, description: 'The `ETag` of the version being changed (required).' })
  )
})

export const IfNoneMatchHeaders = Type.Object({
  'if-none-match': Type.Optional(Type.String({ maxLength: 200, description: 'The ETag you hold; 304 when unchanged.' }))
})

/** Response headers a route declares (each is sent with every such answer); see `HEADERS` for what each means. */
export type AnswerHeader = 'etag' | 'content-tag' | 'location'

/**
 * A success answer in the contract: what it is, and the headers every such answer carries. The
 * schema itself is unchanged (validation and serialisation see the same object's fields).
 */
export function answer<T extends TSchema>(description: string, schema: T, headers: AnswerHeader[] = []): T {
  return {
    ...schema,
    'x-response-description': description,
    ...(headers.length === 0 ? {} : { headers: Object.fromEntries(headers.map((h) => [h, { type: 'string' }])) })
  }
}

export const NotModified = answer('Not modified: the version you hold is current.', Type.Null(), ['etag'])

const firstExample = (schema: TSchema) => (schema as { examples?: unknown[] }).examples?.[0]

/** Every item at once (short lists), with an example made of the item's. */
export const List = <T extends TSchema>(item: T, description: string) =>
  Type.Object(
    { items: Type.Array(item, { maxItems: 1000, description }) },
    { examples: [{ items: [firstExample(item)].filter((e) => e !== undefined) }] }
  )

/** A keyset page: `nextCursor` goes back as `cursor`, null on the last page. */
export const Page = <T extends TSchema>(item: T, description: string) =>
  Type.Object(
    {
      items: Type.Array(item, { maxItems: 100, description }),
      nextCursor: Type.Union([Type.String({ maxLength: 200 }), Type.Null()], {
        description: 'Pass as `cursor` for the next page; null on the last.'
      })
    },
    { examples: [{ items: [firstExample(item)].filter((e) => e !== undefined), nextCursor: null }] }
  )

/** The answers of a GET of one versioned resource: it with its ETag, 304 to the ETag held, or 404. */
export const versionedRead = <T extends TSchema>(description: string, schema: T) => ({
  200: answer(description, schema, ['etag']),
  304: NotModified,
  ...problemResponses([404])
})
