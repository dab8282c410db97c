/** The closed word lists of the domain (DESIGN §1–§3, §6), shared by schemas, rules and tables. */

export const ORGANISATION_TYPES = [
  'hospital',
  'programme',
  'ocmw',
  'housing',
  'child_family',
  'social_work',
  'midwife',
  'other',
  /** The city administration: reads the aggregate figures of the programmes in its area, nothing else. */
  'city',
  'operator'
] as const
export type OrganisationType = (typeof ORGANISATION_TYPES)[number]

/** Organisation types a mother may consent to share with (never the operator, never the city). */
export const SHARING_TYPES = ORGANISATION_TYPES.filter(
  (t): t is Exclude<OrganisationType, 'operator' | 'city'> => t !== 'operator' && t !== 'city'
)

export const SCOPES = [
  'referrals:write',
  'referrals:read',
  'referrals:manage',
  'handoffs:write',
  'events:read',
  'webhooks:manage',
  'reports:read',
  'admin'
] as const
export type Scope = (typeof SCOPES)[number]

/** FHIR R4 Task.status codes (DESIGN §2). */
export const REFERRAL_STATUSES = [
  'requested',
  'received',
  'accepted',
  'rejected',
  'cancelled',
  'in-progress',
  'on-hold',
  'failed',
  'completed',
  'entered-in-error'
] as const
export type ReferralStatus = (typeof REFERRAL_STATUSES)[number]
/** How a person reads each status: the referrer's e-mails. */
export const REFERRAL_STATUS_LABELS: Record<ReferralStatus, { nl: string; en: string }> = {
  requested: { nl: 'Verstuurd', en: 'Requested' },
  received: { nl: 'Ontvangen door het programma', en: 'Received by the programme' },
  accepted: { nl: 'Aanvaard', en: 'Accepted' },
  rejected: { nl: 'Niet aanvaard', en: 'Rejected' },
  cancelled: { nl: 'Geannuleerd', en: 'Cancelled' },
  'in-progress': { nl: 'Eerste contact gelegd, begeleiding loopt', en: 'First contact made, guidance under way' },
  'on-hold': { nl: 'Begeleiding tijdelijk onderbroken', en: 'Guidance on hold' },
  failed: { nl: 'Begeleiding voortijdig beëindigd', en: 'Guidance ended early' },
  completed: { nl: 'Begeleiding afgerond', en: 'Guidance completed' },
  'entered-in-error': { nl: 'Foutief ingevoerd', en: 'Entered in error' }
}
export const OPEN_STATUSES: readonly ReferralStatus[] = ['requested', 'received', 'accepted', 'in-progress', 'on-hold']

export const TRACKS = ['opkomst', 'opkomst_plus'] as const
export type Track = (typeof TRACKS)[number]

export const SCREENING_VALUES = ['vulnerable', 'not_vulnerable', 'unknown'] as const
/** The six deprivation criteria Kind en Gezin also uses. */
export const SCREENING_CRITERIA = [
  'income',
  'employment',
  'education',
  'housing',
  'childDevelopment',
  'health'
] as const
export const INCOME_SOURCES = ['none', 'benefit', 'work', 'other', 'unknown'] as const
export const HOUSING_SITUATIONS = [
  'adequate',
  'poor_quality',
  'overcrowded',
  'insecure',
  'homeless',
  'unknown'
] as const

/** Life domains of the self-sufficiency assessment (DESIGN §6). */
export const LIFE_DOMAINS = [
  'income',
  'debts',
  'housing',
  'daily_activities',
  'household_relations',
  'parenting',
  'mental_health',
  'physical_health',
  'social_network',
  'community_participation',
  'administration',
  'legal_status'
] as const
export type LifeDomain = (typeof LIFE_DOMAINS)[number]

export const INSZ_ABSENT_REASONS = ['none_issued', 'unknown', 'refused'] as const
export const URGENCIES = ['routine', 'urgent'] as const
export const CONSENT_METHODS = ['verbal', 'written'] as const

/** Themes of the programme's group sessions (group work, "groepswerking"), with how a person reads them. */
export const GROUP_SESSION_THEMES = {
  pregnancy_birth: { nl: 'Zwangerschap en bevalling', en: 'Pregnancy and birth' },
  baby_care: { nl: 'Zorg voor de baby', en: 'Caring for the baby' },
  feeding: { nl: 'Voeding', en: 'Feeding' },
  parenting: { nl: 'Opvoeding', en: 'Parenting' },
  mental_wellbeing: { nl: 'Mentaal welzijn', en: 'Mental wellbeing' },
  meeting: { nl: 'Ontmoeting', en: 'Meeting other mothers' },
  money_admin: { nl: 'Budget en administratie', en: 'Money and paperwork' },
  rights_services: { nl: 'Rechten en voorzieningen', en: 'Rights and services' },
  other: { nl: 'Ander thema', en: 'Other theme' }
} as const satisfies Record<string, { nl: string; en: string }>
export type GroupSessionTheme = keyof typeof GROUP_SESSION_THEMES

