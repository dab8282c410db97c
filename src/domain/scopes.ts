import { SCOPES, type OrganisationType, type Scope } from './vocabulary.ts'

/** Which scopes an API client of each organisation type may hold. */
export const SCOPES_BY_ORGANISATION_TYPE: Record<OrganisationType, readonly Scope[]> = {
  programme: [
    'referrals:write',
    'referrals:read',
    'referrals:manage',
    'handoffs:write',
    'events:read',
    'webhooks:manage',
    'reports:read'
  ],
  hospital: ['referrals:write', 'referrals:read', 'handoffs:write', 'events:read', 'webhooks:manage'],
  ocmw: ['referrals:write', 'referrals:read', 'handoffs:write', 'events:read', 'webhooks:manage'],
  housing: ['referrals:read', 'handoffs:write', 'events:read', 'webhooks:manage'],
  child_family: ['referrals:write', 'referrals:read', 'handoffs:write', 'events:read', 'webhooks:manage'],
  social_work: ['referrals:write', 'referrals:read', 'handoffs:write', 'events:read', 'webhooks:manage'],
  midwife: ['referrals:write', 'referrals:read', 'handoffs:write', 'events:read', 'webhooks:manage'],
  other: ['referrals:write', 'referrals:read', 'handoffs:write', 'events:read', 'webhooks:manage'],
  city: ['reports:read'],
  operator: ['admin']
}

/** The scopes of `requested` that this organisation type may not hold. */
export function forbiddenScopes(type: OrganisationType, requested: readonly Scope[]): Scope[] {
  const allowed = SCOPES_BY_ORGANISATION_TYPE[type]
  return requested.filter((s) => !allowed.includes(s))
}

/** Scopes of those who work in the network (all but `reports:read`, which the city holds alone): who may read its directory and people. */
export const NETWORK_SCOPES = SCOPES.filter((s) => s !== 'reports:read')
