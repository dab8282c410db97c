import { Type, type TObject, type TSchema } from 'typebox'
import { REFERRAL_VIEWS, type ReferralView } from '../domain/views.ts'
import { ReferralFull } from './referrals.ts'

/** The JSON schema of the fields `paths` pick out of `schema` (same dotted paths as `project`). */
export function pickSchema (schema: TObject, paths: readonly string[]): TObject {
  const properties: Record<string, TSchema> = {}
  const nested = new Map<string, string[]>()
  for (const path of paths) {
    const [head, ...rest] = path.split('.') as [string, ...string[]]
    if (rest.length === 0) properties[head] = schema.properties[head] as TSchema
    else nested.set(head, [...(nested.get(head) ?? []), rest.join('.')])
  }
  for (const [head, rest] of nested) {
    const child = schema.properties[head] as TObject
    properties[head] = { ...pickSchema(child, rest), required: [] } as unknown as TSchema
  }
  return Type.Object(properties, { additionalProperties: false })
}

export const referralViewSchema = (view: ReferralView, title: string) =>
  ({ ...pickSchema(ReferralFull, REFERRAL_VIEWS[view]), title, description: `A referral as seen by ${view === 'operator' ? 'the platform operator' : `the ${view}`}.` })

export const ReferrerView = referralViewSchema('referrer', 'ReferralReferrerView')
export const ProgrammeView = referralViewSchema('programme', 'ReferralProgrammeView')
export const OperatorView = referralViewSchema('operator', 'ReferralOperatorView')
export const AnyReferralView = Type.Union([ProgrammeView, ReferrerView, OperatorView], { description: "The caller's view of the referral." })
