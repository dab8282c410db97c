import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'
import { fileURLToPath } from 'node:url'

/** The committed contract (`npm run openapi` writes it; the build copies it beside the code). */
export const CONTRACT_PATH = fileURLToPath(new URL('../../openapi/openapi.json', import.meta.url))

type Json = Record<string, unknown>

export interface Answer {
  method: string
  /** The route's pattern as Fastify writes it (`/referrals/:referralId`). */
  route: string
  status: number
  headers: Record<string, unknown>
  body: string | null
}

const CONTRACT_ID = 'contract.json'

/** `/referrals/:referralId` as the contract writes it. */
const openApiPath = (route: string) => route.replace(/:([A-Za-z0-9_]+)/g, '{$1}')

const mediaOf = (contentType: unknown) =>
  typeof contentType === 'string' ? (contentType.split(';')[0] as string).trim().toLowerCase() : undefined

/** Bodies read as JSON and checked against their schema; others (CSV, SVG) by media type only. */
const isJson = (media: string) => media === 'application/json' || media.endsWith('+json')

/**
 * Checks answers against the contract: the status is declared for the operation, the content type is
 * one it declares, every header it marks required is there, and a JSON body validates against its
 * schema. Returns what is wrong, empty when the answer conforms. Routes outside the contract (the
 * docs, metrics) are not checked.
 */
export function contractChecker(contract: Json): (answer: Answer) => string[] {
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false })
  addFormats.default(ajv)
  ajv.addSchema(contract, CONTRACT_ID)
  const validators = new Map<string, ValidateFunction>()
  const paths = contract.paths as Record<string, Record<string, Json>>

  const resolve = (node: Json): Json => {
    const ref = node.$ref
    if (typeof ref !== 'string') return node
    const found = ref
      .slice(2)
      .split('/')
      .reduce<unknown>((at, part) => (at as Json)[part.replaceAll('~1', '/').replaceAll('~0', '~')], contract)
    return resolve(found as Json)
  }

  const validatorFor = (key: string, schema: Json) => {
    let validate = validators.get(key)
    if (validate === undefined) {
      // The schema's references point into the document: resolve them against it.
      const rebased = JSON.parse(JSON.stringify(schema).replaceAll('"#/', `"${CONTRACT_ID}#/`))
      validate = ajv.compile(rebased)
      validators.set(key, validate)
    }
    return validate
  }

  return (answer) => {
    const method = answer.method === 'HEAD' ? 'get' : answer.method.toLowerCase()
    const operation = paths[openApiPath(answer.route)]?.[method]
    if (operation === undefined) return []
    const where = `${answer.method} ${answer.route} → ${answer.status}`
    const responses = operation.responses as Record<string, Json>
    const declared = responses[String(answer.status)] ?? responses[`${String(answer.status)[0]}XX`]
    if (declared === undefined) return [`${where}: status not declared in the contract`]
    const response = resolve(declared)
    const problems: string[] = []
    for (const [name, declaredHeader] of Object.entries((response.headers ?? {}) as Record<string, Json>)) {
      const header = resolve(declaredHeader)
      const value = answer.headers[name.toLowerCase()]
      if (value === undefined) {
        if (header.required === true) problems.push(`${where}: required header ${name} missing`)
        continue
      }
      const schema = header.schema as Json
      // Not every ETag is a version number (the directory's is a hash): one validator per schema.
      const validate = validatorFor(`header ${name} ${JSON.stringify(schema)}`, schema)
      if (!validate(schema.type === 'integer' ? Number(value) : String(value))) {
        problems.push(`${where}: header ${name} is not as declared (${ajv.errorsText(validate.errors)})`)
      }
    }
    const content = response.content as Record<string, { schema?: Json }> | undefined
    // HTTP sends no body with these, whatever a handler passed on.
    const bodiless = answer.method === 'HEAD' || answer.status === 204 || answer.status === 304
    const hasBody = answer.body !== null && answer.body.length > 0 && !bodiless
    if (content === undefined || Object.keys(content).length === 0) {
      if (hasBody) problems.push(`${where}: a body where the contract declares none`)
      return problems
    }
    if (!hasBody) return problems
    const media = mediaOf(answer.headers['content-type'])
    const declaredMedia = media === undefined ? undefined : content[media]
    if (media === undefined || declaredMedia === undefined) {
      problems.push(`${where}: content type ${String(media)} not declared (${Object.keys(content).join(', ')})`)
      return problems
    }
    if (!isJson(media) || declaredMedia.schema === undefined) return problems
    const validate = validatorFor(`${method} ${answer.route} ${answer.status} ${media}`, declaredMedia.schema)
    let body: unknown
    try {
      body = JSON.parse(answer.body as string)
    } catch {
      return [...problems, `${where}: the body is not JSON`]
    }
    if (!validate(body)) {
      for (const e of validate.errors ?? []) {
        problems.push(`${where}: body${e.instancePath} ${e.message ?? 'is invalid'} (${e.schemaPath})`)
      }
    }
    return problems
  }
}
