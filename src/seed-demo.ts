import { loadConfig, ConfigError, type Config } from './config.ts'
import { migrateDatabase } from './db/migrate.ts'
import { fixedClock, principalOf, type Caller, type Principal } from './core/caller.ts'
import { standaloneDeps, type ServiceDeps } from './services/deps.ts'
import { getOrganisation, issueClient, onboardOrganisation } from './services/organisations.ts'
import { programmeAreas } from './db/queries/organisations.ts'
import { addWorker, listWorkers } from './services/workers.ts'
import { serviceAreaOverlaps } from './domain/routing.ts'
import { createReferral, transitionReferral } from './services/referrals.ts'
import { findReferral } from './db/queries/referrals.ts'
import { putAssessment } from './services/assessments.ts'
import { recordGroupSession, replaceGroupSessionAttendance } from './services/group-sessions.ts'
import { addDays, addMonths, belgianDate, daysBetween } from './domain/dates.ts'
import { createHandoff, decideHousing, transitionHandoff } from './services/handoffs.ts'
import { SCOPES_BY_ORGANISATION_TYPE } from './domain/scopes.ts'
import {
  GROUP_SESSION_THEMES,
  LIFE_DOMAINS,
  type GroupSessionTheme,
  type OrganisationType,
  type Track
} from './domain/vocabulary.ts'
import type { ReferralInput } from './schemas/referrals.ts'

/** A small deterministic PRNG (mulberry32): the same demo every time. */
function prng(seed: number) {
  let a = seed
  const next = () => {
    a = (a + 0x6d2b79f5) | 0
    let r = Math.imul(a ^ (a >>> 15), 1 | a)
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296
  }
  const normal = (mean: number, sd: number) =>
    mean + sd * Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next())
  return {
    next,
    chance: (p: number) => next() < p,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)] as T,
    normal: (mean: number, sd: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, normal(mean, sd)))
  }
}

// Synthetic names only: no real person.
const GIVEN = [
  'Aya',
  'Sara',
  'Lotte',
  'Nour',
  'Emma',
  'Fatima',
  'Marie',
  'Yasmina',
  'Lina',
  'Amira',
  'Julie',
  'Sofia',
  'Hanna',
  'Ines',
  'Noor',
  'Elif',
  'Mila',
  'Zara',
  'Olena',
  'Amal'
]
const FAMILY = [
  'Demovoorbeeld',
  'Testerman',
  'Fictief',
  'Proefmans',
  'Synthetica',
  'Vandemo',
  'Oefenberg',
  'Nepveu',
  'Schijnhout',
  'Voorbeeldt'
]
const POSTCODES = ['2800', '2801', '2811', '2812']

interface Party {
  organisationId: string
  principal: Principal
  key: string
  name: string
}

async function party(deps: ServiceDeps, name: string, type: OrganisationType, serviceArea?: string[]): Promise<Party> {
  // A programme already serving the demo's postal codes (an earlier demo) is used again: a second
  // one for the same codes would be refused, as it would leave them without a single programme.
  const serving = serviceArea === undefined ? [] : serviceAreaOverlaps(await programmeAreas(deps.db), null, serviceArea)
  const organisation =
    serving[0] === undefined
      ? await onboardOrganisation(deps, { name, type, serviceArea })
      : await getOrganisation(deps, serving[0].programmeId)
  const scopes = [...SCOPES_BY_ORGANISATION_TYPE[type]]
  const { client, key } = await issueClient(deps, organisation.id, { name: 'demo', scopes })
  return {
    organisationId: organisation.id,
    key,
    name: organisation.name,
    principal: principalOf({ clientId: client.id, organisationId: organisation.id, organisationType: type, scopes })
  }
}

/** The demo programme's social workers (those of an earlier demo again): their ids. */
async function demoWorkers(deps: ServiceDeps, caller: Caller, programmeId: string): Promise<string[]> {
  const existing = await listWorkers(deps, caller, programmeId)
  const ids: string[] = []
  for (const [name, phone] of DEMO_WORKERS) {
    const found = existing.find((w) => w.name === name)
    const worker =
      found ??
      (await addWorker(deps, caller, programmeId, {
        name,
        role: 'maatschappelijk werker',
        workPhone: phone,
        workEmail: `${name.split(' ')[0]?.toLowerCase()}@opkomst.example.be`
      }))
    ids.push(worker.id)
  }
  return ids
}

const DEMO_WORKERS = [
  ['Ella Peeters', '+32 15 44 55 01'],
  ['Katleen Janssens', '+32 15 44 55 02'],
  ['Sam Maes', '+32 15 44 55 03']
] as const

