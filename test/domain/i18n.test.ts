import t from 'tap'
import { CATALOGUES, LANGUAGES, languageOf, message } from '../../src/i18n/index.ts'
import { PROBLEM_KINDS } from '../../src/core/problems.ts'
import { HANDOFF_STATUS_LABELS, HANDOFF_TYPE_LABELS } from '../../src/domain/handoffs.ts'
import { OUTCOMES, REASON_CODES } from '../../src/domain/reason-codes.ts'
import {
  GROUP_SESSION_THEMES,
  LIFE_DOMAIN_LABELS,
  LIFE_DOMAINS,
  ORGANISATION_TYPE_LABELS,
  ORGANISATION_TYPES,
  REFERRAL_STATUS_LABELS,
  SCREENING_CRITERIA,
  SCREENING_CRITERION_LABELS,
  TRACK_LABELS,
  TRACKS
} from '../../src/domain/vocabulary.ts'

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()

t.test('every sentence of the Dutch catalogue is translated, with the same placeholders', async (t) => {
  const keys = Object.keys(CATALOGUES.nl)
  for (const language of LANGUAGES) {
    const catalogue = CATALOGUES[language] as Record<string, string>
    t.same(Object.keys(catalogue).sort(), [...keys].sort(), `${language} has exactly the Dutch keys`)
    for (const key of keys) {
      t.ok(catalogue[key]?.trim(), `${language} ${key} is not empty`)
      t.same(
        placeholders(catalogue[key] ?? ''),
        placeholders(CATALOGUES.nl[key as keyof typeof CATALOGUES.nl]),
        `${language} ${key} placeholders`
      )
    }
  }
  for (const kind of Object.keys(PROBLEM_KINDS)) t.ok(keys.includes(`problem.${kind}`), `problem ${kind} has a title`)
})

t.test('every code of every vocabulary has a Dutch and an English label', async (t) => {
  const tables: Array<[string, Record<string, { nl: string; en: string }>, readonly string[]]> = [
    ['reason codes', REASON_CODES, Object.keys(REASON_CODES)],
    ['outcomes', OUTCOMES, Object.keys(OUTCOMES)],
    ['statuses', REFERRAL_STATUS_LABELS, Object.keys(REFERRAL_STATUS_LABELS)],
    ['handoff types', HANDOFF_TYPE_LABELS, Object.keys(HANDOFF_TYPE_LABELS)],
    ['handoff statuses', HANDOFF_STATUS_LABELS, Object.keys(HANDOFF_STATUS_LABELS)],
    ['themes', GROUP_SESSION_THEMES, Object.keys(GROUP_SESSION_THEMES)],
    ['tracks', TRACK_LABELS, TRACKS],
    ['life domains', LIFE_DOMAIN_LABELS, LIFE_DOMAINS],
    ['criteria', SCREENING_CRITERION_LABELS, SCREENING_CRITERIA],
    ['organisation types', ORGANISATION_TYPE_LABELS, ORGANISATION_TYPES]
  ]
  for (const [name, table, codes] of tables)
    for (const code of codes)
      for (const language of LANGUAGES) t.ok(table[code]?.[language]?.trim(), `${name}: ${code} in ${language}`)
})

t.test('Accept-Language picks Dutch or English; Dutch when absent or unmatched', async (t) => {
  t.equal(languageOf(undefined), 'nl')
  t.equal(languageOf(''), 'nl')
  t.equal(languageOf('en'), 'en')
  t.equal(languageOf('en-GB,en;q=0.9'), 'en')
  t.equal(languageOf('nl-BE,en;q=0.5'), 'nl')
  t.equal(languageOf('de'), 'nl')
  t.equal(languageOf('fr-BE, en;q=0.3'), 'en')
  t.equal(
    message('nl', 'report.period', { from: '2026-01-01', last: '2026-12-31' }),
    'Periode 2026-01-01 tot en met 2026-12-31'
  )
})
