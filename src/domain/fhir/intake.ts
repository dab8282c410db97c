/**
 * A hospital's transaction Bundle read as the referral `POST /referrals` takes: Patient, ServiceRequest
 * (screening as contained Observations, the referrer's contact as a contained Practitioner), Consent
 * and Task. No rule is checked here that intake checks anyway: this only reads, and says by FHIRPath
 * where each field came from, so intake's refusals name the element the hospital sent.
 */
import type { ReferralInput } from '../../schemas/referrals.ts'
import {
  CONSENT_METHODS,
  HOUSING_SITUATIONS,
  INCOME_SOURCES,
  INSZ_ABSENT_REASONS,
  LIFE_DOMAINS,
  SCREENING_CRITERIA,
  SCREENING_VALUES,
  SHARING_TYPES
} from '../vocabulary.ts'
import { codeIn, EXTENSIONS, LOINC, type ScreeningItem, SCREENING_ITEM_LABELS, SYSTEMS, systemOf } from './codes.ts'

/** A refusal of one element: where (FHIRPath) and why, with the OperationOutcome issue type. */
export interface FhirIssue {
  code: 'required' | 'value' | 'structure' | 'not-supported' | 'invalid' | 'business-rule'
  expression: string
  message: string
}

export interface ReadBundle {
  input: ReferralInput
  /** The FHIRPath each field of `input` came from, by JSON pointer. */
  origins: Map<string, string>
  /** `Task.identifier` value the Task entry's `ifNoneExist` asks about, if it asks. */
  ifNoneExist: string | null
  /** The entries in order, for the transaction-response. */
  entries: Array<{ resourceType: string }>
  /** `Task.requester`, when given (it must be the caller's organisation), and where it is. */
  requester: { id: string; expression: string } | null
}

type Json = Record<string, unknown>
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v)
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v : undefined)
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : [])

const SUPPORTED = ['Patient', 'ServiceRequest', 'Consent', 'Task'] as const
type Supported = (typeof SUPPORTED)[number]

/** The expression of where `pointer` (a field of the referral) came from: its own, else its nearest parent's. */
export function expressionOf(origins: ReadonlyMap<string, string>, pointer: string): string {
  for (let p = pointer; p !== ''; p = p.slice(0, p.lastIndexOf('/'))) {
    const found = origins.get(p)
    if (found !== undefined) return found
  }
  return 'Bundle'
}

/** A URL-encoded value, or undefined when it is not validly encoded. */
function decoded(value: string): string | undefined {
  try {
    return decodeURIComponent(value)
  } catch {
    return undefined
  }
}

/** `Organization/{id}` → id; anything else → null. */
function organisationId(reference: unknown): string | null {
  const r = str((reference as Json | undefined)?.reference)
  const m = r === undefined ? null : /^(?:.*\/)?Organization\/([0-9a-f-]{36})$/i.exec(r)
  return m?.[1]?.toLowerCase() ?? null
}

function extensionValue(resource: Json, url: string, key: string): unknown {
  return (list(resource.extension).find((e) => isObject(e) && e.url === url) as Json | undefined)?.[key]
}

