import t from 'tap'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { hasTemplate, translateDetail } from '../../src/i18n/details.ts'
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

/**
 * Every message the code can write into a problem: the literals in the places a refusal is worded
 * (a ProblemError's detail, a field's message, the rules' returned reasons), each `${…}` standing for
 * any text. Each must have a Dutch template.
 */
function sourceMessages(): Array<{ where: string; text: string }> {
  const root = new URL('../../src/', import.meta.url).pathname
  const files = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory()
        ? ['i18n', 'schemas'].includes(e.name)
          ? []
          : files(join(dir, e.name))
        : e.name.endsWith('.ts') && !['seed-demo.ts', 'logging.ts'].includes(e.name)
          ? [join(dir, e.name)]
          : []
    )
  const literal = String.raw`('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|\x60(?:[^\x60\\]|\\.)*\x60)`
  const places = [
    new RegExp(String.raw`new ProblemError\(\s*'[a-z-]+',\s*${literal}`, 'g'),
    new RegExp(String.raw`(?:notFound|unauthorized|invalidCursor)\(${literal}\)`, 'g'),
    new RegExp(String.raw`\bmessage: ${literal}`, 'g'),
    new RegExp(String.raw`\breason: ${literal}`, 'g'),
    new RegExp(String.raw`fault\(path, '[a-zA-Z]+', ${literal}`, 'g'),
    // The FHIR interface's refusals of one element (`issue(code, expression, message)`, `refuse(parameter, message)`).
    new RegExp(String.raw`\bissue\(\s*'[a-z-]+',\s*(?:'[^']*'|\x60[^\x60]*\x60),\s*${literal}`, 'g'),
    new RegExp(String.raw`\brefuse\(\s*[\w'"]+,\s*${literal}`, 'g')
  ]
  const rules = /(referral-rules|handoffs|group-sessions|reason-codes|webhook-url)\.ts$/
  const found: Array<{ where: string; text: string }> = []
  for (const file of files(root)) {
    const source = readFileSync(file, 'utf8')
    const patterns = rules.test(file) ? [...places, new RegExp(String.raw`\breturn ${literal}`, 'g')] : places
    for (const pattern of patterns)
      for (const m of source.matchAll(pattern)) {
        const raw = m[1] as string
        const text = raw
          .slice(1, -1)
          .replace(/\$\{[^}]*\}/g, 'X')
          .replace(/\\(.)/g, '$1')
        // Codes and views a rule returns are not messages; a message has a space in it.
        if (text.includes(' ')) found.push({ where: `${file.slice(root.length)}: ${raw.slice(0, 60)}`, text })
      }
  }
  // The word lists of messages kept as objects.
  for (const [file, name] of [
    ['domain/referral-rules.ts', 'INSZ_MESSAGES'],
    ['plugins/errors.ts', 'FORMAT_WORDS']
  ] as const) {
    const source = readFileSync(join(root, file), 'utf8')
    const block = source.slice(source.indexOf(`const ${name}`), source.indexOf('}', source.indexOf(`const ${name}`)))
    for (const m of block.matchAll(/:\s*\n?\s*('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")/g))
      found.push({ where: `${file}: ${name}`, text: (m[1] as string).slice(1, -1) })
  }
  return found
}

t.test('every refusal the code can word has a Dutch template', async (t) => {
  const messages = sourceMessages()
  t.ok(messages.length >= 120, `${messages.length} messages found in the code`)
  for (const { where, text } of messages) t.ok(hasTemplate(text), `${where} → "${text}"`)
  t.equal(
    translateDetail('Referral does not exist or is not yours to see', 'nl'),
    'Doorverwijzing bestaat niet of is niet van u om in te zien',
    'a word carried over is translated too'
  )
  t.equal(translateDetail('must not have more than 3 characters', 'nl'), 'mag niet meer dan 3 tekens hebben')
  t.equal(translateDetail('is required when status is completed', 'en'), 'is required when status is completed')
  t.equal(translateDetail('something nobody wrote', 'nl'), 'something nobody wrote', 'unknown: as it was')
})
