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

type Bounded = TSchema & {
  maxItems?: number
  items?: TSchema
  properties?: Record<string, TSchema>
  format?: string
  anyOf?: TSchema[]
}

const fault = (
  path: string,
  keyword: string,
  message: string,
  params: Record<string, unknown> = {}
): FastifySchemaValidationError => ({
  keyword,
  instancePath: path,
  schemaPath: `#/${keyword}`,
  params,
  message
})

/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

/** Dates this service can hold and compute with; a year 0 or 9999 is a forgery or a typo, never a fact. */
const YEARS = /^(19|2\d)\d{2}-/

/**
 * What must never reach the validator or the database, found in one pass before the schema runs:
 * arrays longer than their `maxItems` (TypeBox's error path is quadratic in an array's length under
 * `uniqueItems`), strings with a NUL character or a lone surrogate (PostgreSQL refuses the one, UTF-8
 * cannot carry the other), and dates outside the years 1900 to 2999.
 */
export function inputFaults(schema: Bounded, value: unknown, path = ''): FastifySchemaValidationError[] {
  if (typeof value === 'string') {
    if (value.includes('\u0000')) return [fault(path, 'nul', 'must not contain a NUL character')]
    if (LONE_SURROGATE.test(value))
      return [fault(path, 'surrogate', 'must be well-formed Unicode (no lone surrogates)')]
    if ((schema.format === 'date' || schema.format === 'date-time') && !YEARS.test(value)) {
      return [fault(path, 'format', 'must be a date in the years 1900 to 2999')]
    }
    return []
  }
  if (Array.isArray(value)) {
    if (schema.maxItems !== undefined && value.length > schema.maxItems) {
      return [fault(path, 'maxItems', `must NOT have more than ${schema.maxItems} items`, { limit: schema.maxItems })]
    }
    const items = schema.items as Bounded | undefined
    return value.flatMap((item, i) => inputFaults(items ?? {}, item, `${path}/${i}`))
  }
  if (value === null || typeof value !== 'object') return []
  const variants = (schema.anyOf ?? []) as Bounded[]
  return Object.entries(value as Record<string, unknown>).flatMap(([key, field]) => {
    const property = (schema.properties?.[key] ??
      variants.find((v) => v.properties?.[key] !== undefined)?.properties?.[key]) as Bounded | undefined
    return inputFaults(property ?? {}, field, `${path}/${key}`)
  })
}

/** TypeBox's validator, with `inputFaults` checked first. */
export const boundedValidatorCompiler: FastifySchemaCompiler<TSchema> = (route) => {
  const validate = TypeBoxValidatorCompiler(route) as (value: unknown) => {
    value?: unknown
    error?: FastifySchemaValidationError[]
  }
  return (value: unknown) => {
    const faults = inputFaults(route.schema as Bounded, value)
    return faults.length > 0 ? { error: faults } : validate(value)
  }
}

/** JSON bodies nested deeper than `MAX_JSON_DEPTH` get 400 before the parser (and its prototype scan) sees them. */
export function boundJsonDepth(app: FastifyInstance, contentType: string | RegExp = 'application/json'): void {
  const parse = app.getDefaultJsonParser('error', 'error')
  app.addContentTypeParser(contentType, { parseAs: 'string' }, (request, body, done) => {
    if (jsonDepth(body as string) > MAX_JSON_DEPTH) {
      done(new ProblemError('malformed-json', `The body nests deeper than ${MAX_JSON_DEPTH} levels`), undefined)
      return
    }
    parse(request, body as string, done)
  })
}
