import { Type, type TObject, type TSchema } from 'typebox'
import { HANDOFF_RECIPIENT_VIEWS, project, REFERRAL_VIEWS, type RecipientView, type ViewName } from '../domain/views.ts'
import { referralExample } from './examples.ts'
import { ReferralFull } from './referrals.ts'

/** The JSON schema of the fields `paths` pick out of `schema` (same dotted paths as `project`). */
export function pickSchema(schema: TObject, paths: readonly string[]): TObject {
  const properties: Record<string, TSchema> = {}
  const nested = new Map<string, string[]>()
  for (const path of paths) {
    const [head, ...rest] = path.split('.') as [string, ...string[]]
    if (rest.length === 0) properties[head] = schema.properties[head] as TSchema
    else nested.set(head, [...(nested.get(head) ?? []), rest.join('.')])
  }
  for (const [head, rest] of nested) {
    const child = schema.properties[head] as TSchema & { type?: string; items?: TObject }
    properties[head] =
      child.type === 'array'
        ? ({ ...child, items: pickSchema(child.items as TObject, rest) } as unknown as TSchema)
        : ({ ...pickSchema(child as TObject, rest), required: [] } as unknown as TSchema)
  }
  return Type.Object(properties, { additionalProperties: false })
}

/** The example referral as a view sees it: projected by the view table, as the server does. */
export const viewExample = (paths: readonly string[], name: ViewName) => ({
  ...project(referralExample, paths),
  view: name
})

/** The schema of one view: the fields it picks, with `view` fixed to its name (the discriminator). */
function viewSchema(paths: readonly string[], name: ViewName, title: string, description: string) {
  const picked = pickSchema(ReferralFull, paths)
  return Type.Object(
    { ...picked.properties, view: Type.Literal(name, { description: 'Whose view this is.' }) },
    { additionalProperties: false, title, description, examples: [viewExample(paths, name)] }
  )
}

export const ReferrerView = viewSchema(
  REFERRAL_VIEWS.referrer,
  'referrer',
  'ReferralReferrerView',
  'A referral as the referrer sees it.'
)
export const ProgrammeView = viewSchema(
  REFERRAL_VIEWS.programme,
  'programme',
  'ReferralProgrammeView',
  'A referral as the programme sees it.'
)
export const OperatorView = viewSchema(
  REFERRAL_VIEWS.operator,
  'operator',
  'ReferralOperatorView',
  'A referral as the platform operator sees it.'
)

const RECIPIENT_TITLES: Record<RecipientView, string> = {
  ocmw: 'ReferralOcmwView',
  housing: 'ReferralHousingView',
  child_family: 'ReferralChildFamilyView',
  other: 'ReferralOtherRecipientView'
}
export const RecipientViews = (Object.keys(HANDOFF_RECIPIENT_VIEWS) as RecipientView[]).map((type) =>
  viewSchema(
    HANDOFF_RECIPIENT_VIEWS[type],
    `recipient:${type}`,
    RECIPIENT_TITLES[type],
    `A referral as a handoff recipient of type ${type} sees it.`
  )
)

/**
 * One of several views, told apart by `view`: `oneOf` with a discriminator, so generated clients get a
 * tagged union. Each member fixes `view` to one name, so exactly one matches.
 */
export function viewUnion<T extends TObject[]>(members: [...T], description: string) {
  const mapping = Object.fromEntries(
    members.map((m) => [
      (m.properties.view as { const: string }).const,
      `#/components/schemas/${(m as { title?: string }).title}`
    ])
  )
  // Typed loosely on purpose: the bodies are projections made by the domain table, not built by type.
  return Type.Unsafe<Record<string, unknown>>({
    oneOf: members,
    examples: (members[0] as { examples?: unknown[] }).examples,
    discriminator: { propertyName: 'view', mapping },
    description
  })
}

export const AnyReferralView = viewUnion(
  [ProgrammeView, ReferrerView, OperatorView, ...RecipientViews],
  "The caller's view of the referral."
)