function inszFor(birthDate: string, serial: number): string {
  const yymmdd = birthDate.slice(2, 4) + birthDate.slice(5, 7) + birthDate.slice(8, 10)
  const body = Number(yymmdd + String(serial).padStart(3, '0'))
  const check = 97 - ((birthDate.startsWith('20') ? 2_000_000_000 + body : body) % 97)
  return `${yymmdd}${String(serial).padStart(3, '0')}${String(check).padStart(2, '0')}`
}

const atNoon = (date: string) => new Date(`${date}T11:00:00Z`)

type Act = (p: Party, at: Date, action: string) => Caller

/** An income-support handoff to the OCMW, taken up and (mostly) settled within a month. */
async function incomeSupport(
  deps: ServiceDeps,
  c: { programme: Party; ocmw: Party; act: Act; today: string },
  referralId: string,
  on: string,
  settles: boolean
) {
  const handoff = await createHandoff(deps, c.act(c.programme, atNoon(on), 'handoff'), referralId, {
    type: 'income_support',
    toOrganisationId: c.ocmw.organisationId,
    reason: 'Leefloon en kinderbijslag regelen (demo).'
  })
  const steps: Array<[number, 'received' | 'accepted' | 'in-progress' | 'completed']> = [
    [0, 'received'],
    [2, 'accepted'],
    [3, 'in-progress'],
    ...(settles ? [[30, 'completed'] as [number, 'completed']] : [])
  ]
  for (const [i, [days, status]] of steps.entries()) {
    const day = addDays(on, days)
    if (day > c.today) return
    await transitionHandoff(deps, c.act(c.ocmw, atNoon(day), 'handoff'), handoff.id, `"${i + 1}"`, { status })
  }
}

/** A housing-priority handoff: accepted, priority granted, a dwelling allocated `allocatedAfter` days on. */
async function housingPriority(
  deps: ServiceDeps,
  c: { programme: Party; housing: Party; act: Act; today: string },
  referralId: string,
  on: string,
  allocatedAfter: number
) {
  const handoff = await createHandoff(deps, c.act(c.programme, atNoon(on), 'handoff'), referralId, {
    type: 'housing_priority',
    toOrganisationId: c.housing.organisationId,
    reason: 'Dakloos na de bevalling (demo).'
  })
  let version = 1
  const as = (day: string) => c.act(c.housing, atNoon(day), 'handoff')
  for (const status of ['received', 'accepted'] as const)
    version = (await transitionHandoff(deps, as(on), handoff.id, `"${version}"`, { status })).version
  const granted = addDays(on, 5)
  if (granted > c.today) return
  await decideHousing(deps, as(granted), handoff.id, { decision: 'granted', validUntil: addMonths(granted, 6) })
  const allocated = addDays(on, allocatedAfter)
  if (allocated > c.today) return
  version = (
    await decideHousing(deps, as(allocated), handoff.id, {
      decision: 'allocated',
      allocatedOn: allocated,
      municipality: 'Mechelen'
    })
  ).version
  for (const status of ['in-progress', 'completed'] as const)
    version = (await transitionHandoff(deps, as(allocated), handoff.id, `"${version}"`, { status })).version
}

/** The group session a mother would join on or after `day`: Opkomst meets on Thursdays, Opkomst+ on Tuesdays. */
function sessionDay(day: string, track: Track): string {
  const weekday = track === 'opkomst' ? 4 : 2
  const offset = (weekday - atNoon(day).getUTCDay() + 7) % 7
  return addDays(day, offset)
}

/**
 * A demo network (hospital, programme, OCMW, housing company) and about `mothers` synthetic
 * mothers referred since January 2020, shaped like the programme's published figures.
 */
