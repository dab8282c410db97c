import { Type, type TObject, type TSchema } from 'typebox'
import { HANDOFF_RECIPIENT_VIEWS, REFERRAL_VIEWS, type RecipientView, type ReferralView } from '../domain/views.ts'
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

export const referralViewSchema = (view: ReferralView, title: string) => ({
  ...pickSchema(ReferralFull, REFERRAL_VIEWS[view]),
  title,
  description: `A referral as seen by ${view === 'operator' ? 'the platform operator' : `the ${view}`}.`
})

export const ReferrerView = referralViewSchema('referrer', 'ReferralReferrerView')
export const ProgrammeView = referralViewSchema('programme', 'ReferralProgrammeView')
export const OperatorView = referralViewSchema('operator', 'ReferralOperatorView')
export const recipientViewSchema = (type: RecipientView) => ({
  ...pickSchema(ReferralFull, HANDOFF_RECIPIENT_VIEWS[type]),
  title: `ReferralRecipientView_${type}`,
  description: `A referral as a handoff recipient of type ${type} sees it.`
})
export const RecipientViews = (Object.keys(HANDOFF_RECIPIENT_VIEWS) as RecipientView[]).map(recipientViewSchema)
export const AnyReferralView = Type.Union([ProgrammeView, ReferrerView, OperatorView, ...RecipientViews], {
  description: "The caller's view of the referral."
})