export function readTransaction(bundle: unknown): { ok: true; read: ReadBundle } | { ok: false; issues: FhirIssue[] } {
  const issues: FhirIssue[] = []
  const issue = (code: FhirIssue['code'], expression: string, message: string) =>
    issues.push({ code, expression, message })
  if (!isObject(bundle) || bundle.resourceType !== 'Bundle')
    return { ok: false, issues: [{ code: 'structure', expression: 'Bundle', message: 'must be a Bundle' }] }
  if (bundle.type !== 'transaction') issue('value', 'Bundle.type', 'must be transaction')

  const found: Partial<Record<Supported, { at: string; resource: Json; fullUrl: string | undefined; request: Json }>> =
    {}
  const entries: Array<{ resourceType: string }> = []
  list(bundle.entry).forEach((entry, i) => {
    const at = `Bundle.entry[${i}]`
    const resource = isObject(entry) ? entry.resource : undefined
    if (!isObject(entry) || !isObject(resource)) {
      issue('structure', at, 'must hold a resource')
      return
    }
    const type = String(resource.resourceType)
    entries.push({ resourceType: type })
    if (!SUPPORTED.includes(type as Supported)) {
      issue(
        'not-supported',
        `${at}.resource`,
        type === 'Observation'
          ? 'screening Observations go contained in the ServiceRequest (ServiceRequest.contained, ServiceRequest.supportingInfo)'
          : `a ${type} is not part of a referral: send Patient, ServiceRequest, Consent and Task`
      )
      return
    }
    if (found[type as Supported] !== undefined) {
      issue('not-supported', `${at}.resource`, `one ${type} per referral`)
      return
    }
    const request = isObject(entry.request) ? entry.request : {}
    if (request.method !== 'POST')
      issue('not-supported', `${at}.request.method`, 'must be POST: a referral is created whole')
    found[type as Supported] = { at: `${at}.resource`, resource, fullUrl: str(entry.fullUrl), request }
  })
  for (const type of SUPPORTED) {
    if (found[type] === undefined)
      issue(
        'required',
        'Bundle.entry',
        type === 'Consent' ? 'a Consent is required: no consent, no referral' : `a ${type} is required`
      )
  }
  const { Patient: patient, ServiceRequest: request, Consent: consent, Task: task } = found
  if (patient === undefined || request === undefined || consent === undefined || task === undefined)
    return { ok: false, issues }

  const origins = new Map<string, string>()
  const origin = (pointer: string, expression: string) => origins.set(pointer, expression)
  const refersTo = (value: unknown, target: typeof patient, expression: string, what: string) => {
    const reference = str((value as Json | undefined)?.reference)
    if (reference === undefined || target.fullUrl === undefined || reference !== target.fullUrl)
      issue('invalid', expression, `must refer to the ${what} of this Bundle by its fullUrl`)
  }

  // Patient: the mother.
  const p = patient.resource
  const P = patient.at
  origin('/mother', P)
  const nameIndex = list(p.name).findIndex(isObject)
  const name = (list(p.name)[nameIndex] ?? {}) as Json
  const N = `${P}.name[${Math.max(nameIndex, 0)}]`
  origin('/mother/givenName', `${N}.given[0]`)
  origin('/mother/familyName', `${N}.family`)
  const given = list(name.given)
    .filter((g) => typeof g === 'string')
    .join(' ')
  const family = str(name.family)
  if (given === '') issue('required', `${N}.given`, 'is required: her given name')
  if (family === undefined) issue('required', `${N}.family`, 'is required: her family name')
  origin('/mother/birthDate', `${P}.birthDate`)
  const birthDate = str(p.birthDate)
  if (birthDate === undefined) issue('required', `${P}.birthDate`, 'is required')

  const ssinIndex = list(p.identifier).findIndex((id) => isObject(id) && id.system === SYSTEMS.ssin)
  const insz = ssinIndex < 0 ? undefined : str((list(p.identifier)[ssinIndex] as Json).value)
  origin('/mother/insz', ssinIndex < 0 ? `${P}.identifier` : `${P}.identifier[${ssinIndex}].value`)
  const absent = extensionValue(p, EXTENSIONS.inszAbsentReason, 'valueCode')
  origin('/mother/inszAbsentReason', `${P}.extension('${EXTENSIONS.inszAbsentReason}')`)
  if (insz === undefined && absent === undefined)
    issue(
      'required',
      `${P}.identifier`,
      `needs her INSZ (system ${SYSTEMS.ssin}), or the extension ${EXTENSIONS.inszAbsentReason} saying why there is none`
    )
  if (absent !== undefined && !INSZ_ABSENT_REASONS.includes(absent as never))
    issue(
      'value',
      `${P}.extension('${EXTENSIONS.inszAbsentReason}').value`,
      `must be one of ${INSZ_ABSENT_REASONS.join(', ')}`
    )

  const telecomAt = (system: string) => list(p.telecom).findIndex((t) => isObject(t) && t.system === system)
  const phoneAt = telecomAt('phone')
  const emailAt = telecomAt('email')
  origin('/mother/phone', `${P}.telecom[${phoneAt}].value`)
  origin('/mother/email', `${P}.telecom[${emailAt}].value`)
  const phone = phoneAt < 0 ? undefined : str((list(p.telecom)[phoneAt] as Json).value)
  const email = emailAt < 0 ? undefined : str((list(p.telecom)[emailAt] as Json).value)

  let address: ReferralInput['mother']['address']
  const a = list(p.address)[0]
  if (isObject(a)) {
    const A = `${P}.address[0]`
    origin('/mother/address', A)
    origin('/mother/address/street', `${A}.line[0]`)
    origin('/mother/address/houseNumber', `${A}.line[0]`)
    origin('/mother/address/postalCode', `${A}.postalCode`)
    origin('/mother/address/municipality', `${A}.city`)
    const lineParts = list((list(a._line)[0] as Json | undefined)?.extension)
    const part = (url: string) =>
      str((lineParts.find((e) => isObject(e) && e.url === url) as Json | undefined)?.valueString)
    const line = str(list(a.line)[0]) ?? ''
    // The parts when the sender gave them (as the Belgian address profile does), else read from the line.
    const split = /^(.*?\S)\s+(\d\S*(?:\s+(?:bus|box|b)\s*\S+)?)$/i.exec(line.trim())
    const street = part(EXTENSIONS.streetName) ?? split?.[1]
    const houseNumber = part(EXTENSIONS.houseNumber) ?? split?.[2]
    if (street === undefined || houseNumber === undefined)
      issue(
        'required',
        `${A}.line[0]`,
        'must give the street and house number (or the streetName and houseNumber extensions)'
      )
    const postalCode = str(a.postalCode)
    const city = str(a.city)
    if (postalCode === undefined) issue('required', `${A}.postalCode`, 'is required')
    if (city === undefined) issue('required', `${A}.city`, 'is required')
    address = {
      street: street ?? '',
      houseNumber: houseNumber ?? '',
      postalCode: postalCode ?? '',
      municipality: city ?? ''
    }
  }

  const languageCode = codeIn((list(p.communication)[0] as Json | undefined)?.language, SYSTEMS.bcp47)
  const L = `${P}.communication[0].language`
  origin('/mother/preferredLanguage', L)
  if (languageCode === undefined) issue('required', L, `is required: her preferred language (system ${SYSTEMS.bcp47})`)
  const interpreter = extensionValue(p, EXTENSIONS.interpreterRequired, 'valueBoolean')
  origin('/mother/interpreterNeeded', `${P}.extension('${EXTENSIONS.interpreterRequired}')`)

  // ServiceRequest: what is asked, why, and the screening.
  const s = request.resource
  const S = request.at
  refersTo(s.subject, patient, `${S}.subject`, 'Patient')
  const contained = new Map<string, { resource: Json; at: string }>()
  list(s.contained).forEach((c, i) => {
    if (isObject(c) && typeof c.id === 'string') contained.set(`#${c.id}`, { resource: c, at: `${S}.contained[${i}]` })
  })
  const needs: string[] = []
  list(s.reasonCode).forEach((reason, i) => {
    const code = codeIn(reason, systemOf('life-domain'))
    if (code === undefined || !LIFE_DOMAINS.includes(code as never))
      issue(
        'value',
        `${S}.reasonCode[${i}]`,
        `must be a code of ${systemOf('life-domain')}: ${LIFE_DOMAINS.join(', ')}`
      )
    else needs.push(code)
  })
  origin('/needs', `${S}.reasonCode`)
  const note = str((list(s.note)[0] as Json | undefined)?.text)
  origin('/reason', `${S}.note[0].text`)
  if (note === undefined) issue('required', `${S}.note`, 'is required: why she is referred, in words')
  const priority = str(s.priority) ?? 'routine'
  origin('/urgency', `${S}.priority`)
  if (!['routine', 'urgent', 'asap', 'stat'].includes(priority))
    issue('value', `${S}.priority`, 'must be routine, urgent, asap or stat')

  const answers = new Map<ScreeningItem, { value: Json; at: string }>()
  list(s.supportingInfo).forEach((info, i) => {
    const reference = str((info as Json | undefined)?.reference)
    const target = reference === undefined ? undefined : contained.get(reference)
    if (target === undefined || target.resource.resourceType !== 'Observation') {
      issue(
        'invalid',
        `${S}.supportingInfo[${i}]`,
        'must refer to an Observation contained in the ServiceRequest (#id)'
      )
      return
    }
    const c = target.resource.code
    const item =
      (codeIn(c, systemOf('screening-item')) as ScreeningItem | undefined) ??
      (codeIn(c, SYSTEMS.loinc) === LOINC.housingStatus
        ? 'housingSituation'
        : codeIn(c, SYSTEMS.loinc) === LOINC.estimatedDeliveryDate
          ? 'expectedDeliveryDate'
          : undefined)
    if (item === undefined || !(item in SCREENING_ITEM_LABELS)) {
      issue('value', `${target.at}.code`, `must be a code of ${systemOf('screening-item')}`)
      return
    }
    answers.set(item, { value: target.resource, at: target.at })
  })
  const answer = (item: ScreeningItem, pointer: string, read: (o: Json, at: string) => unknown, required = true) => {
    const found = answers.get(item)
    if (found === undefined) {
      origin(pointer, `${S}.supportingInfo`)
      if (required)
        issue('required', `${S}.supportingInfo`, `needs an Observation of ${item} (${systemOf('screening-item')})`)
      return undefined
    }
    return read(found.value, found.at)
  }
  const codedAnswer = (system: string, allowed: readonly string[], pointer: string) => (o: Json, at: string) => {
    const code = codeIn(o.valueCodeableConcept, system)
    origin(pointer, `${at}.valueCodeableConcept`)
    if (code === undefined || !allowed.includes(code)) {
      issue('value', `${at}.valueCodeableConcept`, `must be a code of ${system}: ${allowed.join(', ')}`)
      return undefined
    }
    return code
  }
  const screening: Record<string, unknown> = {}
  for (const criterion of SCREENING_CRITERIA) {
    const pointer = `/screening/${criterion}`
    screening[criterion] = answer(
      criterion,
      pointer,
      codedAnswer(systemOf('screening-value'), SCREENING_VALUES, pointer)
    )
  }
  screening.incomeSource = answer(
    'incomeSource',
    '/screening/incomeSource',
    codedAnswer(systemOf('income-source'), INCOME_SOURCES, '/screening/incomeSource')
  )
  screening.housingSituation = answer(
    'housingSituation',
    '/screening/housingSituation',
    codedAnswer(systemOf('housing-situation'), HOUSING_SITUATIONS, '/screening/housingSituation')
  )
  const typed = (key: string, pointer: string, what: string) => (o: Json, at: string) => {
    origin(pointer, `${at}.${key}`)
    if (o[key] === undefined) issue('required', `${at}.${key}`, `is required: ${what}`)
    return o[key]
  }
  const household = {
    livesAloneWithChildren: answer(
      'livesAloneWithChildren',
      '/household/livesAloneWithChildren',
      typed('valueBoolean', '/household/livesAloneWithChildren', 'true or false')
    ),
    numberOfChildren: answer(
      'numberOfChildren',
      '/household/numberOfChildren',
      typed('valueInteger', '/household/numberOfChildren', 'a whole number')
    )
  }
  const dateOf = (pointer: string) => (o: Json, at: string) => {
    origin(pointer, `${at}.valueDateTime`)
    const v = str(o.valueDateTime)
    if (v === undefined) issue('required', `${at}.valueDateTime`, 'is required: a date')
    return v
  }
  const expected = answer(
    'expectedDeliveryDate',
    '/pregnancy/expectedDeliveryDate',
    dateOf('/pregnancy/expectedDeliveryDate'),
    false
  )
  const youngest = answer(
    'youngestChildBirthDate',
    '/youngestChild/birthDate',
    dateOf('/youngestChild/birthDate'),
    false
  )
  origin('/pregnancy', `${S}.supportingInfo`)
  origin('/youngestChild', `${S}.supportingInfo`)

  const requester = contained.get(str((s.requester as Json | undefined)?.reference) ?? '')
  const R = requester?.at ?? `${S}.requester`
  origin('/referrerContact', R)
  origin('/referrerContact/name', `${R}.name[0]`)
  let referrerContact: ReferralInput['referrerContact'] | undefined
  if (requester === undefined || requester.resource.resourceType !== 'Practitioner') {
    issue(
      'required',
      `${S}.requester`,
      'must refer to a contained Practitioner (#id): who to call back at your organisation'
    )
  } else {
    const r = requester.resource
    const n = (list(r.name)[0] ?? {}) as Json
    const contactName = str(n.text) ?? [list(n.given).join(' '), str(n.family)].filter((x) => x).join(' ')
    if (contactName === '') issue('required', `${R}.name[0]`, 'is required')
    const telecom = (system: string) => {
      const i = list(r.telecom).findIndex((t) => isObject(t) && t.system === system)
      origin(`/referrerContact/${system}`, `${R}.telecom[${i}].value`)
      return i < 0 ? undefined : str((list(r.telecom)[i] as Json).value)
    }
    const contactPhone = telecom('phone')
    const contactEmail = telecom('email')
    referrerContact = {
      name: contactName,
      ...(contactPhone === undefined ? {} : { phone: contactPhone }),
      ...(contactEmail === undefined ? {} : { email: contactEmail })
    }
  }

  // Consent: no consent, no referral.
  const c = consent.resource
  const C = consent.at
  origin('/consent', C)
  refersTo(c.patient, patient, `${C}.patient`, 'Patient')
  if (c.status !== 'active') issue('value', `${C}.status`, 'must be active: no consent, no referral')
  origin('/consent/givenAt', `${C}.dateTime`)
  const givenAt = str(c.dateTime)
  if (givenAt === undefined) issue('required', `${C}.dateTime`, 'is required: when she consented')
  const recordedBy = extensionValue(c, EXTENSIONS.consentRecordedBy, 'valueString')
  origin('/consent/recordedBy', `${C}.extension('${EXTENSIONS.consentRecordedBy}')`)
  if (typeof recordedBy !== 'string')
    issue('required', `${C}.extension('${EXTENSIONS.consentRecordedBy}')`, 'is required: who recorded her consent')
  const method = extensionValue(c, EXTENSIONS.consentMethod, 'valueCode')
  origin('/consent/method', `${C}.extension('${EXTENSIONS.consentMethod}')`)
  if (!CONSENT_METHODS.includes(method as never))
    issue('required', `${C}.extension('${EXTENSIONS.consentMethod}')`, `is required: ${CONSENT_METHODS.join(' or ')}`)
  const sharingScope = list(c.extension)
    .filter((e) => isObject(e) && e.url === EXTENSIONS.sharingScope)
    .map((e) => (e as Json).valueCode)
  origin('/consent/sharingScope', `${C}.extension('${EXTENSIONS.sharingScope}')`)
  if (sharingScope.length === 0)
    issue(
      'required',
      `${C}.extension('${EXTENSIONS.sharingScope}')`,
      `is required: the organisation types she agreed to share with (${SHARING_TYPES.join(', ')})`
    )
  const documentReference = str((c.sourceAttachment as Json | undefined)?.title)
  origin('/consent/documentReference', `${C}.sourceAttachment.title`)

  // Task: the referral's own identifier, who asks and who is asked.
  const t = task.resource
  const T = task.at
  refersTo(t.focus, request, `${T}.focus`, 'ServiceRequest')
  refersTo(t.for, patient, `${T}.for`, 'Patient')
  if (t.status !== 'requested') issue('value', `${T}.status`, 'must be requested')
  if (t.intent !== 'order') issue('value', `${T}.intent`, 'must be order')
  const identifier = str((list(t.identifier)[0] as Json | undefined)?.value)
  origin('/externalReference', `${T}.identifier[0].value`)
  if (identifier === undefined)
    issue(
      'required',
      `${T}.identifier`,
      "is required: your own id for this referral (its value is the referral's externalReference)"
    )
  origin('/programmeId', `${T}.owner`)
  const owner = t.owner === undefined ? null : organisationId(t.owner)
  if (t.owner !== undefined && owner === null)
    issue('invalid', `${T}.owner`, 'must be Organization/{id} of a programme')
  const requesterId = t.requester === undefined ? null : organisationId(t.requester)
  if (t.requester !== undefined && requesterId === null)
    issue('invalid', `${T}.requester`, 'must be Organization/{id}: your organisation')

  let ifNoneExist: string | null = null
  const condition = str(task.request.ifNoneExist)
  if (condition !== undefined) {
    const m = /^identifier=(?:[^|]*\|)?(.+)$/.exec(condition)
    const value = m?.[1] === undefined ? undefined : decoded(m[1])
    if (value === undefined || value !== identifier)
      issue(
        'not-supported',
        `${task.at.replace(/\.resource$/, '')}.request.ifNoneExist`,
        "must be identifier=[system|]value with the Task's own identifier"
      )
    else ifNoneExist = value
  }
  if (issues.length > 0) return { ok: false, issues }

  const input = {
    externalReference: identifier,
    mother: {
      givenName: given,
      familyName: family,
      birthDate,
      ...(insz === undefined ? { inszAbsentReason: absent } : { insz }),
      ...(phone === undefined ? {} : { phone }),
      ...(email === undefined ? {} : { email }),
      ...(address === undefined ? {} : { address }),
      preferredLanguage: languageCode?.slice(0, 2).toLowerCase(),
      interpreterNeeded: interpreter === true
    },
    ...(expected === undefined ? {} : { pregnancy: { expectedDeliveryDate: String(expected).slice(0, 10) } }),
    ...(youngest === undefined ? {} : { youngestChild: { birthDate: String(youngest).slice(0, 10) } }),
    household,
    screening,
    needs,
    reason: note,
    urgency: priority === 'routine' ? 'routine' : 'urgent',
    consent: {
      givenAt,
      recordedBy,
      method,
      sharingScope,
      ...(documentReference === undefined ? {} : { documentReference })
    },
    referrerContact,
    ...(owner === null ? {} : { programmeId: owner })
  } as ReferralInput
  return {
    ok: true,
    read: {
      input,
      origins,
      ifNoneExist,
      entries,
      requester: requesterId === null ? null : { id: requesterId, expression: `${T}.requester` }
    }
  }
}