export async function seedDemo(deps: ServiceDeps, options: { mothers?: number; seed?: number; today?: string } = {}) {
  const rnd = prng(options.seed ?? 2020)
  const today = options.today ?? belgianDate(new Date())
  const stamp = Date.now().toString(36)
  const hospital = await party(deps, `Ziekenhuis Demo (${stamp})`, 'hospital')
  const programme = await party(deps, `Opkomst Demo (${stamp})`, 'programme', POSTCODES)
  const ocmw = await party(deps, `OCMW Demo (${stamp})`, 'ocmw')
  const housing = await party(deps, `Woonmaatschappij Demo (${stamp})`, 'housing')
  const count = options.mothers ?? 320
  const first = '2020-01-15'
  const span = daysBetween(first, addDays(today, -21))
  const act = (p: Party, at: Date, action: string): Caller => ({
    principal: p.principal,
    requestId: `seed-${stamp}`,
    purpose: 'demo',
    action,
    clock: fixedClock(at),
    actingWorkerId: null
  })
  const workers = await demoWorkers(deps, act(programme, new Date(), 'workers'), programme.organisationId)
  let referred = 0
  // Who joins which session (`track|day`), recorded once every referral is in.
  const attendance = new Map<string, Set<string>>()

  for (let i = 0; i < count; i++) {
    const track: Track = rnd.chance(0.6) ? 'opkomst' : 'opkomst_plus'
    const plus = track === 'opkomst_plus'
    const referredOn = addDays(first, Math.floor((span * i) / count) + rnd.int(0, 3))
    const startOn = addDays(referredOn, rnd.int(1, 6))
    if (startOn > addDays(today, -1)) continue
    const age = Math.round(rnd.normal(plus ? 22 : 29, plus ? 3 : 5, 17, 44))
    const birthDate = `${Number(referredOn.slice(0, 4)) - age}-${String(rnd.int(1, 12)).padStart(2, '0')}-${String(rnd.int(1, 28)).padStart(2, '0')}`
    const pregnant = rnd.chance(0.88)
    const month = rnd.normal(7, 1.1, 3, 9)
    const due = addDays(startOn, Math.round(280 - month * 30.4375))
    const referrer = rnd.chance(0.7) ? hospital : ocmw
    const badHousing = rnd.chance(0.4)
    const input: ReferralInput = {
      externalReference: `DEMO-${stamp}-${i}`,
      programmeId: programme.organisationId,
      mother: {
        givenName: rnd.pick(GIVEN),
        familyName: rnd.pick(FAMILY),
        birthDate,
        insz: inszFor(birthDate, rnd.int(1, 997)),
        phone: `+32 470 00 ${String(rnd.int(10, 99))} ${String(rnd.int(10, 99))}`,
        address: {
          street: 'Demostraat',
          houseNumber: String(rnd.int(1, 200)),
          postalCode: rnd.pick(POSTCODES),
          municipality: 'Mechelen'
        },
        preferredLanguage: rnd.pick(['nl', 'nl', 'nl', 'fr', 'ar', 'en', 'uk']),
        interpreterNeeded: rnd.chance(0.2)
      },
      ...(pregnant
        ? { pregnancy: { expectedDeliveryDate: due } }
        : { youngestChild: { birthDate: addDays(referredOn, -rnd.int(20, 240)) } }),
      household: {
        livesAloneWithChildren: rnd.chance(plus ? 0.5 : 0.2),
        numberOfChildren: pregnant ? rnd.int(0, 3) : rnd.int(1, 4)
      },
      screening: {
        income: rnd.pick(['vulnerable', 'vulnerable', 'not_vulnerable', 'unknown'] as const),
        employment: rnd.pick(['vulnerable', 'not_vulnerable', 'unknown'] as const),
        education: rnd.pick(['vulnerable', 'not_vulnerable', 'unknown'] as const),
        housing: badHousing ? 'vulnerable' : 'not_vulnerable',
        childDevelopment: rnd.pick(['vulnerable', 'not_vulnerable', 'unknown'] as const),
        health: rnd.pick(['vulnerable', 'not_vulnerable', 'unknown'] as const),
        incomeSource: rnd.chance(0.05)
          ? 'unknown'
          : rnd.chance(plus ? 0.4 : 0.3)
            ? 'none'
            : rnd.pick(['benefit', 'work', 'other'] as const),
        housingSituation: rnd.chance(0.04)
          ? 'unknown'
          : badHousing
            ? rnd.pick(['poor_quality', 'overcrowded', 'insecure', 'homeless'] as const)
            : 'adequate'
      },
      needs: [...new Set([rnd.pick(LIFE_DOMAINS), rnd.pick(LIFE_DOMAINS)])],
      reason: 'Synthetische demo-doorverwijzing.',
      urgency: rnd.chance(0.15) ? 'urgent' : 'routine',
      consent: {
        givenAt: atNoon(addDays(referredOn, -1)).toISOString(),
        recordedBy: 'Demo',
        method: rnd.pick(['verbal', 'written'] as const),
        sharingScope: ['programme', 'ocmw', 'housing', 'child_family']
      },
      referrerContact: { name: 'Demo maatschappelijk werker' }
    }
    const created = await createReferral(deps, act(referrer, atNoon(referredOn), 'create'), input)
    referred++
    // At its current version: handoffs and housing decisions move it on too.
    const step = async (on: string, body: Parameters<typeof transitionReferral>[4]) => {
      const current = await findReferral(deps.db, created.id)
      return transitionReferral(
        deps,
        act(programme, atNoon(on), 'transition'),
        created.id,
        `"${current!.version}"`,
        body
      )
    }

    await step(startOn, { status: 'accepted', track, assignedWorkerId: rnd.pick(workers) })
    const firstContact = addDays(startOn, rnd.int(1, 10))
    if (firstContact > today) continue
    await step(firstContact, { status: 'in-progress', firstContactOn: firstContact })
    const start: Partial<Record<(typeof LIFE_DOMAINS)[number], number>> = {}
    for (const d of LIFE_DOMAINS) if (rnd.chance(0.85)) start[d] = rnd.int(1, 3)
    await putAssessment(deps, act(programme, atNoon(firstContact), 'assessment'), created.id, 'start', undefined, {
      assessedOn: firstContact,
      scores: start
    })
    if (rnd.chance(plus ? 0.06 : 0.5)) {
      for (let s = rnd.int(1, 4); s > 0; s--) {
        const on = sessionDay(addDays(firstContact, rnd.int(7, 150)), track)
        if (on > today) continue
        const key = `${track}|${on}`
        attendance.set(key, (attendance.get(key) ?? new Set()).add(created.id))
      }
    }
    // Some need the OCMW's income support or a dwelling: handed on, taken up, settled before guidance ends.
    const handedOn = addDays(firstContact, rnd.int(3, 40))
    if (handedOn <= today && rnd.chance(plus ? 0.35 : 0.2)) {
      await incomeSupport(deps, { programme, ocmw, act, today }, created.id, handedOn, rnd.chance(0.85))
    }
    if (handedOn <= today && rnd.chance(plus ? 0.15 : 0.06)) {
      await housingPriority(deps, { programme, housing, act, today }, created.id, handedOn, rnd.int(40, 120))
    }
    const endOn = addDays(firstContact, rnd.int(200, plus ? 700 : 330))
    if (endOn > today) continue
    if (rnd.chance(0.06)) {
      await step(endOn, { status: 'failed', reasonCode: 'unreachable', closeOpenHandoffs: true })
      continue
    }
    const end: Partial<Record<(typeof LIFE_DOMAINS)[number], number>> = {}
    for (const [d, s] of Object.entries(start))
      end[d as (typeof LIFE_DOMAINS)[number]] = Math.min(5, s + rnd.pick([0, 1, 1, 1, 2, 2]))
    await putAssessment(deps, act(programme, atNoon(endOn), 'assessment'), created.id, 'end', undefined, {
      assessedOn: endOn,
      scores: end
    })
    await step(endOn, {
      status: 'completed',
      outcome: rnd.chance(0.9) ? 'guidance_completed' : 'transferred',
      closeOpenHandoffs: true
    })
  }
  const themes = Object.keys(GROUP_SESSION_THEMES) as GroupSessionTheme[]
  for (const [key, referralIds] of [...attendance].sort(([a], [b]) => a.localeCompare(b))) {
    const [track, heldOn] = key.split('|') as [Track, string]
    const caller = act(programme, atNoon(heldOn), 'group session')
    const session = await recordGroupSession(deps, caller, {
      heldOn,
      theme: rnd.pick(themes),
      track,
      place: 'Huis van het Kind, Demostraat',
      facilitatorWorkerId: rnd.pick(workers)
    })
    await replaceGroupSessionAttendance(deps, caller, session.id, '"1"', [...referralIds])
  }
  return { referred, parties: { hospital, programme, ocmw, housing } }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  let config: Config
  try {
    config = loadConfig()
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message)
      process.exit(1)
    }
    throw e
  }
  await migrateDatabase(config.DATABASE_URL, config.MIGRATION_LOCK_TIMEOUT_MS)
  const { deps, close } = standaloneDeps(config, (m) => console.error(m))
  const started = Date.now()
  const { referred, parties } = await seedDemo(deps)
  await close()
  console.log(
    `Seeded ${referred} synthetic referrals in ${((Date.now() - started) / 1000).toFixed(1)} s. API keys (shown once):`
  )
  for (const [role, p] of Object.entries(parties))
    console.log(`  ${role.padEnd(9)} ${p.name.padEnd(34)} organisation ${p.organisationId}  key ${p.key}`)
  console.log(
    `Try: curl -H "authorization: Bearer ${parties.programme.key}" "${config.PUBLIC_BASE_URL}/reports/impact?from=2020-01-01&to=${belgianDate(new Date())}"`
  )
  console.log(
    `and the chart: ${config.PUBLIC_BASE_URL}/reports/impact/progress.svg?from=2020-01-01&to=${belgianDate(new Date())} (same header)`
  )
}