/** How a person reads each code of the lists above (reports, charts, e-mails). */
export type Labels<K extends string> = Record<K, { nl: string; en: string }>

export const TRACK_LABELS: Labels<Track> = {
  opkomst: { nl: 'Opkomst', en: 'Opkomst' },
  opkomst_plus: { nl: 'Opkomst+', en: 'Opkomst+' }
}

export const LIFE_DOMAIN_LABELS: Labels<LifeDomain> = {
  income: { nl: 'Inkomen', en: 'Income' },
  debts: { nl: 'Schulden', en: 'Debts' },
  housing: { nl: 'Huisvesting', en: 'Housing' },
  daily_activities: { nl: 'Dagbesteding', en: 'Daily activities' },
  household_relations: { nl: 'Huiselijke relaties', en: 'Household relations' },
  parenting: { nl: 'Opvoeding', en: 'Parenting' },
  mental_health: { nl: 'Geestelijke gezondheid', en: 'Mental health' },
  physical_health: { nl: 'Lichamelijke gezondheid', en: 'Physical health' },
  social_network: { nl: 'Sociaal netwerk', en: 'Social network' },
  community_participation: { nl: 'Maatschappelijke participatie', en: 'Community participation' },
  administration: { nl: 'Administratie', en: 'Paperwork' },
  legal_status: { nl: 'Verblijfsstatus en justitie', en: 'Legal status' }
}

export const SCREENING_CRITERION_LABELS: Labels<(typeof SCREENING_CRITERIA)[number]> = {
  income: { nl: 'Inkomen', en: 'Income' },
  employment: { nl: 'Arbeidssituatie', en: 'Employment' },
  education: { nl: 'Opleiding', en: 'Education' },
  housing: { nl: 'Huisvesting', en: 'Housing' },
  childDevelopment: { nl: 'Ontwikkeling van de kinderen', en: "Children's development" },
  health: { nl: 'Gezondheid', en: 'Health' }
}

export const SCREENING_VALUE_LABELS: Labels<(typeof SCREENING_VALUES)[number]> = {
  vulnerable: { nl: 'Kwetsbaar', en: 'Vulnerable' },
  not_vulnerable: { nl: 'Niet kwetsbaar', en: 'Not vulnerable' },
  unknown: { nl: 'Onbekend', en: 'Unknown' }
}

export const INCOME_SOURCE_LABELS: Labels<(typeof INCOME_SOURCES)[number]> = {
  none: { nl: 'Geen inkomen', en: 'No income' },
  benefit: { nl: 'Uitkering of leefloon', en: 'Benefit' },
  work: { nl: 'Inkomen uit arbeid', en: 'Income from work' },
  other: { nl: 'Ander inkomen', en: 'Other income' },
  unknown: { nl: 'Onbekend', en: 'Unknown' }
}

export const HOUSING_SITUATION_LABELS: Labels<(typeof HOUSING_SITUATIONS)[number]> = {
  adequate: { nl: 'Behoorlijke woning', en: 'Adequate housing' },
  poor_quality: { nl: 'Slechte woonkwaliteit', en: 'Poor-quality housing' },
  overcrowded: { nl: 'Overbewoning', en: 'Overcrowded' },
  insecure: { nl: 'Onzekere woonsituatie', en: 'Insecure housing' },
  homeless: { nl: 'Dak- of thuisloos', en: 'Homeless' },
  unknown: { nl: 'Onbekend', en: 'Unknown' }
}

export const CONSENT_METHOD_LABELS: Labels<(typeof CONSENT_METHODS)[number]> = {
  verbal: { nl: 'Mondeling', en: 'Verbal' },
  written: { nl: 'Schriftelijk', en: 'Written' }
}

export const INSZ_ABSENT_REASON_LABELS: Labels<(typeof INSZ_ABSENT_REASONS)[number]> = {
  none_issued: { nl: 'Geen INSZ toegekend', en: 'None issued' },
  unknown: { nl: 'Onbekend', en: 'Unknown' },
  refused: { nl: 'Niet gegeven', en: 'Refused' }
}

export const ORGANISATION_TYPE_LABELS: Labels<OrganisationType> = {
  hospital: { nl: 'Ziekenhuis', en: 'Hospital' },
  programme: { nl: 'Programma', en: 'Programme' },
  ocmw: { nl: 'OCMW', en: 'Public social welfare centre (OCMW)' },
  housing: { nl: 'Woonmaatschappij', en: 'Social housing company' },
  child_family: { nl: 'Kind en Gezin', en: 'Child and Family' },
  social_work: { nl: 'Sociaal werk', en: 'Social work' },
  midwife: { nl: 'Vroedvrouw', en: 'Midwife' },
  other: { nl: 'Andere', en: 'Other' },
  city: { nl: 'Stad', en: 'City' },
  operator: { nl: 'Beheerder', en: 'Operator' }
}
