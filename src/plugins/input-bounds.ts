import type { FastifyInstance, FastifySchemaCompiler, FastifySchemaValidationError } from 'fastify'
import { TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox'
import type { TSchema } from 'typebox'
import { ProblemError } from '../core/problems.ts'

/** Deeper JSON than any request of this API (its bodies nest four levels) is refused before it is parsed. */
export const MAX_JSON_DEPTH = 32

/** How deep `text` nests arrays and objects, read in one pass (strings skipped); stops counting past `limit`. */
export function jsonDepth(text: string, limit = MAX_JSON_DEPTH): number {
  let depth = 0
  let deepest = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 0x5c)
        i++ // backslash: skip the escaped character
      else if (c === 0x22) inString = false
    } else if (c === 0x22) inString = true
    else if (c === 0x5b || c === 0x7b) {
      depth++
      if (depth > deepest) deepest = depth
      if (deepest > limit) return deepest
    } else if (c === 0x5d || c === 0x7d) depth--
  }
  return deepest
}

type Bounded = TSchema & { maxItems?: number; items?: TSchema; properties?: Record<string, TSchema> }

/**
 * Arrays longer than their schema's `maxItems`, found in one pass before the schema runs: the
 * validator's error path is quadratic in an array's length (`uniqueItems`), so an oversized array
 * is refused here, whatever else is wrong with it.
 */
export function oversizedArrays(schema: Bounded, value: unknown, path = ''): FastifySchemaValidationError[] {
  if (Array.isArray(value)) {
    if (schema.maxItems !== undefined && value.length > schema.maxItems) {
      return [
        {
          keyword: 'maxItems',
          instancePath: path,
          schemaPath: '#/maxItems',
          params: { limit: schema.maxItems },
          message: `must NOT have more than ${schema.maxItems} items`
        }
      ]
    }
    const items = schema.items as Bounded | undefined
    return items === undefined ? [] : value.flatMap((item, i) => oversizedArrays(items, item, `${path}/${i}`))
  }
  if (value === null || typeof value !== 'object' || schema.properties === undefined) return []
  return Object.entries(value as Record<string, unknown>).flatMap(([key, field]) => {
    const property = schema.properties?.[key] as Bounded | undefined
    return property === undefined ? [] : oversizedArrays(property, field, `${path}/${key}`)
  })
}

/** TypeBox's validator, with the bound on arrays checked first (see `oversizedArrays`). */
export const boundedValidatorCompiler: FastifySchemaCompiler<TSchema> = (route) => {
  const validate = TypeBoxValidatorCompiler(route) as (value: unknown) => {
    value?: unknown
    error?: FastifySchemaValidationError[]
  }
  return (value: unknown) => {
    const oversized = oversizedArrays(route.schema as Bounded, value)
    return oversized.length > 0 ? { error: oversized } : validate(value)
  }
}

/** JSON bodies nested deeper than `MAX_JSON_DEPTH` get 400 before the parser (and its prototype scan) sees them. */
export function boundJsonDepth(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error')
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (jsonDepth(body as string) > MAX_JSON_DEPTH) {
      done(new ProblemError('malformed-json', `The body nests deeper than ${MAX_JSON_DEPTH} levels`), undefined)
      return
    }
    parse(request, body as string, done)
  })
}
